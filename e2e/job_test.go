//go:build e2e

package e2e

import (
	"bytes"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// jobTemplate is a migration: a ConfigMap it reads and a Job that runs
// image. podSpec is more of the pod's spec, one YAML line.
func jobTemplate(image, podSpec string) string {
	return `apiVersion: v1
kind: ConfigMap
metadata:
  name: migrate-settings
data:
  TAG: "${IMAGE_TAG}"
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      securityContext: {runAsNonRoot: true}
      ` + podSpec + `
      containers:
        - name: migrate
          image: registry.example.com/shop/` + image + `:${IMAGE_TAG}
          args: ["migrate"]
          envFrom:
            - configMapRef:
                name: migrate-settings
`
}

// neverScheduled keeps the Job's pod Pending, as no node matches it: a Job
// that does not finish on its own. (The kwok stages have no Job pod that
// keeps running, and their e2e.eastern.dev/ready-delay annotation does not
// delay a pod of this cluster.)
const neverScheduled = `nodeSelector: {e2e.eastern.dev/no-such-node: "true"}`

// jobGone fails the test unless the Job is gone, and its pods soon after.
func jobGone(t *testing.T, ns, name string) {
	t.Helper()
	if out, err := kubectlErr("get", "job", name, "-n", ns); err == nil || !strings.Contains(out, "NotFound") {
		t.Errorf("job %s is still there after eastern ended: %s", name, out)
	}
	waitFor(t, 30*time.Second, "the pods of job "+name+" to be deleted", func() bool {
		out, err := kubectlErr("get", "pods", "-n", ns, "-l", "batch.kubernetes.io/job-name="+name, "-o", "name")
		return err == nil && strings.TrimSpace(out) == ""
	})
}

func TestJobSucceeds(t *testing.T) {
	t.Parallel()
	ns := namespace(t)
	dir := tree(t, map[string]string{"migrate.yaml": jobTemplate("web", "")})
	r := run(t, dir, nil, "job", "migrate.yaml", ns, "1.4.2")
	if r.code != 0 {
		t.Fatalf("want exit 0: %s", r)
	}
	// The whole manifest was applied, the log streamed, then the Job deleted.
	want := []string{
		"configmap/migrate-settings applied\n",
		"job.batch/migrate-1-4-2 applied\n",
		"starting example app v1\nmigrating database schema...\nmigrating... done\nlistening on :8080\n",
		"job.batch/migrate-1-4-2 deleted\n",
	}
	rest := r.stdout
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("stdout lacks %q (in this order): %s", w, r)
		}
		rest = rest[i+len(w):]
	}
	if strings.Count(r.stdout, "starting example app v1") != 1 {
		t.Errorf("the log was printed more than once: %s", r)
	}
	if r.stderr != "" {
		t.Errorf("stderr: %q", r.stderr)
	}
	jobGone(t, ns, "migrate-1-4-2")
	// What the Job needed stays: only the Job is a one-off.
	if got := kubectl(t, "get", "configmap", "migrate-settings", "-n", ns, "-o", "jsonpath={.data.TAG}"); got != "1.4.2" {
		t.Errorf("ConfigMap TAG = %q, want 1.4.2 (TAG is ${IMAGE_TAG})", got)
	}
}

func TestJobFails(t *testing.T) {
	t.Parallel()
	ns := namespace(t)
	dir := tree(t, map[string]string{"migrate.yaml": jobTemplate("fail", "")})
	r := run(t, dir, nil, "job", "migrate.yaml", ns, "1.4.2")
	if r.code != 3 {
		t.Fatalf("want exit 3: %s", r)
	}
	for _, w := range []string{
		"eastern job: job.batch/migrate-1-4-2 failed: BackoffLimitExceeded: Job has reached the specified backoff limit\n",
		"job.batch/migrate-1-4-2: pods:\n  migrate-1-4-2-",
		"Failed; container migrate: Error, exit code 1",
	} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q: %s", w, r)
		}
	}
	for _, w := range []string{"starting example app v1\n", "job.batch/migrate-1-4-2: pod migrate-1-4-2-", " failed: container migrate: Error, exit code 1\n", "job.batch/migrate-1-4-2 deleted\n"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("stdout lacks %q: %s", w, r)
		}
	}
	jobGone(t, ns, "migrate-1-4-2")
}

