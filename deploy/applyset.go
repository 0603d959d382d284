package deploy

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/eastern-k8s/eastern/cluster"
	"github.com/eastern-k8s/eastern/diag"
)

// The ApplySet specification's keys (KEP-3659), as kubectl 1.34 writes
// them.
const (
	// labelID makes an object an ApplySet parent; its value is the set's ID.
	labelID = "applyset.kubernetes.io/id"
	// labelPartOf makes an object a member of the set whose ID it holds.
	labelPartOf = "applyset.kubernetes.io/part-of"
	// annotationTooling names the tool that manages the set,
	// "<tool>/<version>"; tools do not change another tool's sets.
	annotationTooling = "applyset.kubernetes.io/tooling"
	// annotationKinds lists the group-kinds that members may have, sorted
	// and comma-separated: "ConfigMap,Deployment.apps".
	annotationKinds = "applyset.kubernetes.io/contains-group-kinds"
	// annotationNamespaces lists the namespaces other than the parent's
	// that members may be in.
	annotationNamespaces = "applyset.kubernetes.io/additional-namespaces"
)

// toolName is eastern's name in the tooling annotation.
const toolName = "eastern"

// versionsKey is the parent Secret's data key where eastern records the
// API version each kind of the set was applied at: the specification lists
// kinds without versions, and listing a kind that the current render no
// longer has takes one. Lines of "<kind>.<group> <apiVersion>".
const versionsKey = "api-versions"

var (
	secretGK      = schema.GroupKind{Kind: "Secret"}
	secretMapping = cluster.Mapping{Resource: schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, Namespaced: true}
)

// ApplySet is the set of objects that deploys of one template to one
// namespace created (KEP-3659): its parent is a Secret in that namespace,
// labelled with the set's ID, and every member carries the ID in its
// applyset.kubernetes.io/part-of label. kubectl and other tools that
// follow the specification see the same set.
//
// A deploy calls Begin before applying, which records the kinds about to
// be applied on the parent in addition to the ones it had, and Prune after,
// which deletes the members the deploy did not apply and then records
// exactly the kinds applied. An interrupted deploy leaves the parent
// listing more kinds than the set has, never fewer, so no member is lost.
type ApplySet struct {
	name, namespace string
	id, tooling     string

	begun bool
	objs  []*Object
	// current holds the kinds of the render, all the kinds that the
	// parent listed too, with the version each was applied at.
	current, all kindVersions
	// namespaces are the additional namespaces the parent listed.
	namespaces []string
}

// kindVersions are the kinds of a set, each with the API version eastern
// knows it by ("" when it knows none).
type kindVersions map[schema.GroupKind]string

// ApplySetName is the default name of the ApplySet parent Secret of the
// template at path, which should be absolute: two templates deployed to one
// namespace must not share a set, and the same relative path
// ("k8s/app.yaml") is common to many repositories. The name is "eastern-",
// the end of the path in Secret-name form (lower case, every run of other
// characters than letters and digits as one "-", at most 40 characters, the
// .yaml or .yml extension left out), "-" and the first 8 hex digits of the
// SHA-256 of the cleaned path, so that paths whose forms look alike still
// get their own sets: /ci/shop/k8s/app.yaml becomes eastern-ci-shop-k8s-app-
// and 8 hex digits. Standard input ("" or "-") has no default name: "".
func ApplySetName(path string) string {
	if path == "" || path == "-" {
		return ""
	}
	clean := filepath.ToSlash(filepath.Clean(path))
	sum := sha256.Sum256([]byte(clean))
	hash := hex.EncodeToString(sum[:4])
	stem := clean
	for _, ext := range []string{".yaml", ".yml", ".YAML", ".YML"} {
		stem = strings.TrimSuffix(stem, ext)
	}
	slug := nameForm(stem, 40)
	if slug == "" {
		return "eastern-" + hash
	}
	return "eastern-" + slug + "-" + hash
}

