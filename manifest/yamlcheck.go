package manifest

import (
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	yaml2 "go.yaml.in/yaml/v2"
	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/internal/yamlerr"
)

// CheckYAML returns nil when every document of out, a rendered stream
// split as Documents splits it, is one whole YAML document (or only
// comments and markers), and otherwise a *SyntaxError at the output line
// of the first problem, with yaml.v3's message ("mapping values are not
// allowed in this context"). An empty stream is valid.
//
// yaml.v3 reads about 10 MB/s, which would add a quarter to a render, so
// a scanner for the block YAML that templates are made of vouches for
// most documents in one pass over their bytes. Whatever it does not know
// (anchors, tags, multi-line scalars and flows, tabs, and every error)
// goes to yaml.v3, which decides and words the error: the scanner only
// ever says "valid" for a document that yaml.v3 accepts (FuzzCheckYAML
// holds it to that), so the verdict and message are always yaml.v3's
// (the line of an entry that does not fit its collection is yaml.v2's:
// see problemLine).
func CheckYAML(out []byte) error {
	for doc, start := range Documents(out) {
		if blockWellFormed(doc) {
			continue
		}
		if line, msg, ok := parseDocument(doc); !ok {
			return &SyntaxError{Line: start + line - 1, Msg: msg}
		}
	}
	return nil
}

// parseDocument is yaml.v3's verdict on one document of a stream: ok, or
// the 1-based line in doc and the message of its first error. It reads
// on after the first document, because yaml.Unmarshal stops there and so
// misses a line below the root's indentation ("  a: 1\nb: 2").
func parseDocument(doc []byte) (line int, msg string, ok bool) {
	if onlyMarkers(doc) {
		return 0, "", true // yaml.v3 rejects a lone "...", an empty stream to YAML
	}
	dec := yaml.NewDecoder(bytes.NewReader(doc))
	for {
		var node yaml.Node
		err := dec.Decode(&node)
		if errors.Is(err, io.EOF) {
			return 0, "", true
		}
		if err != nil {
			line, msg := yamlerr.Position(err, doc)
			return problemLine(doc, line, msg), msg, false
		}
	}
}

// problemLine is the line of a block collection's entry that does not
// fit, for the two errors that say so. yaml.v3 names the line where the
// collection starts, which is often far above; yaml.v2, the same parser
// before v3 changed which of its two marks an error names, names the
// entry's line: a mis-indented partial's. Its line is taken when it
// reports the same problem further down.
func problemLine(doc []byte, line int, msg string) int {
	if msg != "did not find expected key" && msg != "did not find expected '-' indicator" {
		return line
	}
	dec := yaml2.NewDecoder(bytes.NewReader(doc))
	for {
		var v any
		err := dec.Decode(&v)
		switch {
		case err == nil:
			continue
		case errors.Is(err, io.EOF):
			return line // yaml.v2 reads it; yaml.v3's line stands
		}
		if n, m := yamlerr.Position(err, doc); m == msg && n > line {
			return n
		}
		return line
	}
}

// onlyMarkers reports whether doc holds nothing but blank lines, comments
// and document markers.
func onlyMarkers(doc []byte) bool {
	for len(doc) > 0 {
		line := doc
		if i := bytes.IndexByte(doc, '\n'); i >= 0 {
			line, doc = doc[:i], doc[i+1:]
		} else {
			doc = nil
		}
		line = bytes.Trim(line, " \t\r")
		if IsMarker(line, "---") || IsMarker(line, "...") {
			line = bytes.TrimLeft(line[3:], " \t")
		}
		if len(line) > 0 && line[0] != '#' {
			return false
		}
	}
	return true
}

// Limits of what blockWellFormed vouches for; beyond them yaml.v3 decides.
const (
	maxFrames    = 64   // nested block collections
	maxFlowDepth = 16   // nested flow collections
	maxKey       = 1000 // bytes of a key: yaml.v3 wants its ':' within 1024 characters
)

