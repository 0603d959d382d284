package deploy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eastern-k8s/eastern/cluster"
)

// WaitOptions say how long to wait for rollouts and how to show them.
type WaitOptions struct {
	// Timeout is an idle timeout: it starts again whenever some object
	// makes progress, as Project Eastern's did. 0 waits without one.
	Timeout time.Duration
	// Deadline is a hard limit on the whole wait; 0: none.
	Deadline time.Duration
	// Out receives the progress; Live redraws a block of lines in place
	// (a terminal) instead of printing a line per change (a CI log).
	Out  io.Writer
	Live bool
	// Width is the terminal's width: a live line longer than that is cut,
	// since a line that wraps breaks the redraw. 0: unknown.
	Width int
	// LogLines is how many log lines of each failing container a failure
	// shows; 0 is 50.
	LogLines int
}

// RolloutError says that a rollout did not finish: it failed (a state that
// does not mend itself) or timed out. Its message is one line; Report has
// the explanation.
type RolloutError struct {
	TimedOut bool
	Reason   string
	Report   string // the pods, events and logs that say why, for people
}

func (e *RolloutError) Error() string { return e.Reason }

var (
	podMapping        = cluster.Mapping{Resource: schema.GroupVersionResource{Version: "v1", Resource: "pods"}, Namespaced: true}
	replicaSetMapping = cluster.Mapping{Resource: schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "replicasets"}, Namespaced: true}
	eventMapping      = cluster.Mapping{Resource: schema.GroupVersionResource{Version: "v1", Resource: "events"}, Namespaced: true}
)

// Rolls reports whether Wait follows the kind: Deployments, StatefulSets
// and DaemonSets.
func Rolls(gk schema.GroupKind) bool {
	return gk.Group == "apps" && (gk.Kind == "Deployment" || gk.Kind == "StatefulSet" || gk.Kind == "DaemonSet")
}

// Wait follows the rollout of every Deployment, StatefulSet and DaemonSet
// among applied until each is complete, by the conditions kubectl rollout
// status uses. A rollout fails when a Deployment exceeds its progress
// deadline or a pod of the new revision cannot run (crash loop, image that
// cannot be pulled, bad configuration); the error then carries the pods
// that are not ready, the Warning events and the failing containers' logs.
func Wait(ctx context.Context, c *cluster.Client, applied []Applied, opts WaitOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if opts.Deadline > 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeout(ctx, opts.Deadline)
		defer stop()
	}
	changed := make(chan struct{}, 1)
	var ws []*workload
	for _, a := range applied {
		if Rolls(a.Object.GVK().GroupKind()) {
			w, err := newWorkload(ctx, c, a, changed)
			if err != nil {
				return err
			}
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 {
		return nil
	}
	show := newProgress(opts.Out, opts.Live, opts.Width, len(ws))
	var idle <-chan time.Time
	var timer *time.Timer
	if opts.Timeout > 0 {
		timer = time.NewTimer(opts.Timeout)
		defer timer.Stop()
		idle = timer.C
	}
	last := make([]string, len(ws))
	for {
		lines := make([]string, len(ws))
		done, progressed := 0, false
		for i, w := range ws {
			st, err := w.status()
			if err != nil {
				return err
			}
			if st.pending {
				continue // nothing to show yet
			}
			lines[i] = w.label + ": " + st.text
			if st.key != last[i] {
				progressed = progressed || last[i] != ""
				last[i] = st.key
			}
			if st.failed != "" {
				show.draw(lines)
				return &RolloutError{Reason: w.label + ": rollout failed: " + st.failed, Report: explain(ctx, c, w, opts)}
			}
			if st.done {
				done++
			}
		}
		show.draw(lines)
		if done == len(ws) {
			return nil
		}
		if progressed && timer != nil {
			if !timer.Stop() {
				select {
				case <-timer.C:
				default:
				}
			}
			timer.Reset(opts.Timeout)
		}
		select {
		case <-changed:
		case <-idle:
			return timedOut(ctx, c, ws, fmt.Sprintf("no rollout made progress for %s (--timeout)", opts.Timeout), opts)
		case <-ctx.Done():
			if errors.Is(ctx.Err(), context.DeadlineExceeded) {
				return timedOut(context.WithoutCancel(ctx), c, ws, fmt.Sprintf("the rollouts did not finish within %s (--deadline)", opts.Deadline), opts)
			}
			return ctx.Err()
		}
	}
}

// timedOut explains every rollout that had not finished.
func timedOut(ctx context.Context, c *cluster.Client, ws []*workload, why string, opts WaitOptions) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	var pending []string
	var b strings.Builder
	for _, w := range ws {
		if st, err := w.status(); err == nil && !st.done {
			pending = append(pending, w.label)
			b.WriteString(explain(ctx, c, w, opts))
		}
	}
	return &RolloutError{TimedOut: true, Reason: "timed out: " + why + "; waiting for " + strings.Join(pending, ", "), Report: b.String()}
}