// nameForm is s in lower case, each run of characters other than ASCII
// letters and digits as one "-", trimmed of "-", and cut to its last max
// bytes at a "-" where it can.
func nameForm(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) > max {
		cut := len(out) - max
		tail := out[cut:]
		if out[cut-1] != '-' {
			if i := strings.IndexByte(tail, '-'); i >= 0 {
				tail = tail[i+1:]
			}
		}
		out = strings.Trim(tail, "-")
	}
	return out
}

// NewApplySet is the ApplySet whose parent is the Secret name in namespace,
// managed by eastern at version (the tooling annotation becomes
// "eastern/<version>"). name may be written the way kubectl's --applyset
// takes it, "secrets/NAME"; it must be a valid Secret name.
func NewApplySet(name, namespace, version string) (*ApplySet, error) {
	if resource, rest, ok := strings.Cut(name, "/"); ok {
		if resource != "secret" && resource != "secrets" {
			return nil, fmt.Errorf("ApplySet %q: eastern's ApplySet parents are Secrets; give the Secret's name", name)
		}
		name = rest
	}
	if name == "" {
		return nil, errors.New("the ApplySet has no name")
	}
	if len(validation.IsDNS1123Subdomain(name)) > 0 {
		return nil, fmt.Errorf("ApplySet name %q is not a valid Secret name: lower-case letters, digits, \"-\" and \".\", starting and ending with a letter or digit, at most 253 characters", name)
	}
	if namespace == "" {
		return nil, errors.New("the ApplySet has no namespace")
	}
	return &ApplySet{name: name, namespace: namespace, id: applySetID(name, namespace, secretGK), tooling: toolName + "/" + version}, nil
}

// applySetID is the ID of the set whose parent is the named object of
// kind gk, as the specification requires it: "applyset-", the unpadded
// URL-safe base64 of the SHA-256 of "<name>.<namespace>.<kind>.<group>",
// and "-v1" (the prefix and suffix make it a valid label value; kubectl
// checks the ID against the parent's, so a copied ID is refused).
func applySetID(name, namespace string, gk schema.GroupKind) string {
	sum := sha256.Sum256([]byte(strings.Join([]string{name, namespace, gk.Kind, gk.Group}, ".")))
	return "applyset-" + base64.RawURLEncoding.EncodeToString(sum[:]) + "-v1"
}

// ID is the set's ID: the value of the parent's applyset.kubernetes.io/id
// label and of every member's applyset.kubernetes.io/part-of label.
func (s *ApplySet) ID() string { return s.id }

// Parent names the parent for people and for kubectl: "secret/NAME".
func (s *ApplySet) Parent() string { return "secret/" + s.name }

// where names the parent in messages.
func (s *ApplySet) where() string {
	return fmt.Sprintf("ApplySet parent %s in namespace %s", s.Parent(), s.namespace)
}

// Labels are the labels every member carries.
func (s *ApplySet) Labels() map[string]string { return map[string]string{labelPartOf: s.id} }

// Begin prepares the set for a deploy of objs: it checks that the parent,
// if it exists, is an ApplySet that eastern manages, that no object of the
// manifest belongs to another set, and records on the parent the kinds of
// objs in addition to the ones it listed (creating it if need be). With
// dryRun the server checks the parent's update without making it.
func (s *ApplySet) Begin(ctx context.Context, c *cluster.Client, objs []*Object, dryRun bool) error {
	if fs := s.checkManifest(objs); len(fs) > 0 {
		return fs
	}
	old, err := s.readParent(ctx, c)
	if err != nil {
		return err
	}
	if err := s.checkOtherSets(ctx, c, objs); err != nil {
		return err
	}
	s.objs = objs
	s.current = kindsOf(objs)
	s.all = maps.Clone(old.kinds)
	maps.Copy(s.all, s.current)
	s.namespaces = old.namespaces
	err = s.writeParent(ctx, c, s.all, s.namespaces, dryRun)
	// NotFound: the namespace does not exist yet (the manifest may create
	// it), so no member can be in it; Prune writes the parent.
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("writing the %s: %w", s.where(), c.Wrap(err))
	}
	s.begun = true
	return nil
}

