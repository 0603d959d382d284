package deploy

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/eastern-k8s/eastern/cluster"
	"github.com/eastern-k8s/eastern/internal/textsafe"
)

var (
	jobGVK     = schema.GroupVersionKind{Group: "batch", Version: "v1", Kind: "Job"}
	jobMapping = cluster.Mapping{Resource: schema.GroupVersionResource{Group: "batch", Version: "v1", Resource: "jobs"}, Namespaced: true}
)

const (
	// maxJobName is the longest name a Job may have: the Job controller
	// puts it into the job-name label of its pods, a label value.
	maxJobName = 63
	// jobNameHash is how many hex digits of a hash end a name that had
	// to be cut.
	jobNameHash = 8
	// clearTimeout bounds the wait for an earlier run's Job to go away.
	clearTimeout = time.Minute
	// logQuiet is how long a log stream of a container that has ended
	// may stay silent before it is closed: a kubelet closes it itself, but
	// not every server does.
	logQuiet = time.Second
	// logDrain bounds the wait for the last log lines once the Jobs have
	// finished.
	logDrain = 10 * time.Second
	// logRetries is how often eastern tries to open a container's log.
	logRetries = 5
	// maxLogLine is the longest log line printed whole; the rest of a
	// longer one is left out.
	maxLogLine = 64 << 10
)

// JobName is the name eastern job gives a template's Job for a run of an
// image tag: "name-tag", made a DNS-1123 label of at most 63 characters:
// lower case, every character other than a-z, 0-9 and "-" replaced by "-",
// no "-" at either end. A longer name is cut and ends in "-" and a hash of
// the whole "name-tag", so that two tags never share a name and a run of
// the same tag always finds the same one.
func JobName(name, tag string) string {
	full := name + "-" + tag
	var b strings.Builder
	for _, r := range full {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '-':
			b.WriteRune(r)
		case 'A' <= r && r <= 'Z':
			b.WriteRune(r + 'a' - 'A')
		default:
			b.WriteByte('-')
		}
	}
	s := strings.Trim(b.String(), "-")
	if s != "" && len(s) <= maxJobName {
		return s
	}
	sum := sha256.Sum256([]byte(full))
	hash := hex.EncodeToString(sum[:])[:jobNameHash]
	s = strings.TrimRight(s[:min(len(s), maxJobName-1-jobNameHash)], "-")
	if s == "" {
		return hash
	}
	return s + "-" + hash
}

// IsJob reports whether o is a Job (batch/v1).
func IsJob(o *Object) bool { return o.GVK() == jobGVK }

// TagJobs renames every Job among objs for a run of tag (see JobName) and
// returns them in manifest order.
func TagJobs(objs []*Object, tag string) []*Object {
	var jobs []*Object
	for _, o := range objs {
		if IsJob(o) {
			o.SetName(JobName(o.GetName(), tag))
			jobs = append(jobs, o)
		}
	}
	return jobs
}

func jobLabel(name string) string { return "job.batch/" + name }

// jobOutcome reads a Job's conditions: succeeded once it is Complete (or
// SuccessCriteriaMet, which comes first while its pods stop), failed with
// the reason and message once it is Failed (or FailureTarget).
func jobOutcome(u *unstructured.Unstructured) (succeeded bool, failed string) {
	for _, c := range conditions(u) {
		if c.Status != "True" {
			continue
		}
		switch c.Type {
		case "Complete", "SuccessCriteriaMet":
			succeeded = true
		case "Failed", "FailureTarget":
			why := c.Reason
			if c.Message != "" {
				why = strings.TrimPrefix(why+": "+oneLine(c.Message), ": ")
			}
			if why == "" {
				why = "condition " + c.Type
			}
			failed = why
		}
	}
	if failed != "" {
		succeeded = false
	}
	return succeeded, failed
}

