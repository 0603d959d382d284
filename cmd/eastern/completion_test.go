package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The bash script registers itself (complete -p) and completes commands,
// flags, flag values, namespaces from .eastern.yaml and template files, by
// asking the eastern on PATH.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatalf("bash: %v", err)
	}
	dir := writeTree(t, t.TempDir(), map[string]string{
		"web.yaml":      "a: 1\n",
		"worker.yaml":   "b: 2\n",
		".eastern.yaml": "namespaces:\n  production: {}\n  staging: {}\n",
	})
	script, _, code := runEastern(t, dir, "", "completion", "bash")
	if code != exitOK {
		t.Fatalf("completion bash: exit %d", code)
	}
	path := filepath.Join(t.TempDir(), "eastern.bash")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	complete := func(words ...string) []string {
		t.Helper()
		line := `source "$1"; shift; COMP_WORDS=(eastern "$@"); COMP_CWORD=$#; _eastern; printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command(bash, append([]string{"-c", line, "bash", path}, words...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(easternPath)+string(os.PathListSeparator)+os.Getenv("PATH"))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("completing %q: %v", words, err)
		}
		got := strings.Fields(string(out))
		slices.Sort(got)
		return got
	}
	out, err := exec.Command(bash, "-c", `source "$1"; complete -p eastern`, "bash", path).Output()
	if err != nil || strings.TrimSpace(string(out)) != "complete -F _eastern eastern" {
		t.Errorf("complete -p eastern = %q, %v", out, err)
	}
	for _, tt := range []struct {
		words []string
		want  string
	}{
		{[]string{"re"}, "render report"},
		{[]string{"lint", "--fail"}, "--fail-on"},
		{[]string{"lint", "--fail-on", "w"}, "warning"},
		{[]string{"lint", "-o", "c"}, "checkstyle"},
		{[]string{"render", "w"}, "web.yaml worker.yaml"},
		{[]string{"render", "web.yaml", ""}, "default production staging"},
		{[]string{"watch", "-n", "s"}, "staging"},
		{[]string{"render", "-s", "X=1", "web.yaml", "p"}, "production"},
		{[]string{"deploy", "--dry"}, "--dry-run"},
		{[]string{"completion", "f"}, "fish"},
		{[]string{"rep"}, "report"},
		{[]string{"report", "m"}, "merge"},
		{[]string{"report", "merge", "--fail"}, "--fail-on"},
		{[]string{"report", "merge", "-o", "j"}, "json junit"},
		{[]string{"report", "merge", "w"}, "web.yaml worker.yaml"},
	} {
		if got := strings.Join(complete(tt.words...), " "); got != tt.want {
			t.Errorf("completing %q = %q, want %q", tt.words, got, tt.want)
		}
	}
}

func TestCompletionScripts(t *testing.T) {
	for shell, want := range map[string]string{"bash": "complete -F _eastern eastern", "zsh": "bashcompinit", "fish": "complete -c eastern"} {
		out, _, code := runEastern(t, t.TempDir(), "", "completion", shell)
		if code != exitOK || !strings.Contains(out, want) || !strings.Contains(out, "eastern __complete") {
			t.Errorf("completion %s: exit %d\n%s", shell, code, out)
		}
	}
	if _, stderr, code := runEastern(t, t.TempDir(), "", "completion", "tcsh"); code != exitUsage || !strings.Contains(stderr, `unknown shell "tcsh"`) {
		t.Errorf("completion tcsh: exit %d, %q", code, stderr)
	}
}
