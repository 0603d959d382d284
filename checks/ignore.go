package checks

import (
	"bytes"
	"strings"
	"unicode/utf8"
)

// IgnoreMarker starts the comment that silences findings on its line or
// the next: `# eastern:ignore rule-id[,rule-id] -- reason`. A comment
// rather than an annotation, so that nothing of it reaches the cluster.
const IgnoreMarker = "eastern:ignore"

// Ignore is one `# eastern:ignore` comment of a rendered output.
type Ignore struct {
	Line, Col int // output line and column of the '#'
	Rules     []string
	Reason    string
	// Problem says why the comment silences nothing: no rule, or no
	// reason after " -- ". Empty for a well-formed one.
	Problem string
}

// ParseIgnores finds the ignore comments of a rendered output: the
// marker after a '#' that starts a comment (the line's first non-blank,
// or after a blank), with blanks between the two allowed.
func ParseIgnores(output []byte) []Ignore {
	var out []Ignore
	line, lineStart := 1, 0 // of the position scanned to
	// Scanning for '#', which manifests seldom contain, is many times
	// faster than looking for the marker itself, whose first letter is
	// everywhere.
	for off := 0; off < len(output); {
		i := bytes.IndexByte(output[off:], '#')
		if i < 0 {
			return out
		}
		hash := off + i
		off = hash + 1
		at := off
		for at < len(output) && (output[at] == ' ' || output[at] == '\t') {
			at++
		}
		if !bytes.HasPrefix(output[at:], []byte(IgnoreMarker)) {
			continue
		}
		line += bytes.Count(output[lineStart:hash], []byte("\n"))
		if nl := bytes.LastIndexByte(output[:hash], '\n'); nl >= 0 {
			lineStart = nl + 1
		} else {
			lineStart = 0
		}
		if hash > lineStart && output[hash-1] != ' ' && output[hash-1] != '\t' {
			continue // "a#eastern:ignore" is no comment
		}
		rest := output[at+len(IgnoreMarker):]
		if nl := bytes.IndexByte(rest, '\n'); nl >= 0 {
			rest = rest[:nl]
		}
		text := string(bytes.TrimRight(rest, "\r"))
		if text != "" && text[0] != ' ' && text[0] != '\t' {
			continue // eastern:ignored, some other word
		}
		ig := parseIgnore(text)
		ig.Line, ig.Col = line, utf8.RuneCount(output[lineStart:hash])+1
		out = append(out, ig)
	}
	return out
}

// parseIgnore reads what follows the marker: " rule-a,rule-b -- reason".
func parseIgnore(rest string) Ignore {
	var ig Ignore
	ids, reason, hasReason := strings.Cut(rest, " -- ")
	if !hasReason {
		// "-- reason" may follow the ids without the blank before it
		// being kept, as in "x --" at the end of a line.
		ids, reason, hasReason = strings.Cut(rest, "--")
	}
	for id := range strings.SplitSeq(ids, ",") {
		if id = strings.TrimSpace(id); id != "" {
			ig.Rules = append(ig.Rules, id)
		}
	}
	ig.Reason = strings.TrimSpace(reason)
	switch {
	case len(ig.Rules) == 0:
		ig.Problem = "names no rule: want # eastern:ignore rule-id[,rule-id] -- reason"
	case !hasReason || ig.Reason == "":
		ig.Problem = "gives no reason: want # eastern:ignore " + strings.Join(ig.Rules, ",") + " -- reason"
	}
	return ig
}