// checkManifest finds the objects that set the part-of label to another
// set (the specification treats such a manifest as invalid) or that would
// be the parent itself.
func (s *ApplySet) checkManifest(objs []*Object) diag.Findings {
	var fs diag.Findings
	problem := func(o *Object, field, msg string) {
		pos, chain := o.Position(field)
		fs = append(fs, &diag.Finding{Severity: diag.Error, Rule: RuleManifest, Message: msg, Pos: pos, Chain: chain, Object: o.Label()})
	}
	for _, o := range objs {
		// The set's own ID is what eastern would set anyway (and a diff
		// before Begin may have set it).
		if v, ok := o.GetLabels()[labelPartOf]; ok && v != s.id {
			problem(o, "metadata.labels", fmt.Sprintf("the object sets the %s label itself, to %q: eastern --prune sets it to the ApplySet's ID %q; leave it out", labelPartOf, v, s.id))
		}
		if o.GVK().GroupKind() == secretGK && o.GetName() == s.name && (o.GetNamespace() == "" || o.GetNamespace() == s.namespace) {
			problem(o, "metadata.name", "the Secret has the name of the ApplySet's parent; give the set another name with --applyset")
		}
	}
	return fs
}

// recorded is what an existing parent lists.
type recorded struct {
	kinds      kindVersions
	namespaces []string
}

// readParent reads the parent; a missing parent lists nothing.
func (s *ApplySet) readParent(ctx context.Context, c *cluster.Client) (recorded, error) {
	u, err := c.Resource(secretMapping, s.namespace).Get(ctx, s.name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return recorded{kinds: kindVersions{}}, nil
	}
	if err != nil {
		return recorded{}, fmt.Errorf("reading the %s: %w", s.where(), c.Wrap(err))
	}
	return s.parseParent(u)
}

// parseParent checks that u is a parent of this set that eastern manages
// and returns what it lists.
func (s *ApplySet) parseParent(u *unstructured.Unstructured) (recorded, error) {
	labels, annotations := u.GetLabels(), u.GetAnnotations()
	id, isParent := labels[labelID]
	tooling, hasTooling := annotations[annotationTooling]
	switch {
	case !isParent && !hasTooling:
		return recorded{}, fmt.Errorf("%s exists and is not an ApplySet parent (it has no %s label); give the set another name with --applyset", s.Parent(), labelID)
	case !hasTooling:
		return recorded{}, fmt.Errorf("the %s has no %s annotation: eastern changes only ApplySets that it manages", s.where(), annotationTooling)
	case toolOf(tooling) != toolName:
		return recorded{}, fmt.Errorf("the %s is managed by %s (%s: %s), not eastern: eastern does not change another tool's ApplySet; prune it with that tool, or give eastern's set another name with --applyset", s.where(), toolOf(tooling), annotationTooling, tooling)
	case !isParent:
		return recorded{}, fmt.Errorf("the %s has no %s label", s.where(), labelID)
	case id != s.id:
		return recorded{}, fmt.Errorf("the %s has %s=%s, but its name and namespace make the ID %s: eastern does not use a parent whose ID does not match it (KEP-3659)", s.where(), labelID, id, s.id)
	}
	list, ok := annotations[annotationKinds]
	if !ok {
		return recorded{}, fmt.Errorf("the %s has no %s annotation: eastern cannot tell which kinds its members have", s.where(), annotationKinds)
	}
	kinds, err := parseKinds(list)
	if err != nil {
		return recorded{}, fmt.Errorf("the %s: %s: %w", s.where(), annotationKinds, err)
	}
	data, _, _ := unstructured.NestedString(u.Object, "data", versionsKey)
	if raw, err := base64.StdEncoding.DecodeString(data); err == nil {
		for gk, v := range parseVersions(string(raw)) {
			if _, ok := kinds[gk]; ok {
				kinds[gk] = v
			}
		}
	}
	var namespaces []string
	for ns := range strings.SplitSeq(annotations[annotationNamespaces], ",") {
		if ns = strings.TrimSpace(ns); ns != "" && ns != s.namespace && !slices.Contains(namespaces, ns) {
			namespaces = append(namespaces, ns)
		}
	}
	slices.Sort(namespaces)
	return recorded{kinds: kinds, namespaces: namespaces}, nil
}

