package checks

import (
	"bytes"
	"strings"
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
	for off := 0; ; {
		i := bytes.Index(output[off:], []byte(IgnoreMarker))
		if i < 0 {
			return out
		}
		at := off + i
		off = at + len(IgnoreMarker)
		line += bytes.Count(output[lineStart:at], []byte("\n"))
		if nl := bytes.LastIndexByte(output[:at], '\n'); nl >= 0 {
			lineStart = nl + 1
		} else {
			lineStart = 0
		}
		hash := bytes.TrimRight(output[lineStart:at], " \t")
		if len(hash) == 0 || hash[len(hash)-1] != '#' {
			continue
		}
		h := len(hash) - 1
		if h > 0 && hash[h-1] != ' ' && hash[h-1] != '\t' {
			continue // "a#eastern:ignore" is no comment
		}
		end := len(output)
		if nl := bytes.IndexByte(output[off:], '\n'); nl >= 0 {
			end = off + nl
		}
		rest := string(bytes.TrimRight(output[off:end], "\r"))
		if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
			continue // eastern:ignored, some other word
		}
		ig := parseIgnore(rest)
		ig.Line, ig.Col = line, len([]rune(string(output[lineStart:lineStart+h])))+1
		out = append(out, ig)
	}
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