// workload is one object whose rollout Wait follows, with the watches
// that keep its state, its ReplicaSets (Deployments) and its pods current.
type workload struct {
	applied Applied
	label   string
	obj     *objectSet
	pods    *objectSet
	sets    *objectSet // ReplicaSets of a Deployment
}

func newWorkload(ctx context.Context, c *cluster.Client, a Applied, changed chan struct{}) (*workload, error) {
	ns := a.Object.GetNamespace()
	sel, err := selectorOf(a.Live)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", a.Object.Label(), err)
	}
	w := &workload{applied: a, label: a.Object.Label()}
	w.obj = followInto(ctx, c, a.Mapping, ns, metav1.ListOptions{FieldSelector: "metadata.name=" + a.Object.GetName()}, changed)
	w.pods = followInto(ctx, c, podMapping, ns, metav1.ListOptions{LabelSelector: sel}, changed)
	if a.Object.GetKind() == "Deployment" {
		w.sets = followInto(ctx, c, replicaSetMapping, ns, metav1.ListOptions{LabelSelector: sel}, changed)
	}
	return w, nil
}

// selectorOf is the label selector of a workload's pods, as a string.
func selectorOf(u *unstructured.Unstructured) (string, error) {
	raw, ok, _ := unstructured.NestedMap(u.Object, "spec", "selector")
	if !ok {
		return "", errors.New("it has no spec.selector")
	}
	var ls metav1.LabelSelector
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &ls); err != nil {
		return "", fmt.Errorf("reading spec.selector: %w", err)
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	if err != nil {
		return "", fmt.Errorf("reading spec.selector: %w", err)
	}
	return sel.String(), nil
}

// rolloutStatus is where a rollout stands.
type rolloutStatus struct {
	text    string // "2 of 3 updated, 1 ready, 1 available"
	key     string // changes exactly when the rollout makes progress
	done    bool
	failed  string // why it failed, when it did
	pending bool   // the watches have not reported yet: nothing to show
}

func (w *workload) status() (rolloutStatus, error) {
	for _, s := range []*objectSet{w.obj, w.pods, w.sets} {
		if s != nil && !s.ready() {
			return rolloutStatus{pending: true}, nil
		}
	}
	objs, err := w.obj.snapshot()
	if err != nil {
		return rolloutStatus{}, err
	}
	if len(objs) == 0 {
		return rolloutStatus{text: "deleted while waiting", failed: "the object was deleted while its rollout was followed"}, nil
	}
	u := objs[0]
	var st rolloutStatus
	switch u.GetKind() {
	case "Deployment":
		st = deploymentStatus(u)
	case "StatefulSet":
		st = statefulSetStatus(u)
	default:
		st = daemonSetStatus(u)
	}
	// Until the controller has seen the new spec, the revision it names
	// is the old one: its pods (perhaps the crash loop this deploy fixes)
	// say nothing about the new rollout.
	if st.failed == "" && !st.done && observed(u) {
		pods, err := w.newPods(u)
		if err != nil {
			return rolloutStatus{}, err
		}
		for _, p := range pods {
			if why := fatal(p); why != "" {
				st.failed = "pod " + p.GetName() + ": " + why
				break
			}
		}
	}
	return st, nil
}

func num(u *unstructured.Unstructured, fields ...string) int64 {
	v, _, _ := unstructured.NestedInt64(u.Object, fields...)
	return v
}

// replicas is spec.replicas, 1 when absent as the API server defaults it.
func replicas(u *unstructured.Unstructured) int64 {
	if v, ok, _ := unstructured.NestedInt64(u.Object, "spec", "replicas"); ok {
		return v
	}
	return 1
}

func observed(u *unstructured.Unstructured) bool {
	og, ok, _ := unstructured.NestedInt64(u.Object, "status", "observedGeneration")
	return ok && og >= u.GetGeneration()
}

