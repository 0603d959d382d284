package deploy

import (
	"context"
	"fmt"
	"io"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eastern-k8s/eastern/cluster"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/textdiff"
	"github.com/eastern-k8s/eastern/objdiff"
)

// Action is what a deploy would do to an object.
type Action int

// The actions; the zero Action is invalid, so that a Change nobody
// compared shows.
const (
	Unchanged Action = iota + 1
	Changed
	Created
	Deleted
)

func (a Action) String() string {
	switch a {
	case Unchanged:
		return "unchanged"
	case Changed:
		return "changed"
	case Created:
		return "new"
	case Deleted:
		return "deleted"
	}
	return "invalid"
}

// Change is what a deploy would change in one object: the object before
// and after, as normalised YAML (see Compare).
type Change struct {
	// Namespace is the namespace deployed to; WriteDiff sums up per
	// namespace.
	Namespace string
	// Label names the object as kubectl does: "deployment.apps/web".
	Label  string
	Action Action
	// Note says why a new object is shown as rendered rather than as the
	// server would create it: "its CustomResourceDefinition is created by
	// this deploy".
	Note string
	// From and To name the two sides in the diff's header: "live" and
	// "eastern".
	From, To string
	// Before and After are the object's YAML on either side; nil where
	// it does not exist.
	Before, After []byte
}

// The sides of a live diff.
const (
	sideLive    = "live"
	sideEastern = "eastern"
)

// Diff asks the server what applying objs with opts would change, without
// changing anything: for each object a server-side apply dry run (field
// manager "eastern", forcing conflicts, so that eastern's values show even
// for fields another manager took over) and a GET of the live object. It
// checks and orders the objects as Apply does; objects the server rejects
// are findings, all of them. An object whose kind a CustomResourceDefinition
// of the same manifest defines, or whose Namespace the manifest creates,
// cannot be dry-run: it is new, shown as rendered, with a Note.
func Diff(ctx context.Context, c *cluster.Client, objs []*Object, opts ApplyOptions) ([]Change, error) {
	plan, err := prepare(ctx, c, objs, opts)
	if err != nil {
		return nil, err
	}
	defined := definedKinds(objs)
	newNamespaces := map[string]bool{} // Namespaces this deploy would create
	var changes []Change
	var rejected diag.Findings
	for _, s := range plan {
		ch := Change{Namespace: opts.Namespace, Label: s.obj.KubectlName(), From: sideLive, To: sideEastern}
		var live, planned *unstructured.Unstructured
		if s.deferred {
			gvk := s.obj.GVK()
			crd := defined[gvk.GroupKind()]
			planned = s.obj.DeepCopy()
			if crd.namespaced && planned.GetNamespace() == "" {
				planned.SetNamespace(opts.Namespace)
			}
			ch.Note = "its CustomResourceDefinition is created by this deploy"
		} else {
			live, planned, err = dryRunApply(ctx, c, s)
			switch {
			case err == nil:
				if s.obj.GVK().GroupKind() == namespaceGVK.GroupKind() && live == nil {
					newNamespaces[s.obj.GetName()] = true
				}
			case apierrors.IsNotFound(err) && s.mapping.Namespaced && newNamespaces[s.obj.GetNamespace()]:
				planned = s.obj.Unstructured
				ch.Note = "its Namespace is created by this deploy"
			default:
				if fs, ok := rejection(s.obj, err); ok {
					rejected = append(rejected, fs...)
					continue
				}
				return nil, c.Wrap(err)
			}
		}
		compared, err := Compare(live, planned)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", ch.Label, err)
		}
		ch.Action, ch.Before, ch.After = compared.Action, compared.Before, compared.After
		changes = append(changes, ch)
	}
	if len(rejected) > 0 {
		return nil, rejected
	}
	return changes, nil
}

