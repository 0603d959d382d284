// Package engine renders eastern templates: plain YAML whose `# load!` and
// `# load?` comment lines pull in other files, indented to the directive's
// column, and whose `${VAR}` references are replaced by values.
//
// Rendering is three small pieces: a line classifier (lex.go), a resolver
// that knows about files and the root directory (resolve.go), and an emitter
// that knows about indentation and keeps a source map (this file).
package engine

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/internal/input"
	"github.com/eastern-k8s/eastern/manifest"
)

// MaxDepth is how many loads may nest below the root template.
const MaxDepth = 64

// Default limits of one render: far above what the largest real repository
// needs, and far below what a template built to explode would take — ten
// files of ten loads each, nested ten deep, ask for 10¹⁰ loads.
const (
	DefaultMaxLoads  = 100_000
	DefaultMaxOutput = 256 << 20
)

// DefaultNamespace is the namespace used when none is given.
const DefaultNamespace = "default"

// StdinName is how a template read from a reader is named in messages when
// the caller gives no name.
const StdinName = "<stdin>"

// Options control one render.
type Options struct {
	// Namespace is the value of ${NAMESPACE}; DefaultNamespace when empty.
	// It must be a namespace name (manifest.CheckNamespace): a
	// *diag.UsageError otherwise.
	Namespace string
	// Vars are the other variables. A NAMESPACE entry is ignored: Namespace sets it.
	Vars map[string]string
	// RootDir is the directory every file read must lie in. When empty:
	// the working directory if the root template lies inside it, else the
	// root template's directory; for a template read from a reader, BaseDir.
	RootDir string
	// BaseDir is where candidates of a template read from a reader are
	// resolved; the working directory when empty.
	BaseDir string
	// Strict makes unset variables errors instead of warnings.
	Strict bool
	// OtherVars are the names that other renders of the same template set
	// (eastern lint: the values of its other namespaces). A ${NAME} in a
	// YAML block scalar whose NAME neither Vars nor OtherVars sets is text
	// for a shell or a dashboard, and gets a note instead of a warning.
	OtherVars map[string]bool
	// WorkDir is the directory that relative paths start from: the
	// template's, --root's, --base-dir's and the names in messages. The
	// process's working directory when empty.
	WorkDir string
	// Cache, when set, shares file reads with other renders that use it
	// (eastern lint); files must not change meanwhile. The caller closes
	// it; without one, a render uses and closes its own.
	Cache *Cache
	// MaxLoads bounds how many files one render loads, repeats counted
	// (DefaultMaxLoads when 0); MaxOutput bounds its output in bytes, and
	// so the size of any one file (DefaultMaxOutput when 0).
	MaxLoads  int
	MaxOutput int64
	// Reuse, when set, is the Result of an earlier render that the caller
	// is done with: this render writes its output and source map into
	// that one's memory. eastern lint renders tens of thousands of times
	// and checks each output before the next.
	Reuse *Result
}

// Result is everything a render produced. RenderFile and Render return a
// Result even when they fail, so that a watcher still learns which files to
// watch; Output is nil then.
type Result struct {
	Output []byte
	// SourceMap says where each output line came from.
	SourceMap SourceMap
	// Files lists every file read, root template first, each once.
	Files []string
	// Probes lists every candidate path tried, in order, each once: a watcher
	// must re-render when a missing higher-priority candidate appears.
	Probes []Probe
	// Warnings are problems that did not stop the render (unset variables).
	Warnings diag.Findings
}

// Probe is one candidate path that a directive tried.
type Probe struct {
	Path   string
	Exists bool
}

// Include is one loaded file and how it was reached. The root template's
// Include has no Parent.
type Include struct {
	File   string   // display path
	Parent *Include // the file whose directive loaded this one
	Line   int      // that directive's line in Parent.File
	id     int32    // index in SourceMap.includes
}

// SourceMap records, for every output line, the template line it came from.
// It holds no pointers per line, so a 100,000-line map costs the garbage
// collector nothing to scan.
type SourceMap struct {
	includes []*Include
	lines    []lineOrigin
}

type lineOrigin struct {
	include, line, indent int32
}

// Len returns the number of output lines.
func (m *SourceMap) Len() int { return len(m.lines) }