func deploymentStatus(u *unstructured.Unstructured) rolloutStatus {
	want := replicas(u)
	updated, ready, available, total := num(u, "status", "updatedReplicas"), num(u, "status", "readyReplicas"), num(u, "status", "availableReplicas"), num(u, "status", "replicas")
	st := rolloutStatus{
		text: fmt.Sprintf("%d of %d updated, %d ready, %d available", updated, want, ready, available),
		key:  fmt.Sprintf("%d/%d/%d/%d/%d/%d", u.GetGeneration(), num(u, "status", "observedGeneration"), updated, ready, available, total),
	}
	if !observed(u) {
		st.text = "waiting for the controller to see the new spec"
		return st
	}
	if c, ok := findCondition(u, "Progressing"); ok && c.Reason == "ProgressDeadlineExceeded" {
		st.failed = "it exceeded its progress deadline (spec.progressDeadlineSeconds)"
		return st
	}
	switch {
	case updated < want:
	case total > updated:
		st.text += fmt.Sprintf(", %d old pending termination", total-updated)
	case available < updated:
	default:
		st.done = true
		st.text = fmt.Sprintf("rolled out, %d of %d available", available, want)
	}
	return st
}

func statefulSetStatus(u *unstructured.Unstructured) rolloutStatus {
	want := replicas(u)
	updated, ready, current := num(u, "status", "updatedReplicas"), num(u, "status", "readyReplicas"), num(u, "status", "currentReplicas")
	st := rolloutStatus{
		text: fmt.Sprintf("%d of %d updated, %d ready", updated, want, ready),
		key:  fmt.Sprintf("%d/%d/%d/%d/%d", u.GetGeneration(), num(u, "status", "observedGeneration"), updated, ready, current),
	}
	if typ, _, _ := unstructured.NestedString(u.Object, "spec", "updateStrategy", "type"); typ == "OnDelete" {
		st.done, st.text = true, "applied (updateStrategy OnDelete: pods change when deleted)"
		return st
	}
	if !observed(u) {
		st.text = "waiting for the controller to see the new spec"
		return st
	}
	if ready < want {
		return st
	}
	if partition, ok, _ := unstructured.NestedInt64(u.Object, "spec", "updateStrategy", "rollingUpdate", "partition"); ok && partition > 0 {
		if updated < want-partition {
			return st
		}
		st.done, st.text = true, fmt.Sprintf("rolled out above partition %d, %d ready", partition, ready)
		return st
	}
	cur, _, _ := unstructured.NestedString(u.Object, "status", "currentRevision")
	upd, _, _ := unstructured.NestedString(u.Object, "status", "updateRevision")
	if cur != upd {
		return st
	}
	st.done, st.text = true, fmt.Sprintf("rolled out, %d of %d ready", ready, want)
	return st
}

func daemonSetStatus(u *unstructured.Unstructured) rolloutStatus {
	want, updated, available, ready := num(u, "status", "desiredNumberScheduled"), num(u, "status", "updatedNumberScheduled"), num(u, "status", "numberAvailable"), num(u, "status", "numberReady")
	st := rolloutStatus{
		text: fmt.Sprintf("%d of %d updated, %d ready, %d available", updated, want, ready, available),
		key:  fmt.Sprintf("%d/%d/%d/%d/%d/%d", u.GetGeneration(), num(u, "status", "observedGeneration"), want, updated, ready, available),
	}
	if typ, _, _ := unstructured.NestedString(u.Object, "spec", "updateStrategy", "type"); typ == "OnDelete" {
		st.done, st.text = true, "applied (updateStrategy OnDelete: pods change when deleted)"
		return st
	}
	if !observed(u) {
		st.text = "waiting for the controller to see the new spec"
		return st
	}
	if updated >= want && available >= want {
		st.done, st.text = true, fmt.Sprintf("rolled out, %d of %d available", available, want)
	}
	return st
}

// newPods are the workload's pods of the revision being rolled out.
func (w *workload) newPods(u *unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	pods, err := w.pods.snapshot()
	if err != nil {
		return nil, err
	}
	var label, value string
	switch u.GetKind() {
	case "Deployment":
		label, value = "pod-template-hash", w.newReplicaSetHash(u)
		if value == "" {
			return nil, nil
		}
	case "StatefulSet":
		label = "controller-revision-hash"
		value, _, _ = unstructured.NestedString(u.Object, "status", "updateRevision")
	case "DaemonSet":
		label, value = "pod-template-generation", fmt.Sprint(u.GetGeneration())
	}
	var out []*unstructured.Unstructured
	for _, p := range pods {
		if v, ok := p.GetLabels()[label]; !ok && u.GetKind() == "DaemonSet" || v == value {
			out = append(out, p)
		}
	}
	return out, nil
}