// dryRunApply has the server dry-run the apply of s and reads the live
// object. Both answers must describe the same version of the object, or
// the difference would show what changed in between: when a controller
// updated it in the meantime, both are asked again, up to three times.
func dryRunApply(ctx context.Context, c *cluster.Client, s step) (live, planned *unstructured.Unstructured, err error) {
	r := c.Resource(s.mapping, s.obj.GetNamespace())
	opts := metav1.ApplyOptions{FieldManager: FieldManager, Force: true, DryRun: []string{metav1.DryRunAll}}
	for attempt := 1; ; attempt++ {
		planned, err = r.Apply(ctx, s.obj.GetName(), s.obj.Unstructured, opts)
		if err != nil {
			return nil, nil, err
		}
		live, err = r.Get(ctx, s.obj.GetName(), metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			live, err = nil, nil
		}
		if err != nil {
			return nil, nil, err
		}
		// A dry-run create has no resourceVersion; an update has the
		// version it started from.
		same := live == nil && planned.GetResourceVersion() == "" ||
			live != nil && live.GetResourceVersion() == planned.GetResourceVersion()
		if same || attempt == 3 {
			return live, planned, nil
		}
	}
}

// crdNames is what a CustomResourceDefinition of the manifest says about
// the kind it defines.
type crdNames struct{ namespaced bool }

func definedKinds(objs []*Object) map[schema.GroupKind]crdNames {
	kinds := map[schema.GroupKind]crdNames{}
	for _, o := range objs {
		if o.GVK().GroupKind() != crdGVK.GroupKind() {
			continue
		}
		group, _, _ := unstructured.NestedString(o.Object, "spec", "group")
		kind, _, _ := unstructured.NestedString(o.Object, "spec", "names", "kind")
		scope, _, _ := unstructured.NestedString(o.Object, "spec", "scope")
		kinds[schema.GroupKind{Group: group, Kind: kind}] = crdNames{namespaced: scope != "Cluster"}
	}
	return kinds
}

// Compare puts the object before and after a deploy (nil: it does not
// exist on that side) into the YAML that a diff shows, and says what the
// deploy would do: Before, After and Action of the Change. The YAML has
// sorted keys, so that the order of a template's fields is never a
// change, and leaves out what only the API server and Kubernetes'
// controllers write:
//
//   - status;
//   - metadata.managedFields, resourceVersion, generation, uid,
//     creationTimestamp, selfLink, deletionTimestamp and
//     deletionGracePeriodSeconds;
//   - the annotations in serverAnnotations, such as
//     deployment.kubernetes.io/revision;
//   - empty metadata.labels and metadata.annotations.
//
// The values of a Secret's data and stringData, and its
// kubectl.kubernetes.io/last-applied-configuration annotation, which
// repeats them, are masked as kubectl diff masks them (objdiff.MaskSecret,
// which eastern diff --since masks with too): "***" when equal on both
// sides, "*** (before)" and "*** (after)" when not. The keys show.
func Compare(before, after *unstructured.Unstructured) (Change, error) {
	var b, a map[string]any
	if before != nil {
		b = normalize(before.Object)
	}
	if after != nil {
		a = normalize(after.Object)
	}
	var ch Change
	var err error
	if ch.Before, ch.After, err = objdiff.Sides(b, a); err != nil {
		return Change{}, err
	}
	switch {
	case b == nil && a == nil:
		return Change{}, fmt.Errorf("nothing to compare")
	case b == nil:
		ch.Action = Created
	case a == nil:
		ch.Action = Deleted
	case string(ch.Before) == string(ch.After):
		ch.Action = Unchanged
	default:
		ch.Action = Changed
	}
	return ch, nil
}

// serverMetadata are the fields of metadata that only the API server
// writes.
var serverMetadata = []string{
	"managedFields", "resourceVersion", "generation", "uid", "creationTimestamp", "selfLink",
	"deletionTimestamp", "deletionGracePeriodSeconds",
}

