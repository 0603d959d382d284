package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckYAML(t *testing.T) {
	tests := []struct {
		name  string
		input string
		line  int    // of the error; 0 for valid
		msg   string // the error's message
	}{
		{"empty", "", 0, ""},
		{"comments and markers", "# a\n---\n# b\n...\n...\n", 0, ""},
		{"example shapes", "a: 1\nb:\n  c: [\"x\", y]\n  d: {e: 1, 'f': \"g\"}\nlist:\n- x\n- y: 1\n  z: |\n    text\n\n    more\nlast: 'it''s' # done\n", 0, ""},
		{"crlf", "a: 1\r\nb:\r\n  - c\r\n", 0, ""},
		{"indented root", "  a: 1\n  b: 2\n", 0, ""},
		{"multi-line plain scalar", "a: one\n  two\n", 0, ""},
		{"anchors", "a: &x 1\nb: *x\n", 0, ""},
		{"flow over lines", "a: [1,\n  2]\n", 0, ""},
		{"partial one column short", "spec:\n  labels:\n    a: 1\n   b: 2\n", 4, "did not find expected key"},
		{"partial one column deep", "spec:\n  labels:\n    a: 1\n     b: 2\n", 4, "mapping values are not allowed in this context"},
		{"value and block", "a: 1\n  b: 2\n", 2, "mapping values are not allowed in this context"},
		{"dedented below the root", "  a: 1\nb: 2\n", 2, "did not find expected <document start>"},
		{"sequence after a scalar", "a: 1\n- b\n", 2, "did not find expected key"},
		{"key where an entry goes", "a:\n  - b\n  c: 1\n", 3, "did not find expected '-' indicator"},
		{"short line deep down", "a:\n  b: 1\n  c:\n    d: 1\n   e: 1\n", 5, "did not find expected key"},
		{"second document", "a: 1\n---\nb: 1\n  c: 2\n", 4, "mapping values are not allowed in this context"},
		{"first broken document wins", "a: 1\n b: 2\n---\nc: 1\n d: 2\n", 2, "mapping values are not allowed in this context"},
		{"tab indentation", "a:\n\tb: 1\n", 2, "found character that cannot start any token"},
		{"unclosed quote", "a: \"b\n", 1, "found unexpected end of stream"},
		{"unknown escape", "a: \"\\/\"\n", 1, "found unknown escape character"},
		{"unclosed flow", "a: [b\n", 1, "did not find expected ',' or ']'"},
		{"control character", "a: \x01\n", 1, "control characters are not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckYAML([]byte(tt.input))
			se, isSyntax := errors.AsType[*SyntaxError](err)
			switch {
			case tt.line == 0 && err != nil:
				t.Fatalf("CheckYAML = %v, want nil", err)
			case tt.line != 0 && !isSyntax:
				t.Fatalf("CheckYAML = %v, want a *SyntaxError", err)
			case tt.line != 0 && (se.Line != tt.line || se.Msg != tt.msg):
				t.Fatalf("CheckYAML = %q at line %d, want %q at line %d", se.Msg, se.Line, tt.msg, tt.line)
			}
			if err := checkAgainstYAML([]byte(tt.input)); err != "" {
				t.Error(err)
			}
		})
	}
}

// TestBlockWellFormedVouchesForManifests keeps the fast path fast: the
// README's example renders, and manifests written the usual way, never
// need yaml.v3.
func TestBlockWellFormedVouchesForManifests(t *testing.T) {
	files, _ := filepath.Glob("../testdata/example/*.yaml")
	if len(files) == 0 {
		t.Fatal("no example renders in ../testdata/example")
	}
	inputs := map[string]string{
		"usual": `apiVersion: v1
kind: ConfigMap # a comment
metadata:
  name: "web"
  annotations:
    "example.com/a": 'x'
    example.com/b: "a \"quoted\" \u00e9 \x41"
data:
  empty: ""
  folded: >-
    a
    b
  kept: |+2
      indented

  url: http://example.com:8080/a?b=c#d
  list: [a, "b", 'c', 1.5, -1, {k: v}, []]
  map: {}
  unicode: héllo wörld ✓
spec:
  containers:
  - name: web
    args:
      - --port=8080
      - "-v"
    env:
      -   name: A
          value: ~
  - name: sidecar
    command: ["/bin/sh", "-c"]
---
- - a
  - b
- -
  - c
...
`,
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[f] = string(data)
	}
	for name, input := range inputs {
		for doc, start := range Documents([]byte(input)) {
			if !blockWellFormed(doc) {
				t.Errorf("%s: the document at line %d goes to yaml.v3:\n%s", name, start, doc)
			}
			if line, msg, ok := parseDocument(doc); !ok {
				t.Errorf("%s: the document at line %d is not YAML (line %d: %s)", name, start, line, msg)
			}
		}
	}
}