// blockWellFormed reports whether doc, one document of a stream, is in
// the subset of YAML that blockScanner knows to be valid: block mappings
// and sequences whose entries sit exactly at their collection's column
// (a sequence may sit at its key's), with values that are block scalars
// or fit on their line (plain and quoted scalars, flow collections), and
// comments. False means "ask yaml.v3", not "invalid".
func blockWellFormed(doc []byte) bool {
	var s blockScanner
	for len(doc) > 0 {
		line := doc
		if i := bytes.IndexByte(doc, '\n'); i >= 0 {
			line, doc = doc[:i], doc[i+1:]
			if n := len(line); n > 0 && line[n-1] == '\r' {
				line = line[:n-1] // CRLF; a lone CR is no text to textRune
			}
		} else {
			doc = nil
		}
		if !s.line(line) {
			return false
		}
	}
	return true
}

// blockScanner follows a document line by line the way yaml.v3's scanner
// follows indentation: a stack of the open block collections, and what
// the last content line left open.
type blockScanner struct {
	frames [maxFrames]frame
	depth  int
	state  lineState

	// The open block scalar (| or >), when scalar is set.
	scalar       bool
	scalarParent int // column of the collection it is a value in
	scalarIndent int // its content's column; 0 until the first content line sets it
	scalarBlank  int // the most spaces on a blank line before that
}

// frame is an open block collection.
type frame struct {
	col     int
	seq     bool
	compact bool // a sequence at its parent mapping's column ("key:\n- a")
}

// lineState is what the last content line left for the next.
type lineState uint8

const (
	beforeRoot lineState = iota // no node yet
	awaiting                    // its last entry ("key:", "-") has no value on the line
	complete                    // its last entry's value ended on the line
	ended                       // it was a "..." end marker
)

func (s *blockScanner) line(line []byte) bool {
	if s.scalar {
		if inside, ok := s.scalarLine(line); inside {
			return ok
		}
	}
	col := 0
	for col < len(line) && line[col] == ' ' {
		col++
	}
	switch {
	case col == len(line):
		return true
	case s.state == ended:
		return false // Documents ends a document at "..."
	case line[col] == '#':
		return lineText(line[col+1:])
	case col == 0 && len(line) >= 3 && (line[0] == '-' || line[0] == '.') && line[1] == line[0] && line[2] == line[0]:
		return s.marker(line)
	}
	return s.content(line, col)
}

// marker checks a line that starts with "---" or "...": Documents puts a
// "---" line only first, and "..." only last.
func (s *blockScanner) marker(line []byte) bool {
	switch {
	case IsMarker(line, "---"):
		return s.state == beforeRoot && s.depth == 0 && trailing(line, 3)
	case IsMarker(line, "..."):
		s.state, s.scalar = ended, false
		return trailing(line, 3)
	}
	return false // "---x" is a plain scalar, and rarely meant
}

// content follows the nodes of a line that holds more than a comment,
// starting at col: entries ("- "), at most one key, then its value.
func (s *blockScanner) content(line []byte, col int) bool {
	for first := true; ; first = false {
		entry := line[col] == '-' && (col+1 == len(line) || line[col+1] == ' ')
		next := col + 1 // after the "-" or the key's ':'
		if !entry {
			colon, ok := keyEnd(line, col)
			switch {
			case !ok:
				return false
			case colon < 0:
				// A value with no key: only an entry on this line may have one.
				return !first && s.value(line, col)
			}
			next = colon + 1
		}
		if first && !s.place(col, entry) || !first && !s.push(col, entry, false) {
			return false
		}
		j := next
		for j < len(line) && line[j] == ' ' {
			j++
		}
		switch {
		case j == len(line):
			s.state = awaiting
			return true
		case line[j] == '#': // a blank precedes it: a key's ':' has one, and so has "- "
			s.state = awaiting
			return lineText(line[j+1:])
		case entry:
			col = j // "- - a", "- key: value"
		default:
			return s.value(line, j)
		}
	}
}