// serverAnnotations are annotations that the API server and Kubernetes'
// controllers write on the objects they manage, never a manifest.
var serverAnnotations = []string{
	"deployment.kubernetes.io/revision",                // the Deployment controller's rollout count
	"deployment.kubernetes.io/desired-replicas",        // on a Deployment's ReplicaSets
	"deployment.kubernetes.io/max-replicas",            // on a Deployment's ReplicaSets
	"deprecated.daemonset.template.generation",         // the API server, on DaemonSets
	"kubernetes.io/service-account.uid",                // on service account token Secrets
	"pv.kubernetes.io/bind-completed",                  // the volume binder
	"pv.kubernetes.io/bound-by-controller",             // the volume binder
	"volume.kubernetes.io/selected-node",               // the scheduler, on claims waiting for a pod
	"volume.kubernetes.io/storage-provisioner",         // the volume binder, on claims
	"volume.beta.kubernetes.io/storage-provisioner",    // the same, its older name
	"endpoints.kubernetes.io/last-change-trigger-time", // the endpoints controller
}

// normalize is a copy of obj without the fields Compare leaves out.
func normalize(obj map[string]any) map[string]any {
	obj = deepCopy(obj)
	delete(obj, "status")
	meta, ok := obj["metadata"].(map[string]any)
	if !ok {
		return obj
	}
	for _, f := range serverMetadata {
		delete(meta, f)
	}
	if annotations, ok := meta["annotations"].(map[string]any); ok {
		for _, a := range serverAnnotations {
			delete(annotations, a)
		}
	}
	for _, f := range []string{"labels", "annotations"} {
		if m, ok := meta[f].(map[string]any); ok && len(m) == 0 {
			delete(meta, f)
		}
	}
	return obj
}

func deepCopy(obj map[string]any) map[string]any {
	if obj == nil {
		return nil
	}
	return objdiff.CopyJSON(obj).(map[string]any)
}

// WriteDiff writes each change as a unified diff of the object's YAML
// (3 lines of context; coloured when color is true) under a header
// naming it, "--- live deployment.apps/web" and "+++ eastern
// deployment.apps/web"; unchanged objects are left out. Then a line per
// namespace sums up: "namespace web: 3 objects: 1 changed, 1 new, 1
// unchanged".
func WriteDiff(w io.Writer, changes []Change, color bool) error {
	f := textdiff.Format{Context: textdiff.DefaultContext, Color: color}
	type tally struct{ objects, changed, created, deleted, unchanged int }
	var order []string
	counts := map[string]*tally{}
	for _, ch := range changes {
		t := counts[ch.Namespace]
		if t == nil {
			t = &tally{}
			counts[ch.Namespace] = t
			order = append(order, ch.Namespace)
		}
		t.objects++
		switch ch.Action {
		case Unchanged:
			t.unchanged++
			continue
		case Changed:
			t.changed++
		case Created:
			t.created++
		case Deleted:
			t.deleted++
		}
		from, to := ch.From+" "+ch.Label, ch.To+" "+ch.Label
		switch {
		case ch.Action == Created && ch.Note != "":
			from, to = from+" (does not exist)", to+" (new: "+ch.Note+")"
		case ch.Action == Created:
			from, to = from+" (does not exist)", to+" (new)"
		case ch.Action == Deleted && ch.Note != "":
			to += " (deleted: " + ch.Note + ")"
		case ch.Action == Deleted:
			to += " (deleted)"
		}
		a, b := textdiff.SplitLines(string(ch.Before)), textdiff.SplitLines(string(ch.After))
		if err := textdiff.Write(w, from, to, a, b, textdiff.Lines(a, b), f); err != nil {
			return err
		}
	}
	for _, ns := range order {
		t := counts[ns]
		line := fmt.Sprintf("%s: %d changed, %d new, %d unchanged", plural(t.objects, "object"), t.changed, t.created, t.unchanged)
		if t.deleted > 0 {
			line += fmt.Sprintf(", %d deleted", t.deleted)
		}
		if ns != "" {
			line = "namespace " + ns + ": " + line
		}
		if _, err := io.WriteString(w, line+"\n"); err != nil {
			return err
		}
	}
	return nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