// ClearJob makes room for a run's Job, name in ns. A Job of that name
// that an earlier run left behind (kept with --keep, or not deleted because
// eastern was killed) would be reused silently by applying the new one: a
// finished one is deleted, and ClearJob waits until it is gone; one that
// has not finished may be another run's at work, and is an error. It
// reports whether it deleted one.
func ClearJob(ctx context.Context, c *cluster.Client, ns, name string) (bool, error) {
	ri := c.Resource(jobMapping, ns)
	old, err := ri.Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, c.Wrap(err)
	}
	label := jobLabel(name)
	uid := old.GetUID()
	if old.GetDeletionTimestamp() == nil {
		if succeeded, failed := jobOutcome(old); !succeeded && failed == "" {
			return false, fmt.Errorf("%s already exists and has not finished: is another run of this tag at work? Wait for it, or delete it: kubectl delete job %s -n %s", label, name, ns)
		}
		bg := metav1.DeletePropagationBackground
		err := ri.Delete(ctx, name, metav1.DeleteOptions{PropagationPolicy: &bg, Preconditions: &metav1.Preconditions{UID: &uid}})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) {
			return false, fmt.Errorf("deleting %s of an earlier run: %w", label, c.Wrap(err))
		}
	}
	wait, cancel := context.WithTimeout(ctx, clearTimeout)
	defer cancel()
	err = watchObject(wait, c, jobMapping, ns, name, func(u *unstructured.Unstructured) (bool, error) {
		if u != nil && u.GetUID() != uid {
			return false, fmt.Errorf("%s of an earlier run was deleted, and something created it again", label)
		}
		return u == nil, nil
	})
	if err != nil && ctx.Err() == nil && errors.Is(err, context.DeadlineExceeded) {
		return false, fmt.Errorf("%s of an earlier run is still there %s after it was deleted", label, clearTimeout)
	}
	return err == nil, err
}

// DeleteJob deletes a Job that FollowJobs followed, and its pods: with
// propagation Background the Job goes at once and the garbage collector
// removes the pods after it. It reports whether the Job was still there;
// it never deletes another Job that took the name since.
func DeleteJob(ctx context.Context, c *cluster.Client, a Applied) (bool, error) {
	bg := metav1.DeletePropagationBackground
	opts := metav1.DeleteOptions{PropagationPolicy: &bg}
	if uid := a.Live.GetUID(); uid != "" {
		opts.Preconditions = &metav1.Preconditions{UID: &uid}
	}
	err := c.Resource(a.Mapping, a.Object.GetNamespace()).Delete(ctx, a.Object.GetName(), opts)
	switch {
	case apierrors.IsNotFound(err), apierrors.IsConflict(err):
		return false, nil
	case err != nil:
		return false, c.Wrap(err)
	}
	return true, nil
}

// JobOptions say how long FollowJobs waits and where the logs go.
type JobOptions struct {
	// Timeout is an idle timeout: it starts again whenever a log line
	// arrives or a Job or one of its pods changes. 0 waits without one.
	Timeout time.Duration
	// Out receives the containers' log lines as they are written, and a
	// line when a pod fails, a new pod starts or a container restarts.
	Out io.Writer
	// LogLines is how many lines of a failed container's log a failure
	// report shows when none of them could be streamed; 0 is 50.
	LogLines int
}

// FollowJobs follows Jobs that were just applied until each one has
// succeeded (condition Complete or SuccessCriteriaMet), streaming the log
// of every container of their pods to opts.Out as it is written: across
// restarts of a container (restartPolicy OnFailure) and across the new
// pods a Job starts after a pod failed (backoffLimit). It returns a
// *RolloutError when a Job failed (Failed or FailureTarget), one of its
// pods cannot start (an image that cannot be pulled, a bad configuration)
// or nothing happened for opts.Timeout, and ctx's error when ctx ends.
func FollowJobs(ctx context.Context, c *cluster.Client, jobs []Applied, opts JobOptions) error {
	ctx, cancel := context.WithCancel(ctx)
	f := &jobFollower{
		ctx: ctx, c: c, opts: opts, out: &logWriter{w: opts.Out},
		changed: make(chan struct{}, 1), activity: make(chan struct{}, 1), ended: make(chan logEnd),
	}
	if f.out.w == nil {
		f.out.w = io.Discard
	}
	defer f.wg.Wait() // no line is written after FollowJobs returns
	defer cancel()
	for _, a := range jobs {
		r, err := f.newRun(a, len(jobs) > 1)
		if err != nil {
			return err
		}
		f.runs = append(f.runs, r)
	}
	return f.loop()
}

