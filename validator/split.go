package validator

import (
	"bytes"
	"iter"
)

// document is one YAML document of a rendered stream: its text, including
// the `---` line that opened it (yaml.v3 understands content after the
// marker), and the output line its text starts on.
type document struct {
	text  []byte
	start int // 1-based output line of text's first line
}

// Documents cuts a rendered stream on document markers and yields each
// non-empty document's text with the 1-based output line it starts on. A
// line that is exactly `---`, or `---` followed by a space or tab (a
// comment, a tag or inline content), starts a document and is part of its
// text; a `...` line ends one and is part of the text it ends. Splitting by
// lines rather than letting one yaml.Decoder read the stream keeps a syntax
// error in one document from hiding every document after it. Everything
// that reads a render document by document (the validator, watch's diff)
// splits it here, so they agree on where documents are.
func Documents(out []byte) iter.Seq2[[]byte, int] {
	return func(yield func([]byte, int) bool) {
		start, line := 0, 1 // byte offset and line of the current document
		startLine := 1
		flush := func(end int) bool {
			return end <= start || yield(out[start:end:end], startLine)
		}
		for off := 0; off < len(out); {
			nl := bytes.IndexByte(out[off:], '\n')
			next := len(out)
			if nl >= 0 {
				next = off + nl + 1
			}
			text := bytes.TrimRight(out[off:next], "\r\n")
			switch {
			case isMarker(text, "---"):
				if !flush(off) {
					return
				}
				start, startLine = off, line
			case isMarker(text, "..."):
				if !flush(next) {
					return
				}
				start, startLine = next, line+1
			}
			off = next
			line++
		}
		flush(len(out))
	}
}

// isMarker reports whether line is the marker alone or followed by blanks.
func isMarker(line []byte, marker string) bool {
	if !bytes.HasPrefix(line, []byte(marker)) {
		return false
	}
	rest := line[len(marker):]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t'
}
