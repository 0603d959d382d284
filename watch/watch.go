// Package watch keeps rendered manifests in sync with a template tree while
// it is edited: it renders a template for one or more namespaces, watches
// the directories of every file the render read or probed, and renders
// again, debounced, whenever one of those paths changes.
//
// The watch set comes from the engine's dependency list (Result.Files and
// Result.Probes), recomputed after every render, so that a new load! line
// is watched from the next render on and a file no longer loaded stops being
// watched. Directories are watched rather than files so that editors that
// save by renaming a temporary file, and files or directories that are
// deleted and created again, are seen.
package watch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/internal/safefile"
	"github.com/eastern-k8s/eastern/manifest"
)

// DefaultDebounce is how long the watcher waits after the last event of a
// burst before it renders: one save is often several events (write, chmod,
// rename), and they should make one render.
const DefaultDebounce = 100 * time.Millisecond

// NamespaceVar is the placeholder that an output pattern must contain when
// several namespaces are watched.
const NamespaceVar = "${NAMESPACE}"

// Options configure a Watcher.
type Options struct {
	// Template is the root template's path.
	Template string
	// Namespaces to render for, each on its own; engine.DefaultNamespace
	// when empty.
	Namespaces []string
	// Vars returns the variables for a render for namespace. It is called
	// before every render so that a changed --values or config file takes
	// effect; an error fails the render (and is printed) without stopping
	// the watch.
	Vars func(namespace string) (map[string]string, error)
	// OtherVars, when not nil, returns the names that the renders of
	// other namespaces set (engine.Options.OtherVars); called before every
	// render, as Vars is.
	OtherVars func() map[string]bool
	// Inputs are more files whose change re-renders every namespace, such
	// as the --values file, or directories whose files' do, at any depth
	// (a --crds directory).
	Inputs []string
	// WorkDir is where relative paths start; the process's working
	// directory when empty.
	WorkDir string
	// RootDir, Strict, MaxLoads and MaxOutput are passed to the engine as
	// they are.
	RootDir   string
	Strict    bool
	MaxLoads  int
	MaxOutput int64
	// Output is where each namespace's render is written, atomically; it
	// must contain NamespaceVar when there are several namespaces. Empty
	// means Stdout.
	Output string
	// Check runs after each render (the lint checks) and returns the
	// findings for it. It receives the engine's result and error exactly as
	// RenderFile returned them and is responsible for reporting the render
	// error and warnings too. Nil means: report the render's own error and
	// warnings only (--no-lint).
	Check func(res *engine.Result, renderErr error, namespace string) diag.Findings
	// Encode, when set, turns a successful render into the text that is
	// written and shown (JSON, say); an error makes the render fail, with
	// the findings the error carries. Nil means the rendered YAML as it is.
	Encode func(res *engine.Result) ([]byte, error)
	// Stdout receives renders (without Output) or one status line per render
	// (with Output); without Output, a write to it that fails ends Run.
	// Stderr receives findings.
	Stdout, Stderr io.Writer
	// Screen redraws Stdout as a terminal screen on every render instead of
	// appending to a stream. Ignored with Output.
	Screen bool
	// Color colours findings on Stderr.
	Color bool
	// Debounce is the quiet time after an event before rendering;
	// DefaultDebounce when zero.
	Debounce time.Duration
	// Now tells the time for headers; time.Now when nil.
	Now func() time.Time
	// OnRender, when set, is called after every render has been written and
	// printed, from the goroutine that runs Run. Tests synchronise on it.
	OnRender func(Render)
}

// Render is what one render of one namespace produced, as reported to
// Options.OnRender.
type Render struct {
	Namespace string
	Time      time.Time
	// OK is true when the render succeeded (lint findings do not make it
	// fail; they are in Findings).
	OK bool
	// Output is the rendered text, as Encode made it; nil when the render
	// failed.
	Output []byte
	// Path is the output file ("" for Stdout); Written says whether it was
	// replaced by this render (false after a failure, when the output did
	// not change, or when writing failed).
	Path    string
	Written bool
	// Changes is what changed since the previous good render of this
	// namespace; nil for the first one and after a failure.
	Changes []Change
	// Findings are everything printed for this render: render errors,
	// warnings, lint findings and problems writing the output.
	Findings diag.Findings
	// Files are the absolute paths the render read, template first.
	Files []string
	// Watched are the directories watched after this render, sorted.
	Watched []string
	// Trigger are the changed paths that caused this render; empty for the
	// first render.
	Trigger []string
}