// jobFollower is FollowJobs at work. Only loop's goroutine touches its
// state; the goroutines that read logs write lines and report back on
// ended and activity.
type jobFollower struct {
	ctx      context.Context
	c        *cluster.Client
	opts     JobOptions
	out      *logWriter
	runs     []*jobRun
	changed  chan struct{} // a watched object changed
	activity chan struct{} // a log line was written
	ended    chan logEnd   // a log stream ended
	wg       sync.WaitGroup
}

// jobRun is one Job being followed: watches of it and of its pods, and
// where each container's log stands.
type jobRun struct {
	applied   Applied
	label     string
	obj, pods *objectSet
	// parallel: pods run side by side, so that each line names its pod;
	// multi: the pod has several containers, each line names its own;
	// manyJobs: the template has several Jobs, each line names its Job.
	parallel, multi, manyJobs bool
	logs                      map[string]*containerLog // by pod/container
	seen                      map[string]bool          // pods noted
	noted                     map[string]bool          // notes printed, by pod and what
	attempts                  int
	// How the Job stood when it was last seen.
	succeeded bool
	failed    string
}

func (f *jobFollower) newRun(a Applied, manyJobs bool) (*jobRun, error) {
	label := jobLabel(a.Object.GetName())
	sel, err := selectorOf(a.Live)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	ns := a.Object.GetNamespace()
	r := &jobRun{
		applied: a, label: label, manyJobs: manyJobs,
		obj:  followInto(f.ctx, f.c, a.Mapping, ns, metav1.ListOptions{FieldSelector: "metadata.name=" + a.Object.GetName()}, f.changed),
		pods: followInto(f.ctx, f.c, podMapping, ns, metav1.ListOptions{LabelSelector: sel}, f.changed),
		logs: map[string]*containerLog{}, seen: map[string]bool{}, noted: map[string]bool{},
	}
	parallelism, hasParallelism, _ := unstructured.NestedInt64(a.Live.Object, "spec", "parallelism")
	completions, _, _ := unstructured.NestedInt64(a.Live.Object, "spec", "completions")
	r.parallel = (hasParallelism && parallelism > 1) || completions > 1
	inits, _, _ := unstructured.NestedSlice(a.Live.Object, "spec", "template", "spec", "initContainers")
	containers, _, _ := unstructured.NestedSlice(a.Live.Object, "spec", "template", "spec", "containers")
	r.multi = len(inits)+len(containers) > 1
	return r, nil
}

// logPrefix is what starts each log line of a container: nothing for the
// common Job of one pod at a time with one container, else what tells the
// lines apart: "[migrate-1-4-2-x7k2p migrate] ".
func logPrefix(job, pod, container string, manyJobs, parallel, multi bool) string {
	var parts []string
	switch {
	case parallel:
		parts = append(parts, pod)
	case manyJobs:
		parts = append(parts, job)
	}
	if multi {
		parts = append(parts, container)
	}
	if len(parts) == 0 {
		return ""
	}
	return "[" + strings.Join(parts, " ") + "] "
}

