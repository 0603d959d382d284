package validator

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/apivalidation"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/yamlerr"
	"github.com/eastern-k8s/eastern/internal/yamlnode"
	"github.com/eastern-k8s/eastern/manifest"
	"github.com/eastern-k8s/eastern/schema"
)

// Options for one validation.
type Options struct {
	Release     string // Kubernetes release as schema.ParseRelease reads it, e.g. "1.29"
	StrictKinds bool   // kinds without a schema are errors instead of info
	// Lines maps output lines to template lines; when set, every finding
	// Validate returns is in template coordinates, with its chain of
	// loads. engine.SourceMap is one.
	Lines LineMap
	// Namespace is the namespace the output was rendered for: objects
	// that name none land there when applied with kubectl apply -n, so it
	// stands in for an absent metadata.namespace when looking for
	// duplicates. Empty means unknown.
	Namespace string
	// CRDs, when set, checks custom resources against their
	// CustomResourceDefinitions; give each Validate call its own.
	CRDs CustomResources
	// Visit, when set, is called with every object and its mapping node
	// as the object is checked: the checks of package checks read the
	// tree the validator built instead of parsing the document again.
	// The nodes are reused once Visit returns, so it must copy what it
	// keeps. at gives a node's output position (not mapped through
	// Lines), valid only during the call.
	Visit func(o Object, m *yaml.Node, at func(*yaml.Node) diag.Position)
}

// Object identifies one manifest object found in the output.
type Object struct {
	GVK       schema.GVK
	Namespace string   // metadata.namespace as written ("" if absent)
	Name      string   // metadata.name or generateName
	Line      int      // output line of the object's first key (not of the --- before it)
	Coverage  Coverage // what the object was checked against
}

// Validate checks every YAML document of a rendered output (the whole
// multi-document stream). With Options.Lines, findings are at template
// positions, with the chain of loads; without, at 1-based line and column
// of the output, with Pos.File empty. It fills Severity, Rule, Message,
// Pos, Chain, Release, Object ("Deployment/web") and Field
// ("spec.template.spec.containers[0].env[1].value"); it never formats text
// for people beyond Message. Findings come in output order — a document's
// first 100 are the first by output position — by line, then column.
//
// The objects are every mapping document, with a List standing for its
// items, in output order; Object.Line is the line of the object's first key
// (not of the `---` before it), so it maps to the template line that
// starts the object.
func Validate(output []byte, opts Options) (diag.Findings, []Object) {
	return validate(output, opts, embedded{})
}

func validate(output []byte, opts Options, cat catalog) (diag.Findings, []Object) {
	c := &checker{opts: opts, cat: cat, seen: map[manifest.Key]bool{}, verdicts: map[schema.GVK]apiVerdict{}, blocks: getBlockParser(),
		path: make([]segment, 0, 16)} // deep enough for most manifests' fields
	c.visitAt = c.contentPosition
	defer c.blocks.release()
	c.apiReport = c.reportAPI // one method value for every object, not one each
	release := opts.Release
	if !slices.Contains(cat.releases(), release) {
		// Not a release the catalog names: perhaps one written as users
		// write them ("v1.29", "1.29.3"), else one eastern does not know.
		var err error
		if release, err = schema.ParseRelease(release); err != nil {
			c.add(diag.Error, RuleRelease, nil, err.Error())
		}
	}
	if release != "" {
		c.opts.Release = release
		if rel, err := cat.load(release); err != nil {
			c.add(diag.Error, RuleUnavailable, nil, err.Error())
		} else {
			c.rel = rel
		}
	}
	c.defineCRDs(output)
	for text, start := range manifest.Documents(output) {
		c.checkDocument(document{text: text, start: start})
	}
	c.finishOutput()
	slices.SortStableFunc(c.findings, byPosition)
	if opts.Lines != nil {
		// The walk orders and cuts findings by output position; what
		// leaves here is in the one coordinate users see.
		for _, f := range c.findings {
			f.Pos, f.Chain = opts.Lines.Position(f.Pos.Line, f.Pos.Col)
		}
	}
	return c.findings, c.objects
}