// Origin returns where output line n (1-based) came from; ok is false when
// the output has no such line.
func (m *SourceMap) Origin(n int) (o Origin, ok bool) {
	if n < 1 || n > len(m.lines) {
		return o, false
	}
	l := m.lines[n-1]
	return Origin{Include: m.includes[l.include], Line: int(l.line), Indent: int(l.indent)}, true
}

// Position returns the template position of output line (1-based) and
// column (1-based; 0 for the whole line), with the chain of loads that led
// there: what a finding about the output says to users. A line past the
// end — the YAML parser reports a few errors there — is the last line; a
// line before the first, or any line of an empty output, has no position
// (the zero Position: the root template as a whole).
func (m *SourceMap) Position(line, col int) (diag.Position, []diag.Position) {
	switch {
	case len(m.lines) == 0 || line <= 0:
		return diag.Position{}, nil
	case line > len(m.lines):
		line, col = len(m.lines), 0
	}
	o, _ := m.Origin(line)
	return o.Position(col), o.Include.Chain()
}

// Chain returns the positions of the directives that led to inc.File,
// outermost first; empty for the root template.
func (inc *Include) Chain() []diag.Position {
	var chain []diag.Position
	for i := inc; i != nil && i.Parent != nil; i = i.Parent {
		chain = append(chain, diag.Position{File: i.Parent.File, Line: i.Line})
	}
	slices.Reverse(chain)
	return chain
}

// Origin is where one output line came from.
type Origin struct {
	Include *Include
	Line    int // 1-based line in Include.File
	// Indent is how many bytes of indentation the enclosing directives
	// put in front of the template's text: output column c is template
	// column c-Indent.
	Indent int
}

// Position returns the template position of output column col (1-based; 0
// for the whole line).
func (o Origin) Position(col int) diag.Position {
	if col > o.Indent {
		col -= o.Indent
	} else {
		col = 0
	}
	return diag.Position{File: o.Include.File, Line: o.Line, Col: col}
}

// RenderFile renders the template at path.
func RenderFile(path string, opts Options) (*Result, error) {
	if opts.Cache == nil {
		opts.Cache = NewCache()
		defer opts.Cache.Close()
	}
	cwd, err := opts.workDir()
	if err != nil {
		return &Result{}, err
	}
	root := opts.RootDir
	if root == "" {
		root = defaultRoot(cwd, path)
	}
	r, err := newRenderer(cwd, root, opts)
	if err != nil {
		return &Result{}, err
	}
	real, err := r.res.locate(path)
	if err != nil {
		return r.result(), rootError(path, err)
	}
	// Listed even when it cannot be used, so that a watcher watches it.
	r.addFile(path)
	src, err := r.res.read(path, real)
	if err != nil {
		return r.result(), rootError(path, err)
	}
	return r.run(src)
}

// Render renders a template read from in (standard input, for the filter
// mode); name is how messages call it (StdinName when empty).
func Render(in io.Reader, name string, opts Options) (*Result, error) {
	if name == "" {
		name = StdinName
	}
	if opts.Cache == nil {
		opts.Cache = NewCache()
		defer opts.Cache.Close()
	}
	cwd, err := opts.workDir()
	if err != nil {
		return &Result{}, err
	}
	base := opts.BaseDir
	if base == "" {
		base = "."
	}
	if info, err := os.Stat(fspath.Abs(cwd, base)); err != nil || !info.IsDir() {
		return &Result{}, &diag.Finding{Severity: diag.Error, Rule: RuleRoot, Message: fmt.Sprintf("base directory %s does not exist or is not a directory", base)}
	}
	root := opts.RootDir
	if root == "" {
		root = base
	}
	r, err := newRenderer(cwd, root, opts)
	if err != nil {
		return &Result{}, err
	}
	data, err := io.ReadAll(io.LimitReader(in, r.opts.MaxOutput+1))
	if err != nil {
		return r.result(), fmt.Errorf("reading %s: %w", name, err)
	}
	if int64(len(data)) > r.opts.MaxOutput {
		return r.result(), rootError(name, &fileError{name, fmt.Sprintf("is larger than the output limit of %s (--max-output raises it)", input.Size(r.opts.MaxOutput))})
	}
	src, err := parseSource(name, data)
	if err != nil {
		return r.result(), rootError(name, err)
	}
	// Candidates resolve from the base directory, as if the template lived there.
	src.real = filepath.Join(r.res.abs(base), name)
	return r.runFrom(src, filepath.Join(base, "x"))
}