// Watcher renders a template whenever the files it depends on change.
type Watcher struct {
	opts     Options
	cwd      string
	cwdInfo  os.FileInfo // of the process's working directory at the start
	template string      // absolute
	inputs   []string
	targets  []*target
}

// target is one namespace: its output and what its last render depended on.
type target struct {
	ns  string
	out string // absolute output path, "" for stdout
	// deps are the paths whose change can change the render: the template,
	// every file read, every candidate probed. interest adds their ancestor
	// directories, whose creation, removal or renaming matters too.
	deps     []string
	interest map[string]bool
	good     []byte // the last good render, as written and shown
	goodYAML []byte // and as rendered, for Changes
	goodAt   time.Time
	last     Render
}

// New checks opts and returns a Watcher; nothing is watched until Run.
// Mistakes in opts are *diag.UsageError.
func New(opts Options) (*Watcher, error) {
	if opts.Template == "" {
		return nil, diag.Usagef("no template to watch")
	}
	if len(opts.Namespaces) == 0 {
		opts.Namespaces = []string{engine.DefaultNamespace}
	}
	for _, ns := range opts.Namespaces {
		// ${NAMESPACE} may become part of the output path: "../x" must not.
		if err := manifest.CheckNamespace(ns); err != nil {
			return nil, diag.Usagef("%v", err)
		}
	}
	if len(opts.Namespaces) > 1 && opts.Output != "" && !strings.Contains(opts.Output, NamespaceVar) {
		return nil, diag.Usagef("output %s must contain %s to hold %d namespaces", opts.Output, NamespaceVar, len(opts.Namespaces))
	}
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	if opts.Debounce <= 0 {
		opts.Debounce = DefaultDebounce
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	cwd, err := engine.WorkDir(opts.WorkDir)
	if err != nil {
		return nil, err
	}
	cwdInfo, err := os.Stat(cwd)
	if err != nil {
		return nil, fmt.Errorf("the working directory: %w", err)
	}
	w := &Watcher{opts: opts, cwd: cwd, cwdInfo: cwdInfo, template: fspath.Abs(cwd, opts.Template)}
	for _, in := range opts.Inputs {
		w.inputs = append(w.inputs, fspath.Abs(cwd, in))
	}
	seen := map[string]bool{}
	for _, ns := range opts.Namespaces {
		if seen[ns] {
			continue
		}
		seen[ns] = true
		t := &target{ns: ns}
		if opts.Output != "" {
			t.out = fspath.Abs(cwd, strings.ReplaceAll(opts.Output, NamespaceVar, ns))
		}
		t.setDeps([]string{w.template})
		w.targets = append(w.targets, t)
	}
	return w, nil
}

// Run renders every namespace, then watches until ctx is cancelled, when it
// returns nil. Render and write errors are printed and the watch goes on;
// Run returns an error only when it cannot go on at all: the file watcher
// cannot start, Stdout cannot take a render, or the working directory has been
// removed (its relative paths can never resolve again).
func (w *Watcher) Run(ctx context.Context) error {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("starting the file watcher: %w", err)
	}
	s := &session{Watcher: w, fsw: fsw}
	defer s.close()

	s.flush(w.targets, nil)
	if err := s.fatal(); err != nil {
		return err
	}
	// The timer runs only while events are pending: an idle watch has no
	// timer and no ticker, and uses no CPU.
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var fire <-chan time.Time
	var first time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-fsw.Events:
			if !ok {
				return nil
			}
			wasIdle := len(s.pending) == 0
			if !s.event(ev) {
				continue
			}
			now := time.Now()
			if wasIdle {
				first = now
			}
			// Wait for a quiet spell, but not forever: a file rewritten
			// continuously still renders every ten debounce periods.
			delay := w.opts.Debounce
			if limit := first.Add(10 * w.opts.Debounce).Sub(now); limit < delay {
				delay = max(limit, 0)
			}
			timer.Reset(delay)
			fire = timer.C
		case err, ok := <-fsw.Errors:
			if !ok {
				return nil
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: render everything.
				for _, t := range w.targets {
					s.markPending(t)
				}
				timer.Reset(w.opts.Debounce)
				fire = timer.C
			}
			s.printFindings(diag.Findings{{Severity: diag.Warning, Rule: RuleEvents, Message: err.Error()}})
		case <-fire:
			fire = nil
			targets, trigger := s.takePending()
			s.flush(targets, trigger)
			// Removing the working directory deletes or moves what lies
			// below it, and those events bring the watch here.
			if err := s.fatal(); err != nil {
				return err
			}
		}
	}
}

