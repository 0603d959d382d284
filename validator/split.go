package validator

import "bytes"

// document is one YAML document of a rendered stream: its text, including
// the `---` line that opened it (yaml.v3 understands content after the
// marker), and the output line its text starts on.
type document struct {
	text  []byte
	start int // 1-based output line of text's first line
}

// splitDocuments cuts a stream on document markers. A line that is exactly
// `---`, or `---` followed by a space or tab (a comment, a tag or inline
// content), starts a document; a `...` line ends one. Splitting by lines
// rather than letting one yaml.Decoder read the stream keeps a syntax error
// in one document from hiding every document after it.
func splitDocuments(out []byte) []document {
	var docs []document
	start, line := 0, 1 // byte offset and line of the current document
	startLine := 1
	flush := func(end int) {
		if end > start {
			docs = append(docs, document{text: out[start:end], start: startLine})
		}
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
			flush(off)
			start, startLine = off, line
		case isMarker(text, "..."):
			flush(next)
			start, startLine = next, line+1
		}
		off = next
		line++
	}
	flush(len(out))
	return docs
}

// isMarker reports whether line is the marker alone or followed by blanks.
func isMarker(line []byte, marker string) bool {
	if !bytes.HasPrefix(line, []byte(marker)) {
		return false
	}
	rest := line[len(marker):]
	return len(rest) == 0 || rest[0] == ' ' || rest[0] == '\t'
}