// workDir returns WorkDir made absolute, or the process's working directory.
func (o Options) workDir() (string, error) {
	return WorkDir(o.WorkDir)
}

// WorkDir returns dir made absolute against the process's working
// directory, which it is when empty: the one place the engine and the
// tools built on it ask the operating system where they are.
func WorkDir(dir string) (string, error) {
	if dir != "" && filepath.IsAbs(dir) {
		return filepath.Clean(dir), nil
	}
	cwd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("finding the working directory: %w", err)
	}
	return fspath.Abs(cwd, dir), nil
}

// defaultRoot is the working directory when the template lies inside it,
// else the template's own directory.
func defaultRoot(cwd, path string) string {
	abs := fspath.Abs(cwd, path)
	if fspath.Within(cwd, abs) {
		return cwd
	}
	if realCwd, err := filepath.EvalSymlinks(cwd); err == nil {
		if realAbs, err := filepath.EvalSymlinks(abs); err == nil && fspath.Within(realCwd, realAbs) {
			return cwd
		}
	}
	return filepath.Dir(abs)
}

func rootError(path string, err error) error {
	var esc *escapeError
	var notFile *notFileError
	var bad *fileError
	msg := err.Error()
	switch {
	case errors.As(err, &bad):
		msg = "template " + bad.problem
	case errors.Is(err, errNotFound):
		msg = "template does not exist"
	case errors.As(err, &notFile):
		msg = fmt.Sprintf("template is a %s, not a regular file", input.Kind(notFile.mode))
	case errors.As(err, &esc):
		msg = "template is outside " + esc.rootPhrase()
	}
	return &diag.Finding{Severity: diag.Error, Rule: RuleRead, Message: msg, Pos: diag.Position{File: path}}
}

// renderer is the emitter: it walks sources line by line, writes the output
// and the source map, and collects problems.
type renderer struct {
	opts   Options
	vars   map[string]string
	res    *resolver
	out    []byte
	srcmap SourceMap
	files  []string
	probes []Probe
	// Display paths already listed in files and probes.
	seenFiles, seenProbes map[string]bool
	warnings              diag.Findings
	errs                  diag.Findings
	warned                map[warnKey]bool
	varNotes              map[varKey]*varNote
	blocks                blockTracker // lazily, where block scalars are in out
	// stack holds the real paths of the files being rendered, root first,
	// with the directive line that loaded the next one: for cycle errors.
	stack []frame
	// The output line being written: where it starts and whether it is
	// emptied when blank.
	lineStart int
	trimBlank bool
	loads     int  // files loaded so far, repeats counted
	maxOutput int  // Options.MaxOutput, as an int for the hot path
	stopped   bool // a limit was reached: nothing more is rendered
}

type frame struct {
	real    string
	display string
	line    int // directive line that loaded the next frame
}

func newRenderer(cwd, root string, opts Options) (*renderer, error) {
	shown := root
	if !filepath.IsAbs(root) {
		root = filepath.Join(cwd, root)
	} else if rel, err := filepath.Rel(cwd, root); err == nil && fspath.Within(cwd, root) {
		shown = rel
	}
	if opts.MaxLoads <= 0 {
		opts.MaxLoads = DefaultMaxLoads
	}
	if opts.MaxOutput <= 0 {
		opts.MaxOutput = DefaultMaxOutput
	}
	res, err := newResolver(cwd, filepath.Clean(root), filepath.Clean(shown), opts.MaxOutput, opts.Cache)
	if err != nil {
		return nil, &diag.Finding{Severity: diag.Error, Rule: RuleRoot, Message: err.Error()}
	}
	ns := opts.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	// ${NAMESPACE} becomes part of paths: "../x" must never pass, whoever
	// the caller is.
	if err := manifest.CheckNamespace(ns); err != nil {
		return nil, diag.Usagef("%v", err)
	}
	vars := make(map[string]string, len(opts.Vars)+1)
	for k, v := range opts.Vars {
		vars[k] = v
	}
	vars["NAMESPACE"] = ns
	r := &renderer{
		opts:       opts,
		maxOutput:  int(min(opts.MaxOutput, math.MaxInt)),
		vars:       vars,
		res:        res,
		seenFiles:  map[string]bool{},
		seenProbes: map[string]bool{},
		warned:     map[warnKey]bool{},
	}
	if old := opts.Reuse; old != nil {
		r.out, r.srcmap.lines = old.Output[:0], old.SourceMap.lines[:0]
		*old = Result{} // it is this render's now
	}
	return r, nil
}

