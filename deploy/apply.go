package deploy

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eastern-k8s/eastern/cluster"
	"github.com/eastern-k8s/eastern/diag"
)

// FieldManager is the server-side apply field manager of everything
// eastern applies.
const FieldManager = "eastern"

// ApplyOptions say how to apply a manifest.
type ApplyOptions struct {
	// Namespace receives every namespaced object that names none; an
	// object that names another is an error, as with kubectl apply -n.
	Namespace string
	// Force takes over fields another field manager owns
	// (--force-conflicts) instead of failing on the conflict.
	Force bool
	// DryRun has the server validate and admit every object without
	// persisting it (--dry-run=server); every rejection is reported, not
	// only the first.
	DryRun bool
	// Labels are set on every object applied (the ApplySet's part-of).
	Labels map[string]string
	// Progress is told about each object applied; nil: nothing.
	Progress func(Applied)
	// Skipped is told about each object a dry run cannot check, and why:
	// its CustomResourceDefinition or Namespace is created by this very
	// deploy. nil: nothing.
	Skipped func(o *Object, why string)
}

// requestTimeout bounds one apply request. Requests are not cancelled
// when the caller's context is (Ctrl-C, SIGTERM): one the server may
// already have carried out would leave the caller not knowing whether the
// object was applied. Apply stops before the next object instead.
const requestTimeout = time.Minute

// Applied is an object the server accepted, with its answer.
type Applied struct {
	Object  *Object
	Mapping cluster.Mapping
	Live    *unstructured.Unstructured
}

// Label names the applied object the way kubectl does: "deployment.apps/web".
func (a Applied) Label() string { return a.Object.KubectlName() }

// KubectlName names the object as kubectl's messages do: "deployment.apps/web".
func (o *Object) KubectlName() string { return kindLabel(o.GVK().GroupKind(), o.GetName()) }

// kindLabel is kubectl's name for an object: its kind in lower case, its
// group, its name.
func kindLabel(gk schema.GroupKind, name string) string {
	kind := strings.ToLower(gk.Kind)
	if gk.Group != "" {
		kind += "." + gk.Group
	}
	return kind + "/" + name
}

var (
	crdGVK       = schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}
	crdMapping   = cluster.Mapping{Resource: schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}}
	namespaceGVK = schema.GroupVersionKind{Version: "v1", Kind: "Namespace"}
)

// Apply sends every object with server-side apply: Namespaces first, then
// CustomResourceDefinitions (waiting until each is established), then the
// rest in manifest order. Before anything is sent, every object's kind must
// be served (or defined by a CRD of the manifest) and its namespace right:
// a manifest that cannot be applied whole is not applied at all. Once
// objects were sent, the ones applied are returned with the error, so
// that the caller can say what was changed.
func Apply(ctx context.Context, c *cluster.Client, objs []*Object, opts ApplyOptions) ([]Applied, error) {
	plan, err := prepare(ctx, c, objs, opts)
	if err != nil {
		return nil, err
	}
	createdNamespaces := map[string]bool{}
	for _, step := range plan {
		if step.obj.GVK().GroupKind() == namespaceGVK.GroupKind() {
			createdNamespaces[step.obj.GetName()] = true
		}
	}
	skip := func(o *Object, why string) {
		if opts.Skipped != nil {
			opts.Skipped(o, why)
		}
	}
	var applied []Applied
	var rejected diag.Findings
	for _, step := range plan {
		if err := ctx.Err(); err != nil {
			return applied, err
		}
		if step.deferred {
			if opts.DryRun {
				skip(step.obj, "its CustomResourceDefinition is created by this deploy")
				continue
			}
			m, err := servedMapping(ctx, c, step.obj.GVK())
			if err != nil {
				return applied, err
			}
			step.mapping = m
			setNamespace(step.obj, m.Namespaced, opts.Namespace)
		}
		live, err := applyOne(ctx, c, step, opts)
		if opts.DryRun && createdNamespaces[step.obj.GetNamespace()] && namespaceNotFound(err) {
			skip(step.obj, "its Namespace is created by this deploy")
			continue
		}
		if err != nil {
			fs, ok := rejection(step.obj, err)
			if !ok {
				return applied, c.Wrap(err)
			}
			if !opts.DryRun {
				return applied, fs
			}
			rejected = append(rejected, fs...)
			continue
		}
		a := Applied{Object: step.obj, Mapping: step.mapping, Live: live}
		applied = append(applied, a)
		if opts.Progress != nil {
			opts.Progress(a)
		}
		if step.obj.GVK().GroupKind() == crdGVK.GroupKind() && !opts.DryRun {
			if err := waitEstablished(ctx, c, step.obj.GetName()); err != nil {
				return applied, err
			}
			for _, gv := range crdVersions(step.obj) {
				c.Forget(gv)
			}
		}
	}
	if len(rejected) > 0 {
		return applied, rejected
	}
	return applied, nil
}

