package report

import (
	"fmt"
	"strings"
)

// summaryLine is the closing line of text output:
// "3 templates × 3 namespaces, 27 objects: 1 error, 2 warnings", with
// "27 objects (4 checked by a CRD, 1 skipped: no schema or CRD)" when
// custom resources were found.
// Infos are mentioned only when there are some.
func summaryLine(s Summary) string {
	objects := Plural(s.Objects, "object")
	if s.ByCRD > 0 || s.Skipped > 0 {
		// Custom resources: say at once how many a CRD covered and how
		// many went unchecked for want of one.
		objects += fmt.Sprintf(" (%d checked by a CRD, %d skipped: no schema or CRD)", s.ByCRD, s.Skipped)
	}
	line := fmt.Sprintf("%s × %s, %s: %s, %s",
		Plural(s.Templates, "template"), Plural(s.Namespaces, "namespace"), objects,
		Plural(s.Errors, "error"), Plural(s.Warnings, "warning"))
	if s.Infos > 0 {
		line += ", " + Plural(s.Infos, "note")
	}
	if s.Suppressed > 0 {
		line += fmt.Sprintf(" (%d suppressed)", s.Suppressed)
	}
	if s.Of > 0 {
		line = selectionLine(s) + "\n" + line
	}
	return line
}

// selectionLine says what a narrowed run linted:
// "3 of 9,412 templates: partials/probes.yaml changed".
func selectionLine(s Summary) string {
	line := fmt.Sprintf("%s of %s templates", Thousands(s.Templates), Thousands(s.Of))
	if s.Selection != "" {
		line += ": " + s.Selection
	}
	return line
}

// Thousands writes n with commas between groups of three digits: 9,412.
func Thousands(n int) string {
	s := fmt.Sprint(n)
	start := 0
	if n < 0 {
		start = 1
	}
	for i := len(s) - 3; i > start; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Plural counts nouns in English: "1 error", "2 warnings", "3 directories".
func Plural(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return Thousands(n) + " " + strings.TrimSuffix(noun, "y") + "ies"
	default:
		return Thousands(n) + " " + noun + "s"
	}
}
