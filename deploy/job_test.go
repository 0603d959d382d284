package deploy

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"
)

func TestJobName(t *testing.T) {
	long := strings.Repeat("a", 60)
	tests := []struct {
		name, tag, want string
	}{
		{"migrate", "1.4.2", "migrate-1-4-2"},
		{"migrate", "abc123", "migrate-abc123"},
		{"migrate", "Feature_Branch", "migrate-feature-branch"},
		{"migrate", "release/2026.1", "migrate-release-2026-1"},
		{"migrate", "v1.0+build.7", "migrate-v1-0-build-7"},
		{"migrate", "-dash-", "migrate--dash"},                                 // the inner "--" is a valid label
		{"migrate", "..", "migrate"},                                           // only the trailing "-" go
		{"migrate", "café", "migrate-caf"},                                     // one "-" per character, not per byte
		{"Migrate", "X", "migrate-x"},                                          // upper-case names too
		{"db.migrate", "1", "db-migrate-1"},                                    // a dotted (DNS subdomain) name
		{strings.Repeat("m", 55), "1.4.2", strings.Repeat("m", 55) + "-1-4-2"}, // 61: as it is
		{strings.Repeat("m", 57), "1.4.2", strings.Repeat("m", 57) + "-1-4-2"}, // 63: as it is
		// 64 and more: cut to 54, then "-" and 8 hex digits of the whole.
		{strings.Repeat("m", 58), "1.4.2", strings.Repeat("m", 54) + "-" + hashOf(strings.Repeat("m", 58)+"-1.4.2")},
		{long, "0123456789abcdef", long[:54] + "-" + hashOf(long+"-0123456789abcdef")},
		// A cut that ends in "-" loses it before the hash.
		{strings.Repeat("m", 53), "-" + strings.Repeat("x", 20), strings.Repeat("m", 53) + "-" + hashOf(strings.Repeat("m", 53)+"--"+strings.Repeat("x", 20))},
		// Trailing "-" go before the length is counted: no cut, no hash.
		{strings.Repeat("m", 53), strings.Repeat(".", 20), strings.Repeat("m", 53)},
		// Nothing usable at all: the hash alone.
		{"...", "___", hashOf("...-___")},
	}
	for _, tt := range tests {
		got := JobName(tt.name, tt.tag)
		if got != tt.want {
			t.Errorf("JobName(%q, %q) = %q, want %q", tt.name, tt.tag, got, tt.want)
		}
		if errs := validation.IsDNS1123Label(got); len(errs) > 0 {
			t.Errorf("JobName(%q, %q) = %q: not a DNS-1123 label: %v", tt.name, tt.tag, got, errs)
		}
	}
}

// hashOf is what JobName puts at the end of a cut name: the first 8 hex
// digits of the SHA-256 of the full name.
func hashOf(full string) string {
	sum := sha256.Sum256([]byte(full))
	return hex.EncodeToString(sum[:])[:8]
}

func TestJobNameCutKeepsTagsApart(t *testing.T) {
	name := strings.Repeat("database-migration-", 4)
	a, b := JobName(name, "1.4.2"), JobName(name, "1.4.3")
	if a == b {
		t.Fatalf("two tags share the name %q", a)
	}
	if a != JobName(name, "1.4.2") {
		t.Fatalf("JobName is not deterministic")
	}
	if len(a) != maxJobName || len(b) != maxJobName {
		t.Fatalf("cut names %q and %q: want %d characters", a, b, maxJobName)
	}
}

func FuzzJobName(f *testing.F) {
	f.Add("migrate", "1.4.2")
	f.Add(strings.Repeat("a", 70), "x")
	f.Add("", "")
	f.Add("-", "\x00\xff")
	f.Fuzz(func(t *testing.T, name, tag string) {
		got := JobName(name, tag)
		if errs := validation.IsDNS1123Label(got); len(errs) > 0 {
			t.Fatalf("JobName(%q, %q) = %q: %v", name, tag, got, errs)
		}
		if got != JobName(name, tag) {
			t.Fatalf("JobName(%q, %q) is not deterministic", name, tag)
		}
	})
}