func (r *renderer) run(src *source) (*Result, error) {
	return r.runFrom(src, src.display)
}

// runFrom renders the root template; dirOf is a path whose directory is
// where the root's candidates resolve.
func (r *renderer) runFrom(src *source, dirOf string) (*Result, error) {
	r.addFile(src.display)
	root := r.newInclude(&Include{File: src.display})
	r.render(src, root, filepath.Dir(dirOf), nil, 0)
	if !src.endsWithNewline && len(r.out) > 0 {
		r.out = r.out[:len(r.out)-1]
		if len(r.out) == 0 {
			r.srcmap.lines = nil // an empty template renders no line at all
		}
	}
	r.countPlaces()
	res := r.result()
	if len(r.errs) > 0 {
		return res, r.errs
	}
	res.Output = r.out
	res.SourceMap = r.srcmap
	return res, nil
}

func (r *renderer) result() *Result {
	return &Result{Files: r.files, Probes: r.probes, Warnings: r.warnings}
}

func (r *renderer) addFile(display string) {
	if !r.seenFiles[display] {
		r.seenFiles[display] = true
		r.files = append(r.files, display)
	}
}

func (r *renderer) addProbe(display string, exists bool) {
	if !r.seenProbes[display] {
		r.seenProbes[display] = true
		r.probes = append(r.probes, Probe{Path: display, Exists: exists})
	}
}

// render emits every line of src. dir is the display directory that src's
// candidates resolve from; prefix is the indentation of the enclosing
// directives; depth counts loads below the root template.
func (r *renderer) render(src *source, inc *Include, dir string, prefix []byte, depth int) {
	r.stack = append(r.stack, frame{real: src.real, display: src.display})
	defer func() { r.stack = r.stack[:len(r.stack)-1] }()
	loaded := depth > 0
	for n, line := range lines(src.data) {
		if r.stopped {
			return
		}
		if d, ok := parseDirective(line); ok {
			d.Line = n
			r.stack[len(r.stack)-1].line = n
			r.load(d, inc, dir, prefix, depth)
			continue
		}
		o := Origin{Include: inc, Line: n, Indent: len(prefix)}
		if !loaded && isBlankLine(line) {
			// The root template's blank lines stay as written.
			r.startLine(o, nil, false)
			r.out = append(r.out, line...)
			r.endLine()
			continue
		}
		r.emit(line, o, prefix, loaded)
	}
}

