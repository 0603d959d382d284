package deploy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/eastern-k8s/eastern/cluster"
	"github.com/eastern-k8s/eastern/internal/textsafe"
)

// Most of each kind of evidence a failure shows, so that a crash loop of
// 50 replicas stays readable.
const (
	maxPodsShown   = 10
	maxEventsShown = 10
	maxLogsShown   = 3 // containers whose logs are shown
)

// explain says why a workload's rollout is stuck: its pods that are not
// ready with their states, recent Warning events of the object, its
// ReplicaSets and pods, and the last log lines of the failing containers.
// What cannot be read is said in place; explain never fails.
func explain(ctx context.Context, c *cluster.Client, w *workload, opts WaitOptions) string {
	var b strings.Builder
	pods, _ := w.pods.snapshot()
	var notReady []*unstructured.Unstructured
	for _, p := range pods {
		if p.GetDeletionTimestamp() == nil && !podReady(p) {
			notReady = append(notReady, p)
		}
	}
	if len(notReady) > 0 {
		fmt.Fprintf(&b, "%s: pods not ready:\n", w.label)
		for i, p := range notReady {
			if i == maxPodsShown {
				fmt.Fprintf(&b, "  … and %d more\n", len(notReady)-i)
				break
			}
			fmt.Fprintf(&b, "  %s: %s\n", p.GetName(), podState(p))
		}
	}
	names := map[string]bool{w.applied.Object.GetName(): true}
	if w.sets != nil {
		sets, _ := w.sets.snapshot()
		for _, rs := range sets {
			names[rs.GetName()] = true
		}
	}
	for _, p := range pods {
		names[p.GetName()] = true
	}
	if events := warnings(ctx, c, w.applied.Object.GetNamespace(), names); len(events) > 0 {
		fmt.Fprintf(&b, "%s: warning events:\n", w.label)
		for _, e := range events {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	lines := opts.LogLines
	if lines <= 0 {
		lines = 50
	}
	shown := 0
	for _, p := range notReady {
		for _, cs := range containerStatuses(p) {
			if shown == maxLogsShown || cs.ready || cs.waitingReason == "ContainerCreating" || cs.waitingReason == "PodInitializing" ||
				(cs.waitingReason != "" && !cs.hasLast && cs.waitingReason != "CrashLoopBackOff") {
				continue
			}
			shown++
			previous := cs.waitingReason == "CrashLoopBackOff" || (!cs.running && cs.hasLast && cs.terminated == "")
			which := "log"
			if previous {
				which = "log of the previous container"
			}
			fmt.Fprintf(&b, "%s: %s of pod %s, container %s (last %d lines):\n", w.label, which, p.GetName(), cs.name, lines)
			b.WriteString(tail(ctx, c, p.GetNamespace(), p.GetName(), cluster.LogOptions{Container: cs.name, TailLines: lines, Previous: previous}))
		}
	}
	return b.String()
}

func podReady(p *unstructured.Unstructured) bool {
	c, ok := findCondition(p, "Ready")
	return ok && c.Status == "True"
}

// podState is a pod's phase and why it is not ready: "Pending,
// Unschedulable: 0/1 nodes are available: …" or "Running; container web:
// CrashLoopBackOff, restarted 3 times, last exit code 1 (Error)".
func podState(p *unstructured.Unstructured) string {
	phase, _, _ := unstructured.NestedString(p.Object, "status", "phase")
	if phase == "" {
		phase = "Pending"
	}
	parts := []string{phase}
	if c, ok := findCondition(p, "PodScheduled"); ok && c.Status == "False" {
		parts[0] += ", " + c.Reason + ": " + oneLine(c.Message)
	}
	for _, cs := range containerStatuses(p) {
		if !cs.ready {
			parts = append(parts, "container "+cs.name+": "+cs.describe())
		}
	}
	if c, ok := findCondition(p, "Ready"); ok && c.Status == "False" && len(parts) == 1 && c.Message != "" {
		parts = append(parts, oneLine(c.Message))
	}
	return textsafe.Escape(strings.Join(parts, "; "))
}

// warnings are the recent Warning events about the named objects of a
// namespace, oldest first, one line each: "BackOff pod/web-1: Back-off
// restarting failed container (×12)".
func warnings(ctx context.Context, c *cluster.Client, ns string, names map[string]bool) []string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	// A rollout fails as soon as a pod's state says so; the kubelet's
	// event about it is often a moment behind.
	for range 2 {
		if events := warningsNow(ctx, c, ns, names); len(events) > 0 || ctx.Err() != nil {
			return events
		}
		sleep(ctx, time.Second)
	}
	return warningsNow(ctx, c, ns, names)
}

func warningsNow(ctx context.Context, c *cluster.Client, ns string, names map[string]bool) []string {
	list, err := c.Resource(eventMapping, ns).List(ctx, metav1.ListOptions{FieldSelector: "type=Warning"})
	if err != nil {
		return []string{"(events could not be read: " + c.Wrap(err).Error() + ")"}
	}
	type event struct {
		at   string
		line string
	}
	var events []event
	for _, e := range list.Items {
		kind, _, _ := unstructured.NestedString(e.Object, "involvedObject", "kind")
		name, _, _ := unstructured.NestedString(e.Object, "involvedObject", "name")
		if !names[name] {
			continue
		}
		reason, _, _ := unstructured.NestedString(e.Object, "reason")
		msg, _, _ := unstructured.NestedString(e.Object, "message")
		count := num(&e, "count")
		at, _, _ := unstructured.NestedString(e.Object, "lastTimestamp")
		if at == "" {
			at, _, _ = unstructured.NestedString(e.Object, "eventTime")
		}
		line := fmt.Sprintf("%s %s/%s: %s", reason, strings.ToLower(kind), name, oneLine(msg))
		if count > 1 {
			line += fmt.Sprintf(" (×%d)", count)
		}
		events = append(events, event{at: at, line: textsafe.Escape(line)})
	}
	slices.SortStableFunc(events, func(a, b event) int { return strings.Compare(a.at, b.at) })
	if len(events) > maxEventsShown {
		events = events[len(events)-maxEventsShown:]
	}
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = e.line
	}
	return out
}

// tail reads the last lines of a container's log, indented, each line
// escaped so that a log cannot move the terminal's cursor.
func tail(ctx context.Context, c *cluster.Client, ns, pod string, opts cluster.LogOptions) string {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	rc, err := c.Logs(ctx, ns, pod, opts)
	if err != nil {
		return "  (the log could not be read: " + err.Error() + ")\n"
	}
	defer rc.Close()
	var b strings.Builder
	sc := bufio.NewScanner(io.LimitReader(rc, 1<<20))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<10)
	n := 0
	for sc.Scan() {
		b.WriteString("  | " + textsafe.EscapeKeepTabs(sc.Text()) + "\n")
		n++
	}
	if n == 0 {
		b.WriteString("  (the log is empty)\n")
	}
	return b.String()
}
