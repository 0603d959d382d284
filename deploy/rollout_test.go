package deploy

import (
	"bytes"
	"strings"
	"testing"
)

func TestDeploymentStatus(t *testing.T) {
	const head = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, generation: 2}\nspec: {replicas: 3}\n"
	tests := []struct {
		status string
		text   string
		done   bool
		failed bool
	}{
		{"status: {observedGeneration: 1}", "waiting for the controller to see the new spec", false, false},
		{"status: {observedGeneration: 2, replicas: 3, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3}", "1 of 3 updated, 3 ready, 3 available", false, false},
		{"status: {observedGeneration: 2, replicas: 4, updatedReplicas: 3, readyReplicas: 4, availableReplicas: 4}", "3 of 3 updated, 4 ready, 4 available, 1 old pending termination", false, false},
		{"status: {observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2}", "3 of 3 updated, 2 ready, 2 available", false, false},
		{"status: {observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3}", "rolled out, 3 of 3 available", true, false},
		{"status: {observedGeneration: 2, conditions: [{type: Progressing, status: 'False', reason: ProgressDeadlineExceeded}]}", "0 of 3 updated, 0 ready, 0 available", false, true},
	}
	for _, tt := range tests {
		st := deploymentStatus(object(t, head+tt.status))
		if st.text != tt.text || st.done != tt.done || (st.failed != "") != tt.failed {
			t.Errorf("%s:\n got %q done=%v failed=%q\nwant %q done=%v failed=%v", tt.status, st.text, st.done, st.failed, tt.text, tt.done, tt.failed)
		}
	}
	// Progress is a change of the key; the same status twice is none.
	a := deploymentStatus(object(t, head+tests[1].status))
	b := deploymentStatus(object(t, head+tests[1].status))
	c := deploymentStatus(object(t, head+tests[3].status))
	if a.key != b.key || a.key == c.key {
		t.Errorf("keys: same status %q vs %q, progressed %q", a.key, b.key, c.key)
	}
}

func TestStatefulSetStatus(t *testing.T) {
	const head = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, generation: 1}\n"
	tests := []struct {
		spec, status string
		done         bool
	}{
		{"spec: {replicas: 2}", "status: {observedGeneration: 1, readyReplicas: 1, currentRevision: a, updateRevision: a}", false},
		{"spec: {replicas: 2}", "status: {observedGeneration: 1, readyReplicas: 2, currentRevision: a, updateRevision: b}", false},
		{"spec: {replicas: 2}", "status: {observedGeneration: 1, readyReplicas: 2, currentRevision: b, updateRevision: b}", true},
		{"spec: {replicas: 3, updateStrategy: {rollingUpdate: {partition: 2}}}", "status: {observedGeneration: 1, readyReplicas: 3, updatedReplicas: 1, currentRevision: a, updateRevision: b}", true},
		{"spec: {replicas: 3, updateStrategy: {rollingUpdate: {partition: 1}}}", "status: {observedGeneration: 1, readyReplicas: 3, updatedReplicas: 1, currentRevision: a, updateRevision: b}", false},
		{"spec: {replicas: 2, updateStrategy: {type: OnDelete}}", "status: {}", true},
	}
	for _, tt := range tests {
		if st := statefulSetStatus(object(t, head+tt.spec+"\n"+tt.status)); st.done != tt.done {
			t.Errorf("%s %s: done = %v (%q), want %v", tt.spec, tt.status, st.done, st.text, tt.done)
		}
	}
}

func TestDaemonSetStatus(t *testing.T) {
	const head = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, generation: 3}\n"
	tests := []struct {
		status string
		done   bool
	}{
		{"status: {observedGeneration: 2, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2}", false},
		{"status: {observedGeneration: 3, desiredNumberScheduled: 2, updatedNumberScheduled: 1, numberAvailable: 2}", false},
		{"status: {observedGeneration: 3, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 1}", false},
		{"status: {observedGeneration: 3, desiredNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2}", true},
	}
	for _, tt := range tests {
		if st := daemonSetStatus(object(t, head+tt.status)); st.done != tt.done {
			t.Errorf("%s: done = %v (%q), want %v", tt.status, st.done, st.text, tt.done)
		}
	}
}