// LineMap says where lines of the validated output came from.
type LineMap interface {
	// Position returns the template position of output line (1-based)
	// and column (0 for the whole line), and the loads that led there.
	Position(line, col int) (diag.Position, []diag.Position)
}

func byPosition(a, b *diag.Finding) int {
	if a.Pos.Line != b.Pos.Line {
		return a.Pos.Line - b.Pos.Line
	}
	return a.Pos.Col - b.Pos.Col
}

// checker carries one Validate call's state: findings so far, the objects
// seen, and the position of the walk in the current document.
type checker struct {
	opts     Options
	cat      catalog
	rel      *schema.Release // nil when the release could not be loaded
	findings diag.Findings
	objects  []Object
	seen     map[manifest.Key]bool
	verdicts map[schema.GVK]apiVerdict
	blocks   *blockParser                   // reads most documents; yaml.v3 the others
	visitAt  func(*yaml.Node) diag.Position // contentPosition, made once for Options.Visit
	// apiReport is reportAPI, for apivalidation.Check.
	apiReport apivalidation.Report

	// Whether some document is a Kubernetes object, and the documents
	// that have no apiVersion and kind, held back until the end of the
	// output shows whether it is a manifest at all.
	sawObject  bool
	unmarked   []heldDocument
	toolConfig []*diag.Finding // one per document of tool configuration

	// Per document and object.
	doc       docState
	object    string // "Deployment/web" for findings
	gvk       schema.GVK
	path      []segment // field path from the document root
	rootDepth int       // len(path) at the current object's root
	fieldRels map[string][]string
}

// add records a finding at node (nil: no position) with the current path.
func (c *checker) add(sev diag.Severity, rule string, node *yaml.Node, msg string) {
	pos := c.position(node)
	if c.dropping(sev, pos) {
		return
	}
	f := &diag.Finding{
		Severity: sev,
		Rule:     rule,
		Message:  msg,
		Pos:      pos,
		Release:  c.opts.Release,
		Object:   c.object,
		Field:    formatPath(c.path),
	}
	c.record(f)
}

// objectLine is the output line of m, with no check that it lies in the
// document: it does, being a key's, and checking costs a pass over it.
func (c *checker) objectLine(m *yaml.Node) int {
	line, _ := c.doc.lines.Position(m.Line, 0)
	return c.doc.start + line - 1
}

func (c *checker) push(s segment) { c.path = append(c.path, s) }
func (c *checker) pop()           { c.path = c.path[:len(c.path)-1] }

// document is one YAML document of a rendered stream: its text, including
// the `---` line that opened it (yaml.v3 understands content after the
// marker), and the output line its text starts on.
type document struct {
	text  []byte
	start int // 1-based output line of text's first line
}

func (c *checker) checkDocument(d document) {
	c.object, c.path = "", c.path[:0]
	c.startDocument(d)
	findings, objects := len(c.findings), len(c.objects)
	unmarked := c.checkBody(d)
	c.finishDocument()
	if unmarked != nil {
		h := heldDocument{at: unmarked, findings: slices.Clone(c.findings[findings:]), objects: slices.Clone(c.objects[objects:])}
		c.findings, c.objects = c.findings[:findings], c.objects[:objects]
		c.unmarked = append(c.unmarked, h)
	}
}

// heldDocument is a document without apiVersion and kind: its findings
// and objects count only if the output turns out to be a manifest.
type heldDocument struct {
	at       *diag.Finding // where the note about the output goes
	findings diag.Findings
	objects  []Object
}

