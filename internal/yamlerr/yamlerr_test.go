package yamlerr

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

func TestPosition(t *testing.T) {
	long := strings.Repeat("a", 10_000)
	tests := []struct {
		name, doc string
		line      int
		msg       string
	}{
		{"scanner error counts from 1", "a: 1\nb: \"open\n", 2, "found unexpected end of stream"},
		{"parser error counts from 0", "a: 1\nb: [1, 2\nc: 3\n", 2, "did not find expected ',' or ']'"},
		{"first line", "a: b: c\n", 1, "mapping values are not allowed in this context"},
		{"unknown alias", "a: 1\nb: *nope\n", 2, "unknown anchor 'nope' referenced"},
		{"open flow at the end", "a: [1, 2", 1, "did not find expected ',' or ']'"},
		{"tab indentation", "a:\n\tb: 1\n", 2, "found character that cannot start any token"},
		// What a message quotes of the input is short, whatever the input.
		{"long unknown alias", "a: 1\nb: *" + long + "\n", 2, "unknown anchor '" + long[:maxExcerpt] + "…' referenced"},
		// The reader's errors name no line.
		{"long line with ESC", "a: 1\nb: " + long + "\x1b" + long + "\n", 1, "control characters are not allowed"},
		{"long key without a value", "a: 1\n" + long + "\nc: 3\n", 2, "could not find expected ':'"},
		// yaml.v3 breaks lines at a lone CR, NEL, LS and PS; lines here are
		// counted by \n.
		{"lone CR", "a: 1\rb: 2\rc: [1\n", 1, "did not find expected ',' or ']'"},
		{"lone CR, lines after", "a: 1\rb: 2\rc: d: e\nf: 1\ng: 2\nh: 3\n", 1, "mapping values are not allowed in this context"},
		{"lone CR then LF", "a: 1\rb: 2\nc: 1\rd: [1\n", 2, "did not find expected ',' or ']'"},
		{"unknown alias after lone CRs", "a: 1\rb: 'x\ry'\nc: 1\rd: 1\ne: *nope\n", 3, "unknown anchor 'nope' referenced"},
		{"CR LF is one line", "a: 1\r\nb: 2\r\nc: b: 1\r\n", 3, "mapping values are not allowed in this context"},
		{"NEL and LS", "a: 1\u0085b: 2\u2028c: 3\nd: e: f\nx: 1\ny: 2\n", 2, "mapping values are not allowed in this context"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n yaml.Node
			err := yaml.Unmarshal([]byte(tt.doc), &n)
			if err == nil {
				t.Fatalf("%.40q parsed without error", tt.doc)
			}
			line, msg := Position(err, []byte(tt.doc))
			if line != tt.line || msg != tt.msg {
				t.Errorf("Position(%.80q) = %d, %.80q; want %d, %.80q", err, line, msg, tt.line, tt.msg)
			}
		})
	}
}

// TestMessageExcerpt: whatever a yaml error quotes, the message keeps at
// most maxExcerpt characters of it (maxMessage for shapes not known to
// quote input), on one line, with control characters escaped. yaml.v3's
// scanner rejects control characters, so these errors are made by hand.
func TestMessageExcerpt(t *testing.T) {
	secret := "root:$6$" + strings.Repeat("x", 10_000) + "\x1b[2J\n:19000:0:99999:7:::"
	tests := []struct {
		name, err, want string
	}{
		{"anchor that contains itself", "yaml: anchor '\x1b[31mred' value contains itself", `anchor '\x1b[31mred' value contains itself`},
		{"unknown anchor, cut", "yaml: unknown anchor '" + strings.Repeat("b", 50) + "\x1b' referenced", "unknown anchor '" + strings.Repeat("b", 40) + "…' referenced"},
		{"bidi override and invalid UTF-8", "yaml: unknown anchor 'a\u202eb\xffc' referenced", `unknown anchor 'a\u202eb\xffc' referenced`},
		{"unknown shape quoting input", "yaml: line 1: weird " + secret, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, msg := Position(errors.New(tt.err), []byte(secret))
			if strings.HasPrefix(tt.name, "unknown shape") {
				// The whole message is bounded: the fixed text plus the
				// input it quotes.
				if n := utf8.RuneCountInString(strings.TrimSuffix(msg, "…")); n > maxMessage {
					t.Errorf("message has %d characters, want at most %d", n, maxMessage)
				}
			} else if msg != tt.want {
				t.Errorf("message %q, want %q", msg, tt.want)
			}
			if strings.IndexFunc(msg, func(r rune) bool { return !unicode.IsPrint(r) }) >= 0 {
				t.Errorf("message %q has unprintable characters", msg)
			}
		})
	}
}

func TestExcerpt(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain 'quoted' \"text\"", "plain 'quoted' \"text\""},
		{"tab\there\r\n", `tab\there\r\n`},
		{"\x1b[0m", `\x1b[0m`},
		{"é→…", "é→…"},
		{"\xc3(", `\xc3(`},
		{strings.Repeat("é", 41), strings.Repeat("é", 40) + "…"},
		{strings.Repeat("\x00", 41), strings.Repeat(`\x00`, 40) + "…"},
	}
	for _, tt := range tests {
		if got := Excerpt(tt.in); got != tt.want {
			t.Errorf("Excerpt(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestLineMap checks yaml.v3's own positions against the \n-separated
// lines: each scalar's node, mapped, points at the scalar's text.
func TestLineMap(t *testing.T) {
	tests := []string{
		"a: 1\nb: 2\n",
		"a: 1\r\nb: 2\r\n",
		"a: 1\rb: 2\rc: 3\n",
		"a: 1\r\rb: 2\r\r\nc: 3\n",
		"é: 1\rà: [x, y]\nz: 2\n",
		"a: 1\u0085b: 2\u2028c: 3\u2029d: 4\n",
		"a: \"x\ry\"\nb: 2\n",
		"a: |\r  x\r  y\rb: 2",
	}
	for _, doc := range tests {
		var root yaml.Node
		if err := yaml.Unmarshal([]byte(doc), &root); err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		m := NewLineMap([]byte(doc))
		lines := strings.Split(doc, "\n")
		var visit func(n *yaml.Node)
		visit = func(n *yaml.Node) {
			for _, c := range n.Content {
				visit(c)
			}
			if n.Kind != yaml.ScalarNode || n.Style != 0 {
				return
			}
			line, col := m.Position(n.Line, n.Column)
			if line < 1 || line > len(lines) {
				t.Errorf("%q: %q at %d:%d maps to line %d of %d", doc, n.Value, n.Line, n.Column, line, len(lines))
				return
			}
			runes := []rune(lines[line-1])
			if col < 1 || col+utf8.RuneCountInString(n.Value)-1 > len(runes) || string(runes[col-1:col-1+utf8.RuneCountInString(n.Value)]) != n.Value {
				t.Errorf("%q: %q at %d:%d maps to %d:%d, line %q", doc, n.Value, n.Line, n.Column, line, col, lines[line-1])
			}
		}
		visit(&root)
	}
	if m := NewLineMap([]byte("a: 1\r\nb: →\n")); m.breaks != nil {
		t.Errorf("CR LF and other characters made breaks: %+v", m.breaks)
	}
}