func TestFatalPodStates(t *testing.T) {
	const head = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
	tests := []struct {
		status string
		want   string // "" when the pod may still become ready
	}{
		{`status: {containerStatuses: [{name: web, restartCount: 4, state: {waiting: {reason: CrashLoopBackOff, message: "back-off 40s"}}, lastState: {terminated: {exitCode: 137, reason: OOMKilled}}}]}`,
			"container web: CrashLoopBackOff, restarted 4 times, last exit code 137 (OOMKilled)"},
		{`status: {containerStatuses: [{name: web, state: {waiting: {reason: ImagePullBackOff, message: "Back-off pulling image \"x:1\""}}}]}`,
			`container web: ImagePullBackOff (Back-off pulling image "x:1")`},
		{`status: {initContainerStatuses: [{name: migrate, state: {waiting: {reason: CreateContainerConfigError, message: "secret \"db\" not found"}}}]}`,
			`container migrate: CreateContainerConfigError (secret "db" not found)`},
		{`status: {containerStatuses: [{name: web, state: {waiting: {reason: ContainerCreating}}}]}`, ""},
		{`status: {containerStatuses: [{name: web, restartCount: 1, state: {running: {}}, lastState: {terminated: {exitCode: 1}}}]}`, ""},
		{`status: {phase: Pending}`, ""},
	}
	for _, tt := range tests {
		if got := fatal(object(t, head+tt.status)); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.status, got, tt.want)
		}
	}
}

func TestPodState(t *testing.T) {
	pod := object(t, `apiVersion: v1
kind: Pod
metadata: {name: p}
status:
  phase: Pending
  conditions:
    - {type: PodScheduled, status: "False", reason: Unschedulable, message: "0/3 nodes are available:\n insufficient cpu"}
`)
	if got, want := podState(pod), "Pending, Unschedulable: 0/3 nodes are available:  insufficient cpu"; got != want {
		t.Errorf("podState = %q, want %q", got, want)
	}
	probe := object(t, `apiVersion: v1
kind: Pod
metadata: {name: p}
status:
  phase: Running
  conditions: [{type: Ready, status: "False", message: "containers with unready status: [web]"}]
  containerStatuses: [{name: web, ready: false, state: {running: {}}}]
`)
	if got, want := podState(probe), "Running; container web: running, not ready"; got != want {
		t.Errorf("podState = %q, want %q", got, want)
	}
}

func TestProgressLines(t *testing.T) {
	var log bytes.Buffer
	p := newProgress(&log, false, 0, 2)
	p.draw([]string{"a: 0 of 2", ""})
	p.draw([]string{"a: 0 of 2", "b: 1 of 1"})
	p.draw([]string{"a: 0 of 2", "b: 1 of 1"})
	p.draw([]string{"a: 2 of 2", "b: 1 of 1"})
	if got, want := log.String(), "a: 0 of 2\nb: 1 of 1\na: 2 of 2\n"; got != want {
		t.Errorf("a line per change:\n got %q\nwant %q", got, want)
	}

	var term bytes.Buffer
	p = newProgress(&term, true, 0, 2)
	p.draw([]string{"a: 0 of 2", "b: 0 of 1"})
	p.draw([]string{"a: 1 of 2", "b: 0 of 1"})
	want := "\x1b[2Ka: 0 of 2\n\x1b[2Kb: 0 of 1\n" + "\x1b[2A\x1b[2Ka: 1 of 2\n\x1b[2Kb: 0 of 1\n"
	if got := term.String(); got != want {
		t.Errorf("a live block:\n got %q\nwant %q", got, want)
	}
	if strings.Count(term.String(), "\x1b[2A") != 1 {
		t.Error("the first draw must not move the cursor up")
	}

	var narrow bytes.Buffer
	p = newProgress(&narrow, true, 10, 1)
	p.draw([]string{"Deployment/a-long-name: 1 of 2 updated"})
	p.draw([]string{"short"})
	if got, want := narrow.String(), "\x1b[2KDeployme…\n\x1b[1A\x1b[2Kshort\n"; got != want {
		t.Errorf("a line wider than the terminal:\n got %q\nwant %q", got, want)
	}
}
