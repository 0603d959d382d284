//go:build unix

package lint

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runWithin runs lint and fails the test if it does not return in time: a
// discovery that opened a named pipe would wait for a writer for ever.
func runWithin(t *testing.T, opts Options) *Result {
	t.Helper()
	type outcome struct {
		res *Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := Run(opts)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		if o.err != nil {
			t.Fatal(o.err)
		}
		return o.res
	case <-time.After(30 * time.Second):
		t.Fatal("lint blocked")
		return nil
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestDiscoveryStaysInsideTheRoot: candidates outside the root are neither
// opened nor listed by discovery, so they cannot hang lint or invent
// namespaces; each render reports the escape, as eastern render would.
func TestDiscoveryStaysInsideTheRoot(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	mkfifo(t, filepath.Join(outside, "secret"))
	mkfifo(t, filepath.Join(outside, "etc", "shadow"))
	writeFile(t, filepath.Join(outside, "etc", "invented-namespace"), "x: 1\n")
	// Read, this file would imply the namespace "read-outside".
	writeFile(t, filepath.Join(outside, "loads-other.yaml"), "# load? repo/ns-${NAMESPACE}.txt\n")
	repo := filepath.Join(outside, "repo")
	writeFile(t, filepath.Join(repo, "app.yaml"),
		"a:\n  # load? "+filepath.Join(outside, "secret")+", ../etc/shadow\nb:\n  # load? "+filepath.Join(outside, "etc")+"/${NAMESPACE}\nc:\n  # load? ../loads-other.yaml\n")
	writeFile(t, filepath.Join(repo, "ns-read-outside.txt"), "x: 1\n")
	res := runWithin(t, Options{WorkDir: repo})
	if !reflect.DeepEqual(res.Namespaces, []string{"default"}) {
		t.Errorf("namespaces %v: discovery listed a directory or read a file outside the root", res.Namespaces)
	}
	var rules []string
	for _, f := range res.Findings() {
		rules = append(rules, f.Rule)
	}
	if !reflect.DeepEqual(rules, []string{"render.escape", "render.escape", "render.escape"}) {
		t.Errorf("findings %v, want the render's three escapes", res.Findings())
	}
}

// TestSpecialFilesAreSkippedWithANote: a named pipe named on the command
// line, matched by a glob or found in a directory is never opened; lint
// says it skipped it.
func TestSpecialFilesAreSkippedWithANote(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	writeFile(t, filepath.Join(repo, "app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n")
	mkfifo(t, filepath.Join(repo, "pipe.yaml"))
	mkfifo(t, filepath.Join(repo, "sub", "deep.yaml"))
	for _, opts := range []Options{
		{},
		{Paths: []string{"app.yaml", "pipe.yaml"}},
		{Paths: []string{"**/*.yaml"}},
		{Templates: []string{"*.yaml", "sub/*.yaml"}},
	} {
		opts.WorkDir = repo
		res := runWithin(t, opts)
		if !reflect.DeepEqual(res.Templates, []string{"app.yaml"}) {
			t.Errorf("%+v: templates %v, want [app.yaml]", opts, res.Templates)
		}
		var notes []string
		for _, f := range res.Notes {
			notes = append(notes, f.Pos.File+": "+f.Message)
		}
		if len(notes) == 0 || !strings.Contains(notes[0], "pipe.yaml: skipped: a named pipe") {
			t.Errorf("%+v: notes %q, want pipe.yaml skipped as a named pipe", opts, notes)
		}
	}
}

// TestGlobDoesNotFollowSymlinkedDirectories: ** walks the tree, not where
// a symlinked directory in it leads, nor round a link to itself.
func TestGlobDoesNotFollowSymlinkedDirectories(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "deep", "secret-name.yaml"), "a: 1\n")
	repo := t.TempDir()
	writeFile(t, filepath.Join(repo, "app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n")
	symlinkTo(t, outside, filepath.Join(repo, "out"))
	symlinkTo(t, ".", filepath.Join(repo, "loop"))
	res := runWithin(t, Options{Paths: []string{"**/*.yaml"}, WorkDir: repo})
	if !reflect.DeepEqual(res.Templates, []string{"app.yaml"}) {
		t.Errorf("templates %v, want only app.yaml", res.Templates)
	}
}

// --crds files are read beneath the root as templates are: a link out of
// it is an error naming it, and a named pipe in a CRD directory is skipped
// with a note, never opened (which would block).
func TestCRDFilesStayInsideTheRoot(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	writeFile(t, filepath.Join(outside, "crd.yaml"), "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n")
	tests := []struct {
		name, want string
		setup      func(dir string)
	}{
		{"symlink out of the root", "leads outside the root directory", func(dir string) {
			if err := os.Symlink(filepath.Join(outside, "crd.yaml"), filepath.Join(dir, "crds", "crd.yaml")); err != nil {
				t.Fatal(err)
			}
		}},
		{"named pipe", "", func(dir string) { mkfifo(t, filepath.Join(dir, "crds", "pipe.yaml")) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
			if err := os.MkdirAll(filepath.Join(dir, "crds"), 0o777); err != nil {
				t.Fatal(err)
			}
			tt.setup(dir)
			type outcome struct {
				res *Result
				err error
			}
			done := make(chan outcome, 1)
			go func() {
				res, err := Run(Options{Paths: []string{"app.yaml"}, CRDs: []string{"crds"}, WorkDir: dir})
				done <- outcome{res, err}
			}()
			select {
			case o := <-done:
				switch {
				case tt.want != "" && (o.err == nil || !strings.Contains(o.err.Error(), tt.want)):
					t.Errorf("error %v, want one saying %q", o.err, tt.want)
				case tt.want == "" && o.err != nil:
					t.Error(o.err)
				case tt.want == "" && (len(o.res.Notes) != 1 || o.res.Notes[0].Rule != RuleSkipped || o.res.Notes[0].Pos.File != filepath.Join("crds", "pipe.yaml")):
					t.Errorf("notes %v, want one lint.skipped for crds/pipe.yaml", o.res.Notes)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("lint blocked")
			}
		})
	}
}
