package validator

import (
	"errors"
	"strings"
	"sync"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// blockParser builds the yaml.Node tree of one document written in the
// plain block YAML that rendered manifests are made of — block mappings
// and sequences, one-line scalars and flows, literal block scalars,
// comments — the same tree, node for node, that yaml.Unmarshal builds,
// except that it keeps no comments (the validator reads none). yaml.v3
// spends most of lint's time building its tree through tokens and events;
// this reads each line once and allocates nodes in chunks.
//
// Anything else — anchors, aliases, tags, folded and multi-line scalars,
// multi-line flows, tabs, CRs, escapes beyond the simple ones, a
// structure yaml.v3 would reject, and every error — is unsupported: parse
// says so and the validator asks yaml.v3, which decides and words any
// error. The parser only ever answers for a document that yaml.v3 reads
// the same way (FuzzBlockParser holds it to that), so findings never
// depend on which of the two read a document.
type blockParser struct {
	src   string      // the document's text
	lines []blockLine // its lines
	limit int         // lines past this one (a closing `...`) are not content
	li    int         // the line the parser is on: the last it consumed
	kids  []*yaml.Node
	depth int
	arena nodeArena
}

// blockLine is one line of a document, without its '\n'.
type blockLine struct {
	start, end int  // byte offsets in src
	indent     int  // leading spaces
	blank      bool // nothing but spaces
	comment    bool // the first non-space is '#'
	ascii      bool // columns are byte offsets
	newline    bool // ends with '\n' (the last line may not)
}

func (l *blockLine) content() bool { return !l.blank && !l.comment }

// errUnsupported is the panic that unwinds a parse of a document the
// parser leaves to yaml.v3, as text/template/parse unwinds on an error:
// no step needs to check the ones below it. Any other panic is a bug and
// goes on.
var errUnsupported = errors.New("validator: YAML the block parser leaves to yaml.v3")

func (p *blockParser) unsupported() { panic(errUnsupported) }

// maxBlockDepth bounds the nesting the parser follows: deeper documents
// (hostile ones) go to yaml.v3, which has limits of its own.
const maxBlockDepth = 256

// maxKeyLength is a little below the 1,024 characters of an implicit key
// that yaml.v3 accepts.
const maxKeyLength = 1000

var blockParsers = sync.Pool{New: func() any { return new(blockParser) }}

// getBlockParser returns a parser for one Validate call.
func getBlockParser() *blockParser { return blockParsers.Get().(*blockParser) }

// release returns p to the pool unless a huge document grew it: its
// nodes are reused by the next call, its text is let go.
func (p *blockParser) release() {
	p.src, p.kids = "", p.kids[:0]
	if len(p.arena.nodes) > maxPooledChunks || cap(p.lines) > maxPooledLines {
		return
	}
	p.arena.reset()
	blockParsers.Put(p)
}

// maxPooledChunks and maxPooledLines bound what an idle parser holds:
// about 1 MiB of nodes, for documents far larger than manifests.
const (
	maxPooledChunks = 48
	maxPooledLines  = 1 << 14
)

// parse returns the document node of text, one document of a stream as
// manifest.Documents cuts it; ok is false when text is not YAML the
// parser reads, and yaml.v3 must. The nodes are valid until the next
// parse.
func (p *blockParser) parse(text []byte) (doc *yaml.Node, ok bool) {
	p.arena.reset()
	p.src, p.kids, p.depth = string(text), p.kids[:0], 0
	if !p.splitLines() {
		return nil, false
	}
	defer func() {
		if r := recover(); r != nil {
			if r != errUnsupported {
				panic(r)
			}
			doc, ok = nil, false
		}
	}()
	return p.document(), true
}

// splitLines indexes src's lines, and reports whether every character is
// one that yaml.v3 reads as it is: no tab, CR or other control character,
// no invalid UTF-8, no line break besides '\n' (NEL, LS, PS), no BOM.
func (p *blockParser) splitLines() bool {
	p.lines = p.lines[:0]
	src := p.src
	for start := 0; start < len(src); {
		end := len(src)
		if i := strings.IndexByte(src[start:], '\n'); i >= 0 {
			end = start + i
		}
		line := src[start:end]
		l := blockLine{start: start, end: end, ascii: printableASCII(line), newline: end < len(src)}
		if !l.ascii && !plainText(line) {
			return false
		}
		for l.indent < len(line) && line[l.indent] == ' ' {
			l.indent++
		}
		l.blank = l.indent == len(line)
		l.comment = !l.blank && line[l.indent] == '#'
		p.lines = append(p.lines, l)
		start = end + 1
	}
	return true
}

// printableASCII reports whether s holds only the characters from ' ' to
// '~', eight at a time: a byte outside has its top bit set after adding
// 0x01 (for 0x7f) and after subtracting 0x20 (for control characters),
// or had it set already.
func printableASCII(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		if (x|(x+ones)|(x-0x20*ones))&highs != 0 {
			return false
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// plainText reports whether s holds only characters that YAML allows and
// that yaml.v3 counts as one column each, on one line.
func plainText(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x20: // a control character or a tab
			return false
		case r == utf8.RuneError: // invalid UTF-8, or U+FFFD written out: either way, yaml.v3 decides
			return false
		case r < 0xA0 && r >= 0x7f, r == 0x2028, r == 0x2029, r == 0xFEFF, r == 0xFFFE, r == 0xFFFF:
			return false
		}
	}
	return true
}

// document parses the whole text: an optional `---` line, one block
// mapping or sequence, and an optional `...` line.
func (p *blockParser) document() *yaml.Node {
	first, explicit := 0, false
	if len(p.lines) > 0 && p.marker(0, "---") {
		first, explicit = 1, true
	}
	p.limit = len(p.lines)
	if last := p.lastContent(); last >= first && p.marker(last, "...") {
		p.limit = last
	}
	for i := first; i < p.limit; i++ {
		// A directive, or a document marker where manifest.Documents
		// would not have left one.
		if l := p.lines[i]; l.indent == 0 && !l.blank && !l.comment {
			if text := p.text(i); text[0] == '%' || isMarkerLine(text) {
				p.unsupported()
			}
		}
	}
	li := p.nextContentAfter(first - 1)
	if li < 0 {
		p.unsupported() // empty, or comments only: yaml.v3's answer is cheap
	}
	p.li = li
	l := p.lines[li]
	pos := l.start + l.indent
	if !p.isEntry(pos) && !p.isKey(pos) {
		p.unsupported() // a scalar or a flow: not a manifest
	}
	root := p.node(pos, -1, true)
	if p.nextContent() >= 0 {
		p.unsupported() // a second root: an error for yaml.v3
	}
	doc := p.arena.node()
	doc.Kind, doc.Style, doc.Tag, doc.Value = yaml.DocumentNode, 0, "", ""
	doc.Line, doc.Column = root.Line, root.Column
	if explicit {
		doc.Line, doc.Column = 1, 1 // the document starts at its marker
	}
	doc.Content = p.arena.content([]*yaml.Node{root})
	return doc
}

// marker reports whether line i is the document marker alone, perhaps
// with a comment; one with content after it is unsupported.
func (p *blockParser) marker(i int, marker string) bool {
	text := p.text(i)
	if !strings.HasPrefix(text, marker) {
		return false
	}
	rest := strings.TrimLeft(text[3:], " ")
	if len(rest) == len(text)-3 && rest != "" {
		return false // "---x" is no marker
	}
	if rest != "" && rest[0] != '#' {
		p.unsupported()
	}
	return true
}

func isMarkerLine(text string) bool {
	return (strings.HasPrefix(text, "---") || strings.HasPrefix(text, "...")) && (len(text) == 3 || text[3] == ' ')
}

func (p *blockParser) text(i int) string { return p.src[p.lines[i].start:p.lines[i].end] }

// lastContent returns the last line that is neither blank nor a comment, or -1.
func (p *blockParser) lastContent() int {
	for i := len(p.lines) - 1; i >= 0; i-- {
		if p.lines[i].content() {
			return i
		}
	}
	return -1
}

// nextContent returns the next line after the current one that is
// neither blank nor a comment, or -1; it does not move the parser.
func (p *blockParser) nextContent() int { return p.nextContentAfter(p.li) }

func (p *blockParser) nextContentAfter(i int) int {
	for i++; i < p.limit; i++ {
		if p.lines[i].content() {
			return i
		}
	}
	return -1
}

// lineEnd is the end of the current line.
func (p *blockParser) lineEnd() int { return p.lines[p.li].end }

// column is the 1-based column of byte offset pos of the current line,
// in characters as yaml.v3 counts them.
func (p *blockParser) column(pos int) int {
	l := &p.lines[p.li]
	if l.ascii {
		return pos - l.start + 1
	}
	return utf8.RuneCountInString(p.src[l.start:pos]) + 1
}

// newNode returns a node at byte offset pos of the current line.
func (p *blockParser) newNode(kind yaml.Kind, tag, value string, style yaml.Style, pos int) *yaml.Node {
	// Field by field: the arena's nodes are reused, and the parser sets
	// no other fields, so the rest are still zero. Writing the whole
	// struct would cost a write barrier for each of its pointers while
	// the garbage collector runs.
	n := p.arena.node()
	n.Kind, n.Style, n.Tag, n.Value, n.Content = kind, style, tag, value, nil
	n.Line, n.Column = p.li+1, p.column(pos)
	return n
}

func (p *blockParser) enter() {
	if p.depth++; p.depth > maxBlockDepth {
		p.unsupported()
	}
}

func (p *blockParser) leave() { p.depth-- }

// collect returns the children pushed since mark as the Content of their
// collection.
func (p *blockParser) collect(mark int) []*yaml.Node {
	out := p.arena.content(p.kids[mark:])
	p.kids = p.kids[:mark]
	return out
}

// node parses the node at pos, the first thing on its line or after a
// "- " (collections: a block mapping or sequence may start there) or
// after a "key: " (no collection may). owner is the column of the
// collection it belongs to, yaml.v3's indent for it.
func (p *blockParser) node(pos, owner int, collections bool) *yaml.Node {
	switch {
	case p.isEntry(pos):
		if !collections {
			p.unsupported() // "block sequence entries are not allowed in this context"
		}
		return p.sequence(pos, false)
	case collections && p.isKey(pos):
		return p.mapping(pos)
	}
	var n *yaml.Node
	var end int
	switch p.src[pos] {
	case '"', '\'':
		n, end = p.quoted(pos)
	case '[', '{':
		n, end = p.flow(pos)
	case '|':
		return p.literal(pos, owner)
	default:
		n, end = p.plain(pos)
	}
	p.endOfLine(end)
	return n
}

// isEntry reports whether pos holds a block sequence entry: '-' and a
// space or the line's end.
func (p *blockParser) isEntry(pos int) bool {
	end := p.lineEnd()
	return pos < end && p.src[pos] == '-' && (pos+1 == end || p.src[pos+1] == ' ')
}

// isKey reports whether a mapping key starts at pos: a one-line scalar
// and a ':' that ends it.
func (p *blockParser) isKey(pos int) bool {
	end := p.lineEnd()
	var i int
	switch p.src[pos] {
	case '"', '\'':
		q := p.quotedEnd(pos)
		if q < 0 {
			return false
		}
		i = skipSpaces(p.src, q, end)
	default:
		if !p.plainStart(pos) {
			return false
		}
		var colon bool
		if _, i, colon = p.plainEnd(pos); !colon {
			return false
		}
	}
	return i < end && p.src[i] == ':' && (i+1 == end || p.src[i+1] == ' ')
}

// mapping parses the block mapping whose first key starts at pos.
func (p *blockParser) mapping(pos int) *yaml.Node {
	p.enter()
	defer p.leave()
	col := pos - p.lines[p.li].start // what precedes is spaces and "- "
	m := p.newNode(yaml.MappingNode, "!!map", "", 0, pos)
	mark := len(p.kids)
	for {
		k, colon := p.key(pos)
		p.kids = append(p.kids, k, p.value(colon+1, col))
		li := p.nextContent()
		if li < 0 || p.lines[li].indent < col {
			break
		}
		if p.lines[li].indent > col {
			p.unsupported() // a continuation line, or an error
		}
		p.li = li
		pos = p.lines[li].start + col
	}
	m.Content = p.collect(mark)
	return m
}

// key parses the key at pos and returns it with the offset of its ':'.
func (p *blockParser) key(pos int) (*yaml.Node, int) {
	var k *yaml.Node
	var end int
	switch p.src[pos] {
	case '"', '\'':
		k, end = p.quoted(pos)
	default:
		if !p.plainStart(pos) {
			p.unsupported()
		}
		k, end = p.plain(pos)
	}
	colon := skipSpaces(p.src, end, p.lineEnd())
	if colon >= p.lineEnd() || p.src[colon] != ':' || colon+1 < p.lineEnd() && p.src[colon+1] != ' ' || colon-pos > maxKeyLength {
		p.unsupported()
	}
	return k, colon
}

// value parses a mapping value, from after its key's ':'; col is the
// mapping's column.
func (p *blockParser) value(after, col int) *yaml.Node {
	end := p.lineEnd()
	i := skipSpaces(p.src, after, end)
	if i < end && p.src[i] != '#' {
		return p.node(i, col, false)
	}
	// Nothing but a comment on the key's line: the value is below, or
	// null.
	if li := p.nextContent(); li >= 0 {
		l := p.lines[li]
		switch {
		case l.indent > col:
			p.li = li
			return p.node(l.start+l.indent, col, true)
		case l.indent == col && p.isEntryLine(li):
			// A sequence at its key's indentation, as kubectl writes them.
			p.li = li
			return p.sequence(l.start+l.indent, true)
		}
	}
	// yaml.v3 places an empty value just after the ':'.
	return p.newNode(yaml.ScalarNode, "!!null", "", 0, after)
}

func (p *blockParser) isEntryLine(li int) bool {
	l := p.lines[li]
	pos := l.start + l.indent
	return p.src[pos] == '-' && (pos+1 == l.end || p.src[pos+1] == ' ')
}

// sequence parses the block sequence whose first '-' is at pos.
// indentless is for one at its mapping key's indentation, which ends at
// the next key rather than being an error there.
func (p *blockParser) sequence(pos int, indentless bool) *yaml.Node {
	p.enter()
	defer p.leave()
	col := pos - p.lines[p.li].start
	s := p.newNode(yaml.SequenceNode, "!!seq", "", 0, pos)
	mark := len(p.kids)
	for {
		end := p.lineEnd()
		i := skipSpaces(p.src, pos+1, end)
		var item *yaml.Node
		if i < end && p.src[i] != '#' {
			item = p.node(i, col, true)
		} else if li := p.nextContent(); li >= 0 && p.lines[li].indent > col {
			p.li = li
			item = p.node(p.lines[li].start+p.lines[li].indent, col, true)
		} else {
			// yaml.v3 places an empty entry just after the '-'.
			item = p.newNode(yaml.ScalarNode, "!!null", "", 0, pos+1)
		}
		p.kids = append(p.kids, item)
		li := p.nextContent()
		if li < 0 || p.lines[li].indent < col {
			break
		}
		if p.lines[li].indent > col {
			p.unsupported()
		}
		if !p.isEntryLine(li) {
			if indentless {
				break // the mapping's next key
			}
			p.unsupported() // "did not find expected '-' indicator"
		}
		p.li = li
		pos = p.lines[li].start + col
	}
	s.Content = p.collect(mark)
	return s
}

// endOfLine checks that nothing but spaces and a comment follow offset i
// of the current line.
func (p *blockParser) endOfLine(i int) {
	end := p.lineEnd()
	j := skipSpaces(p.src, i, end)
	if j < end && (p.src[j] != '#' || j == i) {
		p.unsupported()
	}
}

func skipSpaces(s string, i, end int) int {
	for i < end && s[i] == ' ' {
		i++
	}
	return i
}

// plainStart reports whether a plain scalar may start at pos in block
// context: not with an indicator, though "-x" is one. "?x" and ":x" are
// too, but rare enough to leave to yaml.v3.
func (p *blockParser) plainStart(pos int) bool {
	switch p.src[pos] {
	case '-':
		return pos+1 < p.lineEnd() && p.src[pos+1] != ' '
	case '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', ' ':
		return false
	}
	return true
}

// plainEnd scans a one-line plain scalar in block context from pos: it
// returns the end of its text and where scanning stopped — at the line's
// end, at a comment, or (colon) at a ':' followed by a space or the end.
func (p *blockParser) plainEnd(pos int) (text, stop int, colon bool) {
	src, end := p.src, p.lineEnd()
	text = pos
	for i := pos; i < end; {
		switch c := src[i]; {
		case c == ' ':
			j := skipSpaces(src, i, end)
			if j == end || src[j] == '#' {
				return text, j, false
			}
			i = j
		case c == ':' && (i+1 == end || src[i+1] == ' '):
			return text, i, true
		default:
			i++
			text = i
		}
	}
	return text, end, false
}

// plain parses a one-line plain scalar at pos in block context; it
// returns the node and the end of its text. A ':' that would end it
// outside a key is yaml.v3's error to report.
func (p *blockParser) plain(pos int) (*yaml.Node, int) {
	if !p.plainStart(pos) {
		p.unsupported()
	}
	text, _, _ := p.plainEnd(pos)
	n := p.newNode(yaml.ScalarNode, "", p.src[pos:text], 0, pos)
	n.Tag = plainTag(n)
	return n, text
}

// plainTag is the tag yaml.v3 resolves a plain scalar to. Most values
// are strings at a glance, keys nearly all; yaml.v3's resolver (which
// Node.ShortTag runs) tries the rest as numbers, dates and floats, with a
// regular expression, and boxes what it finds, so the two commonest
// answers besides strings are given here: its table of words (true,
// false, null and their capitalisations; other words starting with
// those letters are strings), and decimal integers that fit an int64.
// FuzzPlainTag holds it to ShortTag.
func plainTag(n *yaml.Node) string {
	v := n.Value
	switch c := v[0]; {
	case v == "<<":
		return "!!merge"
	case c == '~', c == 't', c == 'T', c == 'f', c == 'F', c == 'n', c == 'N', c == 'y', c == 'Y', c == 'o', c == 'O':
		switch v {
		case "true", "True", "TRUE", "false", "False", "FALSE":
			return "!!bool"
		case "~", "null", "Null", "NULL":
			return "!!null"
		}
	case decimalInt(v):
		return "!!int"
	case c >= '0' && c <= '9', c == '+', c == '-', c == '.':
		if mayBeNumber(v) {
			return n.ShortTag()
		}
	}
	return "!!str"
}

// decimalInt reports whether v is an optional sign and a decimal integer
// of at most 18 digits without a leading zero (which would make it
// octal, or a float): certainly an int64.
func decimalInt(v string) bool {
	if v[0] == '-' || v[0] == '+' {
		v = v[1:]
	}
	if len(v) == 0 || len(v) > 18 || v[0] == '0' && len(v) > 1 {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return false
		}
	}
	return true
}