// containerLog is where the log of one container of a pod stands. A
// container has one instance per (re)start, each with its own ID.
type containerLog struct {
	pod, container, prefix string
	printed                map[string]int  // lines printed, by instance
	complete               map[string]bool // instances read to their end
	open                   string          // the instance being read
	cancel                 context.CancelFunc
	cancelled              bool            // by eastern, once the instance ended
	last                   atomic.Int64    // unix nanoseconds of the last line, or of the opening
	opened                 map[string]bool // instances whose log was opened
	failures               int
	retryAt                time.Time
}

func (l *containerLog) total() int {
	n := 0
	for _, v := range l.printed {
		n += v
	}
	return n
}

// logEnd says a log stream ended: n lines printed, err why (nil: the end
// of the log).
type logEnd struct {
	log *containerLog
	id  string
	n   int
	err error
}

// runState is where a Job stands after an update.
type runState struct {
	succeeded bool
	failed    string // why the Job failed
	fatal     string // why one of its pods cannot start
	gone      bool
}

func (f *jobFollower) loop() error {
	var idle <-chan time.Time
	var timer *time.Timer
	if f.opts.Timeout > 0 {
		timer = time.NewTimer(f.opts.Timeout)
		defer timer.Stop()
		idle = timer.C
	}
	reset := func() {
		if timer == nil {
			return
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(f.opts.Timeout)
	}
	// A tick wakes the loop for retries and for closing the streams of
	// containers that ended; it reads nothing from the server.
	tick := time.NewTicker(logQuiet / 4)
	defer tick.Stop()
	lastKey := ""
	var finishing bool
	var drainEnd time.Time
	var failed *jobRun // the Job that failed, and why
	var why string
	for {
		now := time.Now()
		var key strings.Builder
		states := make([]runState, len(f.runs))
		ready := true
		for i, r := range f.runs {
			if !r.obj.ready() || !r.pods.ready() {
				ready = false
				continue
			}
			st, err := f.update(r, now, finishing, &key)
			if err != nil {
				return err
			}
			states[i] = st
		}
		if key.String() != lastKey {
			lastKey = key.String()
			reset()
		}
		if ready && !finishing {
			succeeded := 0
			for i, st := range states {
				r := f.runs[i]
				switch {
				case st.gone:
					return &RolloutError{Reason: r.label + " was deleted while it ran", Report: f.report(r)}
				case st.fatal != "":
					return &RolloutError{Reason: r.label + ": " + st.fatal, Report: f.report(r)}
				case st.failed != "" && failed == nil:
					failed, why = r, st.failed
				case st.succeeded:
					succeeded++
				}
			}
			if failed != nil || succeeded == len(f.runs) {
				// Read the last lines before saying how it ended.
				finishing, drainEnd = true, now.Add(logDrain)
				continue
			}
		}
		if finishing && (f.drained() || now.After(drainEnd)) {
			f.closeStreams()
			if failed != nil {
				return &RolloutError{Reason: failed.label + " failed: " + why, Report: f.report(failed)}
			}
			return nil
		}
		select {
		case <-f.changed:
		case <-f.activity:
			reset()
		case e := <-f.ended:
			f.end(e)
		case <-tick.C:
		case <-idle:
			return f.timedOut()
		case <-f.ctx.Done():
			return f.ctx.Err()
		}
	}
}

// update brings one Job's log streams up to date with its pods: opens
// the log of every container instance not yet read, closes streams of
// instances that ended, prints notes, and says where the Job stands. key
// receives what changes exactly when the Job or its pods change.
func (f *jobFollower) update(r *jobRun, now time.Time, finishing bool, key *strings.Builder) (runState, error) {
	objs, err := r.obj.snapshot()
	if err != nil {
		return runState{}, err
	}
	pods, err := r.pods.snapshot()
	if err != nil {
		return runState{}, err
	}
	var st runState
	if len(objs) == 0 {
		// Gone: fine after it ended (ttlSecondsAfterFinished), which the
		// watch may have shown only a moment before.
		st.succeeded, st.failed = r.succeeded, r.failed
		st.gone = !st.succeeded && st.failed == ""
	} else {
		job := objs[0]
		st.succeeded, st.failed = jobOutcome(job)
		r.succeeded, r.failed = st.succeeded, st.failed
		fmt.Fprintf(key, "%s %d/%d/%d/%d/%d;", r.label, num(job, "status", "active"), num(job, "status", "ready"),
			num(job, "status", "succeeded"), num(job, "status", "failed"), num(job, "status", "terminating"))
		for _, c := range conditions(job) {
			fmt.Fprintf(key, "%s=%s;", c.Type, c.Status)
		}
	}
	present := map[string]bool{}
	for _, p := range pods {
		name := p.GetName()
		present[name] = true
		phase, _, _ := unstructured.NestedString(p.Object, "status", "phase")
		fmt.Fprintf(key, "%s %s;", name, phase)
		f.notePod(r, p, phase)
		if why := jobPodFatal(p); why != "" && st.fatal == "" {
			st.fatal = "pod " + name + " cannot start: " + why
		}
		// The pod's init containers ran before its containers: their logs
		// come first, read to their end.
		inits := false
		for _, jc := range podContainers(p) {
			fmt.Fprintf(key, "%s %s %t %d %s;", jc.name, jc.id, jc.running, jc.restarts, jc.waiting)
			k := name + "/" + jc.name
			l := r.logs[k]
			if l == nil {
				l = &containerLog{pod: name, container: jc.name, printed: map[string]int{}, complete: map[string]bool{}, opened: map[string]bool{},
					prefix: logPrefix(r.applied.Object.GetName(), name, jc.name, r.manyJobs, r.parallel, r.multi)}
				r.logs[k] = l
			}
			f.pump(r, l, jc, true, finishing, !inits || jc.init, now)
			if next, _ := nextRead(jc, l.complete); jc.init && !jc.sidecar && (l.open != "" || next != "") {
				inits = true
			}
		}
	}
	for _, l := range r.logs {
		if !present[l.pod] {
			f.pump(r, l, jobContainer{}, false, finishing, false, now)
		}
	}
	return st, nil
}

// pump moves one container's log along: it closes a stream whose instance
// has ended and stayed quiet, and opens the next instance not yet read if
// mayOpen. exists is false once the pod is gone.
func (f *jobFollower) pump(r *jobRun, l *containerLog, jc jobContainer, exists, finishing, mayOpen bool, now time.Time) {
	if l.open != "" {
		ended := !exists || finishing || jc.id != l.open || !jc.running
		if ended && !l.cancelled && now.Sub(time.Unix(0, l.last.Load())) >= logQuiet {
			l.cancelled = true
			l.cancel()
		}
		return
	}
	if !exists || !mayOpen || now.Before(l.retryAt) {
		return
	}
	id, previous := nextRead(jc, l.complete)
	if id == "" {
		return
	}
	if len(l.opened) > 0 && !l.opened[id] {
		f.out.line(textsafe.Escape(fmt.Sprintf("%s: pod %s: container %s restarted", r.label, l.pod, l.container)))
	}
	f.open(r, l, id, previous, !previous && jc.running)
}

// nextRead is the instance of a container whose log is to be read next,
// "" when there is none: the previous instance when it was never read to
// its end (previous: it is read with previous=true), else the current one
// once it has started.
func nextRead(jc jobContainer, complete map[string]bool) (id string, previous bool) {
	if jc.lastID != "" && jc.lastID != jc.id && !complete[jc.lastID] {
		return jc.lastID, true
	}
	if jc.id != "" && !complete[jc.id] {
		return jc.id, false
	}
	return "", false
}

// open starts reading one container instance's log; lines printed by an
// earlier stream of the same instance are skipped.
func (f *jobFollower) open(r *jobRun, l *containerLog, id string, previous, follow bool) {
	ctx, cancel := context.WithCancel(f.ctx)
	l.open, l.cancel, l.cancelled = id, cancel, false
	l.opened[id] = true
	l.last.Store(time.Now().UnixNano())
	skip := l.printed[id]
	ns := r.applied.Object.GetNamespace()
	opts := cluster.LogOptions{Container: l.container, Previous: previous, Follow: follow}
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		defer cancel()
		n := 0
		rc, err := f.c.Logs(ctx, ns, l.pod, opts)
		if err == nil {
			err = readLines(rc, maxLogLine, func(line string) {
				if skip > 0 {
					skip--
					return
				}
				f.out.line(l.prefix + textsafe.EscapeKeepTabs(line))
				n++
				l.last.Store(time.Now().UnixNano())
				select {
				case f.activity <- struct{}{}:
				default:
				}
			})
			rc.Close()
		}
		select {
		case f.ended <- logEnd{log: l, id: id, n: n, err: err}:
		case <-f.ctx.Done():
		}
	}()
}