// step is one object to apply.
type step struct {
	obj      *Object
	mapping  cluster.Mapping
	deferred bool // its kind is defined by a CRD of the same manifest
}

// prepare resolves every object's resource and checks its namespace, and
// orders the steps.
func prepare(ctx context.Context, c *cluster.Client, objs []*Object, opts ApplyOptions) ([]step, error) {
	defined := map[schema.GroupKind]bool{} // kinds the manifest's CRDs define
	for _, o := range objs {
		if o.GVK().GroupKind() == crdGVK.GroupKind() {
			group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
			kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
			defined[schema.GroupKind{Group: group, Kind: kind}] = true
		}
	}
	var steps []step
	var problems diag.Findings
	problem := func(o *Object, field, rule, msg string) {
		pos, chain := o.Position(field)
		problems = append(problems, &diag.Finding{Severity: diag.Error, Rule: rule, Message: msg, Pos: pos, Chain: chain, Object: o.Label()})
	}
	for _, o := range objs {
		s := step{obj: o}
		m, err := c.Mapping(ctx, o.GVK())
		var unknown *cluster.UnknownKindError
		switch {
		case errors.As(err, &unknown) && defined[o.GVK().GroupKind()]:
			s.deferred = true
		case errors.As(err, &unknown):
			problem(o, "kind", RuleServer, fmt.Sprintf("the cluster does not serve %s %s (%s)", o.GetAPIVersion(), o.GetKind(), c.Where()))
			continue
		case err != nil:
			return nil, err
		default:
			s.mapping = m
		}
		if ns := o.GetNamespace(); ns != "" && ns != opts.Namespace && (s.deferred || m.Namespaced) {
			problem(o, "metadata.namespace", RuleNamespace, fmt.Sprintf("the object is in namespace %q but the deploy is to %q; deploy it with that namespace", ns, opts.Namespace))
			continue
		}
		if !s.deferred {
			setNamespace(o, m.Namespaced, opts.Namespace)
		}
		if len(opts.Labels) > 0 {
			labels := o.GetLabels()
			if labels == nil {
				labels = map[string]string{}
			}
			for k, v := range opts.Labels {
				labels[k] = v
			}
			o.SetLabels(labels)
		}
		steps = append(steps, s)
	}
	if len(problems) > 0 {
		return nil, problems
	}
	rank := func(s step) int {
		switch s.obj.GVK().GroupKind() {
		case namespaceGVK.GroupKind():
			return 0
		case crdGVK.GroupKind():
			return 1
		}
		return 2
	}
	slices.SortStableFunc(steps, func(a, b step) int { return rank(a) - rank(b) })
	return steps, nil
}

// setNamespace puts a namespaced object that names no namespace into ns,
// and takes the namespace off a cluster-scoped one (kubectl ignores it too).
func setNamespace(o *Object, namespaced bool, ns string) {
	switch {
	case namespaced && o.GetNamespace() == "":
		o.SetNamespace(ns)
	case !namespaced:
		o.SetNamespace("")
	}
}

func applyOne(ctx context.Context, c *cluster.Client, s step, opts ApplyOptions) (*unstructured.Unstructured, error) {
	ao := metav1.ApplyOptions{FieldManager: FieldManager, Force: opts.Force}
	if opts.DryRun {
		ao.DryRun = []string{metav1.DryRunAll}
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), requestTimeout)
	defer cancel()
	return c.Resource(s.mapping, s.obj.GetNamespace()).Apply(ctx, s.obj.GetName(), s.obj.Unstructured, ao)
}

// namespaceNotFound reports whether err says the object's namespace does
// not exist.
func namespaceNotFound(err error) bool {
	var status apierrors.APIStatus
	if !apierrors.IsNotFound(err) || !errors.As(err, &status) {
		return false
	}
	d := status.Status().Details
	return d != nil && d.Kind == "namespaces"
}

