// Package yamlerr turns go.yaml.in/yaml/v3 errors and positions into ones
// users can read: an error becomes "file:line: message" like every other
// problem, with lines counted the way editors and eastern's source map count
// them (by \n), and a message that quotes at most a short, escaped excerpt of
// the input. The validator uses it for rendered manifests and lint for
// .eastern.yaml.
package yamlerr

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// parserProblem reports whether msg comes from yaml.v3's parser
// (parserc.go), as opposed to its scanner: the parser's "line N" is one less
// than the line meant.
func parserProblem(msg string) bool {
	switch msg {
	case "did not find expected ',' or ']'",
		"did not find expected ',' or '}'",
		"did not find expected '-' indicator",
		"did not find expected <document start>",
		"did not find expected <stream-start>",
		"did not find expected key",
		"did not find expected node content",
		"found duplicate %TAG directive",
		"found duplicate %YAML directive",
		"found incompatible YAML document",
		"found undefined tag handle":
		return true
	}
	return false
}

// Position splits err, a yaml.v3 error from parsing data, into the 1-based
// line it means and its message without the "yaml: line N:" prefix. An
// error that names no line means line 1 — or, for an unknown alias, the
// line that uses it. A line past the end of data (a flow left open) is the
// last line. The message quotes at most maxExcerpt characters of data, with
// control characters escaped.
func Position(err error, data []byte) (line int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if digits, text, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(digits); err == nil {
				if parserProblem(text) {
					n++ // yaml.v3 counts from 0 in parser errors, from 1 in scanner errors
				}
				n, _ = NewLineMap(data).Position(n, 0)
				return max(1, min(n, lineCount(data))), message(text)
			}
		}
	}
	if name, ok := cutAround(msg, "unknown anchor '", "' referenced"); ok {
		for i, l := range strings.Split(string(data), "\n") {
			if strings.Contains(l, "*"+name) {
				return i + 1, message(msg)
			}
		}
	}
	return 1, message(msg)
}

func lineCount(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return max(n, 1)
}

// maxExcerpt is how many characters of the input a message may quote:
// enough to recognise an anchor name, too few to leak much of a file read
// by mistake (a .eastern.yaml that links to /etc/shadow).
const maxExcerpt = 40

// maxMessage bounds a message of a shape that message does not know, in
// case it quotes input; yaml.v3's own texts are under 70 characters.
const maxMessage = 120

// quoting lists the yaml.v3 messages (decode.go) that quote the input,
// around the quoted part.
var quoting = []struct{ prefix, suffix string }{
	{"unknown anchor '", "' referenced"},
	{"anchor '", "' value contains itself"},
}

// message bounds what msg quotes of the input and escapes control
// characters, so that a message is one short line whatever the input.
func message(msg string) string {
	for _, q := range quoting {
		if quoted, ok := cutAround(msg, q.prefix, q.suffix); ok {
			return q.prefix + Excerpt(quoted) + q.suffix
		}
	}
	return excerpt(msg, maxMessage)
}

// cutAround returns what s has between prefix and suffix.
func cutAround(s, prefix, suffix string) (string, bool) {
	if !strings.HasPrefix(s, prefix) || !strings.HasSuffix(s, suffix) || len(s) < len(prefix)+len(suffix) {
		return "", false
	}
	return s[len(prefix) : len(s)-len(suffix)], true
}

// Excerpt returns s for quoting in a message: at most maxExcerpt
// characters, "…" when cut, with every character that is not printable
// escaped as Go does (\x1b, \t, \u202e) and invalid UTF-8 bytes as \xNN.
func Excerpt(s string) string { return excerpt(s, maxExcerpt) }

func excerpt(s string, limit int) string {
	var b strings.Builder
	for n := 0; s != ""; n++ {
		if n == limit {
			b.WriteString("…")
			break
		}
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case unicode.IsPrint(r):
			b.WriteString(s[:size])
		default:
			q := strconv.QuoteRune(r) // '\x1b'
			b.WriteString(q[1 : len(q)-1])
		}
		s = s[size:]
	}
	return b.String()
}

// LineMap converts yaml.v3 positions in one text to positions in its
// \n-separated lines. yaml.v3 also starts a line after a lone CR, a NEL
// (U+0085), an LS (U+2028) or a PS (U+2029), which editors and eastern's
// source map do not, so its line numbers can run past the text's own. The
// zero LineMap, for a text without such breaks, changes nothing.
type LineMap struct {
	breaks []lineBreak // in order
}

// lineBreak is a yaml.v3 line that starts inside a \n-separated line.
type lineBreak struct {
	yamlLine int // yaml.v3's 1-based number for it
	line     int // the 1-based \n-separated line it lies in
	col      int // characters of that line before it
}

// NewLineMap finds the line breaks of data that yaml.v3 counts and a \n
// count does not.
func NewLineMap(data []byte) LineMap {
	if !hasExtraBreaks(data) {
		return LineMap{} // nearly always: a memchr or three, no allocation
	}
	var m LineMap
	yamlLine, line, col := 1, 1, 0
	for i := 0; i < len(data); {
		size, extra := breakAt(data, i)
		switch {
		case data[i] == '\n', size == 2 && data[i] == '\r': // LF, CRLF
			yamlLine, line, col = yamlLine+1, line+1, 0
		case extra:
			yamlLine, col = yamlLine+1, col+1
			m.breaks = append(m.breaks, lineBreak{yamlLine: yamlLine, line: line, col: col})
		default:
			if !utf8.RuneStart(data[i]) {
				break // a continuation byte: yaml.v3 counts characters
			}
			col++
		}
		i += size
	}
	return m
}

// breakAt returns the length of the character or line break at data[i],
// and whether it is a break that yaml.v3 counts and \n does not.
func breakAt(data []byte, i int) (size int, extra bool) {
	rest := data[i:]
	switch {
	case rest[0] == '\r' && len(rest) > 1 && rest[1] == '\n':
		return 2, false
	case rest[0] == '\r':
		return 1, true
	case rest[0] == 0xC2 && len(rest) > 1 && rest[1] == 0x85:
		return 2, true
	case rest[0] == 0xE2 && len(rest) > 2 && rest[1] == 0x80 && (rest[2] == 0xA8 || rest[2] == 0xA9):
		return 3, true
	}
	return 1, false
}

// hasExtraBreaks reports whether data has a lone CR, a NEL, an LS or a PS.
func hasExtraBreaks(data []byte) bool {
	for _, lead := range []byte{'\r', 0xC2, 0xE2} {
		for rest := data; ; {
			i := bytes.IndexByte(rest, lead)
			if i < 0 {
				break
			}
			if _, extra := breakAt(rest, i); extra {
				return true
			}
			rest = rest[i+1:]
		}
	}
	return false
}

// Position converts yaml.v3's 1-based line and column (0: unknown) to the
// \n-separated line and the column in it, both 1-based; a column stays 0.
func (m LineMap) Position(line, col int) (int, int) {
	if len(m.breaks) == 0 || line < m.breaks[0].yamlLine {
		return line, col
	}
	i := sort.Search(len(m.breaks), func(i int) bool { return m.breaks[i].yamlLine > line }) - 1
	b := m.breaks[i]
	if b.yamlLine != line {
		// A line that starts after a \n: the \n-lines since b, counted.
		return b.line + line - b.yamlLine, col
	}
	if col > 0 {
		col += b.col
	}
	return b.line, col
}