// end records the end of a log stream: the instance is read to its end,
// or its stream is opened again in a moment (the connection broke, or the
// server closed it before the pod's status says that the container ended).
func (f *jobFollower) end(e logEnd) {
	l := e.log
	l.open = ""
	l.printed[e.id] += e.n
	switch {
	case l.cancelled:
		l.complete[e.id] = true
	case e.err == nil:
		// The end of the instance's log, unless the pod still says that
		// it runs: then the stream is opened again after a pause.
		l.failures = 0
		l.retryAt = time.Now().Add(logQuiet)
		f.recheck(l, e.id)
	default:
		l.failures++
		if l.failures >= logRetries {
			l.complete[e.id] = true
			f.out.line(textsafe.Escape(fmt.Sprintf("pod %s, container %s: the log cannot be read: %v", l.pod, l.container, e.err)))
			return
		}
		l.retryAt = time.Now().Add(logQuiet)
	}
}

// recheck marks an instance whose stream ended complete when its pod no
// longer runs it.
func (f *jobFollower) recheck(l *containerLog, id string) {
	for _, r := range f.runs {
		pods, err := r.pods.snapshot()
		if err != nil {
			continue
		}
		for _, p := range pods {
			if p.GetName() != l.pod {
				continue
			}
			for _, jc := range podContainers(p) {
				if jc.name == l.container && (jc.id != id || !jc.running) {
					l.complete[id] = true
					l.retryAt = time.Time{}
				}
			}
			return
		}
	}
	l.complete[id] = true // the pod is gone
}

