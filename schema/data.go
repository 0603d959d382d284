package schema

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// The data file is plain text written by schema/gen, one record a line,
// space-separated tokens:
//
//	eastern-schema 2                   format version, first line
//	# ...                              comment
//	release 1.24 v0.24.17              a release and the k8s.io/api version read for it
//	o name=REF name!=REF ...           an object node; the n-th "o" line is object n;
//	                                   "!" marks a required field; fields sorted by name
//	k apps/v1 Deployment INTRO DEPR REMOVED REPL 1.16=REF 1.22=REF 1.26=- ...
//	                                   a kind: its lifecycle ("-" for none; REPL is
//	                                   "apiVersion,Kind") and, from each listed release
//	                                   until the next, its root object ("-": absent)
//
// A REF is an object number, a primitive letter (s string, i integer,
// n number, b boolean, x int-or-string, q quantity, a any), "[" REF for an
// array or "{" REF for a map; "<" KEYS ">" REF for a list the API treats as
// a map, KEYS its items' key fields comma-separated, each "name" or
// "name:default" ("<containerPort,protocol:TCP>14"); "e" and values joined
// by "|" for a string enum ("eAlways|IfNotPresent|Never"), with "%", " "
// and "|" in values written %25, %20 and %7C. Version 2 added
// the last two. Objects are shared by every release and kind
// that has the same shape, so one release is decoded by following refs from
// its kinds and never reads the objects of others.
//
//go:embed data/kubernetes.txt
var data string

const dataVersion = "eastern-schema 2"

// table indexes the embedded data: enough to find a release's kinds
// and any object line, parsed once per process.
type table struct {
	releases    []string
	objects     []string // "o" lines without the "o"
	objectsLine int      // line number of object 0, for errors
	kinds       []kindEntry
	lifecycles  map[GVK]Lifecycle
}

type kindEntry struct {
	gvk  GVK
	runs []kindRun // ascending by release
}

// kindRun says the kind's root is ref from release on ("-": absent).
type kindRun struct{ release, ref string }

// rootAt returns the kind's root ref in release, or "-".
func (k *kindEntry) rootAt(release string) string {
	ref := "-"
	for _, r := range k.runs {
		if CompareReleases(r.release, release) > 0 {
			break
		}
		ref = r.ref
	}
	return ref
}

// loadTable indexes the embedded data on first use.
var loadTable = sync.OnceValues(func() (*table, error) { return parseTable(data) })

// parseTable indexes text. Every name and ref the decoder hands out is a
// substring of it, and it lives in the binary's read-only data, so decoding
// allocates no strings.
func parseTable(text string) (*table, error) {
	t := &table{lifecycles: map[GVK]Lifecycle{}}
	rest := text
	for lineNo := 1; rest != ""; lineNo++ {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		bad := func(why string) error {
			return fmt.Errorf("schema: embedded data line %d: %s", lineNo, why)
		}
		switch {
		case lineNo == 1:
			if line != dataVersion {
				return nil, bad(fmt.Sprintf("format %q, want %q (regenerate with make schemas)", line, dataVersion))
			}
		case line == "" || line[0] == '#':
		case strings.HasPrefix(line, "release "):
			f := strings.Fields(line)
			if len(f) < 2 {
				return nil, bad("release without a version")
			}
			t.releases = append(t.releases, f[1])
		case line == "o" || strings.HasPrefix(line, "o "):
			if len(t.objects) == 0 {
				t.objectsLine = lineNo
			}
			t.objects = append(t.objects, line[1:])
		case strings.HasPrefix(line, "k "):
			k, lc, err := parseKind(line)
			if err != nil {
				return nil, bad(err.Error())
			}
			t.kinds = append(t.kinds, k)
			t.lifecycles[k.gvk] = lc
		default:
			return nil, bad("unknown record")
		}
	}
	return t, nil
}

func parseKind(line string) (kindEntry, Lifecycle, error) {
	f := strings.Fields(line)
	if len(f) < 7 {
		return kindEntry{}, Lifecycle{}, fmt.Errorf("kind record has %d fields, want at least 7", len(f))
	}
	k := kindEntry{gvk: ParseGVK(f[1], f[2])}
	undash := func(s string) string {
		if s == "-" {
			return ""
		}
		return s
	}
	lc := Lifecycle{Introduced: undash(f[3]), Deprecated: undash(f[4]), Removed: undash(f[5])}
	if f[6] != "-" {
		apiVersion, kind, ok := strings.Cut(f[6], ",")
		if !ok {
			return kindEntry{}, Lifecycle{}, fmt.Errorf("replacement %q is not apiVersion,Kind", f[6])
		}
		lc.Replacement = ParseGVK(apiVersion, kind)
	}
	for _, tok := range f[7:] {
		release, ref, ok := strings.Cut(tok, "=")
		if !ok || ref == "" {
			return kindEntry{}, Lifecycle{}, fmt.Errorf("%q is not release=ref", tok)
		}
		k.runs = append(k.runs, kindRun{release: release, ref: ref})
	}
	return k, lc, nil
}

// primitives are the leaf nodes, shared by every release; like all nodes
// they must not be modified.
var primitives = map[byte]*Node{
	's': {Type: String},
	'i': {Type: Integer},
	'n': {Type: Number},
	'b': {Type: Boolean},
	'x': {Type: IntOrString},
	'q': {Type: Quantity},
	'a': {Type: Any},
}