// rejection turns the server's refusal of an object into findings at the
// template lines of the fields it names. Errors that are not about the
// object (the server unreachable, forbidden) are not findings.
func rejection(o *Object, err error) (diag.Findings, bool) {
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return nil, false
	}
	st := status.Status()
	if f, ok := typedPatchError(o, st.Message); ok {
		return diag.Findings{f}, true
	}
	switch st.Reason {
	case metav1.StatusReasonInvalid, metav1.StatusReasonBadRequest, metav1.StatusReasonConflict,
		metav1.StatusReasonRequestEntityTooLarge, metav1.StatusReasonAlreadyExists:
	default:
		if st.Code != 422 && st.Code != 400 {
			return nil, false
		}
	}
	msg := st.Message
	if st.Reason == metav1.StatusReasonConflict {
		msg += " (--force-conflicts takes the fields over)"
	}
	var fs diag.Findings
	if st.Details != nil {
		for _, cause := range st.Details.Causes {
			if cause.Field == "" {
				continue
			}
			pos, chain := o.Position(strings.TrimPrefix(cause.Field, "."))
			msg := "the API server rejected it: " + oneLine(cause.Message)
			if st.Reason == metav1.StatusReasonConflict {
				msg += " (--force-conflicts takes the fields over)"
			}
			fs = append(fs, &diag.Finding{Severity: diag.Error, Rule: RuleServer, Pos: pos, Chain: chain, Object: o.Label(), Field: cause.Field, Message: msg})
		}
	}
	if len(fs) == 0 {
		pos, chain := o.Position("")
		fs = append(fs, &diag.Finding{Severity: diag.Error, Rule: RuleServer, Pos: pos, Chain: chain, Object: o.Label(),
			Message: "the API server rejected it: " + oneLine(msg)})
	}
	return fs, true
}

// typedPatchError reads the API server's answer to an apply whose field
// has the wrong type for the schema, "failed to create typed patch object
// (ns/name; /v1, Kind=ConfigMap): .data.key: expected string, got
// &value.valueUnstructured{Value:123}", as a finding at that field.
func typedPatchError(o *Object, msg string) (*diag.Finding, bool) {
	const prefix = "failed to create typed patch object"
	rest, ok := strings.CutPrefix(msg, prefix)
	if !ok {
		return nil, false
	}
	_, detail, ok := strings.Cut(rest, "): ")
	field, why, found := strings.Cut(detail, ": ")
	if !ok || !found || !strings.HasPrefix(field, ".") {
		return nil, false
	}
	if i := strings.Index(why, ", got &value."); i >= 0 {
		why = why[:i] // Go syntax of the server's internals: noise
	}
	field = strings.TrimPrefix(field, ".")
	pos, chain := o.Position(field)
	return &diag.Finding{Severity: diag.Error, Rule: RuleServer, Pos: pos, Chain: chain, Object: o.Label(), Field: field,
		Message: "the API server rejected it: " + oneLine(why)}, true
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	return strings.ReplaceAll(s, "\n", " ")
}

// crdVersions are the group/versions a CustomResourceDefinition serves.
func crdVersions(o *Object) []schema.GroupVersion {
	group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
	versions, _, _ := unstructured.NestedSlice(o.Object, "spec", "versions")
	var gvs []schema.GroupVersion
	for _, v := range versions {
		if m, ok := v.(map[string]any); ok {
			if name, ok := m["name"].(string); ok {
				gvs = append(gvs, schema.GroupVersion{Group: group, Version: name})
			}
		}
	}
	return gvs
}

// waitEstablished waits until the named CRD is Established, so that its
// resources can be applied.
func waitEstablished(ctx context.Context, c *cluster.Client, name string) error {
	return watchObject(ctx, c, crdMapping, "", name, func(u *unstructured.Unstructured) (bool, error) {
		if u == nil {
			return false, nil
		}
		for _, cond := range conditions(u) {
			if cond.Type == "Established" && cond.Status == "True" {
				return true, nil
			}
			if cond.Type == "NamesAccepted" && cond.Status == "False" {
				return false, fmt.Errorf("CustomResourceDefinition %s: names not accepted: %s", name, cond.Message)
			}
		}
		return false, nil
	})
}

// servedMapping is the mapping of a kind that a CustomResourceDefinition
// of this deploy has just defined. Established means the API server serves
// it; its discovery document follows a moment later, so an unknown kind is
// asked about again for a while.
func servedMapping(ctx context.Context, c *cluster.Client, gvk schema.GroupVersionKind) (cluster.Mapping, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		m, err := c.Mapping(ctx, gvk)
		var unknown *cluster.UnknownKindError
		if !errors.As(err, &unknown) || time.Now().After(deadline) {
			return m, err
		}
		c.Forget(gvk.GroupVersion())
		sleep(ctx, 200*time.Millisecond)
		if ctx.Err() != nil {
			return m, ctx.Err()
		}
	}
}