// drained reports whether every log was read to its end.
func (f *jobFollower) drained() bool {
	for _, r := range f.runs {
		pods, _ := r.pods.snapshot()
		present := map[string]jobContainer{}
		for _, p := range pods {
			for _, jc := range podContainers(p) {
				present[p.GetName()+"/"+jc.name] = jc
			}
		}
		for k, l := range r.logs {
			if l.open != "" {
				return false
			}
			if jc, ok := present[k]; ok {
				if id, _ := nextRead(jc, l.complete); id != "" {
					return false
				}
			}
		}
	}
	return true
}

func (f *jobFollower) closeStreams() {
	for _, r := range f.runs {
		for _, l := range r.logs {
			if l.open != "" {
				l.cancelled = true
				l.cancel()
			}
		}
	}
}

// notePod prints a line when a Job's pod fails, cannot be scheduled, or
// is a new attempt after another one.
func (f *jobFollower) notePod(r *jobRun, p *unstructured.Unstructured, phase string) {
	name := p.GetName()
	note := func(what, line string) {
		if !r.noted[name+" "+what] {
			r.noted[name+" "+what] = true
			f.out.line(textsafe.Escape(r.label + ": " + line))
		}
	}
	if !r.seen[name] {
		r.seen[name] = true
		r.attempts++
		if r.attempts > 1 && !r.parallel {
			note("new", fmt.Sprintf("pod %s started (attempt %d)", name, r.attempts))
		}
	}
	if c, ok := findCondition(p, "PodScheduled"); ok && c.Status == "False" && c.Reason != "" {
		note("unschedulable", fmt.Sprintf("pod %s: %s: %s", name, c.Reason, oneLine(c.Message)))
	}
	if phase == "Failed" {
		note("failed", "pod "+name+" failed: "+strings.TrimPrefix(podState(p), "Failed; "))
	}
}

