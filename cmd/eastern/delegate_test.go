package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// eastern hands deploy, job and diff --live to eastern-cluster beside it,
// with the arguments, streams and exit code passing straight through.
func TestClusterCommandsHandedOver(t *testing.T) {
	dir := t.TempDir()
	stdout, stderr, code := runEastern(t, dir, "", "deploy", "--help")
	if code != 0 || !strings.Contains(stdout, "eastern deploy TEMPLATE [NAMESPACE] [flags]") {
		t.Fatalf("deploy --help through eastern-cluster: exit %d\n%s%s", code, stdout, stderr)
	}
	_, stderr, code = runEastern(t, dir, "", "job", "a.yaml")
	if code != exitUsage || !strings.HasPrefix(stderr, "eastern job: want TEMPLATE NAMESPACE TAG") {
		t.Errorf("a usage error of job: exit %d, stderr %q", code, stderr)
	}
}

// Without eastern-cluster, a cluster command (of diff, --live) says where
// it is missing and how to get it: a usage error, nothing else run.
func TestClusterCommandsWithoutClusterBinary(t *testing.T) {
	alone := filepath.Join(t.TempDir(), "eastern")
	data, err := os.ReadFile(easternPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(alone, data, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"deploy", "--help"}, {"job", "--help"}, {"diff", "--live", "a.yaml"}} {
		cmd := args[0]
		c := easternCommand(t.TempDir(), args...)
		c.Path, c.Args[0] = alone, alone
		c.Env = []string{"PATH=" + t.TempDir()}
		_, stderr, code := runCommand(t, c, "")
		if code != exitUsage || !strings.Contains(stderr, "eastern "+cmd+": this command is in eastern-cluster, which is neither next to eastern nor on PATH") ||
			strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s without eastern-cluster: exit %d, stderr %q", cmd, code, stderr)
		}
	}
}
