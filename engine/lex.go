package engine

import (
	"bytes"
	"iter"
	"strings"
)

// A Directive is a `# load! a, b` or `# load? a, b` line of a template.
type Directive struct {
	Line     int    // 1-based line number in its file
	Indent   string // the spaces and tabs before '#', given to every loaded line
	Required bool   // load! rather than load?
	// Candidates are the comma-separated paths as written: trimmed, empty
	// entries dropped, variables not yet interpolated.
	Candidates []string
	// Col is the 1-based byte column of the first candidate, for messages.
	Col int
}

// parseDirective classifies one line. It returns ok=false for an ordinary
// line; for a directive it returns the directive with Line unset. A directive
// word followed by nothing but blanks is still a directive (with no
// candidates) so that the caller can report it.
//
// The grammar is deliberately tiny: indent, '#', optional blanks, the word
// load! or load?, at least one blank (or the end of the line), candidates.
func parseDirective(line []byte) (d Directive, ok bool) {
	i := skipBlanks(line, 0)
	if i == len(line) || line[i] != '#' {
		return d, false
	}
	j := skipBlanks(line, i+1)
	rest := line[j:]
	if len(rest) < 5 || !bytes.HasPrefix(rest, []byte("load")) || (rest[4] != '!' && rest[4] != '?') {
		return d, false
	}
	k := j + 5
	if k < len(line) && !isBlank(line[k]) {
		return d, false // "# load!x.yaml", "# loader notes"
	}
	d.Indent = indent(line[:i])
	d.Required = rest[4] == '!'
	k = skipBlanks(line, k)
	d.Col = k + 1
	if k == len(line) {
		return d, true
	}
	d.Candidates = make([]string, 0, bytes.Count(line[k:], []byte(","))+1)
	for part := range strings.SplitSeq(string(line[k:]), ",") {
		if c := strings.TrimSpace(part); c != "" {
			d.Candidates = append(d.Candidates, c)
		}
	}
	return d, true
}

// spaces holds the indents of most directives, so that reading one costs
// no allocation.
const spaces = "                                                                "

// indent returns the blanks b as a string.
func indent(b []byte) string {
	if len(b) <= len(spaces) && string(b) == spaces[:len(b)] {
		return spaces[:len(b)]
	}
	return string(b)
}

// Directives lists the directives of a template's source in line order,
// without rendering it. Lint uses it to tell partials from root templates and
// to find the namespaces that `${NAMESPACE}` candidates imply.
//
// Lint lists the directives of every file of a repository, most lines of
// which are not directives: it looks only at the lines whose first
// character other than a blank is '#', found with bytes.IndexByte, and
// counts the lines between them.
func Directives(src []byte) []Directive {
	src = bytes.TrimPrefix(src, utf8BOM)
	var ds []Directive
	n, start := 1, 0 // the number of the line that begins at start
	for off := 0; off < len(src); {
		i := bytes.IndexByte(src[off:], '#')
		if i < 0 {
			break
		}
		at := off + i
		begin := bytes.LastIndexByte(src[:at], '\n') + 1
		end := bytes.IndexByte(src[at:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += at
		}
		// The first '#' of a line: if anything but blanks precedes it,
		// no '#' of the line begins a directive.
		if skipBlanks(src[begin:at], 0) == at-begin {
			n += bytes.Count(src[start:begin], newline)
			start = begin
			if d, ok := parseDirective(trimCR(src[begin:end])); ok {
				d.Line = n
				if ds == nil {
					ds = make([]Directive, 0, 8) // a template's usual few
				}
				ds = append(ds, d)
			}
		}
		off = end + 1
	}
	if len(ds) == 0 {
		return nil
	}
	return ds
}

var newline = []byte("\n")

// lines yields each line of src with its 1-based number, without the line
// terminator. CRLF and LF both end a line; a final terminator does not start
// another line, and an empty src has one empty line.
func lines(src []byte) iter.Seq2[int, []byte] {
	return func(yield func(int, []byte) bool) {
		for n := 1; ; n++ {
			i := bytes.IndexByte(src, '\n')
			if i < 0 {
				yield(n, trimCR(src))
				return
			}
			if !yield(n, trimCR(src[:i])) {
				return
			}
			src = src[i+1:]
			if len(src) == 0 {
				return
			}
		}
	}
}

func trimCR(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\r' {
		return line[:n-1]
	}
	return line
}

func skipBlanks(line []byte, i int) int {
	for i < len(line) && isBlank(line[i]) {
		i++
	}
	return i
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// isBlankLine reports whether line holds nothing but spaces and tabs.
func isBlankLine(line []byte) bool { return skipBlanks(line, 0) == len(line) }

// leadingBlanks returns the indentation of line.
func leadingBlanks(line []byte) []byte { return line[:skipBlanks(line, 0)] }