// finishOutput decides about what is not a Kubernetes object. Documents
// without apiVersion and kind are mistakes in a manifest, but an output
// without a single Kubernetes object is some other YAML (docker-compose,
// a CI workflow, Helm values): one note says it is not checked. Tool
// configuration (a Kustomization, a kubeconfig) is never checked, and one
// note per output says so.
func (c *checker) finishOutput() {
	if len(c.toolConfig) > 0 {
		f := c.toolConfig[0]
		if n := len(c.toolConfig) - 1; n > 0 {
			more := "documents"
			if n == 1 {
				more = "document"
			}
			f.Message += fmt.Sprintf(" (and %d more %s of tool configuration)", n, more)
		}
		c.findings = append(c.findings, f)
	}
	if len(c.unmarked) == 0 {
		return
	}
	if !c.sawObject {
		if len(c.toolConfig) == 0 {
			f := c.unmarked[0].at
			f.Message = "not a Kubernetes manifest: no document has apiVersion and kind; not checked"
			c.findings = append(c.findings, f)
		}
		return
	}
	for _, h := range c.unmarked {
		c.findings = append(c.findings, h.findings...)
		c.objects = append(c.objects, h.objects...)
	}
	// Back in output order, which the objects' lines are.
	slices.SortStableFunc(c.objects, func(a, b Object) int { return a.Line - b.Line })
}

// checkBody checks one document. For a document that has neither
// apiVersion nor kind it returns the note to give should the output have
// no Kubernetes object at all; nil for any other.
func (c *checker) checkBody(d document) (unmarked *diag.Finding) {
	root, ok := c.blocks.parse(d.text)
	if !ok {
		root = new(yaml.Node)
		if err := yaml.Unmarshal(d.text, root); err != nil {
			if !endMarkerOnly(d.text) {
				c.syntaxError(d, err)
			}
			return nil
		}
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil // empty or comments only
	}
	body := root.Content[0]
	if yamlnode.IsNull(body) {
		return nil
	}
	if body.Kind != yaml.MappingNode {
		note := c.note(RuleNotManifest, body, "")
		c.duplicateKeys(body, nil)
		c.add(diag.Error, RuleShape, body, "a manifest must be a mapping of fields, got "+typeOf(body))
		return note
	}
	apiNode, kindNode := c.resolve(c.lookup(body, "apiVersion")), c.resolve(c.lookup(body, "kind"))
	if apiNode == nil && kindNode == nil {
		note := c.note(RuleNotManifest, body, "")
		defer func() { unmarked = note }()
	} else {
		apiVersion, _ := stringValue(apiNode)
		kind, _ := stringValue(kindNode)
		if tool, ok := manifest.ToolConfig(apiVersion, kind); ok {
			c.push(segment{name: "kind"})
			c.toolConfig = append(c.toolConfig, c.note(RuleNotManifest, cmp.Or(kindNode, body),
				fmt.Sprintf("%s (%s) is configuration for %s, not a Kubernetes object: not checked", kind, apiVersion, tool)))
			c.pop()
			return nil
		}
		c.sawObject = true
	}
	if items, listGVK, ok := c.listItems(body); ok {
		// The list's own keys name no object; each item's keys are
		// checked with the item, so that their findings name it.
		c.duplicateKeys(body, items)
		c.checkList(body, items, listGVK)
		return nil
	}
	c.object = c.identify(body, schema.GVK{})
	c.duplicateKeys(body, nil)
	c.checkObject(body, schema.GVK{})
	return nil
}

// note makes an info finding at node with the current path, without
// recording it: the caller decides whether it is given.
func (c *checker) note(rule string, node *yaml.Node, msg string) *diag.Finding {
	return &diag.Finding{Severity: diag.Info, Rule: rule, Message: msg, Pos: c.position(node),
		Release: c.opts.Release, Field: formatPath(c.path)}
}