// fatal returns why the watch cannot go on after a batch, or nil.
func (s *session) fatal() error {
	if s.stdoutErr != nil {
		return fmt.Errorf("writing standard output: %w", s.stdoutErr)
	}
	return s.checkWorkingDir()
}

// checkWorkingDir reports an error when the directory the watch started in
// is no longer at its path: a process inside it stays in the removed
// directory, so relative paths fail for good, even once a directory of that
// name is back.
func (w *Watcher) checkWorkingDir() error {
	if w.opts.WorkDir != "" {
		// Paths start from a named directory, not from where the process
		// is: one made again at that path serves as well.
		return nil
	}
	there, err := os.Stat(w.cwd)
	if err == nil && !os.SameFile(w.cwdInfo, there) {
		err = fs.ErrNotExist // another directory in its place
	}
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("the working directory %s was removed", w.cwd)
	}
	return nil // a permission problem, say, is not a removal
}

// session is one Run: the OS watcher and what is pending.
type session struct {
	*Watcher
	fsw     *fsnotify.Watcher
	pending []*target
	trigger []string
	// stdoutErr is the first error writing to Stdout.
	stdoutErr error
}

func (s *session) close() {
	s.fsw.Close()
	// safefile removes its temporary file when a write fails; this catches
	// those left by eastern processes that were killed while writing.
	for _, t := range s.targets {
		if t.out != "" {
			safefile.RemoveStale(t.out)
		}
	}
}

// event records a file-system event; it reports whether a render is now due.
func (s *session) event(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		// Permission and timestamp changes do not change a render.
		return false
	}
	p := filepath.Clean(ev.Name)
	if s.ownFile(p) {
		// Writing our output must not render again, even when the output
		// lies beside the templates (or, oddly, is loaded by one).
		return false
	}
	hit := false
	// An input, a directory above one (renaming or removing the
	// directory replaces the input too), or a file below an input
	// directory.
	isInput := slices.ContainsFunc(s.inputs, func(in string) bool { return fspath.Within(p, in) || fspath.Within(in, p) })
	for _, t := range s.targets {
		if isInput || t.interest[p] {
			s.markPending(t)
			hit = true
		}
	}
	if hit && !slices.Contains(s.trigger, p) {
		s.trigger = append(s.trigger, p)
	}
	return hit
}

// ownFile reports whether p is an output file or one of its temporary files.
func (w *Watcher) ownFile(p string) bool {
	for _, t := range w.targets {
		if t.out != "" && (p == t.out || strings.HasPrefix(p, safefile.TempPrefix(t.out))) {
			return true
		}
	}
	return false
}

func (s *session) markPending(t *target) {
	if !slices.Contains(s.pending, t) {
		s.pending = append(s.pending, t)
	}
}

// takePending returns the pending targets in namespace order, and the paths
// that made them pending.
func (s *session) takePending() ([]*target, []string) {
	var targets []*target
	for _, t := range s.targets {
		if slices.Contains(s.pending, t) {
			targets = append(targets, t)
		}
	}
	trigger := s.trigger
	s.pending, s.trigger = nil, nil
	return targets, trigger
}

// maxPasses bounds how often one batch renders again because the watch set
// grew (see flush).
const maxPasses = 4

// attempt is one namespace's render before it is published.
type attempt struct {
	res *engine.Result
	err error
}

// flush renders targets and publishes the results. A render that makes the
// watcher watch a new directory is done again: a file in that directory may
// have changed between the render reading it and the watch starting, and
// the second render, made while the watch is in place, cannot miss it.
func (s *session) flush(targets []*target, trigger []string) {
	attempts := make([]attempt, len(targets))
	for pass := 0; pass < maxPasses; pass++ {
		for i, t := range targets {
			vars, varsErr := s.vars(t.ns)
			attempts[i] = s.render(t, vars, varsErr)
		}
		if !s.reconcile() {
			break
		}
	}
	watched := s.watchList()
	for i, t := range targets {
		s.publish(t, attempts[i], trigger, watched)
	}
	if s.opts.Screen && s.opts.Output == "" {
		s.drawScreen()
		for _, t := range targets {
			s.printFindings(t.last.Findings)
		}
	}
	if s.opts.OnRender != nil {
		for _, t := range targets {
			s.opts.OnRender(t.last)
		}
	}
}