// load handles one directive: it tries the candidates in order and renders
// the first that exists, indented by the directive's indent.
func (r *renderer) load(d Directive, inc *Include, dir string, prefix []byte, depth int) {
	pos := diag.Position{File: inc.File, Line: d.Line, Col: d.Col}
	word := "load?"
	if d.Required {
		word = "load!"
	}
	if len(d.Candidates) == 0 {
		r.fail(inc, pos, RuleNoCandidates, word+" names no file to load")
		return
	}
	tried := make([]string, 0, len(d.Candidates))
	for _, written := range d.Candidates {
		c := r.expandString(written, func(ref reference) { r.unset(ref, inc, pos, nil) })
		display := c
		switch {
		case filepath.IsAbs(c):
		case c == written:
			// As written: the same in every render of its file.
			display = r.res.join(dir, c)
		default:
			display = filepath.Join(dir, c)
		}
		tried = append(tried, display)
		real, err := r.res.locate(display)
		r.addProbe(display, err == nil)
		if errors.Is(err, errNotFound) {
			continue
		}
		var esc *escapeError
		var notFile *notFileError
		switch {
		case errors.As(err, &esc):
			r.fail(inc, pos, RuleEscape, word+": "+esc.describe(c))
			return
		case errors.As(err, &notFile):
			r.fail(inc, pos, RuleNotAFile, fmt.Sprintf("%s: %v", word, notFile))
			return
		case err != nil:
			r.fail(inc, pos, RuleRead, fmt.Sprintf("%s: cannot read %s: %v", word, display, unwrapPath(err)))
			return
		}
		r.include(d, display, real, inc, pos, prefix, depth)
		return
	}
	if d.Required {
		r.fail(inc, pos, RuleLoadMissing, fmt.Sprintf("load!: none of the candidates exist: %s", strings.Join(tried, ", ")))
		return
	}
	var interpolated []string
	for _, c := range d.Candidates {
		// Values are data: a line break in one must not end the comment.
		interpolated = append(interpolated, lineBreaks.Replace(r.expandString(c, nil)))
	}
	r.startLine(Origin{Include: inc, Line: d.Line, Indent: len(prefix)}, prefix, false)
	r.out = append(r.out, d.Indent...)
	r.out = append(r.out, "# Cannot load "...)
	r.out = append(r.out, strings.Join(interpolated, ", ")...)
	r.endLine()
}

// lineBreaks escapes line breaks for text that must stay on one line.
var lineBreaks = strings.NewReplacer("\r", `\r`, "\n", `\n`)

// include renders a found candidate in place of its directive line.
func (r *renderer) include(d Directive, display, real string, inc *Include, pos diag.Position, prefix []byte, depth int) {
	for i, f := range r.stack {
		if f.real == real {
			steps := make([]string, 0, len(r.stack)-i+1)
			for _, g := range r.stack[i:] {
				steps = append(steps, fmt.Sprintf("%s:%d", g.display, g.line))
			}
			steps = append(steps, display)
			r.fail(inc, pos, RuleCycle, "load cycle: "+strings.Join(steps, " → "))
			return
		}
	}
	if depth+1 > MaxDepth {
		r.fail(inc, pos, RuleDepth, fmt.Sprintf("loads nest deeper than %d levels", MaxDepth))
		return
	}
	if r.loads++; r.loads > r.opts.MaxLoads {
		r.stop(inc, pos, fmt.Sprintf("the render loads more than %d files (--max-loads raises the limit)", r.opts.MaxLoads))
		return
	}
	src, err := r.res.read(display, real)
	r.addFile(display)
	if err != nil {
		r.fail(inc, pos, RuleRead, err.Error())
		return
	}
	child := r.newInclude(&Include{File: display, Parent: inc, Line: d.Line})
	childPrefix := make([]byte, 0, len(prefix)+len(d.Indent))
	childPrefix = append(append(childPrefix, prefix...), d.Indent...)
	first := len(r.srcmap.lines)
	r.render(src, child, filepath.Dir(display), childPrefix, depth+1)
	// A partial's trailing newlines are dropped: remove its trailing empty
	// lines, keeping at least one so an empty partial leaves an empty line.
	for len(r.srcmap.lines) > first+1 && len(r.out) >= 2 && r.out[len(r.out)-1] == '\n' && r.out[len(r.out)-2] == '\n' {
		r.out = r.out[:len(r.out)-1]
		r.srcmap.lines = r.srcmap.lines[:len(r.srcmap.lines)-1]
	}
}

// newInclude registers inc in the source map.
func (r *renderer) newInclude(inc *Include) *Include {
	inc.id = int32(len(r.srcmap.includes))
	r.srcmap.includes = append(r.srcmap.includes, inc)
	return inc
}

// stop records that a limit was reached at pos and ends the render: one
// error, however many directives would go on to pass the same limit.
func (r *renderer) stop(inc *Include, pos diag.Position, msg string) {
	r.fail(inc, pos, RuleLimit, msg)
	r.stopped = true
}

// fail records an error at pos, with the include chain that led there.
func (r *renderer) fail(inc *Include, pos diag.Position, rule, msg string) {
	r.errs = append(r.errs, &diag.Finding{
		Severity: diag.Error, Rule: rule, Message: msg, Pos: pos, Chain: inc.Chain(),
	})
}