// decoder builds the nodes of one release. Objects and containers reached
// twice become one Node, so a release's graph has the data's sharing and
// its cycles.
type decoder struct {
	t          *table
	objects    []*Node
	containers map[string]*Node // "[12", "{s"
}

func decodeRelease(release string) (*Release, error) {
	t, err := loadTable()
	if err != nil {
		return nil, err
	}
	if !slices.Contains(t.releases, release) {
		// Releases() and the data disagree: the data predates a change to
		// the supported range and must be regenerated.
		return nil, fmt.Errorf("schema: embedded data has no Kubernetes %s (run make schemas)", release)
	}
	d := &decoder{t: t, objects: make([]*Node, len(t.objects)), containers: map[string]*Node{}}
	r := &Release{version: release, kinds: map[GVK]*Node{}}
	for i := range t.kinds {
		k := &t.kinds[i]
		ref := k.rootAt(release)
		if ref == "-" {
			continue
		}
		n, err := d.ref(ref)
		if err != nil {
			return nil, fmt.Errorf("schema: %s %s: %w", release, k.gvk, err)
		}
		r.kinds[k.gvk] = n
		r.sorted = append(r.sorted, k.gvk)
	}
	slices.SortFunc(r.sorted, compareGVK)
	return r, nil
}

func (d *decoder) ref(ref string) (*Node, error) {
	if ref == "" {
		return nil, fmt.Errorf("empty ref")
	}
	switch c := ref[0]; {
	case c >= '0' && c <= '9':
		id, err := strconv.Atoi(ref)
		if err != nil || id >= len(d.objects) {
			return nil, fmt.Errorf("bad object ref %q", ref)
		}
		return d.object(id)
	case c == '[' || c == '{' || c == '<' || c == 'e':
		if n, ok := d.containers[ref]; ok {
			return n, nil
		}
		n, err := d.container(ref)
		if err != nil {
			return nil, err
		}
		d.containers[ref] = n
		return n, nil
	}
	if n, ok := primitives[ref[0]]; ok && len(ref) == 1 {
		return n, nil
	}
	return nil, fmt.Errorf("bad ref %q", ref)
}

// container decodes an array, map, list-map or enum ref; the decoder
// shares each by its ref.
func (d *decoder) container(ref string) (*Node, error) {
	switch ref[0] {
	case 'e':
		if len(ref) == 1 {
			return nil, fmt.Errorf("enum ref without values")
		}
		values := strings.Split(ref[1:], "|")
		for i, v := range values {
			if strings.IndexByte(v, '%') >= 0 {
				values[i] = tokenUnescaper.Replace(v)
			}
		}
		return &Node{Type: String, Enum: values}, nil
	case '<':
		keys, elemRef, ok := strings.Cut(ref[1:], ">")
		if !ok || keys == "" {
			return nil, fmt.Errorf("bad list-map ref %q", ref)
		}
		elem, err := d.ref(elemRef)
		if err != nil {
			return nil, err
		}
		n := &Node{Type: Array, Elem: elem}
		for k := range strings.SplitSeq(keys, ",") {
			name, def, _ := strings.Cut(k, ":")
			n.Keys = append(n.Keys, ListKey{Name: name, Default: def})
		}
		return n, nil
	}
	elem, err := d.ref(ref[1:])
	if err != nil {
		return nil, err
	}
	n := &Node{Type: Array, Elem: elem}
	if ref[0] == '{' {
		n.Type = Map
	}
	return n, nil
}

// tokenUnescaper undoes schema/gen's escaping of enum values: spaces and
// "|" cannot be written in a token ("cert sign" is cert%20sign).
var tokenUnescaper = strings.NewReplacer("%20", " ", "%7C", "|", "%25", "%")

func (d *decoder) object(id int) (*Node, error) {
	if n := d.objects[id]; n != nil {
		return n, nil
	}
	line := d.t.objects[id]
	// Registered before its fields are decoded, so recursive types close
	// on themselves.
	n := &Node{Type: Object, Fields: make([]Field, 0, strings.Count(line, "="))}
	d.objects[id] = n
	for tok := range strings.FieldsSeq(line) {
		name, ref, ok := strings.Cut(tok, "=")
		if !ok {
			return nil, d.bad(id, fmt.Sprintf("field %q has no ref", tok))
		}
		required := strings.HasSuffix(name, "!")
		name = strings.TrimSuffix(name, "!")
		if k := len(n.Fields); k > 0 && n.Fields[k-1].Name >= name {
			return nil, d.bad(id, "fields not sorted")
		}
		child, err := d.ref(ref)
		if err != nil {
			return nil, d.bad(id, err.Error())
		}
		n.Fields = append(n.Fields, Field{Name: name, Required: required, Node: child})
	}
	return n, nil
}

func (d *decoder) bad(id int, why string) error {
	return fmt.Errorf("embedded data line %d: %s", d.t.objectsLine+id, why)
}

func lifecycles() (map[GVK]Lifecycle, error) {
	t, err := loadTable()
	if err != nil {
		return nil, err
	}
	return t.lifecycles, nil
}