// mayBeNumber reports whether yaml.v3 might resolve v to something other
// than a string: a timestamp (it tries those that start YYYY-), or only
// characters that its integers, floats and ±.inf/.nan are made of.
func mayBeNumber(v string) bool {
	if len(v) > 4 && v[4] == '-' && strings.Trim(v[:4], "0123456789") == "" {
		return true
	}
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		case strings.IndexByte("xXoO_+-.iInN", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// quotedEnd returns the offset after the closing quote of the one-line
// quoted scalar at pos, or -1.
func (p *blockParser) quotedEnd(pos int) int {
	src, end, q := p.src, p.lineEnd(), p.src[pos]
	for i := pos + 1; i < end; i++ {
		switch src[i] {
		case q:
			if q == '\'' && i+1 < end && src[i+1] == '\'' {
				i++ // an escaped quote
				continue
			}
			return i + 1
		case '\\':
			if q == '"' {
				i++ // the escaped character: never the quote
			}
		}
	}
	return -1
}

// quoted parses the one-line quoted scalar at pos; it returns the node
// and the offset after its closing quote.
func (p *blockParser) quoted(pos int) (*yaml.Node, int) {
	end := p.quotedEnd(pos)
	if end < 0 {
		p.unsupported() // a multi-line scalar, or an error
	}
	raw := p.src[pos+1 : end-1]
	style := yaml.DoubleQuotedStyle
	if p.src[pos] == '\'' {
		style = yaml.SingleQuotedStyle
		if strings.Contains(raw, "''") {
			raw = strings.ReplaceAll(raw, "''", "'")
		}
	} else if strings.IndexByte(raw, '\\') >= 0 {
		raw = p.unescape(raw)
	}
	return p.newNode(yaml.ScalarNode, "!!str", raw, style, pos), end
}

// unescape reads the escapes of a double-quoted scalar's text; those that
// name a code point in hex are left to yaml.v3.
func (p *blockParser) unescape(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		i++
		if i == len(s) {
			p.unsupported()
		}
		if r, ok := simpleEscapes[s[i]]; ok {
			b.WriteString(r)
			continue
		}
		p.unsupported() // \x, \u, \U and unknown escapes
	}
	return b.String()
}

// simpleEscapes are yaml.v3's escapes of one character, and what each stands for.
var simpleEscapes = map[byte]string{
	'0': "\x00", 'a': "\a", 'b': "\b", 't': "\t", 'n': "\n", 'v': "\v", 'f': "\f", 'r': "\r",
	'e': "\x1b", ' ': " ", '"': `"`, '\'': "'", '\\': `\`,
	'N': "\u0085", '_': "\u00a0", 'L': "\u2028", 'P': "\u2029",
}

// flow parses a flow sequence or mapping that opens at pos and closes on
// the same line; it returns the node and the offset after it.
func (p *blockParser) flow(pos int) (*yaml.Node, int) {
	p.enter()
	defer p.leave()
	src, end := p.src, p.lineEnd()
	seq := src[pos] == '['
	var n *yaml.Node
	closing := byte('}')
	if seq {
		n, closing = p.newNode(yaml.SequenceNode, "!!seq", "", yaml.FlowStyle, pos), ']'
	} else {
		n = p.newNode(yaml.MappingNode, "!!map", "", yaml.FlowStyle, pos)
	}
	mark := len(p.kids)
	i := skipSpaces(src, pos+1, end)
	for {
		if i >= end {
			p.unsupported() // a flow over several lines
		}
		if src[i] == closing {
			break // empty, or after a trailing ','
		}
		if seq {
			item, next := p.flowNode(i, false)
			p.kids = append(p.kids, item)
			i = next
		} else {
			k, next := p.flowNode(i, true)
			next = skipSpaces(src, next, end)
			if next+1 >= end || src[next] != ':' || src[next+1] != ' ' || next-i > maxKeyLength {
				p.unsupported()
			}
			v, after := p.flowNode(skipSpaces(src, next+1, end), false)
			p.kids = append(p.kids, k, v)
			i = after
		}
		if i = skipSpaces(src, i, end); i < end && src[i] == ',' {
			i = skipSpaces(src, i+1, end)
		} else if i >= end || src[i] != closing {
			p.unsupported()
		}
	}
	n.Content = p.collect(mark)
	return n, i + 1
}

// flowNode parses a node inside a flow: a scalar or a nested flow. A key
// is a scalar that a ':' ends.
func (p *blockParser) flowNode(pos int, key bool) (*yaml.Node, int) {
	src, end := p.src, p.lineEnd()
	if pos >= end {
		p.unsupported()
	}
	switch src[pos] {
	case '"', '\'':
		return p.quoted(pos)
	case '[', '{':
		if key {
			p.unsupported()
		}
		return p.flow(pos)
	case '-':
		if pos+1 >= end || !flowPlainChar(src[pos+1]) {
			p.unsupported()
		}
	default:
		if !flowPlainChar(src[pos]) {
			p.unsupported()
		}
	}
	// A plain scalar ends at a flow indicator; a ':', '#' or '?' in it,
	// or after it where no key may be, is left to yaml.v3.
	i, text := pos, pos
	for i < end {
		c := src[i]
		if c == ' ' {
			i++
			continue
		}
		if c == ',' || c == ']' || c == '}' || c == ':' {
			break
		}
		if !flowPlainChar(c) && c != '-' {
			p.unsupported()
		}
		i++
		text = i
	}
	if i < end && src[i] == ':' && (!key || i+1 == end || src[i+1] != ' ') {
		p.unsupported()
	}
	n := p.newNode(yaml.ScalarNode, "", src[pos:text], 0, pos)
	n.Tag = plainTag(n)
	return n, text
}

// flowPlainChar reports whether c may stand anywhere in a plain scalar in
// a flow, as far as this parser goes: not an indicator, not a space.
func flowPlainChar(c byte) bool {
	switch c {
	case ' ', '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`':
		return false
	}
	return true
}