// A Job that may retry (backoffLimit 1) starts a new pod after the first
// failed: both pods' logs are streamed, each init container's before its
// pod's container.
func TestJobRetries(t *testing.T) {
	t.Parallel()
	ns := namespace(t)
	dir := tree(t, map[string]string{"migrate.yaml": `apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
spec:
  backoffLimit: 1
  template:
    spec:
      restartPolicy: Never
      initContainers:
        - name: wait-db
          image: registry.example.com/shop/web:${IMAGE_TAG}
      containers:
        - name: migrate
          image: registry.example.com/shop/fail:${IMAGE_TAG}
`})
	r := run(t, dir, nil, "job", "migrate.yaml", ns, "1.4.2")
	if r.code != 3 {
		t.Fatalf("want exit 3: %s", r)
	}
	pod := "[wait-db] starting example app v1\n[wait-db] migrating database schema...\n[wait-db] migrating... done\n[wait-db] listening on :8080\n" +
		"[migrate] starting example app v1\n[migrate] migrating database schema...\n[migrate] migrating... done\n[migrate] listening on :8080\n"
	if n := strings.Count(r.stdout, pod); n != 2 {
		t.Errorf("stdout has the log of %d pods, init container first; want 2", n)
	}
	if !strings.Contains(r.stdout, " started (attempt 2)\n") {
		t.Errorf("stdout does not say that a second pod started")
	}
	if n := strings.Count(r.stdout, " failed: container migrate: Error, exit code 1\n"); n != 2 {
		t.Errorf("stdout says %d pods failed, want 2", n)
	}
	if !strings.Contains(r.stderr, "failed: BackoffLimitExceeded") {
		t.Errorf("stderr does not say why the Job failed")
	}
	jobGone(t, ns, "migrate-1-4-2")
}

func TestJobSignal(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
		says string
	}{
		{syscall.SIGTERM, 143, "eastern job: terminated (SIGTERM)\n"},
		{syscall.SIGINT, 130, "eastern job: interrupted (SIGINT)\n"},
	} {
		t.Run(tt.sig.String(), func(t *testing.T) {
			t.Parallel()
			ns := namespace(t)
			dir := tree(t, map[string]string{"migrate.yaml": jobTemplate("web", neverScheduled)})
			cmd := easternCmd(dir, nil, "job", "migrate.yaml", ns, "1.4.2")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// Signal once the scheduler has found no node for the pod: the
			// Job runs, and eastern follows it.
			waitFor(t, 30*time.Second, "the scheduler to give up on the Job's pod", func() bool {
				out, _ := kubectlErr("get", "pods", "-n", ns, "-l", "batch.kubernetes.io/job-name=migrate-1-4-2",
					"-o", `jsonpath={.items[*].status.conditions[?(@.type=="PodScheduled")].reason}`)
				return strings.TrimSpace(out) == "Unschedulable"
			})
			cmd.Process.Signal(tt.sig)
			var err error
			select {
			case err = <-done:
			case <-time.After(30 * time.Second):
				cmd.Process.Kill()
				t.Fatalf("eastern did not end within 30 s of %s", tt.sig)
			}
			r := result{stdout.String(), stderr.String(), 0}
			if ee, ok := err.(*exec.ExitError); ok {
				r.code = ee.ExitCode()
			}
			t.Logf("%s", r)
			if r.code != tt.code {
				t.Errorf("want exit %d", tt.code)
			}
			if r.stderr != tt.says {
				t.Errorf("stderr = %q, want %q", r.stderr, tt.says)
			}
			if !strings.HasSuffix(r.stdout, "job.batch/migrate-1-4-2 deleted\n") {
				t.Errorf("stdout does not end with the deletion")
			}
			jobGone(t, ns, "migrate-1-4-2")
		})
	}
}

func TestJobTimeout(t *testing.T) {
	t.Parallel()
	ns := namespace(t)
	dir := tree(t, map[string]string{"migrate.yaml": jobTemplate("web", neverScheduled)})
	start := time.Now()
	r := run(t, dir, nil, "job", "migrate.yaml", ns, "1.4.2", "--timeout", "4s")
	if r.code != 2 {
		t.Fatalf("want exit 2: %s", r)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("took %s for an idle timeout of 4s", took)
	}
	for _, w := range []string{
		"eastern job: timed out: no log line and no change for 4s (--timeout); waiting for job.batch/migrate-1-4-2\n",
		"job.batch/migrate-1-4-2: pods:\n  migrate-1-4-2-",
		": Pending, Unschedulable: 0/1 nodes are available",
	} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q", w)
		}
	}
	if !strings.Contains(r.stdout, ": Unschedulable: 0/1 nodes are available") {
		t.Errorf("stdout does not say that the pod cannot be scheduled")
	}
	if !strings.HasSuffix(r.stdout, "job.batch/migrate-1-4-2 deleted\n") {
		t.Errorf("stdout does not end with the deletion")
	}
	jobGone(t, ns, "migrate-1-4-2")
}