// toolOf is the tool of a tooling annotation: "kubectl" of "kubectl/v1.34.4".
func toolOf(tooling string) string {
	if i := strings.LastIndexByte(tooling, '/'); i >= 0 {
		return tooling[:i]
	}
	return tooling
}

// parseKinds reads a contains-group-kinds annotation; "" is no kinds.
func parseKinds(list string) (kindVersions, error) {
	kinds := kindVersions{}
	for part := range strings.SplitSeq(list, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		gk := schema.ParseGroupKind(part)
		if gk.Kind == "" || strings.ContainsAny(part, " /") {
			return nil, fmt.Errorf("%q is not a group-kind (<kind>.<group>)", part)
		}
		kinds[gk] = ""
	}
	return kinds, nil
}

// formatKinds writes a contains-group-kinds annotation: sorted, as the
// specification requires, so that an unchanged set is an unchanged value.
func formatKinds(kinds kindVersions) string {
	names := make([]string, 0, len(kinds))
	for gk := range kinds {
		names = append(names, gk.String())
	}
	slices.Sort(names)
	return strings.Join(names, ",")
}

// parseVersions reads eastern's record of versions; lines it cannot read
// are left out (the record is a hint).
func parseVersions(record string) kindVersions {
	kinds := kindVersions{}
	for line := range strings.Lines(record) {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		gk := schema.ParseGroupKind(f[0])
		gv, err := schema.ParseGroupVersion(f[1])
		if err != nil || gk.Kind == "" || gv.Group != gk.Group || gv.Version == "" {
			continue
		}
		kinds[gk] = gv.Version
	}
	return kinds
}

// formatVersions writes eastern's record of versions, sorted.
func formatVersions(kinds kindVersions) string {
	var lines []string
	for gk, v := range kinds {
		if v != "" {
			lines = append(lines, gk.String()+" "+gk.WithVersion(v).GroupVersion().String()+"\n")
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "")
}

// kindsOf are the kinds of objs with their versions.
func kindsOf(objs []*Object) kindVersions {
	kinds := kindVersions{}
	for _, o := range objs {
		gvk := o.GVK()
		kinds[gvk.GroupKind()] = gvk.Version
	}
	return kinds
}

// writeParent creates or updates the parent with server-side apply so that
// it lists kinds and the additional namespaces.
func (s *ApplySet) writeParent(ctx context.Context, c *cluster.Client, kinds kindVersions, namespaces []string, dryRun bool) error {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "v1",
		"kind":       "Secret",
		"metadata": map[string]any{
			"name":      s.name,
			"namespace": s.namespace,
			"labels":    map[string]any{labelID: s.id},
			"annotations": map[string]any{
				annotationTooling:    s.tooling,
				annotationKinds:      formatKinds(kinds),
				annotationNamespaces: strings.Join(namespaces, ","),
			},
		},
		"data": map[string]any{versionsKey: base64.StdEncoding.EncodeToString([]byte(formatVersions(kinds)))},
	}}
	// The parent was checked to be eastern's: its fields are eastern's
	// even when someone edited them.
	opts := metav1.ApplyOptions{FieldManager: FieldManager, Force: true}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	_, err := c.Resource(secretMapping, s.namespace).Apply(ctx, s.name, u, opts)
	return err
}

