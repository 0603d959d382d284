//go:build e2e

// Package e2e runs eastern's cluster commands (deploy, job, diff --live)
// against a real control plane: etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler built from the Kubernetes
// modules, with kwok faking the nodes and their pods. `make e2e` builds
// (or reuses) and starts it, runs these tests with the e2e build tag and
// stops it; see e2e/cluster/cluster.sh.
//
// The tests read the cluster from the environment that make e2e sets:
// EASTERN_E2E_KUBECONFIG (an administrator), EASTERN_E2E_DEV_KUBECONFIG (a
// user without permissions) and EASTERN_E2E_BIN (the directory of the
// control plane's kubectl).
package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eastern-k8s/eastern/internal/testbin"
)

var (
	eastern    string // the eastern binary under test
	kubeconfig string // the administrator's kubeconfig
	devConfig  string // a user the cluster's RBAC grants nothing
	kubectlBin string
)

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	// What eastern prints is checked as a UTF-8 terminal shows it (→, ×),
	// whatever locale runs the tests.
	os.Setenv("LC_ALL", "C.UTF-8")
	kubeconfig = os.Getenv("EASTERN_E2E_KUBECONFIG")
	devConfig = os.Getenv("EASTERN_E2E_DEV_KUBECONFIG")
	bin := os.Getenv("EASTERN_E2E_BIN")
	if kubeconfig == "" || devConfig == "" || bin == "" {
		fmt.Fprintln(os.Stderr, "e2e: EASTERN_E2E_KUBECONFIG, EASTERN_E2E_DEV_KUBECONFIG and EASTERN_E2E_BIN must be set; run make e2e")
		return 1
	}
	kubectlBin = filepath.Join(bin, "kubectl")
	dir, err := os.MkdirTemp("", "eastern-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	if eastern, err = testbin.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// result is how a process ended.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// run runs eastern in dir with the administrator's kubeconfig in
// KUBECONFIG, and env added to the environment.
func run(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	cmd := easternCmd(dir, env, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running eastern %s: %v", strings.Join(args, " "), err)
		}
		code = ee.ExitCode()
	}
	r := result{stdout.String(), stderr.String(), code}
	t.Logf("eastern %s: %s", strings.Join(args, " "), r)
	return r
}

func easternCmd(dir string, env []string, args ...string) *exec.Cmd {
	cmd := exec.Command(eastern, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig, "NO_COLOR=1")
	cmd.Env = append(cmd.Env, env...)
	return cmd
}

// kubectl runs the control plane's kubectl as the administrator and
// returns its standard output; a failure fails the test.
func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	out, err := kubectlErr(args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

func kubectlErr(args ...string) (string, error) {
	cmd := exec.Command(kubectlBin, append([]string{"--kubeconfig", kubeconfig}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// namespace creates a namespace of its own for the test, deleted after it.
func namespace(t *testing.T) string {
	t.Helper()
	b := make([]byte, 3)
	rand.Read(b)
	name := "e2e-" + strings.ToLower(strings.ReplaceAll(t.Name(), "_", "-"))
	if len(name) > 50 {
		name = name[:50]
	}
	name = strings.TrimRight(name, "-") + "-" + hex.EncodeToString(b)
	name = strings.ReplaceAll(name, "/", "-")
	kubectl(t, "create", "namespace", name)
	t.Cleanup(func() { kubectlErr("delete", "namespace", name, "--wait=false") })
	// Pods need the namespace's default ServiceAccount, which the
	// controller-manager creates a moment later.
	waitFor(t, 30*time.Second, "the default ServiceAccount of "+name, func() bool {
		_, err := kubectlErr("get", "serviceaccount", "default", "-n", name)
		return err == nil
	})
	return name
}

// waitFor polls cond until it holds; the test fails after limit.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", limit, what)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// tree writes files (path → content) into a new directory and returns it.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
