package main

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestBrokenConfigEndToEnd: a .eastern.yaml whose second document is
// broken YAML is a usage error naming the file and line, for lint and for
// watch (which would otherwise start and run until the timeout), never a
// clean run on the first document alone.
func TestBrokenConfigEndToEnd(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		".eastern.yaml": "kubeVersion: \"1.29\"\n---\nfoo: [\n",
		"t.yaml":        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
	})
	for _, args := range [][]string{{"lint"}, {"watch", "t.yaml"}} {
		t.Run(args[0], func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, easternPath, args...)
			cmd.Dir = dir
			stdout, stderr, code := runCommand(t, cmd, "")
			if ctx.Err() != nil {
				t.Fatalf("eastern %s was still running after 10s: the broken config was accepted", args[0])
			}
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stdout %q stderr %q", code, exitUsage, stdout, stderr)
			}
			want := "eastern " + args[0] + ": .eastern.yaml:3: did not find expected node content\n"
			if !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 2 {
				t.Errorf("stderr = %q, want %q and the --help hint", stderr, want)
			}
		})
	}
}