// checkOtherSets refuses objects of the manifest that already belong to
// another ApplySet: an object is in at most one set, and taking it over
// would silently take it from a set that another deploy prunes.
func (s *ApplySet) checkOtherSets(ctx context.Context, c *cluster.Client, objs []*Object) error {
	byKind := map[schema.GroupKind][]*Object{}
	for _, o := range objs {
		gk := o.GVK().GroupKind()
		byKind[gk] = append(byKind[gk], o)
	}
	selector := labelPartOf + "," + labelPartOf + "!=" + s.id
	var taken []string
	others := map[string]bool{}
	for _, gk := range slices.SortedFunc(maps.Keys(byKind), compareKinds) {
		kindObjs := byKind[gk]
		m, err := c.Mapping(ctx, kindObjs[0].GVK())
		if _, unknown := errors.AsType[*cluster.UnknownKindError](err); unknown {
			continue // defined by a CRD of the manifest: no object of it exists
		}
		if err != nil {
			return err
		}
		ns := ""
		if m.Namespaced {
			ns = s.namespace
		}
		items, err := listAll(ctx, c, m, ns, selector)
		if err != nil {
			return err
		}
		for _, item := range items {
			for _, o := range kindObjs {
				if o.GetName() == item.GetName() && (!m.Namespaced || o.GetNamespace() == "" || o.GetNamespace() == ns) {
					other := item.GetLabels()[labelPartOf]
					taken = append(taken, o.Label())
					others[other] = true
				}
			}
		}
	}
	if len(taken) == 0 {
		return nil
	}
	var sets []string
	for _, id := range slices.Sorted(maps.Keys(others)) {
		sets = append(sets, s.describeSet(ctx, c, id))
	}
	return fmt.Errorf("%s: already in another ApplySet, %s: eastern does not take objects from another set; deploy with that set's --applyset NAME, or remove the %s label from them",
		strings.Join(taken, ", "), strings.Join(sets, "; "), labelPartOf)
}

// describeSet names the set with ID id for a message: its parent Secret
// when it is one in the namespace, else the ID alone.
func (s *ApplySet) describeSet(ctx context.Context, c *cluster.Client, id string) string {
	items, err := listAll(ctx, c, secretMapping, s.namespace, labelID+"="+id)
	if err == nil && len(items) == 1 {
		return fmt.Sprintf("secret/%s (%s=%s)", items[0].GetName(), labelPartOf, id)
	}
	return labelPartOf + "=" + id
}

// listAll lists the objects of m in ns (all namespaces for a cluster-scoped
// kind) that selector selects, a page at a time.
func listAll(ctx context.Context, c *cluster.Client, m cluster.Mapping, ns, selector string) ([]unstructured.Unstructured, error) {
	opts := metav1.ListOptions{LabelSelector: selector, Limit: 500}
	var items []unstructured.Unstructured
	for {
		list, err := c.Resource(m, ns).List(ctx, opts)
		if err != nil {
			return nil, c.Wrap(err)
		}
		items = append(items, list.Items...)
		if opts.Continue = list.GetContinue(); opts.Continue == "" {
			return items, nil
		}
	}
}

// member is an object of the set on the server.
type member struct {
	gk      schema.GroupKind
	mapping cluster.Mapping
	obj     *unstructured.Unstructured
}

// label names the member the way kubectl prints it, "deployment.apps/web",
// with its namespace when it is not the set's.
func (m member) label(home string) string {
	l := kindLabel(m.gk, m.obj.GetName())
	if ns := m.obj.GetNamespace(); ns != "" && ns != home {
		l += " in namespace " + ns
	}
	return l
}