// identify names the object m for findings as far as it is known (see
// objectLabel). def.Kind stands in for an absent kind (items of a typed
// list).
func (c *checker) identify(m *yaml.Node, def schema.GVK) string {
	meta := c.resolve(c.lookup(m, "metadata"))
	if meta != nil && meta.Kind != yaml.MappingNode {
		meta = nil
	}
	name, _, _ := stringField(c, meta, "name")
	if name == "" {
		name, _, _ = stringField(c, meta, "generateName")
	}
	kind, _ := stringValue(c.resolve(c.lookup(m, "kind")))
	if kind == "" {
		kind = def.Kind
	}
	return manifest.Label(kind, name)
}

// Label names the object as findings on it name it in Finding.Object:
// reports group findings by object by comparing the two.
func (o Object) Label() string { return manifest.Label(o.GVK.Kind, o.Name) }

// syntaxError reports a yaml.v3 parse error at the line it names. Errors on
// the document's first line name none (yaml.v3 omits line 0 of its own
// count), and neither does an unknown alias, which is found by its text.
func (c *checker) syntaxError(d document, err error) {
	line, msg := yamlerr.Position(err, d.text) // in \n-separated lines already
	c.record(&diag.Finding{Severity: diag.Error, Rule: RuleSyntax, Message: msg,
		Pos: diag.Position{Line: d.start + line - 1}, Release: c.opts.Release})
}

// endMarkerOnly reports whether text holds nothing but blank lines,
// comments and document markers. YAML reads that as an empty stream, but
// yaml.v3 rejects a lone `...` ("did not find expected node content").
func endMarkerOnly(text []byte) bool {
	for len(text) > 0 {
		line := text
		if i := bytes.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = nil
		}
		line = bytes.Trim(line, " \t\r")
		if manifest.IsMarker(line, "...") || manifest.IsMarker(line, "---") {
			// A comment may follow a marker after a blank.
			line = bytes.TrimLeft(line[3:], " \t")
		}
		if len(line) > 0 && line[0] != '#' {
			return false
		}
	}
	return true
}

// listItems recognises a List document: kind List (any apiVersion,
// conventionally v1), or a typed list such as DeploymentList that no
// schema describes, with an items sequence. For typed lists the item kind
// defaults to the list's kind without "List", as in API responses.
func (c *checker) listItems(m *yaml.Node) (items *yaml.Node, itemGVK schema.GVK, ok bool) {
	kind, _ := stringValue(c.lookup(m, "kind"))
	apiVersion, _ := stringValue(c.lookup(m, "apiVersion"))
	if kind != "List" && !(strings.HasSuffix(kind, "List") && c.rel != nil && c.rel.Kind(schema.ParseGVK(apiVersion, kind)) == nil) {
		return nil, itemGVK, false
	}
	items = c.resolve(c.lookup(m, "items"))
	if kind != "List" && (items == nil || items.Kind != yaml.SequenceNode) {
		return nil, itemGVK, false
	}
	if kind != "List" {
		itemGVK = schema.ParseGVK(apiVersion, strings.TrimSuffix(kind, "List"))
	}
	return items, itemGVK, true
}

// checkList checks a List's items, each as an object of its own.
func (c *checker) checkList(m, items *yaml.Node, itemGVK schema.GVK) {
	if v, ok := stringValue(c.lookup(m, "apiVersion")); !ok || v == "" {
		c.add(diag.Error, RuleShape, m, "missing apiVersion")
	}
	if items == nil || yamlnode.IsNull(items) {
		return // an empty list
	}
	c.push(segment{name: "items"})
	defer c.pop()
	if items.Kind != yaml.SequenceNode {
		c.add(diag.Error, RuleShape, items, "items must be an array, got "+typeOf(items))
		return
	}
	for i, it := range items.Content {
		it = c.resolve(it)
		if it == nil || yamlnode.IsNull(it) {
			continue
		}
		c.push(segment{kind: indexSeg, index: i})
		c.object = ""
		if it.Kind != yaml.MappingNode {
			c.duplicateKeys(it, nil)
			c.add(diag.Error, RuleShape, it, "a list item must be a mapping of fields, got "+typeOf(it))
		} else {
			c.object = c.identify(it, itemGVK)
			c.duplicateKeys(it, nil)
			c.checkObject(it, itemGVK)
		}
		c.pop()
	}
}