func TestTagJobs(t *testing.T) {
	manifest := `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
---
apiVersion: example.com/v1
kind: Job
metadata:
  name: not-a-batch-job
---
apiVersion: v1
kind: List
items:
- apiVersion: batch/v1
  kind: Job
  metadata:
    name: Seed_Data
`
	objs, err := Parse([]byte(manifest), nil)
	if err != nil {
		t.Fatal(err)
	}
	jobs := TagJobs(objs, "1.4.2")
	var got []string
	for _, j := range jobs {
		got = append(got, j.GetName())
	}
	if want := []string{"migrate-1-4-2", "seed-data-1-4-2"}; !slices.Equal(got, want) {
		t.Errorf("jobs = %q, want %q", got, want)
	}
	for _, o := range objs {
		if !IsJob(o) && strings.Contains(o.GetName(), "1-4-2") {
			t.Errorf("%s was renamed", o.Label())
		}
	}
}

func TestAppliedLabel(t *testing.T) {
	objs, err := Parse([]byte("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: m\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range objs {
		got = append(got, Applied{Object: o}.Label())
	}
	if want := []string{"job.batch/m", "configmap/c"}; !slices.Equal(got, want) {
		t.Errorf("labels = %q, want %q", got, want)
	}
}

func TestJobOutcome(t *testing.T) {
	tests := []struct {
		conditions string
		succeeded  bool
		failed     string
	}{
		{"[]", false, ""},
		{`[{type: Complete, status: "True"}]`, true, ""},
		{`[{type: SuccessCriteriaMet, status: "True"}]`, true, ""},
		{`[{type: Complete, status: "False"}]`, false, ""},
		{`[{type: Suspended, status: "True"}]`, false, ""},
		{`[{type: Failed, status: "True", reason: BackoffLimitExceeded, message: "Job has reached the specified backoff limit"}]`,
			false, "BackoffLimitExceeded: Job has reached the specified backoff limit"},
		{`[{type: FailureTarget, status: "True", reason: DeadlineExceeded, message: "Job was active longer\nthan specified deadline"}]`,
			false, "DeadlineExceeded: Job was active longer than specified deadline"},
		{`[{type: Failed, status: "True", reason: PodFailurePolicy}]`, false, "PodFailurePolicy"},
		{`[{type: Failed, status: "True", message: "no reason"}]`, false, "no reason"},
		{`[{type: Failed, status: "True"}]`, false, "condition Failed"},
		{`[{type: Failed, status: "False", reason: X}]`, false, ""},
	}
	for _, tt := range tests {
		u := object(t, "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nstatus:\n  conditions: "+tt.conditions+"\n")
		succeeded, failed := jobOutcome(u)
		if succeeded != tt.succeeded || failed != tt.failed {
			t.Errorf("%s: jobOutcome = %v, %q; want %v, %q", tt.conditions, succeeded, failed, tt.succeeded, tt.failed)
		}
	}
}

func TestPodContainers(t *testing.T) {
	pod := object(t, `apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers: [{name: wait}, {name: proxy, restartPolicy: Always}]
  containers: [{name: migrate}, {name: sidecar}, {name: late}]
status:
  initContainerStatuses:
  - name: wait
    containerID: kwok://w1
    state: {terminated: {exitCode: 0, containerID: kwok://w1}}
  containerStatuses:
  - name: sidecar
    containerID: kwok://s1
    state: {running: {}}
  - name: migrate
    containerID: kwok://m2
    restartCount: 1
    state: {waiting: {reason: CrashLoopBackOff}}
    lastState: {terminated: {exitCode: 2, containerID: kwok://m2}}
`)
	got := podContainers(pod)
	want := []jobContainer{
		{name: "wait", init: true, id: "kwok://w1"},
		{name: "proxy", init: true, sidecar: true},
		{name: "migrate", lastID: "kwok://m2", restarts: 1, waiting: "CrashLoopBackOff", lastExit: 2},
		{name: "sidecar", id: "kwok://s1", running: true},
		{name: "late"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("podContainers =\n%+v\nwant\n%+v", got, want)
	}
	failed := map[string]bool{}
	for _, jc := range got {
		failed[jc.name] = jc.failed()
	}
	if !failed["migrate"] || failed["wait"] || failed["proxy"] || failed["sidecar"] || failed["late"] {
		t.Errorf("failed = %v, want only migrate", failed)
	}
}

func TestNextRead(t *testing.T) {
	tests := []struct {
		name     string
		jc       jobContainer
		complete []string
		id       string
		previous bool
	}{
		{"not started", jobContainer{waiting: "ContainerCreating"}, nil, "", false},
		{"running", jobContainer{id: "a", running: true}, nil, "a", false},
		{"running, read", jobContainer{id: "a", running: true}, []string{"a"}, "", false},
		{"terminated before it was seen", jobContainer{id: "a"}, nil, "a", false},
		{"restarted: the previous first", jobContainer{id: "b", running: true, lastID: "a"}, nil, "a", true},
		{"restarted: then the current", jobContainer{id: "b", running: true, lastID: "a"}, []string{"a"}, "b", false},
		{"waiting after a crash", jobContainer{lastID: "a", waiting: "CrashLoopBackOff"}, nil, "a", true},
		{"waiting, the crash read", jobContainer{lastID: "a", waiting: "CrashLoopBackOff"}, []string{"a"}, "", false},
		{"all read", jobContainer{id: "b", lastID: "a"}, []string{"a", "b"}, "", false},
	}
	for _, tt := range tests {
		complete := map[string]bool{}
		for _, id := range tt.complete {
			complete[id] = true
		}
		id, previous := nextRead(tt.jc, complete)
		if id != tt.id || previous != tt.previous {
			t.Errorf("%s: nextRead = %q, %v; want %q, %v", tt.name, id, previous, tt.id, tt.previous)
		}
	}
}

func TestJobPodFatal(t *testing.T) {
	pod := func(reason string) *unstructured.Unstructured {
		return object(t, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nstatus:\n  containerStatuses:\n  - name: migrate\n    state: {waiting: {reason: "+reason+", message: nope}}\n")
	}
	tests := []struct {
		reason, want string
	}{
		{"ImagePullBackOff", "container migrate: ImagePullBackOff (nope)"},
		{"CreateContainerConfigError", "container migrate: CreateContainerConfigError (nope)"},
		{"CrashLoopBackOff", ""}, // the Job's backoffLimit decides
		{"ContainerCreating", ""},
	}
	for _, tt := range tests {
		if got := jobPodFatal(pod(tt.reason)); got != tt.want {
			t.Errorf("%s: jobPodFatal = %q, want %q", tt.reason, got, tt.want)
		}
	}
}

func TestLogPrefix(t *testing.T) {
	tests := []struct {
		manyJobs, parallel, multi bool
		want                      string
	}{
		{false, false, false, ""},
		{false, false, true, "[migrate] "},
		{true, false, false, "[job-1] "},
		{true, false, true, "[job-1 migrate] "},
		{false, true, false, "[job-1-abcde] "},
		{true, true, true, "[job-1-abcde migrate] "},
	}
	for _, tt := range tests {
		if got := logPrefix("job-1", "job-1-abcde", "migrate", tt.manyJobs, tt.parallel, tt.multi); got != tt.want {
			t.Errorf("logPrefix(%v, %v, %v) = %q, want %q", tt.manyJobs, tt.parallel, tt.multi, got, tt.want)
		}
	}
}

func TestReadLines(t *testing.T) {
	big := strings.Repeat("x", 5000) // longer than the reader's buffer
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{"empty", "", 100, nil},
		{"lines", "a\nb\n", 100, []string{"a", "b"}},
		{"no final newline", "a\nb", 100, []string{"a", "b"}},
		{"CRLF", "a\r\nb\r\n", 100, []string{"a", "b"}},
		{"empty lines", "\n\na\n", 100, []string{"", "", "a"}},
		{"longer than the buffer", big + "\nnext\n", 10000, []string{big, "next"}},
		{"cut", "abcdefgh\nok\n", 4, []string{"abcd…", "ok"}},
		{"cut past the buffer", big + big + "\nok", 6000, []string{big + big[:1000] + "…", "ok"}},
		{"cut inside a character", "ab日本\n", 4, []string{"ab…"}},
	}
	for _, tt := range tests {
		var got []string
		err := readLines(iotest.OneByteReader(strings.NewReader(tt.in)), tt.limit, func(s string) { got = append(got, s) })
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: lines = %q, want %q", tt.name, got, tt.want)
		}
		for _, l := range got {
			if !utf8.ValidString(l) {
				t.Errorf("%s: %q is not UTF-8", tt.name, l)
			}
		}
	}
}

func TestReadLinesError(t *testing.T) {
	broken := errors.New("connection reset")
	var got []string
	r := io.MultiReader(strings.NewReader("a\nb"), iotest.ErrReader(broken))
	err := readLines(r, 100, func(s string) { got = append(got, s) })
	if !errors.Is(err, broken) {
		t.Errorf("err = %v, want %v", err, broken)
	}
	if want := []string{"a", "b"}; !slices.Equal(got, want) {
		t.Errorf("lines = %q, want %q", got, want)
	}
}
