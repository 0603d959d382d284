package validator

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/corpus"
	"github.com/eastern-k8s/eastern/manifest"
)

// The block parser reads what manifests are made of, and builds yaml.v3's
// tree for it.
func TestBlockParserReads(t *testing.T) {
	docs := []string{
		"a: 1\n",
		"---\na: 1\n...\n",
		"--- # first\na: 1\n",
		"# head\n\na: b # c\n  # indented comment\nd:\n  - e\n  -\n  - f: g\n    h: 'i''j'\n",
		"a:\n- b\n- c\nd: e\n",
		"a:\n  b:\n  - c\n  d: 1\n",
		"- - a\n  - b\n- c: d\n  e: [f, \"g\", 1, {h: i}, []]\n",
		"k: {}\nl: []\nm: { a: 1, b: [x, y,] }\n",
		"a: |\n  line 1\n\n    indented\n  # not a comment\nb: |-\n  x\n\nc: |+\n  y\n\n\nd: 0\n",
		"a: |\n  last line without a newline",
		"a:\n  - |\n    in a list\n  - x\n",
		"a: \"x \\\"q\\\" \\\\ \\t\"\nb: 'single'\n\"c d\": e\n",
		"a:\nb: ~\nc: null\nd: true\ne: yes\nf: 0x1F\ng: 1e3\nh: .inf\ni: 2001-12-14\nj: -1\nk: +2\nl: 0o17\nm: \"3\"\n",
		"a: http://x:80/y?z=1&w=2\nb: c#d\n",
		"métadonnée: «valeur»\nb: é # c\n",
		"  indented: root\n  b: c\n",
		"a  : spaced\nb: ---\n...: x\n",
		"<<: {a: 1}\n",
	}
	for _, doc := range docs {
		p := getBlockParser()
		if _, ok := p.parse([]byte(doc)); !ok {
			t.Errorf("the block parser leaves %q to yaml.v3", doc)
		}
		p.release()
		if diff := compareWithYAML([]byte(doc)); diff != "" {
			t.Errorf("%q: %s", doc, diff)
		}
	}
}

// What the block parser does not read goes to yaml.v3, whatever it is.
func TestBlockParserLeaves(t *testing.T) {
	docs := []string{
		"",
		"# only a comment\n",
		"---\n",
		"scalar\n",
		"{a: 1}\n",
		"a: &x 1\nb: *x\n",
		"a: !!str 1\n",
		"a: >\n  folded\n",
		"a: |2\n   explicit\n",
		"a: |\n\n",
		"a: multi\n  line\n",
		"a: 'multi\n  line'\n",
		"a: [b,\n  c]\n",
		"a:\tb\n",
		"a: b\r\n",
		"a: \"\\u00e9\"\n",
		"a: \"\\/\"\n",
		"a: b: c\n",
		"a: - b\n",
		"a: 1\n b: 2\n",
		"- a\nb: 1\n",
		"a:\n  - b\n  c: 1\n",
		"? a\n: b\n",
		"a: @b\n",
		"%YAML 1.2\n---\na: 1\n",
		"--- a: 1\n",
		"a: 1\n---\nb: 2\n",
		"a: 1\nb\n",
		"\xef\xbb\xbfa: 1\n",
		"a: \xff\n",
		"a: \u2028\n",
		"a: |\n  x\n b: 1\n",
		strings.Repeat("- ", 300) + "a\n",
		"a: {b:c}\n",
		"a: {" + strings.Repeat("k", 1100) + ": v}\n", // past yaml.v3's length of an implicit key
		strings.Repeat("k", 1100) + ": v\n",
		"a: [b: c]\n",
		"a: [#]\n",
	}
	for _, doc := range docs {
		p := getBlockParser()
		if _, ok := p.parse([]byte(doc)); ok {
			t.Errorf("the block parser read %q", doc)
		}
		p.release()
	}
}

// Every manifest in the validator's and lint's test data, and the render
// of the benchmark corpus, reads the same through either parser; most go
// through the block parser.
func TestBlockParserOnTestData(t *testing.T) {
	var files []string
	for _, glob := range []string{"testdata/*.yaml", "testdata/cases/*.yaml", "../testdata/*/*/*.yaml", "../testdata/*/*/*/*.yaml"} {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	read, all := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for doc := range manifest.Documents(data) {
			all++
			if diff := compareWithYAML(doc); diff != "" {
				t.Errorf("%s: %s\n%s", f, diff, doc)
			}
			p := getBlockParser()
			if _, ok := p.parse(doc); ok {
				read++
			}
			p.release()
		}
	}
	t.Logf("%d of %d documents read by the block parser", read, all)
	if all < 100 || read < all/2 {
		t.Errorf("the block parser read %d of %d documents", read, all)
	}
}