// place puts the first node of a line, an entry or a key at col, in the
// collection it continues or starts, as yaml.v3's indentation stack would.
func (s *blockScanner) place(col int, seq bool) bool {
	switch s.state {
	case beforeRoot:
		return s.push(col, seq, false)
	case awaiting:
		top := s.frames[s.depth-1]
		if col > top.col {
			return s.push(col, seq, false) // the awaited value
		}
		if col == top.col && seq && !top.seq {
			return s.push(col, true, true)
		}
		// The awaited value is null, and the line goes on an outer collection.
	case complete:
		if col > s.frames[s.depth-1].col {
			return false // a scalar's continuation, or a node with no place
		}
	}
	for s.depth > 0 && s.frames[s.depth-1].col > col {
		s.depth--
	}
	if !seq && s.depth > 0 && s.frames[s.depth-1].compact && s.frames[s.depth-1].col == col {
		s.depth-- // the key after a compact sequence
	}
	if s.depth == 0 {
		return false // left of the root: a second root node
	}
	top := s.frames[s.depth-1]
	return top.col == col && top.seq == seq
}

func (s *blockScanner) push(col int, seq, compact bool) bool {
	if s.depth == maxFrames {
		return false
	}
	s.frames[s.depth] = frame{col: col, seq: seq, compact: compact}
	s.depth++
	return true
}

// value checks the value of an entry that starts at line[j], the first
// byte after the blanks that follow "-" or ':'.
func (s *blockScanner) value(line []byte, j int) bool {
	s.state = complete
	switch line[j] {
	case '"', '\'':
		end, ok := quotedEnd(line, j)
		return ok && trailing(line, end)
	case '[', '{':
		end, ok := flowEnd(line, j, 0)
		return ok && trailing(line, end)
	case '|', '>':
		return s.blockScalarHeader(line, j)
	}
	end, colon, ok := plainEnd(line, j)
	return ok && !colon && trailing(line, end)
}

// blockScalarHeader checks the rest of a line from a '|' or '>' at j and
// opens the block scalar.
func (s *blockScanner) blockScalarHeader(line []byte, j int) bool {
	i, chomp, increment := j+1, false, 0
indicators: // a chomping and an indentation indicator, in either order
	for ; i < len(line); i++ {
		switch c := line[i]; {
		case (c == '+' || c == '-') && !chomp:
			chomp = true
		case '1' <= c && c <= '9' && increment == 0:
			increment = int(c - '0')
		default:
			break indicators
		}
	}
	if !trailing(line, i) {
		return false
	}
	s.scalar, s.scalarBlank = true, 0
	s.scalarParent = s.frames[s.depth-1].col
	s.scalarIndent = 0
	if increment > 0 {
		s.scalarIndent = s.scalarParent + increment
	}
	return true
}

// scalarLine reports whether line belongs to the open block scalar and,
// if so, whether it is fine there. A line left of the scalar's column
// ends it and is read as any other line.
func (s *blockScanner) scalarLine(line []byte) (inside, ok bool) {
	n := 0 // spaces, up to the content's column once it is known
	for n < len(line) && line[n] == ' ' && (s.scalarIndent == 0 || n < s.scalarIndent) {
		n++
	}
	if s.scalarIndent == 0 {
		switch {
		case n == len(line):
			s.scalarBlank = max(s.scalarBlank, n)
			return true, true
		case line[n] == '\t':
			return true, false // yaml.v3: a tab where an indentation space is expected
		}
		s.scalarIndent = max(s.scalarBlank, n, s.scalarParent+1)
	}
	switch {
	case n >= s.scalarIndent:
		return true, lineText(line[n:])
	case n == len(line):
		return true, true
	case line[n] == '\t':
		return true, false
	}
	s.scalar = false
	return false, true
}

// keyEnd returns the index of the ':' that ends a key starting at
// line[i], or -1 when what starts there is not a key; ok is false when it
// is nothing blockWellFormed vouches for.
func keyEnd(line []byte, i int) (colon int, ok bool) {
	if line[i] == '"' || line[i] == '\'' {
		end, ok := quotedEnd(line, i)
		switch {
		case !ok:
			return 0, false
		case end < len(line) && line[end] == ':' && (end+1 == len(line) || line[end+1] == ' '):
			return end, end-i <= maxKey
		}
		return -1, true
	}
	end, isKey, ok := plainEnd(line, i)
	switch {
	case !ok:
		return 0, false
	case isKey:
		return end, end-i <= maxKey
	}
	return -1, true
}