// TestBlockWellFormedMisindented moves, doubles, drops and tabs every
// line of the seed manifests, the mistakes a template makes, and holds
// the fast path to yaml.v3's verdict on each result.
func TestBlockWellFormedMisindented(t *testing.T) {
	mutations := []func(lines []string, i int) []string{
		func(l []string, i int) []string { l[i] = " " + l[i]; return l },
		func(l []string, i int) []string { l[i] = "  " + l[i]; return l },
		func(l []string, i int) []string { l[i] = strings.TrimPrefix(l[i], " "); return l },
		func(l []string, i int) []string { l[i] = strings.TrimPrefix(l[i], "  "); return l },
		func(l []string, i int) []string { l[i] = strings.TrimLeft(l[i], " "); return l },
		func(l []string, i int) []string { l[i] = "\t" + l[i]; return l },
		func(l []string, i int) []string { return append(l[:i], l[i+1:]...) },
		func(l []string, i int) []string { return append(l[:i+1], l[i:]...) },
	}
	n := 0
	for _, seed := range seeds(t) {
		for doc := range Documents(seed) { // one document at a time: yaml.v3 is slow
			lines := strings.Split(string(doc), "\n")
			for i := range lines {
				for _, mutate := range mutations {
					input := strings.Join(mutate(append([]string(nil), lines...), i), "\n")
					if err := checkAgainstYAML([]byte(input)); err != "" {
						t.Fatal(err)
					}
					n++
				}
			}
		}
	}
	t.Logf("%d mutated inputs", n)
}

// FuzzCheckYAML holds CheckYAML to yaml.v3 on any input: the fast path
// may only vouch for documents that yaml.v3 reads, so the two always
// agree, error for error.
func FuzzCheckYAML(f *testing.F) {
	for _, seed := range seeds(f) {
		f.Add(seed)
	}
	for _, s := range []string{
		"a: 1\n  b: 2\n", "- a\n -b\n", "a: |\n  x\n y\n", "a: [b, {c: d}]\n", "a: \"\\u00e9\"\n",
		"a:\n- b\nc: d\n", "--- # c\na: 1\n...\n", "a: 'b''c'\n", "? a\n: b\n", "a: >2-\n    x\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := checkAgainstYAML(data); err != "" {
			t.Fatal(err)
		}
	})
}

// checkAgainstYAML returns what is wrong with CheckYAML's verdict on data
// as compared with yaml.v3's on every document, or "".
func checkAgainstYAML(data []byte) string {
	var want *SyntaxError
	for doc, start := range Documents(data) {
		line, msg, ok := parseDocument(doc)
		if blockWellFormed(doc) && !ok {
			return fmt.Sprintf("blockWellFormed vouches for a document that yaml.v3 rejects (line %d: %s):\n%q", line, msg, doc)
		}
		if !ok && want == nil {
			want = &SyntaxError{Line: start + line - 1, Msg: msg}
		}
	}
	got, _ := errors.AsType[*SyntaxError](CheckYAML(data))
	if (got == nil) != (want == nil) || got != nil && *got != *want {
		return "CheckYAML = " + describe(got) + ", yaml.v3 says " + describe(want)
	}
	return ""
}

func describe(e *SyntaxError) string {
	if e == nil {
		return "valid"
	}
	return e.Error()
}

// seeds are the repository's YAML files: templates, partials, golden
// renders and validator cases.
func seeds(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, root := range []string{"../testdata", "../validator/testdata", "../engine/testdata", "../partials", "../overrides"} {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".yaml") {
				return err
			}
			data, err := os.ReadFile(path)
			if err == nil {
				out = append(out, data)
			}
			return err
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			tb.Fatal(err)
		}
	}
	if web, err := os.ReadFile("../web.yaml"); err == nil {
		out = append(out, web)
	}
	if len(out) == 0 {
		tb.Fatal("no seed manifests found")
	}
	return out
}

func BenchmarkCheckYAML(b *testing.B) {
	data := exampleRender(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if err := CheckYAML(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseDocuments is what CheckYAML would cost without its fast
// path: yaml.v3 on every document.
func BenchmarkParseDocuments(b *testing.B) {
	data := exampleRender(b)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		for doc := range Documents(data) {
			if _, msg, ok := parseDocument(doc); !ok {
				b.Fatal(msg)
			}
		}
	}
}

func exampleRender(tb testing.TB) []byte {
	data, err := os.ReadFile("../testdata/example/production.yaml")
	if err != nil {
		tb.Fatal(err)
	}
	if bytes.Count(data, []byte("\n")) < 100 {
		tb.Fatal("the example render is shorter than expected")
	}
	return data
}
