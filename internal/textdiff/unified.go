package textdiff

import (
	"bufio"
	"io"
	"strconv"
	"strings"

	"github.com/eastern-k8s/eastern/internal/textsafe"
)

// DefaultContext is how many equal lines diff -u shows around a change.
const DefaultContext = 3

// Format says how a unified diff is written.
type Format struct {
	// Context is how many equal lines surround each change (diff -U);
	// hunks closer than twice that are joined.
	Context int
	// Color marks the headers bold, the hunk lines cyan, deletions red
	// and insertions green, with ANSI escapes.
	Color bool
}

// ANSI escapes of Format.Color, as git diff colours.
const (
	colorHeader = "\x1b[1m"
	colorHunk   = "\x1b[36m"
	colorDelete = "\x1b[31m"
	colorInsert = "\x1b[32m"
	colorReset  = "\x1b[0m"
)

// Unified writes the unified diff that turns old into new, under the
// names from and to; it writes nothing when they are equal, and reports
// whether they differ.
func Unified(w io.Writer, from, to, old, new string, f Format) (bool, error) {
	a, b := SplitLines(old), SplitLines(new)
	edits := Lines(a, b)
	if len(edits) == 0 {
		return false, nil
	}
	return true, Write(w, from, to, a, b, edits, f)
}

// Write writes edits (from Lines(a, b)) as a unified diff: "--- from",
// "+++ to", then hunks "@@ -l,n +l,n @@" of changed lines with their
// context. A last line without a newline is followed by
// "\ No newline at end of file", as diff(1) writes it. Characters that a
// terminal would obey, and that a line could otherwise hide or forge with,
// are escaped (ESC as \x1b, a carriage return as \r); tabs are kept.
func Write(w io.Writer, from, to string, a, b []string, edits []Edit, f Format) error {
	out := bufio.NewWriter(w)
	paint := func(color, text string) {
		if f.Color && color != "" {
			out.WriteString(color + text + colorReset + "\n")
			return
		}
		out.WriteString(text + "\n")
	}
	line := func(color, prefix, text string) {
		content, newline := strings.CutSuffix(text, "\n")
		paint(color, prefix+textsafe.EscapeKeepTabs(content))
		if !newline {
			out.WriteString("\\ No newline at end of file\n")
		}
	}
	paint(colorHeader, "--- "+textsafe.EscapeKeepTabs(from))
	paint(colorHeader, "+++ "+textsafe.EscapeKeepTabs(to))
	for _, h := range hunks(len(a), len(b), edits, f.Context) {
		paint(colorHunk, "@@ -"+span(h.a0, h.a1-h.a0)+" +"+span(h.b0, h.b1-h.b0)+" @@")
		i := h.a0
		for _, e := range h.edits {
			for ; i < e.A0; i++ {
				line("", " ", a[i])
			}
			for _, l := range a[e.A0:e.A1] {
				line(colorDelete, "-", l)
			}
			for _, l := range b[e.B0:e.B1] {
				line(colorInsert, "+", l)
			}
			i = e.A1
		}
		for ; i < h.a1; i++ {
			line("", " ", a[i])
		}
	}
	return out.Flush()
}

// hunk is a run of edits close enough to share their context, and the
// lines of a and b it shows.
type hunk struct {
	a0, a1, b0, b1 int
	edits          []Edit
}

func hunks(na, nb int, edits []Edit, context int) []hunk {
	context = max(context, 0)
	var hs []hunk
	for i := 0; i < len(edits); {
		j := i
		for j+1 < len(edits) && edits[j+1].A0-edits[j].A1 <= 2*context {
			j++
		}
		first, last := edits[i], edits[j]
		before := min(context, first.A0, first.B0)
		after := min(context, na-last.A1, nb-last.B1)
		hs = append(hs, hunk{
			a0: first.A0 - before, a1: last.A1 + after,
			b0: first.B0 - before, b1: last.B1 + after,
			edits: edits[i : j+1],
		})
		i = j + 1
	}
	return hs
}

// span is one side's range in a hunk header, as diff(1) writes it: "3,4"
// for 4 lines from line 3, "3" for line 3 alone, "2,0" for nothing after
// line 2.
func span(start, n int) string {
	switch n {
	case 0:
		return strconv.Itoa(start) + ",0"
	case 1:
		return strconv.Itoa(start + 1)
	}
	return strconv.Itoa(start+1) + "," + strconv.Itoa(n)
}
