package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestBadNamespaceEndToEnd runs the binary with namespaces that must be
// refused before anything is rendered or written: every command checks
// namespaces with the same rule, an explicit empty namespace never means
// default, and -o 'out-${NAMESPACE}.yaml' cannot be steered out of its
// directory. A watch that wrongly started would run until the timeout.
func TestBadNamespaceEndToEnd(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string // the first line of standard error
	}{
		{"watch ../evil", []string{"watch", "t.yaml", "../evil", "--output-file", "out-${NAMESPACE}.yaml"}, `eastern watch: namespace "../evil": a lowercase RFC 1123 label`},
		{"watch -n ../evil", []string{"watch", "t.yaml", "-n", "ok,../evil", "--output-file", "out-${NAMESPACE}.yaml", "--no-lint"}, `eastern watch: namespace "../evil": a lowercase RFC 1123 label`},
		{"watch empty positional", []string{"watch", "t.yaml", "", "--output-file", "out-${NAMESPACE}.yaml"}, "eastern watch: namespace is empty"},
		{"watch empty -n", []string{"watch", "t.yaml", "-n", "", "--output-file", "out-${NAMESPACE}.yaml"}, `eastern watch: invalid argument "" for "-n, --namespace" flag: empty namespace name`},
		{"render empty positional", []string{"render", "t.yaml", "", "--output-file", "out.yaml"}, "eastern render: namespace is empty"},
		{"render empty -n", []string{"render", "t.yaml", "-n", "", "--output-file", "out.yaml"}, "eastern render: namespace is empty"},
		{"render ../evil", []string{"render", "t.yaml", "../evil"}, `eastern render: namespace "../evil": a lowercase RFC 1123 label`},
		{"lint ../evil", []string{"lint", "t.yaml", "-n", "../evil"}, `eastern lint: namespace "../evil": a lowercase RFC 1123 label`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			top := t.TempDir()
			work := writeTree(t, filepath.Join(top, "work"), map[string]string{"t.yaml": "a: ${NAMESPACE}\n"})
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, easternPath, tt.args...)
			cmd.Dir = work
			_, stderr, code := runCommand(t, cmd, "")
			if ctx.Err() != nil {
				t.Fatalf("eastern %q was still running after 10s: the namespace was accepted", tt.args)
			}
			if code != exitUsage {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitUsage, stderr)
			}
			lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
			if len(lines) != 2 || !strings.HasPrefix(lines[0], tt.want) || !strings.Contains(lines[1], "--help") {
				t.Errorf("stderr = %q, want one line starting with %q and the --help hint", stderr, tt.want)
			}
			if strings.Contains(lines[0], "regex") {
				t.Errorf("stderr = %q, want no regular expression in the message", lines[0])
			}
			for dir, want := range map[string][]string{top: {"work"}, work: {"t.yaml"}} {
				if got := dirNames(t, dir); !slices.Equal(got, want) {
					t.Errorf("%s holds %q after the refused command, want %q", dir, got, want)
				}
			}
		})
	}
}
