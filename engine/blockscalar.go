package engine

import "bytes"

// blockTracker knows which lines of the output so far lie in YAML block
// scalars (`script: |`). It reads the output forwards, and only up to
// where a question is asked: a render without an unset variable never
// pays for it, and one with many pays for one pass over its output.
//
// It tracks indentation as YAML does: a line that ends in a block
// indicator opens a block scalar, whose content is every following line
// indented more than it, blank lines included; the first less indented
// line closes it. Lines outside block scalars form a stack of indentation
// levels, so that a reference's enclosing line is the nearest one less
// indented than it.
type blockTracker struct {
	scanned int          // bytes of output read
	levels  []blockLevel // enclosing lines of the last line read, outermost first
	buf     [16]blockLevel
}

type blockLevel struct {
	indent int
	opens  bool // the line ends in a block indicator
}

// inBlockScalar reports whether the output line being written, which
// starts at r.lineStart and holds what has been written of it so far,
// lies in a block scalar.
func (r *renderer) inBlockScalar() bool {
	t := &r.blocks
	// The emitter takes back only blank lines (a partial's trailing
	// ones, lines left blank), which change no level.
	t.scanned = min(t.scanned, r.lineStart)
	for t.scanned < r.lineStart {
		end := t.scanned + bytes.IndexByte(r.out[t.scanned:r.lineStart], '\n')
		t.read(r.out[t.scanned:end])
		t.scanned = end + 1
	}
	return t.encloses(indentation(r.out[r.lineStart:]))
}

// read takes in one output line.
func (t *blockTracker) read(line []byte) {
	indent := indentation(line)
	rest := line[indent:]
	if len(rest) == 0 {
		return // blank: part of whatever is open
	}
	if t.encloses(indent) {
		return // content of a block scalar
	}
	if indent == 0 && (bytes.HasPrefix(rest, []byte("---")) || bytes.HasPrefix(rest, []byte("..."))) {
		t.levels = t.levels[:0] // a new document
		return
	}
	if rest[0] == '#' {
		return // a comment outside a block scalar says nothing of levels
	}
	for len(t.levels) > 0 && t.levels[len(t.levels)-1].indent >= indent {
		t.levels = t.levels[:len(t.levels)-1]
	}
	if t.levels == nil {
		t.levels = t.buf[:0] // deep enough for most manifests without allocating
	}
	t.levels = append(t.levels, blockLevel{indent: indent, opens: opensBlockScalar(rest)})
}

// encloses reports whether a line indented by indent lies in a block
// scalar: its nearest less indented enclosing line opens one.
func (t *blockTracker) encloses(indent int) bool {
	for i := len(t.levels) - 1; i >= 0; i-- {
		if t.levels[i].indent < indent {
			return t.levels[i].opens
		}
	}
	return false
}

// opensBlockScalar reports whether a line (without its indentation) ends
// in a block scalar header: `key: |`, `- >-`, `key: |2 # comment`, after a
// tag or an anchor. It runs on every line before a reference that may be
// text for a shell, so it allocates nothing and rejects most lines at
// their last byte.
func opensBlockScalar(line []byte) bool {
	if i := bytes.Index(line, []byte(" #")); i >= 0 {
		line = line[:i]
	}
	end := len(line)
	for end > 0 && (line[end-1] == ' ' || line[end-1] == '\t') {
		end--
	}
	// The indicator: | or >, then chomping and indentation indicators.
	i := end
	for i > 0 && (line[i-1] == '-' || line[i-1] == '+' || (line[i-1] >= '1' && line[i-1] <= '9')) {
		i--
	}
	if i == 0 || (line[i-1] != '|' && line[i-1] != '>') {
		return false
	}
	i--
	if i > 0 && line[i-1] != ' ' && line[i-1] != '\t' {
		return false // "a|" is a plain scalar
	}
	// What comes before it, token by token from the right.
	for {
		for i > 0 && (line[i-1] == ' ' || line[i-1] == '\t') {
			i--
		}
		if i == 0 {
			return true // the indicator alone
		}
		j := i
		for j > 0 && line[j-1] != ' ' && line[j-1] != '\t' {
			j--
		}
		switch tok := line[j:i]; {
		case tok[0] == '!' || tok[0] == '&':
			i = j // a tag or an anchor before the indicator
		case tok[len(tok)-1] == ':' || (len(tok) == 1 && tok[0] == '-'):
			return true
		default:
			return false // "a: b |" is a plain scalar that ends in |
		}
	}
}

// indentation counts the spaces a line starts with.
func indentation(line []byte) int {
	n := 0
	for n < len(line) && line[n] == ' ' {
		n++
	}
	return n
}
