package doctest

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A block is one fenced code block of a Markdown file, with the doctest
// marker that preceded it.
//
// Markers are HTML comments, invisible on GitHub, on the line before the
// block (blank lines may separate them):
//
//	<!-- doctest: file=overrides/env.yaml -->   the block is that file's content
//	<!-- doctest: output -->                    the block is what the previous command printed
//	<!-- doctest: exit=1 -->                    the block's commands exit with 1
//	<!-- doctest: dir=testdata/docs/x -->       run in a copy of that directory instead of the example
//	<!-- doctest: noeol -->                     with file=: the file does not end with a newline
type block struct {
	file    string // the Markdown file, relative to the repository root
	line    int    // line of the opening fence
	section string // the heading the block is under
	lang    string // the fence's info string: sh, yaml, groovy…
	text    string // the content, each line ending in "\n"
	marker  marker
}

// marker is a parsed `<!-- doctest: … -->` comment.
type marker struct {
	file   string // write the block to this path
	output bool   // compare the block with the previous command's output
	exit   int    // expected exit code of the block's commands
	dir    string // fixture directory, relative to the repository root
	noEOL  bool   // the file= content has no final newline
}

func (b block) String() string { return fmt.Sprintf("%s:%d", b.file, b.line) }

// parseMarkdown returns the fenced blocks of a Markdown file.
func parseMarkdown(name string, data []byte) ([]block, error) {
	var (
		blocks  []block
		pending *marker
		section string
		cur     *block
		fence   string
	)
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if cur != nil {
			if strings.HasPrefix(trimmed, fence) && strings.Trim(trimmed, "`~") == "" {
				blocks = append(blocks, *cur)
				cur = nil
				continue
			}
			cur.text += line + "\n"
			continue
		}
		switch {
		case strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~"):
			fence = trimmed[:3]
			cur = &block{file: name, line: n, section: section, lang: strings.TrimSpace(strings.TrimLeft(trimmed, "`~"))}
			if pending != nil {
				cur.marker = *pending
				pending = nil
			}
		case strings.HasPrefix(trimmed, "<!-- doctest:"):
			m, err := parseMarker(trimmed)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, n, err)
			}
			pending = &m
		case strings.HasPrefix(trimmed, "#"):
			section = strings.TrimSpace(strings.TrimLeft(trimmed, "#"))
			pending = nil
		case trimmed != "" && pending != nil:
			return nil, fmt.Errorf("%s:%d: a doctest marker must come right before a code block", name, n)
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: code block not closed", name, cur.line)
	}
	return blocks, sc.Err()
}

func parseMarker(s string) (marker, error) {
	var m marker
	body := strings.TrimSuffix(strings.TrimPrefix(s, "<!-- doctest:"), "-->")
	for _, field := range strings.Fields(body) {
		key, value, _ := strings.Cut(field, "=")
		switch key {
		case "file":
			m.file = value
		case "output":
			m.output = true
		case "noeol":
			m.noEOL = true
		case "dir":
			m.dir = value
		case "exit":
			code, err := strconv.Atoi(value)
			if err != nil {
				return m, fmt.Errorf("doctest marker: exit=%q is not a number", value)
			}
			m.exit = code
		default:
			return m, fmt.Errorf("doctest marker: unknown option %q", field)
		}
	}
	return m, nil
}

// docFiles are the Markdown files whose commands the doc tests run:
// README.md and everything in docs/.
func docFiles(t *testing.T) []string {
	t.Helper()
	files := []string{"README.md"}
	matches, err := filepath.Glob(filepath.Join(repoRoot, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range matches {
		rel, err := filepath.Rel(repoRoot, m)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, filepath.ToSlash(rel))
	}
	return files
}

func readBlocks(t *testing.T, file string) []block {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, file))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := parseMarkdown(file, data)
	if err != nil {
		t.Fatal(err)
	}
	return blocks
}

// TestParseMarkdown checks the block and marker parser the doc tests rely
// on, so that a doc test cannot pass by finding nothing.
func TestParseMarkdown(t *testing.T) {
	doc := "# Title\n\n<!-- doctest: file=a/b.yaml noeol -->\n```yaml\nk: v\n```\n\n## Run\n\n<!-- doctest: exit=1 dir=x -->\n\n```sh\neastern render\n```\n\n```\nplain\n```\n"
	blocks, err := parseMarkdown("t.md", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []block{
		{file: "t.md", line: 4, section: "Title", lang: "yaml", text: "k: v\n", marker: marker{file: "a/b.yaml", noEOL: true}},
		{file: "t.md", line: 12, section: "Run", lang: "sh", text: "eastern render\n", marker: marker{exit: 1, dir: "x"}},
		{file: "t.md", line: 16, section: "Run", lang: "", text: "plain\n"},
	}
	if fmt.Sprint(blocks) != fmt.Sprint(want) || len(blocks) != len(want) {
		t.Fatalf("got %d blocks", len(blocks))
	}
	for i := range want {
		if blocks[i] != want[i] {
			t.Errorf("block %d = %+v, want %+v", i, blocks[i], want[i])
		}
	}
	for _, bad := range []string{"<!-- doctest: exit=x -->\n```sh\n```\n", "<!-- doctest: frobnicate -->\n```sh\n```\n", "<!-- doctest: output -->\ntext\n```sh\n```\n", "```sh\neastern\n"} {
		if _, err := parseMarkdown("bad.md", []byte(bad)); err == nil {
			t.Errorf("parseMarkdown(%q) succeeded, want an error", bad)
		}
	}
}
