package manifest

import (
	"bytes"
	"iter"
)

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
			case IsMarker(text, "---"):
				if !flush(off) {
					return
				}
				start, startLine = off, line
			case IsMarker(text, "..."):
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

// IsMarker reports whether line is the document marker ("---" or "...")
// alone or followed by a blank and more (a comment, a tag, content).
func IsMarker(line []byte, marker string) bool {
	if !bytes.HasPrefix(line, []byte(marker)) {
		return false
	}
	rest := line[len(marker):]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t'
}