// checkObject checks one manifest object; def supplies apiVersion and kind
// when the object leaves them out (items of a typed list).
func (c *checker) checkObject(m *yaml.Node, def schema.GVK) {
	c.rootDepth = len(c.path)
	defer func() { c.rootDepth = 0 }()

	o := c.readObject(m, def)
	c.objects = append(c.objects, o.Object)
	o.cluster = c.clusterScoped(o.GVK)
	if c.opts.Visit != nil {
		c.opts.Visit(o.Object, m, c.visitAt)
	}
	c.checkIdentity(m, o)
	c.checkDefinition(m, o)
	if o.okAPI && o.okKind && c.rel != nil {
		c.checkAgainstRelease(m, o)
	}
}

// objectFields is an object's identity as written, with the nodes that
// findings about it point at.
type objectFields struct {
	Object
	kind              string // as written, "" when missing
	generated         bool   // named by metadata.generateName
	meta              *yaml.Node
	nameNode          *yaml.Node
	apiNode, kindNode *yaml.Node
	okAPI, okKind     bool // apiVersion and kind are present strings
	cluster           bool // a CRD says the kind is cluster-scoped
}

// readObject reads m's apiVersion, kind and metadata; def stands in for
// what items of a typed list leave out.
func (c *checker) readObject(m *yaml.Node, def schema.GVK) objectFields {
	var o objectFields
	o.meta = c.resolve(c.lookup(m, "metadata"))
	if o.meta != nil && o.meta.Kind != yaml.MappingNode {
		o.meta = nil // schema.type says so when the kind is known
	}
	name, nameNode, _ := stringField(c, o.meta, "name")
	if name == "" {
		name, nameNode, _ = stringField(c, o.meta, "generateName")
		o.generated = name != ""
	}
	namespace, _, _ := stringField(c, o.meta, "namespace")
	apiVersion, apiNode, okAPI := c.shapeString(m, "apiVersion", def.APIVersion())
	kind, kindNode, okKind := c.shapeString(m, "kind", def.Kind)
	o.Object = Object{GVK: schema.ParseGVK(apiVersion, kind), Namespace: namespace, Name: name, Line: c.objectLine(m)}
	o.kind, o.nameNode, o.apiNode, o.kindNode, o.okAPI, o.okKind = kind, nameNode, apiNode, kindNode, okAPI, okKind
	return o
}

// checkIdentity checks what names the object: a name, no second object of
// the same key in the output, valid metadata.
func (c *checker) checkIdentity(m *yaml.Node, o objectFields) {
	if o.Name == "" {
		c.pushFields("metadata", "name")
		c.add(diag.Error, RuleShape, m, "missing metadata.name (or metadata.generateName)")
		c.popN(2)
	}
	if o.kind != "" && o.Name != "" && !o.generated {
		ns := o.Namespace
		if o.cluster {
			ns = "" // the API server ignores a cluster-scoped object's namespace
		} else if ns == "" {
			// Where kubectl apply -n puts it. Cluster-scoped kinds ignore
			// the namespace, but the schemas do not say which kinds those
			// are, and two copies of one are duplicates either way.
			ns = c.opts.Namespace
		}
		key := manifest.Key{Group: o.GVK.Group, Kind: o.kind, Namespace: ns, Name: o.Name}
		if c.seen[key] {
			c.pushFields("metadata", "name")
			c.add(diag.Error, RuleDuplicateObject, o.nameNode, c.object+" is defined twice in this output")
			c.popN(2)
		}
		c.seen[key] = true
	}
	if o.meta != nil {
		c.push(segment{name: "metadata"})
		c.checkMetadata(o.meta, o.GVK, true)
		c.pop()
	}
}

