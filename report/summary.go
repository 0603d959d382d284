package report

import (
	"fmt"
	"strings"
)

// summaryLine is the closing line of text output:
// "3 templates × 3 namespaces, 27 objects: 1 error, 2 warnings".
// Infos are mentioned only when there are some.
func summaryLine(s Summary) string {
	line := fmt.Sprintf("%s × %s, %s: %s, %s",
		Plural(s.Templates, "template"), Plural(s.Namespaces, "namespace"), Plural(s.Objects, "object"),
		Plural(s.Errors, "error"), Plural(s.Warnings, "warning"))
	if s.Infos > 0 {
		line += ", " + Plural(s.Infos, "note")
	}
	return line
}

// Plural counts nouns in English: "1 error", "2 warnings", "3 directories".
func Plural(n int, noun string) string {
	switch {
	case n == 1:
		return "1 " + noun
	case strings.HasSuffix(noun, "y"):
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(noun, "y"))
	default:
		return fmt.Sprintf("%d %ss", n, noun)
	}
}