// Prune deletes the members of the set that the deploy did not apply
// (with background propagation, the way kubectl deletes), telling deleted
// about each, and then records exactly the kinds of the manifest on the
// parent. Members are found by their part-of label, for every kind the
// parent listed, in the namespace, its additional namespaces, and at the
// cluster scope for cluster-scoped kinds. Nothing is deleted when a member
// to delete has owner references (the specification calls that an
// ownership conflict) or is the namespace that holds the parent. With dryRun
// the server checks each deletion without making it, and the parent stays
// as it is. Prune must follow Begin. deleted is told each member deleted,
// with a note when its deletion waits for finalizers.
func (s *ApplySet) Prune(ctx context.Context, c *cluster.Client, applied []Applied, dryRun bool, deleted func(label, note string)) error {
	if !s.begun {
		return errors.New("the ApplySet's Prune was called before Begin")
	}
	stale, err := s.stale(ctx, c, applied)
	if err != nil {
		return err
	}
	if err := s.checkStale(stale); err != nil {
		return err
	}
	background := metav1.DeletePropagationBackground
	for _, m := range stale {
		var note string
		if f := m.obj.GetFinalizers(); len(f) > 0 {
			note = "its deletion waits for the finalizers " + strings.Join(f, ", ")
		}
		if m.obj.GetDeletionTimestamp() != nil {
			if deleted != nil && !dryRun {
				deleted(m.label(s.namespace), strings.TrimSuffix("already being deleted; "+note, "; "))
			}
			continue
		}
		uid := m.obj.GetUID()
		opts := metav1.DeleteOptions{PropagationPolicy: &background, Preconditions: &metav1.Preconditions{UID: &uid}}
		if dryRun {
			opts.DryRun = []string{metav1.DryRunAll}
		}
		err := c.Resource(m.mapping, m.obj.GetNamespace()).Delete(ctx, m.obj.GetName(), opts)
		switch {
		case apierrors.IsNotFound(err), apierrors.IsConflict(err):
			// Deleted meanwhile, or replaced by a new object of that name
			// (the UID precondition failed): not the member that was listed.
			continue
		case err != nil:
			return fmt.Errorf("pruning %s: %w", m.label(s.namespace), c.Wrap(err))
		}
		if deleted != nil {
			deleted(m.label(s.namespace), note)
		}
	}
	if dryRun {
		return nil
	}
	if err := s.writeParent(ctx, c, s.current, nil, false); err != nil {
		return fmt.Errorf("pruned, but updating the %s failed (the next --prune deploy finishes it): %w", s.where(), c.Wrap(err))
	}
	return nil
}

// stale lists the members of the set that are not among applied, in the
// order to delete them: Namespaces and CustomResourceDefinitions last, the
// reverse of Apply's order.
func (s *ApplySet) stale(ctx context.Context, c *cluster.Client, applied []Applied) ([]member, error) {
	type key struct {
		gk              schema.GroupKind
		namespace, name string
	}
	keep := map[key]bool{}
	mappings := map[schema.GroupKind]cluster.Mapping{}
	for _, a := range applied {
		gk := a.Object.GVK().GroupKind()
		mappings[gk] = a.Mapping
		keep[key{gk, a.Object.GetNamespace(), a.Object.GetName()}] = true
	}
	// Objects of the manifest that were not applied (kinds that a dry run
	// could not check) are kept too, in whatever namespace.
	rendered := map[key]bool{}
	for _, o := range s.objs {
		rendered[key{o.GVK().GroupKind(), "", o.GetName()}] = true
	}
	var stale []member
	for _, gk := range slices.SortedFunc(maps.Keys(s.all), compareKinds) {
		m, ok := mappings[gk]
		if !ok {
			var err error
			if m, ok, err = s.mapping(ctx, c, gk); err != nil {
				return nil, err
			} else if !ok {
				continue
			}
		}
		namespaces := []string{""}
		if m.Namespaced {
			namespaces = append([]string{s.namespace}, s.namespaces...)
		}
		for _, ns := range namespaces {
			items, err := listAll(ctx, c, m, ns, labelPartOf+"="+s.id)
			if err != nil {
				return nil, err
			}
			for i := range items {
				item := &items[i]
				switch {
				case item.GetLabels()[labelPartOf] != s.id:
				case keep[key{gk, item.GetNamespace(), item.GetName()}], rendered[key{gk, "", item.GetName()}]:
				case gk == secretGK && item.GetNamespace() == s.namespace && item.GetName() == s.name:
				default:
					stale = append(stale, member{gk: gk, mapping: m, obj: item})
				}
			}
		}
	}
	rank := func(gk schema.GroupKind) int {
		switch gk {
		case crdGVK.GroupKind():
			return 1
		case namespaceGVK.GroupKind():
			return 2
		}
		return 0
	}
	slices.SortStableFunc(stale, func(a, b member) int { return cmp.Compare(rank(a.gk), rank(b.gk)) })
	return stale, nil
}

