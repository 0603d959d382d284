package watch

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/eastern-k8s/eastern/manifest"
)

// Change is how one object of the rendered output changed between two good
// renders.
type Change struct {
	// Object is "Kind/name" from the document, or "document N" (1-based) for
	// a document without both.
	Object string
	// Added and Removed count lines, as a multiset: a line moved within the
	// object counts as neither.
	Added, Removed int
	// New and Gone mark objects that were not in the previous render, or are
	// not in this one.
	New, Gone bool
}

// String is the short form used in headers: "Deployment/web +2 -1".
func (c Change) String() string {
	switch {
	case c.New:
		return fmt.Sprintf("%s new (+%d)", c.Object, c.Added)
	case c.Gone:
		return fmt.Sprintf("%s removed (-%d)", c.Object, c.Removed)
	default:
		return fmt.Sprintf("%s +%d -%d", c.Object, c.Added, c.Removed)
	}
}

// formatChanges joins changes for one line; "no changes" when there are none.
func formatChanges(cs []Change) string {
	if len(cs) == 0 {
		return "no changes"
	}
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = c.String()
	}
	return strings.Join(parts, ", ")
}

// document is one YAML document of a render.
type document struct {
	id    string
	lines []string
}

// summarize compares two renders object by object. Objects are matched by
// kind and name, so reordering documents is not a change.
func summarize(before, after []byte) []Change {
	old := splitDocuments(before)
	oldByID := make(map[string]document, len(old))
	for _, d := range old {
		oldByID[d.id] = d
	}
	var changes []Change
	seen := map[string]bool{}
	for _, d := range splitDocuments(after) {
		seen[d.id] = true
		prev, ok := oldByID[d.id]
		if !ok {
			changes = append(changes, Change{Object: d.id, Added: len(d.lines), New: true})
			continue
		}
		added, removed := lineDiff(prev.lines, d.lines)
		if added+removed > 0 {
			changes = append(changes, Change{Object: d.id, Added: added, Removed: removed})
		}
	}
	for _, d := range old {
		if !seen[d.id] {
			changes = append(changes, Change{Object: d.id, Removed: len(d.lines), Gone: true})
		}
	}
	return changes
}

// lineDiff counts the lines of after that before lacks, and the other way
// round, treating both as multisets.
func lineDiff(before, after []string) (added, removed int) {
	count := make(map[string]int, len(before))
	for _, l := range before {
		count[l]++
	}
	for _, l := range after {
		if count[l] > 0 {
			count[l]--
		} else {
			added++
		}
	}
	for _, n := range count {
		removed += n
	}
	return added, removed
}

// splitDocuments cuts a render into documents where the validator does
// (manifest.Documents: at "---", and after "..." as kubectl reads a
// stream) and names each non-empty one. The naming reads lines rather than
// parsing YAML so that a half-edited document still gets its name.
func splitDocuments(out []byte) []document {
	var docs []document
	for text := range manifest.Documents(out) {
		lines := documentLines(text)
		if isBlankDocument(lines) {
			continue
		}
		docs = append(docs, document{id: documentID(lines, len(docs)+1), lines: lines})
	}
	// Two documents with the same kind and name are told apart by order.
	count := map[string]int{}
	for i := range docs {
		count[docs[i].id]++
		if c := count[docs[i].id]; c > 1 {
			docs[i].id += " #" + strconv.Itoa(c)
		}
	}
	return docs
}

// documentLines is a document's lines without the markers that open and end
// it, which are not part of any object, and without trailing blank lines,
// which belong to no object either.
func documentLines(text []byte) []string {
	lines := strings.Split(string(bytes.TrimSuffix(text, []byte("\n"))), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	// manifest.Documents puts a "---" only first and a "..." only last.
	if manifest.IsMarker([]byte(lines[0]), "---") {
		lines = lines[1:]
	}
	if n := len(lines); n > 0 && manifest.IsMarker([]byte(lines[n-1]), "...") {
		lines = lines[:n-1]
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func isBlankDocument(lines []string) bool {
	for _, l := range lines {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			return false
		}
	}
	return true
}

// documentID names the document as manifest.Label names objects, from its
// top-level kind and metadata.name; "document N" without both.
func documentID(lines []string, n int) string {
	var kind, name string
	inMetadata := false
	metaIndent := -1
	for _, l := range lines {
		if l == "" || l[0] == '#' {
			continue
		}
		indent := len(l) - len(strings.TrimLeft(l, " "))
		if indent == 0 {
			inMetadata = strings.HasPrefix(l, "metadata:")
			metaIndent = -1
			if v, ok := strings.CutPrefix(l, "kind:"); ok && kind == "" {
				kind = scalar(v)
			}
			continue
		}
		if !inMetadata || name != "" {
			continue
		}
		// Only metadata's direct children: the first indented line sets
		// their indent, so labels' "name:" keys are not mistaken for it.
		if metaIndent < 0 {
			metaIndent = indent
		}
		if indent == metaIndent {
			if v, ok := strings.CutPrefix(l[indent:], "name:"); ok {
				name = scalar(v)
			}
		}
	}
	if kind == "" || name == "" {
		return "document " + strconv.Itoa(n)
	}
	return manifest.Label(kind, name)
}

// scalar is the plain value of "key: value # comment", quotes removed.
func scalar(v string) string {
	v = strings.TrimSpace(v)
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') {
		if end := strings.IndexByte(v[1:], v[0]); end >= 0 {
			return v[1 : end+1]
		}
	}
	if i := strings.Index(v, " #"); i >= 0 {
		v = strings.TrimSpace(v[:i])
	}
	return v
}