// The renders of the benchmark corpus all go through the block parser:
// were one to fall back to yaml.v3, lint's time would double unseen.
func TestBlockParserReadsCorpus(t *testing.T) {
	dir := t.TempDir()
	if err := corpus.WriteMonorepoSpec(dir, corpus.MonorepoSpec{Templates: 6, SharedBy: 2}); err != nil {
		t.Fatal(err)
	}
	templates, err := filepath.Glob(filepath.Join(dir, "apps", "*", "*.yaml"))
	if err != nil || len(templates) != 6 {
		t.Fatalf("templates %v: %v", templates, err)
	}
	for _, tpl := range templates {
		for _, ns := range append([]string{engine.DefaultNamespace}, corpus.MonorepoNamespaces()...) {
			res, err := engine.RenderFile(tpl, engine.Options{Namespace: ns, WorkDir: dir})
			if err != nil {
				t.Fatal(err)
			}
			for doc := range manifest.Documents(res.Output) {
				p := getBlockParser()
				_, ok := p.parse(doc)
				p.release()
				if !ok {
					t.Errorf("%s in %s: the block parser leaves a document to yaml.v3:\n%s", tpl, ns, doc)
				}
				if diff := compareWithYAML(doc); diff != "" {
					t.Errorf("%s in %s: %s", tpl, ns, diff)
				}
			}
		}
	}
}

func FuzzBlockParser(f *testing.F) {
	for _, glob := range []string{"testdata/cases/*.yaml", "testdata/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, name := range files {
			data, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			for doc := range manifest.Documents(data) {
				f.Add(doc)
			}
		}
	}
	f.Add([]byte("a:\n- b\n- c: |\n    d\n\n  e: [f, 'g']\n"))
	dir := f.TempDir()
	if err := corpus.WriteMonorepo(dir, 1); err != nil {
		f.Fatal(err)
	}
	res, err := engine.RenderFile(filepath.Join(dir, "apps", "team-00", "app-0000.yaml"), engine.Options{WorkDir: dir})
	if err != nil {
		f.Fatal(err)
	}
	for doc := range manifest.Documents(res.Output) {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		if diff := compareWithYAML(doc); diff != "" {
			t.Errorf("%q: %s", doc, diff)
		}
	})
}

// compareWithYAML returns "" when the block parser leaves doc to yaml.v3
// or reads it as yaml.v3 does, and otherwise how they differ.
func compareWithYAML(doc []byte) string {
	p := getBlockParser()
	defer p.release()
	got, ok := p.parse(doc)
	if !ok {
		return ""
	}
	var want yaml.Node
	if err := yaml.Unmarshal(doc, &want); err != nil {
		return fmt.Sprintf("the block parser read what yaml.v3 rejects: %v", err)
	}
	return diffNodes(got, &want, "")
}

// diffNodes compares two trees in everything but comments.
func diffNodes(got, want *yaml.Node, path string) string {
	type fields struct {
		Kind         yaml.Kind
		Style        yaml.Style
		Tag, Value   string
		Anchor       string
		Alias        *yaml.Node
		Line, Column int
	}
	g := fields{got.Kind, got.Style, got.Tag, got.Value, got.Anchor, got.Alias, got.Line, got.Column}
	w := fields{want.Kind, want.Style, want.Tag, want.Value, want.Anchor, want.Alias, want.Line, want.Column}
	if g != w {
		return fmt.Sprintf("at %s: got %+v, want %+v", path, g, w)
	}
	if len(got.Content) != len(want.Content) {
		return fmt.Sprintf("at %s: %d children, want %d", path, len(got.Content), len(want.Content))
	}
	for i := range got.Content {
		if d := diffNodes(got.Content[i], want.Content[i], fmt.Sprintf("%s/%d", path, i)); d != "" {
			return d
		}
	}
	return ""
}

// plainTag is yaml.v3's resolver, short-cut.
func FuzzPlainTag(f *testing.F) {
	for _, s := range []string{"8060", "250m", "256Mi", "1.2.3", "2001-12-14", "2001-12-14 21:59:43,10", "+.INF", "-.inf", ".nan", "0x1F", "0o17", "0b101", "-0b1", "1_000", "1e3", "true", "False", "NULL", "~", "yes", "Off", "-", "+", ".", "0.", "1e", "9223372036854775808", "-9223372036854775809"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if s == "" || s == "<<" {
			return
		}
		n := &yaml.Node{Kind: yaml.ScalarNode, Value: s}
		if got, want := plainTag(n), n.ShortTag(); got != want {
			t.Errorf("plainTag(%q) = %s, want %s", s, got, want)
		}
	})
}

func FuzzPrintableASCII(f *testing.F) {
	f.Add("apiVersion: v1\n")
	f.Add("a\x7fb\tc\x1fd é")
	f.Fuzz(func(t *testing.T, s string) {
		want := true
		for i := 0; i < len(s); i++ {
			if s[i] < 0x20 || s[i] >= 0x7f {
				want = false
			}
		}
		if got := printableASCII(s); got != want {
			t.Errorf("printableASCII(%q) = %v", s, got)
		}
	})
}