// newReplicaSetHash is the pod-template-hash of the Deployment's current
// ReplicaSet: the one it owns at its revision.
func (w *workload) newReplicaSetHash(u *unstructured.Unstructured) string {
	sets, err := w.sets.snapshot()
	if err != nil {
		return ""
	}
	rev := u.GetAnnotations()["deployment.kubernetes.io/revision"]
	for _, rs := range sets {
		if !ownedBy(rs, u) || rev == "" || rs.GetAnnotations()["deployment.kubernetes.io/revision"] != rev {
			continue
		}
		return rs.GetLabels()["pod-template-hash"]
	}
	return ""
}

func ownedBy(u, owner *unstructured.Unstructured) bool {
	for _, ref := range u.GetOwnerReferences() {
		if ref.UID == owner.GetUID() {
			return true
		}
	}
	return false
}

// fatalReasons are container states that do not mend without a new
// deploy: waiting longer would only delay the bad news.
var fatalReasons = map[string]bool{
	"CrashLoopBackOff":           true,
	"ImagePullBackOff":           true,
	"ErrImageNeverPull":          true,
	"InvalidImageName":           true,
	"CreateContainerConfigError": true,
}

// fatal says why a pod cannot become ready, or "".
func fatal(pod *unstructured.Unstructured) string {
	for _, cs := range containerStatuses(pod) {
		if fatalReasons[cs.waitingReason] {
			return "container " + cs.name + ": " + cs.describe()
		}
	}
	return ""
}

// containerStatus is what Wait reads of one container's status.
type containerStatus struct {
	name           string
	ready          bool
	restarts       int64
	waitingReason  string
	waitingMessage string
	running        bool
	terminated     string // reason of the current state, when terminated
	exitCode       int64
	lastExitCode   int64
	lastReason     string
	hasLast        bool
}

func containerStatuses(pod *unstructured.Unstructured) []containerStatus {
	var out []containerStatus
	for _, field := range []string{"initContainerStatuses", "containerStatuses"} {
		list, _, _ := unstructured.NestedSlice(pod.Object, "status", field)
		for _, item := range list {
			m, ok := item.(map[string]any)
			if !ok {
				continue
			}
			u := &unstructured.Unstructured{Object: m}
			cs := containerStatus{name: str(m, "name"), restarts: num(u, "restartCount")}
			cs.ready, _, _ = unstructured.NestedBool(m, "ready")
			cs.waitingReason, _, _ = unstructured.NestedString(m, "state", "waiting", "reason")
			cs.waitingMessage, _, _ = unstructured.NestedString(m, "state", "waiting", "message")
			_, cs.running, _ = unstructured.NestedMap(m, "state", "running")
			if t, ok, _ := unstructured.NestedMap(m, "state", "terminated"); ok {
				cs.terminated, _ = t["reason"].(string)
				if cs.terminated == "" {
					cs.terminated = "Terminated"
				}
				cs.exitCode = num(&unstructured.Unstructured{Object: t}, "exitCode")
			}
			if t, ok, _ := unstructured.NestedMap(m, "lastState", "terminated"); ok {
				cs.hasLast = true
				cs.lastReason, _ = t["reason"].(string)
				cs.lastExitCode = num(&unstructured.Unstructured{Object: t}, "exitCode")
			}
			out = append(out, cs)
		}
	}
	return out
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// describe says what state a container is in, for people.
func (cs containerStatus) describe() string {
	var b strings.Builder
	switch {
	case cs.waitingReason != "":
		b.WriteString(cs.waitingReason)
		if cs.waitingMessage != "" && cs.waitingReason != "CrashLoopBackOff" {
			b.WriteString(" (" + oneLine(cs.waitingMessage) + ")")
		}
	case cs.terminated != "":
		fmt.Fprintf(&b, "%s, exit code %d", cs.terminated, cs.exitCode)
	case cs.running && !cs.ready:
		b.WriteString("running, not ready")
	case cs.running:
		b.WriteString("running")
	default:
		b.WriteString("not started")
	}
	switch {
	case cs.restarts == 1:
		b.WriteString(", restarted once")
	case cs.restarts > 1:
		fmt.Fprintf(&b, ", restarted %d times", cs.restarts)
	}
	if cs.hasLast {
		fmt.Fprintf(&b, ", last exit code %d", cs.lastExitCode)
		if cs.lastReason != "" {
			b.WriteString(" (" + cs.lastReason + ")")
		}
	}
	return b.String()
}