// literal parses the literal block scalar whose '|' is at pos; owner is
// the column of the collection it belongs to, which its lines must be
// indented past. Explicit indentation and anything that yaml.v3 would
// read as an empty scalar are left to yaml.v3.
func (p *blockParser) literal(pos, owner int) *yaml.Node {
	src, end := p.src, p.lineEnd()
	n := p.newNode(yaml.ScalarNode, "!!str", "", yaml.LiteralStyle, pos)
	chomp, i := 0, pos+1 // -1 strip, 0 clip, +1 keep
	if i < end && (src[i] == '-' || src[i] == '+') {
		chomp = 1
		if src[i] == '-' {
			chomp = -1
		}
		i++
	}
	if i < end && src[i] != ' ' {
		p.unsupported()
	}
	p.endOfLine(i)

	// The lines before the first non-blank one set the indentation too.
	first := p.li + 1
	lead, k := 0, first
	for ; k < p.limit && p.lines[k].blank; k++ {
		lead = max(lead, p.lines[k].end-p.lines[k].start)
	}
	if k == p.limit {
		p.unsupported()
	}
	indent := p.lines[k].indent
	if indent < max(owner+1, 1) || lead > indent {
		p.unsupported() // an empty scalar, and a line that yaml.v3 reads as something else
	}
	var b strings.Builder
	breaks, pending := 0, false // line breaks not written yet; a content line's own break
	for k = first; k < p.limit; k++ {
		l := p.lines[k]
		if l.blank && l.end-l.start <= indent {
			if l.newline {
				breaks++
			}
			continue
		}
		if l.indent < indent {
			break
		}
		if pending {
			b.WriteByte('\n')
		}
		for ; breaks > 0; breaks-- {
			b.WriteByte('\n')
		}
		b.WriteString(src[l.start+indent : l.end])
		pending = l.newline
		p.li = k
	}
	if pending && chomp >= 0 {
		b.WriteByte('\n')
	}
	for ; chomp > 0 && breaks > 0; breaks-- {
		b.WriteByte('\n')
	}
	n.Value = b.String()
	return n
}