// jobPodFatal says why a Job's pod cannot start, or "": the states that
// mend only with a new image or configuration. A crash loop is not one:
// the Job's backoffLimit decides when a restarting container failed.
func jobPodFatal(p *unstructured.Unstructured) string {
	for _, cs := range containerStatuses(p) {
		if fatalReasons[cs.waitingReason] && cs.waitingReason != "CrashLoopBackOff" {
			return "container " + cs.name + ": " + cs.describe()
		}
	}
	return ""
}

// report says how a Job's pods stand, the Warning events about the Job
// and its pods, and the last log lines of failed containers whose log
// could not be streamed.
func (f *jobFollower) report(r *jobRun) string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(f.ctx), 30*time.Second)
	defer cancel()
	var b strings.Builder
	pods, _ := r.pods.snapshot()
	names := map[string]bool{r.applied.Object.GetName(): true}
	if len(pods) == 0 {
		fmt.Fprintf(&b, "%s: no pod was created\n", r.label)
	} else {
		fmt.Fprintf(&b, "%s: pods:\n", r.label)
	}
	for i, p := range pods {
		names[p.GetName()] = true
		if i == maxPodsShown {
			fmt.Fprintf(&b, "  … and %d more\n", len(pods)-i)
			break
		}
		fmt.Fprintf(&b, "  %s: %s\n", p.GetName(), podState(p))
	}
	ns := r.applied.Object.GetNamespace()
	if events := warnings(ctx, f.c, ns, names); len(events) > 0 {
		fmt.Fprintf(&b, "%s: warning events:\n", r.label)
		for _, e := range events {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	lines := f.opts.LogLines
	if lines <= 0 {
		lines = 50
	}
	shown := 0
	for _, p := range pods {
		for _, jc := range podContainers(p) {
			l := r.logs[p.GetName()+"/"+jc.name]
			if shown == maxLogsShown || (l != nil && l.total() > 0) || !jc.failed() {
				continue
			}
			shown++
			previous := jc.id == ""
			which := "log"
			if previous {
				which = "log of the previous container"
			}
			fmt.Fprintf(&b, "%s: %s of pod %s, container %s (last %d lines):\n", r.label, which, p.GetName(), jc.name, lines)
			b.WriteString(tail(ctx, f.c, ns, p.GetName(), cluster.LogOptions{Container: jc.name, TailLines: lines, Previous: previous}))
		}
	}
	return b.String()
}

// timedOut explains the Jobs that had not finished.
func (f *jobFollower) timedOut() error {
	var pending []string
	var b strings.Builder
	for _, r := range f.runs {
		if objs, err := r.obj.snapshot(); err == nil && len(objs) > 0 {
			if succeeded, _ := jobOutcome(objs[0]); succeeded {
				continue
			}
		}
		pending = append(pending, r.label)
		b.WriteString(f.report(r))
	}
	return &RolloutError{TimedOut: true, Report: b.String(),
		Reason: fmt.Sprintf("timed out: no log line and no change for %s (--timeout); waiting for %s", f.opts.Timeout, strings.Join(pending, ", "))}
}

// jobContainer is what FollowJobs reads of a container's status: which
// instance runs or ran last, and the one before it.
type jobContainer struct {
	name     string
	init     bool   // an init container
	sidecar  bool   // an init container that runs beside the others (restartPolicy Always)
	id       string // the current instance, once it started
	running  bool
	lastID   string // the instance before, terminated
	restarts int64
	waiting  string
	exitCode int64
	lastExit int64
}

// failed reports whether the container's last instance ended in failure.
func (jc jobContainer) failed() bool {
	if jc.id != "" && !jc.running {
		return jc.exitCode != 0
	}
	return jc.id == "" && jc.lastID != "" && jc.lastExit != 0
}

// podContainers are a pod's init containers and containers, in the
// order of its spec, with their status.
func podContainers(p *unstructured.Unstructured) []jobContainer {
	var out []jobContainer
	for _, field := range [][2]string{{"initContainers", "initContainerStatuses"}, {"containers", "containerStatuses"}} {
		specs, _, _ := unstructured.NestedSlice(p.Object, "spec", field[0])
		statuses, _, _ := unstructured.NestedSlice(p.Object, "status", field[1])
		byName := map[string]map[string]any{}
		for _, s := range statuses {
			if m, ok := s.(map[string]any); ok {
				byName[str(m, "name")] = m
			}
		}
		for _, s := range specs {
			m, ok := s.(map[string]any)
			if !ok {
				continue
			}
			jc := jobContainer{name: str(m, "name"), init: field[0] == "initContainers"}
			jc.sidecar = jc.init && str(m, "restartPolicy") == "Always"
			if st, ok := byName[jc.name]; ok {
				readContainerStatus(&jc, st)
			}
			out = append(out, jc)
		}
	}
	return out
}

func readContainerStatus(jc *jobContainer, st map[string]any) {
	id := str(st, "containerID")
	jc.restarts, _, _ = unstructured.NestedInt64(st, "restartCount")
	jc.waiting, _, _ = unstructured.NestedString(st, "state", "waiting", "reason")
	if _, ok, _ := unstructured.NestedMap(st, "state", "running"); ok {
		jc.id, jc.running = id, true
	}
	if t, ok, _ := unstructured.NestedMap(st, "state", "terminated"); ok {
		jc.id = str(t, "containerID")
		if jc.id == "" {
			jc.id = id
		}
		jc.exitCode, _, _ = unstructured.NestedInt64(t, "exitCode")
	}
	if t, ok, _ := unstructured.NestedMap(st, "lastState", "terminated"); ok {
		jc.lastID = str(t, "containerID")
		jc.lastExit, _, _ = unstructured.NestedInt64(t, "exitCode")
	}
}

// logWriter writes whole lines from several streams at once. After a
// write fails it drops the rest: the Job still runs to its end.
type logWriter struct {
	mu     sync.Mutex
	w      io.Writer
	failed bool
}

func (w *logWriter) line(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.failed {
		return
	}
	if _, err := io.WriteString(w.w, s+"\n"); err != nil {
		w.failed = true
	}
}

// readLines calls fn with each line of r, without its line ending. A
// line longer than limit bytes is cut there and marked with "…"; a last
// line without a newline counts. It returns nil at the end of r.
func readLines(r io.Reader, limit int, fn func(string)) error {
	br := bufio.NewReaderSize(r, 4096)
	var line []byte
	cut := false
	for {
		chunk, err := br.ReadSlice('\n')
		whole := err == nil // chunk ends with the newline
		if whole {
			chunk = chunk[:len(chunk)-1]
		}
		if room := limit - len(line); len(chunk) > room {
			chunk, cut = chunk[:runeStart(chunk, room)], true
		}
		line = append(line, chunk...)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if whole || len(line) > 0 || cut {
			s := string(bytes.TrimSuffix(line, []byte("\r")))
			if cut {
				s += "…"
			}
			fn(s)
		}
		line, cut = line[:0], false
		switch {
		case err == io.EOF:
			return nil
		case err != nil:
			return err
		}
	}
}

// runeStart is n, or less so that b[:n] does not end inside a UTF-8
// sequence.
func runeStart(b []byte, n int) int {
	n = max(n, 0)
	for i := n; i > 0 && i > n-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			return i
		}
	}
	return n
}
