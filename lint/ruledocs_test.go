package lint_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/eastern-k8s/eastern/checks"
	"github.com/eastern-k8s/eastern/crd"
	"github.com/eastern-k8s/eastern/deploy"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/lint"
	"github.com/eastern-k8s/eastern/validator"
	"github.com/eastern-k8s/eastern/watch"
)

// ruleRow is one row of a rule table in docs/rules.md.
type ruleRow struct {
	line          int
	id, what      string
	section       string // anchor of the heading above the table
	sectionHeader string
}

var (
	// | `render.load-missing` | error | no candidate of a `load!` exists |
	// and, in tables with more columns (since, source), the same first three.
	ruleRowPattern = regexp.MustCompile("^\\| `([^`]+)` \\| [^|]+ \\| ([^|]+?) \\|(?: [^|]+ \\|)*$")
	linkPattern    = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

func readRuleRows(t *testing.T) []ruleRow {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "docs", "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	var rows []ruleRow
	var section, header string
	for i, line := range strings.Split(string(data), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			section, header = headingAnchor(h), h
			continue
		}
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		m := ruleRowPattern.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("docs/rules.md:%d: a rule row this test cannot read: %s", i+1, line)
		}
		rows = append(rows, ruleRow{line: i + 1, id: m[1], what: m[2], section: section, sectionHeader: header})
	}
	if len(rows) == 0 {
		t.Fatal("docs/rules.md has no rule rows")
	}
	return rows
}

// headingAnchor is the anchor GitHub gives a Markdown heading: lower case,
// punctuation other than '-' and '_' dropped, spaces made '-'.
func headingAnchor(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// plainText is the Markdown of a table cell as the text RuleDocs holds:
// code spans and links reduced to their text. Any other Markdown is an
// error, so that the document cannot gain markup that the descriptions
// would show raw.
func plainText(t *testing.T, row ruleRow) string {
	s := linkPattern.ReplaceAllString(row.what, "$1")
	s = strings.ReplaceAll(s, "`", "")
	if i := strings.IndexAny(s, "*[]<>\\|"); i >= 0 {
		t.Errorf("docs/rules.md:%d: %s: Markdown %q that plainText does not reduce", row.line, row.id, s[i:])
	}
	return s
}

// TestRuleDocsMatchDocument: RuleDocs is docs/rules.md row by row: the same
// rules in the same order, each with the "what" column as plain text and
// the anchor of its section.
func TestRuleDocsMatchDocument(t *testing.T) {
	rows := readRuleRows(t)
	docs := lint.RuleDocs()
	for i := range max(len(rows), len(docs)) {
		switch {
		case i >= len(docs):
			t.Errorf("docs/rules.md:%d: %s is not in lint.RuleDocs", rows[i].line, rows[i].id)
			continue
		case i >= len(rows):
			t.Errorf("lint.RuleDocs has %s, which docs/rules.md does not list", docs[i].ID)
			continue
		}
		row, doc := rows[i], docs[i]
		if doc.ID != row.id {
			t.Errorf("docs/rules.md:%d: rule %s, but lint.RuleDocs()[%d] is %s (same rules, same order)", row.line, row.id, i, doc.ID)
			continue
		}
		if want := plainText(t, row); doc.Description != want {
			t.Errorf("docs/rules.md:%d: %s description\n  is   %q\n  want %q", row.line, row.id, doc.Description, want)
		}
		if doc.Section != row.section {
			t.Errorf("docs/rules.md:%d: %s is under %q, anchor #%s; lint.RuleDocs has #%s", row.line, row.id, row.sectionHeader, row.section, doc.Section)
		}
		if want := "https://github.com/eastern-k8s/eastern/blob/main/docs/rules.md#" + row.section; doc.HelpURI() != want {
			t.Errorf("%s HelpURI = %q, want %q", doc.ID, doc.HelpURI(), want)
		}
	}
}

// TestRuleDocsCoverCode: every rule id a package reports has a
// description, and RuleDocs has no other; the ids RuleDocs spells out
// (deploy's, watch's) are checked against their packages here.
func TestRuleDocsCoverCode(t *testing.T) {
	var code []string
	for _, rules := range [][]string{engine.Rules(), validator.Rules(), crd.Rules(), lint.Rules(), watch.Rules(), deploy.Rules(), checks.Rules(), {diag.RuleInternal}} {
		code = append(code, rules...)
	}
	seen := map[string]bool{}
	for _, d := range lint.RuleDocs() {
		if seen[d.ID] {
			t.Errorf("lint.RuleDocs lists %s twice", d.ID)
		}
		seen[d.ID] = true
		if !slices.Contains(code, d.ID) {
			t.Errorf("lint.RuleDocs describes %s, which no code reports", d.ID)
		}
		if d.Description == "" {
			t.Errorf("%s has no description", d.ID)
		}
	}
	for _, id := range code {
		if !seen[id] {
			t.Errorf("rule %s is reported but has no lint.RuleDocs entry", id)
		}
	}
}