// checkAgainstRelease judges the object's apiVersion at the release and
// walks it against its kind's schema.
func (c *checker) checkAgainstRelease(m *yaml.Node, o objectFields) {
	v, ok := c.verdicts[o.GVK]
	if !ok {
		v = judgeAPI(c.cat, c.rel, o.GVK)
		c.verdicts[o.GVK] = v
	}
	for _, n := range v.notes {
		field, at := "apiVersion", o.apiNode
		if n.atKind {
			field, at = "kind", o.kindNode
		}
		if at == nil {
			at = m
		}
		c.pushFields(field)
		c.add(n.sev, n.rule, at, n.msg)
		c.pop()
	}
	if v.unknown {
		if !c.checkCustom(m, o) {
			c.unknownKind(m, o)
		}
		return
	}
	if v.node != nil {
		c.gvk = o.GVK
		c.walk(m, v.node, nil)
		if c.doc.overBudget == nil {
			// The API server's own rules, on a tree the walk has shown
			// to be within the alias budget.
			apivalidation.Check(m, o.GVK, c.opts.Release, c.apiReport)
		}
	}
}

// reportAPI records a finding of package apivalidation, whose Field is
// relative to the object, at node at.
func (c *checker) reportAPI(f *diag.Finding, at *yaml.Node) {
	f.Pos = c.position(at)
	if c.dropping(f.Severity, f.Pos) {
		return
	}
	if prefix := formatPath(c.path[:c.rootDepth]); prefix != "" && f.Field != "" {
		f.Field = prefix + "." + f.Field // an item of a List
	}
	f.Release, f.Object = c.opts.Release, c.object
	c.record(f)
}

// unknownKind reports a kind that no release has a schema for: a note, or
// an error under StrictKinds.
func (c *checker) unknownKind(m *yaml.Node, o objectFields) {
	sev, msg := diag.Info, fmt.Sprintf("no schema for %s: skipped", o.GVK)
	if c.opts.StrictKinds {
		// Not skipped: under StrictKinds the object is an error.
		sev, msg = diag.Error, fmt.Sprintf("no schema for %s, and strict kinds allow only kinds with a schema", o.GVK)
	}
	at := o.kindNode
	if at == nil {
		at = m
	}
	c.objects[len(c.objects)-1].Coverage = Skipped
	c.pushFields("kind")
	c.add(sev, RuleUnknownKind, at, msg)
	c.pop()
}

// shapeString checks that a top-level identity field is a non-empty
// string. def stands in when the field is absent (typed list items).
func (c *checker) shapeString(m *yaml.Node, field, def string) (string, *yaml.Node, bool) {
	n := c.resolve(c.lookup(m, field))
	c.pushFields(field)
	defer c.pop()
	if n == nil || yamlnode.IsNull(n) {
		if def != "" {
			return def, nil, true
		}
		c.add(diag.Error, RuleShape, m, "missing "+field)
		return "", nil, false
	}
	s, ok := stringValue(n)
	if !ok {
		c.add(diag.Error, RuleShape, n, field+" must be a string, got "+typeOf(n))
		return "", n, false
	}
	if s == "" {
		c.add(diag.Error, RuleShape, n, field+" must not be empty")
		return "", n, false
	}
	return s, n, true
}

func (c *checker) pushFields(names ...string) {
	for _, n := range names {
		c.push(segment{name: n})
	}
}

func (c *checker) popN(n int) { c.path = c.path[:len(c.path)-n] }

// stringField returns m's field as a string when it is one.
func stringField(c *checker, m *yaml.Node, field string) (string, *yaml.Node, bool) {
	if m == nil {
		return "", nil, false
	}
	n := c.resolve(c.lookup(m, field))
	s, ok := stringValue(n)
	return s, n, ok
}
