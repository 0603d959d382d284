package engine_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/eastern-k8s/eastern/engine"
)

// FuzzRender renders a two-file tree built from the fuzz input — a root
// template app.yaml, a partial p.yaml (also reachable as sub/p.yaml) and
// the value of ${V} — and checks what must hold for any input:
//
//   - the render neither panics nor hangs;
//   - every non-empty output line that came from a loaded file starts with
//     the indentation of the directives that loaded it, and Origin.Indent
//     is that indentation's length;
//   - the output is the source-mapped lines joined by newlines, with a final
//     newline exactly when the root template has one;
//   - rendering again gives the same bytes, source map and file list;
//   - a value is data: whatever it holds (`# load!`, `${X}`, `$${X}`), it
//     loads no file and substitutes no variable.
//
// Run it with `make fuzz` (FUZZTIME=60s for a longer run).
func FuzzRender(f *testing.F) {
	seeds := []struct{ root, partial, value string }{
		{"a: 1\n", "", ""},
		{"data:\n  # load! p.yaml\n  x: ${V}\n", "k: ${V}\nnested:\n  deep: 1\n", "1.10"},
		{"# load! p-${NAMESPACE}.yaml, p.yaml\n", "a: b\n\n\n", "v"},
		{"list:\n\t- # load! p.yaml\n", "x: 1\ny:\n  z: 2\n", ""},
		{"  # load? missing.yaml, also-missing.yaml\nx: ${V}", "", "# load! p.yaml"},
		{"v: ${V}\n", "", "${NAMESPACE} $${V} ${V:-x}"},
		{"script: |\n  ${V}\n", "", "line1\nline2\r\n\n  # load! p.yaml\n"},
		{"a:\n  # load! p.yaml\n", "b:\n  # load? sub/p.yaml\nc: ${V}\n", "v"}, // indents add up: 2, then 2+2
		{"# load! p.yaml\n", "# load! sub/p.yaml\n", ""},                       // p.yaml → sub/p.yaml → its own p.yaml
		{"# load! p.yaml\n", "# load! p.yaml\n", ""},                           // self-cycle at depth 1
		{"# load! ../outside.yaml\n", "", ""},                                  // escape
		{"# load!\n", "", ""},                                                  // no candidates
		{"a: ${V:-fallback}\nb: $${V}\nc: $$\n", "", ""},                       // fallback, escape, lone $$
		{"\xef\xbb\xbfa: 1\r\nb: 2\r\n", "x\r\n", ""},                          // BOM and CRLF
		{"x\n# load! p.yaml", "", ""},                                          // empty partial as the last line
		{"x\n  # load! p.yaml", "a\n\n", "${V}"},                               // trailing blank lines of a partial
		{"# load! p.yaml\n", "k: ${V}\n", "a\nb\nc"},                           // multi-line value inside a partial
		{"   # load! sub/p.yaml\n", "    - ${V}\n", "  "},                      // blank value on a partial line
		{"# load! ${V}\n", "loaded: true\n", "p.yaml"},                         // a value may pick a candidate
		{"#load!p.yaml\n# loader: no\n", "", ""},                               // not directives
		{"a: \x00\n", "", ""},                                                  // NUL: not a text template
	}
	for _, s := range seeds {
		f.Add(s.root, s.partial, s.value)
	}
	f.Fuzz(func(t *testing.T, root, partial, value string) {
		dir := t.TempDir()
		write(t, dir, "app.yaml", root)
		write(t, dir, "p.yaml", partial)
		write(t, dir, "sub/p.yaml", partial)
		opts := engine.Options{Namespace: "production", Vars: map[string]string{"V": value}, RootDir: dir}
		path := filepath.Join(dir, "app.yaml")

		res, err := renderBounded(t, path, opts)
		if err != nil {
			if res == nil || res.Output != nil || res.SourceMap.Len() != 0 {
				t.Fatalf("failed render returned output or a source map: %+v", res)
			}
			if isText(root) && (len(res.Files) == 0 || res.Files[0] != path) {
				t.Fatalf("failed render of a readable template does not list it first in Files %v: %v", res.Files, err)
			}
			return
		}
		checkSourceMap(t, res, root, map[string]string{path: root, filepath.Join(dir, "p.yaml"): partial, filepath.Join(dir, "sub/p.yaml"): partial})

		again, err := renderBounded(t, path, opts)
		if err != nil {
			t.Fatalf("second render failed: %v", err)
		}
		if !bytes.Equal(res.Output, again.Output) || !slices.Equal(res.Files, again.Files) || res.SourceMap.Len() != again.SourceMap.Len() {
			t.Fatalf("rendering twice differs:\n%q\n%q", res.Output, again.Output)
		}

		checkValueIsData(t, path, opts, res, root, partial, value)
	})
}

// renderBounded renders path, failing the test if that takes unreasonably
// long: every loop in the engine is bounded by the input, so a slow render
// is a bug.
func renderBounded(t *testing.T, path string, opts engine.Options) (*engine.Result, error) {
	t.Helper()
	type outcome struct {
		res *engine.Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := engine.RenderFile(path, opts)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-time.After(10 * time.Second):
		t.Fatalf("render of %s did not finish within 10s", path)
		return nil, nil
	}
}