// plainEnd scans a plain scalar in block context from line[i] to where
// it ends: at a ':' followed by a blank or the line's end (colon is set:
// a key), at the blank before a comment, or at the end of the line.
func plainEnd(line []byte, i int) (end int, colon, ok bool) {
	if !plainStart(line, i, false) {
		return 0, false, false
	}
	for j := i; j < len(line); {
		switch c := line[j]; {
		case c > ' ' && c < 0x7f && c != ':': // nearly every byte
			j++
		case c == ':':
			if j+1 == len(line) || line[j+1] == ' ' {
				return j, true, true
			}
			j++
		case c == ' ':
			if j+1 < len(line) && line[j+1] == '#' {
				return j, false, true
			}
			j++
		default:
			n := textRune(line, j)
			if n == 0 {
				return 0, false, false
			}
			j += n
		}
	}
	return len(line), false, true
}

// plainStart reports whether a plain scalar may start at line[i]: not at
// an indicator. In a flow, "-" must be followed by a flowChar.
func plainStart(line []byte, i int, flow bool) bool {
	switch c := line[i]; {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c >= 0x80:
		return true // the scan checks that bytes from 0x80 are text
	case c == '-':
		if i+1 == len(line) {
			return false
		}
		if flow {
			return flowChar(line[i+1])
		}
		return line[i+1] != ' ' && line[i+1] != '\t'
	case c == '.', c == '/', c == '_', c == '~', c == '$', c == '(', c == ')',
		c == '+', c == '=', c == '^', c == ';', c == '<', c == '\\':
		return true
	}
	return false
}

// quotedEnd returns the index after the quote that closes the quoted
// scalar opening at line[i]; ok is false when the scalar does not close
// on the line or holds a tab, a control character or an escape that
// yaml.v3 would refuse.
func quotedEnd(line []byte, i int) (end int, ok bool) {
	q := line[i]
	for j := i + 1; j < len(line); {
		c := line[j]
		var n int
		switch {
		case c == q && q == '\'' && j+1 < len(line) && line[j+1] == '\'':
			n = 2
		case c == q:
			return j + 1, true
		case c == '\\' && q == '"':
			n = escapeLen(line, j)
		default:
			n = textRune(line, j)
		}
		if n == 0 {
			return 0, false
		}
		j += n
	}
	return 0, false
}

// escapeLen returns the length of the escape sequence at line[j] in a
// double-quoted scalar, or 0 when yaml.v3 would refuse it (or it escapes
// a line break or a tab, which blockWellFormed leaves to yaml.v3).
func escapeLen(line []byte, j int) int {
	if j+1 == len(line) {
		return 0
	}
	digits := 0
	switch line[j+1] {
	case '0', 'a', 'b', 't', 'n', 'v', 'f', 'r', 'e', ' ', '"', '\'', '\\', 'N', '_', 'L', 'P':
		return 2
	case 'x':
		digits = 2
	case 'u':
		digits = 4
	case 'U':
		digits = 8
	default:
		return 0
	}
	if j+2+digits > len(line) {
		return 0
	}
	value := 0
	for _, c := range line[j+2 : j+2+digits] {
		switch {
		case '0' <= c && c <= '9':
			value = value<<4 | int(c-'0')
		case 'a' <= c && c <= 'f':
			value = value<<4 | int(c-'a'+10)
		case 'A' <= c && c <= 'F':
			value = value<<4 | int(c-'A'+10)
		default:
			return 0
		}
	}
	if value >= 0xD800 && value <= 0xDFFF || value > 0x10FFFF {
		return 0
	}
	return 2 + digits
}

// flowEnd returns the index after the bracket that closes the flow
// collection opening at line[i], when it closes on the line and holds
// only scalars and flow collections, every mapping entry with a value.
func flowEnd(line []byte, i, depth int) (end int, ok bool) {
	if depth == maxFlowDepth {
		return 0, false
	}
	closer, mapping := byte(']'), line[i] == '{'
	if mapping {
		closer = '}'
	}
	i = skipSpaces(line, i+1)
	if i < len(line) && line[i] == closer {
		return i + 1, true
	}
	for {
		if mapping {
			if i, ok = flowKeyEnd(line, i); !ok {
				return 0, false
			}
		}
		if i, ok = flowNodeEnd(line, i, depth); !ok {
			return 0, false
		}
		i = skipSpaces(line, i)
		if i == len(line) {
			return 0, false
		}
		switch line[i] {
		case closer:
			return i + 1, true
		case ',':
			i = skipSpaces(line, i+1)
			if i < len(line) && line[i] == closer {
				return i + 1, true
			}
		default:
			return 0, false
		}
	}
}

