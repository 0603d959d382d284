package report

import (
	"fmt"
	"io"
)

// Text writes findings gcc-style, one per line (TextLine), then the summary
// line.
type Text struct {
	Color bool
}

// Write implements Writer.
func (t Text) Write(w io.Writer, r *Report) error {
	if err := WriteText(w, r.Findings, t.Color); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, SummaryLine(r.Summary))
	return err
}

// SummaryLine is the closing line of text output:
// "3 templates × 3 namespaces, 27 objects: 1 error, 2 warnings".
// Infos are mentioned only when there are some.
func SummaryLine(s Summary) string {
	line := fmt.Sprintf("%s × %s, %s: %s, %s",
		plural(s.Templates, "template"), plural(s.Namespaces, "namespace"), plural(s.Objects, "object"),
		plural(s.Errors, "error"), plural(s.Warnings, "warning"))
	if s.Infos > 0 {
		line += ", " + plural(s.Infos, "note")
	}
	return line
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
