package objdiff

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/eastern-k8s/eastern/internal/textsafe"
)

// WriteMarkdown writes d as a pull-request comment: a line that sums up,
// a table of the renders that changed (objects added, removed and
// changed), then each object that changed as a unified diff in a fenced
// block, collapsed under <details>. Nothing the templates rendered can
// leave its code block or become markup: each fence is longer than any
// run of backticks in its diff, and names are code spans or escaped HTML.
func WriteMarkdown(w io.Writer, d *Diff) error {
	out := bufio.NewWriter(w)
	out.WriteString("### eastern diff\n\n")
	c := d.Counts()
	scope := mdScope(d)
	if !c.Differ() {
		fmt.Fprintf(out, "No change to the rendered manifests %s (%s).\n", scope, plural(c.Unchanged, "object"))
		return out.Flush()
	}
	changed := 0
	for i := range d.Renders {
		if d.Renders[i].Counts().Differ() {
			changed++
		}
	}
	fmt.Fprintf(out, "**%d of %s changed** %s; objects: %s.\n\n", changed, plural(len(d.Renders), "render"), scope, c.tally())
	out.WriteString("| Template | Namespace | Added | Removed | Changed |\n| :--- | :--- | ---: | ---: | ---: |\n")
	for i := range d.Renders {
		r := &d.Renders[i]
		rc := r.Counts()
		if !rc.Differ() {
			continue
		}
		ns := r.Namespaces()
		if s := r.status(); s != "" {
			ns += " (" + s + ")"
		}
		fmt.Fprintf(out, "| %s | %s | %d | %d | %d |\n", mdCode(r.Template, true), mdText(ns), rc.Added, rc.Removed, rc.Changed)
	}
	out.WriteString("\n")
	for i := range d.Renders {
		r := &d.Renders[i]
		for _, ch := range r.Changes {
			if ch.Action == Unchanged {
				continue
			}
			var text strings.Builder
			if err := r.unified(&text, ch, false); err != nil {
				return err
			}
			fence := strings.Repeat("`", max(3, longestRun(text.String(), '`')+1))
			fmt.Fprintf(out, "<details><summary><code>%s</code> [%s]: %s <code>%s</code></summary>\n\n",
				htmlText(r.Template), htmlText(r.Namespaces()), ch.Action, htmlText(ch.Label()))
			out.WriteString(fence + "diff\n" + text.String() + fence + "\n\n</details>\n\n")
		}
	}
	return out.Flush()
}

// mdScope is what was compared, in Markdown: "since `origin/main` (merge
// base `3f2c1ab`), 2 templates × 3 namespaces".
func mdScope(d *Diff) string {
	scope := d.scope()
	if d.Since == "" {
		return "for " + mdText(scope)
	}
	rest := strings.TrimPrefix(scope, "since "+d.Since)
	base := d.MergeBase
	if len(base) > 12 {
		base = base[:12]
	}
	return "since " + mdCode(d.Since, false) + " (merge base " + mdCode(base, false) + ")" + mdText(rest)
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// longestRun is the length of the longest run of c in s.
func longestRun(s string, c byte) int {
	longest, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return longest
}

// mdCode is s as a code span, on one line, delimited by more backticks
// than any run in it; in a table, | is escaped as GitHub's tables want it
// even inside code.
func mdCode(s string, inTable bool) string {
	s = textsafe.Escape(s)
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	tick := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.TrimSpace(s) == "" {
		s = " " + s + " "
	}
	return tick + s + tick
}

// mdText is s as plain Markdown text, on one line: every character that
// could start markup (emphasis, links, HTML, tables, math, mentions,
// issue references) is an HTML character reference.
func mdText(s string) string {
	var b strings.Builder
	for _, r := range textsafe.Escape(s) {
		if strings.ContainsRune("\\`*_[]<>#!|~$&@", r) {
			fmt.Fprintf(&b, "&#%d;", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// htmlText is s escaped for HTML, on one line.
func htmlText(s string) string {
	return html.EscapeString(textsafe.Escape(s))
}