func (s *session) vars(namespace string) (map[string]string, error) {
	if s.opts.Vars == nil {
		return nil, nil
	}
	return s.opts.Vars(namespace)
}

// render runs the engine for one namespace and updates what it depends on.
func (s *session) render(t *target, vars map[string]string, varsErr error) attempt {
	if varsErr != nil {
		// The template was not read: its dependencies are as they were.
		return attempt{res: &engine.Result{}, err: &diag.Finding{Severity: diag.Error, Rule: RuleVars, Message: varsErr.Error()}}
	}
	var others map[string]bool
	if s.opts.OtherVars != nil {
		others = s.opts.OtherVars()
	}
	res, err := engine.RenderFile(s.opts.Template, engine.Options{
		Namespace: t.ns, Vars: vars, OtherVars: others, RootDir: s.opts.RootDir, Strict: s.opts.Strict,
		MaxLoads: s.opts.MaxLoads, MaxOutput: s.opts.MaxOutput, WorkDir: s.cwd,
	})
	deps := []string{s.template}
	for _, f := range res.Files {
		abs := fspath.Abs(s.cwd, f)
		deps = append(deps, abs)
		// Editing a symlinked partial changes its target, which may live in
		// a directory that nothing else makes us watch.
		if real, err := filepath.EvalSymlinks(abs); err == nil && real != abs {
			deps = append(deps, real)
		}
	}
	for _, p := range res.Probes {
		deps = append(deps, fspath.Abs(s.cwd, p.Path))
	}
	t.setDeps(deps)
	return attempt{res: res, err: err}
}

// setDeps replaces the paths t depends on.
func (t *target) setDeps(deps []string) {
	t.deps = deps
	t.interest = make(map[string]bool, 2*len(deps))
	for _, d := range deps {
		for p := d; !t.interest[p]; p = filepath.Dir(p) {
			t.interest[p] = true
		}
	}
}

// reconcile makes the OS watch exactly the directories that the current
// dependencies need, and reports whether it started watching a new one.
func (s *session) reconcile() (added bool) {
	want := map[string]bool{}
	dirs := map[string]string{} // directory → nearest existing one, per reconcile
	need := func(p string) {
		d := filepath.Dir(p)
		if _, ok := dirs[d]; !ok {
			dirs[d] = nearestDir(d)
		}
		want[dirs[d]] = true
	}
	for _, t := range s.targets {
		for _, d := range t.deps {
			need(d)
		}
	}
	for _, in := range s.inputs {
		need(in)
		// An input directory is watched itself, and every directory
		// below it: the OS watches a directory's own entries only.
		if info, err := os.Stat(in); err == nil && info.IsDir() {
			_ = filepath.WalkDir(in, func(p string, d fs.DirEntry, err error) error {
				if err == nil && d.IsDir() {
					want[p] = true
				}
				return nil
			})
		}
	}
	var problems diag.Findings
	for _, d := range s.fsw.WatchList() {
		if !want[d] {
			// The directory may have gone already; its watch went with it.
			_ = s.fsw.Remove(d)
		}
	}
	have := map[string]bool{}
	for _, d := range s.fsw.WatchList() {
		have[d] = true
	}
	for d := range want {
		if have[d] {
			continue
		}
		if err := s.fsw.Add(d); err != nil {
			if errors.Is(err, os.ErrNotExist) {
				added = true // gone since nearestDir looked: look again
				continue
			}
			problems = append(problems, &diag.Finding{
				Severity: diag.Warning, Rule: RuleAdd,
				Message: fmt.Sprintf("cannot watch %s: %v", d, err),
			})
			continue
		}
		added = true
	}
	s.printFindings(problems)
	return added
}

// nearestDir returns dir if it is a directory, else its nearest ancestor
// that is: creating the missing directories below it is then seen.
func nearestDir(dir string) string {
	for {
		if info, err := os.Stat(dir); err == nil && info.IsDir() {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return dir
		}
		dir = parent
	}
}

func (s *session) watchList() []string {
	list := s.fsw.WatchList()
	slices.Sort(list)
	return list
}