// nodeArena hands out nodes and Content slices from chunks that are kept
// from one document to the next: a document's tree is garbage once it is
// checked, and a validation of thousands of documents then allocates
// next to nothing for them.
type nodeArena struct {
	nodes [][]yaml.Node // chunks; those before next are full
	next  int           // the chunk nodes come from
	used  int           // nodes of that chunk handed out
	ptrs  []*yaml.Node  // the current chunk of Content slots
}

const (
	nodeChunk = 128
	ptrChunk  = 512
)

func (a *nodeArena) reset() {
	a.next, a.used = 0, 0
	a.ptrs = a.ptrs[:0]
}

func (a *nodeArena) node() *yaml.Node {
	if a.next < len(a.nodes) && a.used == nodeChunk {
		a.next, a.used = a.next+1, 0
	}
	if a.next == len(a.nodes) {
		a.nodes = append(a.nodes, make([]yaml.Node, nodeChunk))
	}
	n := &a.nodes[a.next][a.used]
	a.used++
	return n
}

// content returns a copy of kids for a collection's Content; nil for
// none, as yaml.v3 leaves it.
func (a *nodeArena) content(kids []*yaml.Node) []*yaml.Node {
	n := len(kids)
	switch {
	case n == 0:
		return nil
	case n > ptrChunk/4:
		return append([]*yaml.Node(nil), kids...)
	case cap(a.ptrs)-len(a.ptrs) < n:
		// A fresh chunk: the old one may still be referenced by nodes
		// of this document.
		a.ptrs = make([]*yaml.Node, 0, ptrChunk)
	}
	start := len(a.ptrs)
	a.ptrs = append(a.ptrs, kids...)
	return a.ptrs[start:len(a.ptrs):len(a.ptrs)]
}