// --keep leaves the Job; the next run of the same tag deletes it first
// instead of finding it complete and reusing it.
func TestJobKeepThenRerun(t *testing.T) {
	t.Parallel()
	ns := namespace(t)
	dir := tree(t, map[string]string{"migrate.yaml": jobTemplate("web", "")})
	r := run(t, dir, nil, "job", "migrate.yaml", ns, "1.4.2", "--keep")
	if r.code != 0 {
		t.Fatalf("want exit 0: %s", r)
	}
	if !strings.HasSuffix(r.stdout, "job.batch/migrate-1-4-2 kept (--keep)\n") {
		t.Errorf("stdout does not end with the Job kept")
	}
	// eastern job ends at SuccessCriteriaMet, which the Job controller
	// sets a moment before it counts the pod in status.succeeded.
	var first string
	waitFor(t, 30*time.Second, "the kept Job to count its pod as succeeded", func() bool {
		first = kubectl(t, "get", "job", "migrate-1-4-2", "-n", ns, "-o", "jsonpath={.metadata.uid} {.status.succeeded}")
		uid, succeeded, _ := strings.Cut(first, " ")
		return uid != "" && succeeded == "1"
	})

	r = run(t, dir, nil, "job", "migrate.yaml", ns, "1.4.2", "--keep")
	if r.code != 0 {
		t.Fatalf("re-run: want exit 0: %s", r)
	}
	if !strings.HasPrefix(r.stdout, "job.batch/migrate-1-4-2 deleted (left by an earlier run)\n") {
		t.Errorf("re-run: stdout does not start with the earlier Job deleted")
	}
	if !strings.Contains(r.stdout, "starting example app v1\n") {
		t.Errorf("re-run: the new Job's log is missing")
	}
	var second string
	waitFor(t, 30*time.Second, "a new Job that succeeded", func() bool {
		second = kubectl(t, "get", "job", "migrate-1-4-2", "-n", ns, "-o", "jsonpath={.metadata.uid} {.status.succeeded}")
		return second != first && strings.HasSuffix(second, " 1")
	})
}

// A Job of the same name that has not finished may be another run's: it
// is left alone, and nothing is applied.
func TestJobRunningConflict(t *testing.T) {
	t.Parallel()
	ns := namespace(t)
	dir := tree(t, map[string]string{"migrate.yaml": jobTemplate("web", neverScheduled)})
	r := run(t, dir, nil, "job", "migrate.yaml", ns, "1.4.2", "--keep", "--timeout", "1s")
	if r.code != 2 {
		t.Fatalf("setting up a Job that runs: want exit 2 (timed out): %s", r)
	}
	uid := kubectl(t, "get", "job", "migrate-1-4-2", "-n", ns, "-o", "jsonpath={.metadata.uid}")

	r = run(t, dir, nil, "job", "migrate.yaml", ns, "1.4.2")
	if r.code != 1 {
		t.Fatalf("want exit 1: %s", r)
	}
	want := "eastern job: job.batch/migrate-1-4-2 already exists and has not finished: is another run of this tag at work? Wait for it, or delete it: kubectl delete job migrate-1-4-2 -n " + ns + "\n"
	if r.stderr != want {
		t.Errorf("stderr = %q, want %q", r.stderr, want)
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
	if got := kubectl(t, "get", "job", "migrate-1-4-2", "-n", ns, "-o", "jsonpath={.metadata.uid}"); got != uid {
		t.Errorf("the running Job was replaced: uid %q, was %q", got, uid)
	}
}

func TestJobNoJob(t *testing.T) {
	t.Parallel()
	ns := namespace(t)
	dir := tree(t, map[string]string{"settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  TAG: \"${IMAGE_TAG}\"\n"})
	r := run(t, dir, nil, "job", "settings.yaml", ns, "1.4.2")
	if r.code != 1 {
		t.Fatalf("want exit 1: %s", r)
	}
	if want := "eastern job: settings.yaml renders no Job (kind Job, apiVersion batch/v1) for namespace " + ns + "\n"; r.stderr != want {
		t.Errorf("stderr = %q, want %q", r.stderr, want)
	}
	if r.stdout != "" {
		t.Errorf("stdout = %q, want nothing", r.stdout)
	}
	if out, err := kubectlErr("get", "configmap", "settings", "-n", ns); err == nil {
		t.Errorf("the ConfigMap was applied: %s", out)
	}
}

func TestJobUsage(t *testing.T) {
	t.Parallel()
	dir := tree(t, map[string]string{"migrate.yaml": jobTemplate("web", "")})
	for _, args := range [][]string{
		{"job", "migrate.yaml", "default"},
		{"job", "migrate.yaml", "default", ""},
		{"job", "migrate.yaml", "default", "1", "extra"},
	} {
		r := run(t, dir, nil, args...)
		if r.code != 2 || !strings.HasPrefix(r.stderr, "eastern job: ") || strings.Count(r.stderr, "\n") != 2 {
			t.Errorf("%q: want exit 2 and a usage error: %s", args, r)
		}
	}
}
