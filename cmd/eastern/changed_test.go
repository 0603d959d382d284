package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitRepo makes a git repository in a temporary directory with files
// committed on main, and returns a function that runs git in it.
func gitRepo(t *testing.T, files map[string]string) (string, func(args ...string)) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := writeTree(t, t.TempDir(), files)
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com", "GIT_COMMITTER_NAME=t",
			"GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", "-A")
	git("commit", "-q", "-m", "base")
	return dir, git
}

var changedTree = map[string]string{
	"web.yaml":                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  # load! partials/probes.yaml\n  # load! overrides/env-${NAMESPACE}.yaml, overrides/env.yaml\n",
	"api.yaml":                      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\ndata:\n  # load! partials/ports.yaml\n  # load! overrides/env-${NAMESPACE}.yaml, overrides/env.yaml\n",
	"jobs.yaml":                     "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: jobs\ndata:\n  # load! partials/old.yaml\n",
	"partials/probes.yaml":          "probe: \"1\"\n",
	"partials/ports.yaml":           "port: \"80\"\n",
	"partials/old.yaml":             "old: \"1\"\n",
	"overrides/env.yaml":            "env: base\n",
	"overrides/env-production.yaml": "env: production\n",
}

// --changed-since lints what the branch changed since it left main: an
// edited partial, a renamed one (the template that loaded the old name
// now fails), a deleted one, and an added override.
func TestLintChangedSince(t *testing.T) {
	dir, git := gitRepo(t, changedTree)
	git("checkout", "-q", "-b", "feature")
	writeTree(t, dir, map[string]string{"partials/probes.yaml": "probe: \"2\"\n"})
	git("commit", "-q", "-am", "probes")
	// Meanwhile main moves on: that change is not the branch's.
	git("checkout", "-q", "main")
	writeTree(t, dir, map[string]string{"partials/ports.yaml": "port: \"81\"\n"})
	git("commit", "-q", "-am", "ports on main")
	git("checkout", "-q", "feature")

	stdout, stderr, code := runEastern(t, dir, "", "lint", "--changed-since", "main")
	if code != exitOK || !strings.Contains(stdout, "1 of 3 templates: partials/probes.yaml changed\n1 template × 2 namespaces") {
		t.Fatalf("edited partial: exit %d\n%s%s", code, stdout, stderr)
	}

	// Uncommitted and untracked changes count too: a partial renamed
	// along with the template that loads it, and an added override that
	// now wins for staging alone.
	git("mv", "partials/old.yaml", "partials/renamed.yaml")
	writeTree(t, dir, map[string]string{
		"jobs.yaml":                  strings.Replace(changedTree["jobs.yaml"], "old.yaml", "renamed.yaml", 1),
		"overrides/env-staging.yaml": "env: staging\n",
	})
	stdout, stderr, code = runEastern(t, dir, "", "lint", "--changed-since", "main", "-n", "default,staging,production", "-o", "json")
	if code != exitOK {
		t.Fatalf("renamed partial: exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	// web in all three namespaces (probes), api in staging only, jobs in
	// all three (its own change and the rename).
	for _, want := range []string{`"templates": 3`, `"namespaces": 3`, `"objects": 7`, `"of": 3`,
		`"selection": "jobs.yaml, overrides/env-staging.yaml, partials/probes.yaml and 1 more changed"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("renamed partial: report lacks %s:\n%s", want, stdout)
		}
	}

	// A deleted partial is found through the templates that name it.
	git("reset", "-q", "--hard")
	if err := os.Remove(filepath.Join(dir, "overrides", "env-staging.yaml")); err != nil {
		t.Fatal(err)
	}
	git("rm", "-q", "partials/ports.yaml")
	stdout, _, code = runEastern(t, dir, "", "lint", "--changed-since", "main", "--changed-since", "main")
	if code != exitFailed || !strings.Contains(stdout, "api.yaml:6:11: error: load!: none of the candidates exist: partials/ports.yaml") ||
		!strings.Contains(stdout, "2 of 3 templates: partials/ports.yaml, partials/probes.yaml changed") {
		t.Errorf("deleted partial: exit %d\n%s", code, stdout)
	}
}

func TestLintChangedSinceErrors(t *testing.T) {
	dir, git := gitRepo(t, changedTree)
	// A branch whose history never meets main's.
	git("checkout", "-q", "--orphan", "unrelated")
	git("commit", "-q", "-m", "elsewhere")
	git("checkout", "-q", "main")
	for _, tt := range []struct {
		args []string
		env  []string
		want string
	}{
		{[]string{"--changed-since", "nosuchbranch"}, nil, "eastern lint: --changed-since: nosuchbranch: unknown revision"},
		{[]string{"--changed-since", "--all"}, nil, `eastern lint: --changed-since: "--all" is not a git revision`},
		{[]string{"--changed-since", "unrelated"}, nil, "eastern lint: --changed-since: unrelated has no merge base with HEAD: their histories do not meet"},
		{[]string{"--changed-since", "main"}, []string{"PATH=" + t.TempDir()}, "eastern lint: --changed-since: git is not installed"},
		{[]string{"--changed-since", "main", "--changed", "web.yaml"}, nil, "eastern lint: give --changed-since or --changed, not both"},
	} {
		cmd := easternCommand(dir, append([]string{"lint"}, tt.args...)...)
		cmd.Env = append(cmd.Env, tt.env...)
		stdout, stderr, code := runCommand(t, cmd, "")
		if code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, tt.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tt.args, code, stdout, stderr, tt.want)
		}
	}
	outside := writeTree(t, t.TempDir(), changedTree)
	_, stderr, code := runEastern(t, outside, "", "lint", "--changed-since", "main")
	if code != exitUsage || !strings.Contains(stderr, "is not in a git repository") {
		t.Errorf("outside a repository: exit %d, stderr %q", code, stderr)
	}
}