// flowKeyEnd checks the key of a flow mapping entry at line[i] and
// returns where its value starts: after the ':' and blanks (a plain key's
// ':' needs one).
func flowKeyEnd(line []byte, i int) (int, bool) {
	if i == len(line) {
		return 0, false
	}
	quoted := line[i] == '"' || line[i] == '\''
	var end int
	var ok bool
	if quoted {
		end, ok = quotedEnd(line, i)
	} else {
		end, ok = flowPlainEnd(line, i)
	}
	switch {
	case !ok, end-i > maxKey, end == len(line), line[end] != ':':
		return 0, false
	case !quoted && (end+1 == len(line) || line[end+1] != ' '):
		return 0, false // "a:b" is one scalar to yaml.v3
	}
	return skipSpaces(line, end+1), true
}

// flowNodeEnd returns the index after the flow node at line[i].
func flowNodeEnd(line []byte, i, depth int) (int, bool) {
	if i == len(line) {
		return 0, false
	}
	switch line[i] {
	case '[', '{':
		return flowEnd(line, i, depth+1)
	case '"', '\'':
		return quotedEnd(line, i)
	}
	return flowPlainEnd(line, i)
}

// flowPlainEnd returns the index after the last word of a plain scalar
// in a flow, words being runs of flowChars and non-ASCII text separated
// by spaces.
func flowPlainEnd(line []byte, i int) (int, bool) {
	if !plainStart(line, i, true) {
		return 0, false
	}
	end := i
	for j := i; j < len(line); {
		c := line[j]
		switch {
		case c == ' ':
			j++
			continue
		case c >= 0x80:
			n := textRune(line, j)
			if n == 0 {
				return 0, false
			}
			j += n
		case flowChar(c):
			j++
		default:
			return end, true // ',', ']', '}', ':' and others end it; the caller judges
		}
		end = j
	}
	return end, true
}

// flowChar reports whether c may be inside a plain scalar in a flow
// without ending it or needing thought: not a flow indicator, ':', '?',
// '#', a quote, a blank or a control character.
func flowChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	switch c {
	case '-', '.', '/', '_', '~', '$', '(', ')', '+', '=', '^', ';', '<', '>', '\\', '@', '%', '!', '&', '*', '|', '`':
		return true
	}
	return false
}

func skipSpaces(line []byte, i int) int {
	for i < len(line) && line[i] == ' ' {
		i++
	}
	return i
}

// trailing reports whether line[i:] is blanks, then the end of the line
// or a comment after at least one blank.
func trailing(line []byte, i int) bool {
	j := skipSpaces(line, i)
	return j == len(line) || j > i && line[j] == '#' && lineText(line[j+1:])
}

// lineText reports whether b, the rest of a line where any text goes
// (a comment, a block scalar's content), holds only tabs and textRunes.
func lineText(b []byte) bool {
	for j := 0; j < len(b); {
		if c := b[j]; c >= ' ' && c < 0x7f || c == '\t' {
			j++
			continue
		}
		n := textRune(b, j)
		if n == 0 {
			return false
		}
		j += n
	}
	return true
}

// textRune returns the length of the character at b[i] when yaml.v3
// reads it as text in the middle of a line, and 0 for a tab, a control
// character, invalid UTF-8, a byte-order mark, and the line breaks that
// yaml.v3 knows besides \n and \r\n (NEL, LS, PS).
func textRune(b []byte, i int) int {
	c := b[i]
	if c >= 0x20 && c < 0x7f {
		return 1
	}
	if c < 0x80 {
		return 0
	}
	r, n := utf8.DecodeRune(b[i:])
	switch {
	case r == utf8.RuneError && n == 1, r < 0xA0, r == 0x2028, r == 0x2029, r == 0xFEFF, r == 0xFFFE, r == 0xFFFF:
		return 0
	}
	return n
}
