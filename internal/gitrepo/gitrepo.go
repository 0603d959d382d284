// Package gitrepo asks git what a change touches, for eastern lint
// --changed-since and eastern diff --since: the merge base with a ref, the
// files that differ from it (committed, staged, unstaged or untracked), and
// the tree at the merge base as files. It runs the git command, as
// golangci-lint's --new-from-rev does, so that every repository layout
// git understands (worktrees, submodules' parents, sparse checkouts) works.
package gitrepo

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

// Repo is the git repository that holds a working directory.
type Repo struct {
	// Top is the absolute path of the working tree's top directory.
	Top string
}

// Open finds the repository of dir. A missing git and a directory outside
// any repository are errors that say so.
func Open(dir string) (*Repo, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, errors.New("git is not installed (or not on PATH)")
	}
	// The top as dir's ancestor, spelled as the caller spells dir (git
	// prints it with symbolic links resolved).
	out, err := run(dir, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, fmt.Errorf("%s is not in a git repository: %v", dir, err)
	}
	top := filepath.Clean(dir)
	if prefix := strings.Trim(strings.TrimSpace(string(out)), "/"); prefix != "" {
		for range strings.Split(prefix, "/") {
			top = filepath.Dir(top)
		}
	}
	return &Repo{Top: top}, nil
}

// MergeBase returns the commit where HEAD and ref diverged: a pull
// request's changes are those since then, not those the target branch
// made after it.
func (r *Repo) MergeBase(ref string) (string, error) {
	if strings.HasPrefix(ref, "-") {
		return "", fmt.Errorf("%q is not a git revision", ref)
	}
	if _, err := run(r.Top, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
		return "", fmt.Errorf("%s: unknown revision (fetch it first: shallow CI clones often lack the target branch)", ref)
	}
	out, err := run(r.Top, "merge-base", ref, "HEAD")
	if errors.Is(err, errNoOutput) {
		// git says nothing when the histories never meet.
		return "", fmt.Errorf("%s has no merge base with HEAD: their histories do not meet (in a shallow clone, fetch more of them: git fetch --unshallow)", ref)
	}
	if err != nil {
		return "", fmt.Errorf("%s has no merge base with HEAD: %v", ref, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// Changed returns the absolute paths of the files that differ between
// base and the working tree — added, modified, deleted, and both sides of
// a rename — and the untracked files git does not ignore, sorted.
func (r *Repo) Changed(base string) ([]string, error) {
	diff, err := run(r.Top, "diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv", base, "--")
	if err != nil {
		return nil, err
	}
	untracked, err := run(r.Top, "ls-files", "--others", "--exclude-standard", "-z")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, name := range bytes.Split(append(diff, untracked...), []byte{0}) {
		if len(name) == 0 {
			continue
		}
		p := filepath.Join(r.Top, filepath.FromSlash(string(name)))
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Extract writes the tree of rev below dir, which must exist: the files
// as committed, without the working tree's edits, checked out as git
// checks them out (line endings, filters, symbolic links as links). It
// reads rev into a temporary index of its own, so neither the repository's
// index nor its worktrees change, and unlike git archive it leaves no file
// out (export-ignore) and rewrites none (export-subst).
func (r *Repo) Extract(rev, dir string) error {
	tmp, err := os.MkdirTemp("", "eastern-index-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	env := append(gitEnv(), "GIT_INDEX_FILE="+filepath.Join(tmp, "index"))
	abs, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	if _, err := runEnv(r.Top, env, "read-tree", rev); err != nil {
		return fmt.Errorf("git read-tree %s: %v", rev, err)
	}
	if _, err := runEnv(r.Top, env, "checkout-index", "--all", "--force", "--prefix="+abs+string(filepath.Separator)); err != nil {
		return fmt.Errorf("git checkout-index %s: %v", rev, err)
	}
	return nil
}

// run runs git in dir and returns its standard output; its error holds
// the first line git wrote to standard error.
func run(dir string, args ...string) ([]byte, error) {
	return runEnv(dir, gitEnv(), args...)
}

// runEnv is run with the environment env.
func runEnv(dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil && strings.TrimSpace(stderr.String()) == "" && len(out) == 0 {
		return nil, fmt.Errorf("%w (%v)", errNoOutput, err)
	}
	if err != nil {
		return nil, errors.New(firstLine(stderr.String(), err))
	}
	return out, nil
}

// errNoOutput is a git command that failed without a word.
var errNoOutput = errors.New("git failed without a message")

// gitEnv is the environment with git's output made plain: no pager, no
// prompts for credentials, no translated messages.
func gitEnv() []string {
	return append(os.Environ(), "GIT_PAGER=cat", "GIT_TERMINAL_PROMPT=0", "LC_ALL=C", "GIT_OPTIONAL_LOCKS=0")
}

func firstLine(s string, err error) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return err.Error()
	}
	line, _, _ := strings.Cut(s, "\n")
	return strings.TrimPrefix(line, "fatal: ")
}