// checkSourceMap checks the output against the source map: line count,
// final newline, and the indentation of every loaded line. sources holds
// each file's text by display path.
func checkSourceMap(t *testing.T, res *engine.Result, root string, sources map[string]string) {
	t.Helper()
	out := string(res.Output)
	if out == "" {
		return // an empty root template renders to nothing, with one (empty) line mapped
	}
	rootNL := strings.HasSuffix(root, "\n")
	body := out
	if rootNL {
		if !strings.HasSuffix(out, "\n") {
			t.Fatalf("root template ends with a newline, output %q does not", out)
		}
		body = strings.TrimSuffix(out, "\n")
	}
	lines := strings.Split(body, "\n")
	if len(lines) != res.SourceMap.Len() {
		t.Fatalf("output has %d lines, source map %d\noutput: %q", len(lines), res.SourceMap.Len(), out)
	}
	if !rootNL && lines[len(lines)-1] != "" && strings.HasSuffix(out, "\n") {
		t.Fatalf("root template has no final newline, output %q has one", out)
	}
	directives := map[string][]engine.Directive{}
	for file, text := range sources {
		directives[file] = engine.Directives([]byte(text))
	}
	for i := range res.SourceMap.Len() {
		o, _ := res.SourceMap.Origin(i + 1)
		if o.Include == nil || o.Line < 1 {
			t.Fatalf("output line %d has no origin: %+v", i+1, o)
		}
		prefix := loadPrefix(t, o.Include, directives)
		if o.Indent != len(prefix) {
			t.Fatalf("output line %d (%s:%d): Indent %d, want %d (%q)", i+1, o.Include.File, o.Line, o.Indent, len(prefix), prefix)
		}
		if lines[i] != "" && !strings.HasPrefix(lines[i], prefix) {
			t.Fatalf("output line %d %q from %s:%d lacks the load indentation %q", i+1, lines[i], o.Include.File, o.Line, prefix)
		}
	}
}

// loadPrefix is the indentation that the directives leading to inc put in
// front of each of its lines, outermost first.
func loadPrefix(t *testing.T, inc *engine.Include, directives map[string][]engine.Directive) string {
	t.Helper()
	if inc.Parent == nil {
		return ""
	}
	for _, d := range directives[inc.Parent.File] {
		if d.Line == inc.Line {
			return loadPrefix(t, inc.Parent, directives) + d.Indent
		}
	}
	t.Fatalf("%s was loaded from %s:%d, which is not a directive", inc.File, inc.Parent.File, inc.Line)
	return ""
}

// checkValueIsData renders again with ${V} set to an inert token and checks
// that the two renders differ only where the value was written.
func checkValueIsData(t *testing.T, path string, opts engine.Options, res *engine.Result, root, partial, value string) {
	t.Helper()
	const token = "\uE000V\uE000"
	if strings.Trim(value, " \t") == "" || strings.ContainsAny(value, "\r\n") || strings.Contains(root+partial, token) || candidatesUseVars(root) || candidatesUseVars(partial) {
		// A value may legitimately choose a candidate; a line break in it
		// starts new, re-indented lines; an empty value selects fallbacks;
		// a blank one may leave a blank line, which partials write empty.
		return
	}
	tokenOpts := opts
	tokenOpts.Vars = map[string]string{"V": token}
	ref, err := renderBounded(t, path, tokenOpts)
	if err != nil {
		t.Fatalf("render with V=%q failed where V=%q succeeded: %v", token, value, err)
	}
	if !slices.Equal(res.Files, ref.Files) {
		t.Fatalf("value %q changed the files read: %v, with an inert value %v", value, res.Files, ref.Files)
	}
	if want := strings.ReplaceAll(string(ref.Output), token, value); string(res.Output) != want {
		t.Fatalf("value %q was not copied verbatim:\n got %q\nwant %q", value, res.Output, want)
	}
}

func candidatesUseVars(src string) bool {
	for _, d := range engine.Directives([]byte(src)) {
		for _, c := range d.Candidates {
			if strings.Contains(c, "$") {
				return true
			}
		}
	}
	return false
}

// isText reports whether a template would be accepted as text.
func isText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// FuzzDirectives holds Directives, which looks only at the lines that
// hold "load", to the plain reading: every line, classified in turn.
func FuzzDirectives(f *testing.F) {
	for _, seed := range []string{
		"a: 1\n# load! x.yaml\n",
		"\xef\xbb\xbf# load? a, b\r\nload: 1\n  # load! ${NAMESPACE}.yaml\n",
		"# loader\n#load!x\n# load!\n\n\n  \t# load?   c.yaml ,, d\nload",
		"load load\n# load! a # load! b\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var want []engine.Directive
		text := strings.TrimPrefix(src, "\xef\xbb\xbf")
		if text != "" {
			for n, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				if ds := engine.Directives([]byte(line + "\n")); len(ds) == 1 {
					ds[0].Line = n + 1
					want = append(want, ds[0])
				}
			}
		}
		got := engine.Directives([]byte(src))
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Directives(%q) =\n%+v\nline by line:\n%+v", src, got, want)
		}
	})
}
