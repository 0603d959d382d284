package corpus

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestRunShapes(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		files []string // written below the directory, which is appended to args
		out   string   // in standard output
	}{
		{"monorepo by default", []string{"-n", "4"}, []string{"apps/team-03/app-0003.yaml", "overrides/production/app-0003.yaml", "partials/labels.yaml"}, ""},
		{"monorepo with groups", []string{"-n", "5", "-shared-by", "2"}, []string{"apps/team-04/app-0004.yaml", "partials/groups/group-0000.yaml", "partials/groups/group-0002.yaml"}, ""},
		{"tree", []string{"-shape", "tree", "-n", "3", "-dirs", "1", "-lines", "20"}, []string{"app.yaml", "d00/svc-0002.yaml", "d00/svc-0000-production.yaml", "vars.args"}, "(64 output lines)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var stdout, stderr bytes.Buffer
			if code := Main(append(tt.args, dir), &stdout, &stderr); code != 0 {
				t.Fatalf("exit code %d: %s", code, stderr.String())
			}
			for _, f := range tt.files {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Error(err)
				}
			}
			if !strings.Contains(stdout.String(), tt.out) {
				t.Errorf("stdout = %q, want it to contain %q", stdout.String(), tt.out)
			}
		})
	}
}

func TestRunUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string // in standard error
	}{
		{nil, "usage:"},
		{[]string{"a", "b"}, "usage:"},
		{[]string{"-shape", "forest", "DIR"}, `unknown -shape "forest"`},
		{[]string{"-lines", "50", "DIR"}, "-lines only apply to -shape tree"},
		{[]string{"-shape", "tree", "-shared-by", "20", "DIR"}, "-shared-by only applies to -shape monorepo"},
	}
	for _, tt := range tests {
		// A directory of its own, in case a usage error is not caught.
		args := slices.Clone(tt.args)
		for i, a := range args {
			if a == "DIR" {
				args[i] = t.TempDir()
			}
		}
		var stdout, stderr bytes.Buffer
		if code := Main(args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("Main(%q) = %d, stderr %q; want 2 and %q", tt.args, code, stderr.String(), tt.want)
		}
	}
}