// mapping finds the resource of a kind that the render no longer has, at
// the version eastern recorded (the core group's kinds are all v1); ok is
// false when the cluster no longer serves it, so that no member of it can
// exist.
func (s *ApplySet) mapping(ctx context.Context, c *cluster.Client, gk schema.GroupKind) (m cluster.Mapping, ok bool, err error) {
	version := s.all[gk]
	if version == "" && gk.Group == "" {
		version = "v1"
	}
	if version == "" {
		return m, false, fmt.Errorf("cannot prune the %s objects of the set: the %s does not record their API version (eastern's %q data), so eastern cannot list them; add one such object back to the manifest for one deploy, or delete them with kubectl",
			gk, s.where(), versionsKey)
	}
	m, err = c.Mapping(ctx, gk.WithVersion(version))
	if _, unknown := errors.AsType[*cluster.UnknownKindError](err); unknown {
		return m, false, nil
	}
	return m, err == nil, err
}

// checkStale refuses to prune members that the specification or good
// sense leave alone, before anything is deleted.
func (s *ApplySet) checkStale(stale []member) error {
	var problems []string
	for _, m := range stale {
		if refs := m.obj.GetOwnerReferences(); len(refs) > 0 {
			problems = append(problems, fmt.Sprintf("%s has an owner, %s/%s (an ownership conflict under KEP-3659): remove its %s label or its owner reference",
				m.label(s.namespace), refs[0].Kind, refs[0].Name, labelPartOf))
		}
		if m.gk == namespaceGVK.GroupKind() && m.obj.GetName() == s.namespace {
			problems = append(problems, fmt.Sprintf("%s holds the ApplySet's parent: delete it yourself if it should go", m.label(s.namespace)))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("nothing was pruned: %s", strings.Join(problems, "; "))
	}
	return nil
}

// compareKinds orders group-kinds by their written form.
func compareKinds(a, b schema.GroupKind) int { return strings.Compare(a.String(), b.String()) }

// Pruned is what a --prune deploy of objs would delete, as deletions for a
// diff. Nothing changes: the parent's update is a dry run.
func (s *ApplySet) Pruned(ctx context.Context, c *cluster.Client, objs []*Object, opts ApplyOptions) ([]Change, error) {
	steps, err := prepare(ctx, c, objs, opts)
	if err != nil {
		return nil, err
	}
	var applied []Applied
	for _, st := range steps {
		if !st.deferred {
			applied = append(applied, Applied{Object: st.obj, Mapping: st.mapping})
		}
	}
	if err := s.Begin(ctx, c, objs, true); err != nil {
		return nil, err
	}
	stale, err := s.stale(ctx, c, applied)
	if err != nil {
		return nil, err
	}
	var changes []Change
	for _, m := range stale {
		ch, err := Compare(m.obj, nil)
		if err != nil {
			return nil, err
		}
		ch.Namespace, ch.Label, ch.From, ch.To = opts.Namespace, m.label(s.namespace), sideLive, sideEastern
		ch.Note = "pruned by --prune"
		changes = append(changes, ch)
	}
	return changes, nil
}
