package validator

import (
	"bytes"
	"fmt"
	"slices"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/yamlerr"
)

// aliasBudget bounds how many nodes aliases and merge keys may add to the
// walk of one document: 1,000 aliases of a 1,000-field anchor fit in 22 KB.
// Ordinary documents stay far below; one built to explode stops being
// walked instead.
const aliasBudget = 100_000

// maxWalkDepth bounds the field path the walk follows. Manifests, CRD
// schemas included, stay well under it; deeper, each finding costs more
// (its path, the releases that have its field), and an alias that contains
// itself would lead the walk on for ever.
const maxWalkDepth = 100

// maxDocumentFindings bounds the findings of one document, the first by
// position: past a hundred, more of the same help nobody, and a generated
// document must not make lint's output (or memory) grow without bound.
const maxDocumentFindings = 100

// docState is the part of a check that starts afresh with each document.
type docState struct {
	start int    // output line of the document's first line
	text  []byte // the document
	lines yamlerr.LineMap
	ends  []int // byte offset after each line of text, once a finding needs them
	runes []int // characters of each line, -1 until needed
	first int   // index in checker.findings of the document's first finding

	// The alias budget: see spend.
	budget     int
	viaAlias   int        // > 0 while the walk is below an alias or a merge key
	lastAlias  *yaml.Node // the last alias followed from the document's own nodes
	overBudget *diag.Finding
	tooDeep    *diag.Finding

	// The findings left out: see keepFirst.
	cut           bool // whether findings at or after cutoff are left out
	cutoff        diag.Position
	dropped       int
	droppedSev    diag.Severity
	droppedAt     diag.Position // the first left out, where their summary goes
	droppedObject string
}

func (c *checker) startDocument(d document) {
	c.doc = docState{
		start:  d.start,
		text:   d.text,
		lines:  yamlerr.NewLineMap(d.text),
		first:  len(c.findings),
		budget: aliasBudget,
	}
}

// finishDocument cuts the document's findings to the first
// maxDocumentFindings and adds those that stand for what was left out.
func (c *checker) finishDocument() {
	c.keepFirst(maxDocumentFindings)
	d := &c.doc
	if d.dropped > 0 {
		// As severe as the worst finding left out, so that --fail-on and
		// the exit code are what they would be with every finding shown.
		c.findings = append(c.findings, &diag.Finding{
			Severity: d.droppedSev,
			Rule:     RuleTruncated,
			Message:  fmt.Sprintf("… and %d more findings in this document", d.dropped),
			Pos:      d.droppedAt,
			Release:  c.opts.Release,
			Object:   d.droppedObject,
		})
	}
	for _, f := range []*diag.Finding{d.tooDeep, d.overBudget} {
		if f != nil {
			c.findings = append(c.findings, f)
		}
	}
}

// spend takes n nodes from the document's alias budget and reports whether
// the walk may go on. The walk counts only what it reaches through aliases
// and merge keys, so a document without them is never cut short however
// large, while a "billion laughs" one ends after aliasBudget nodes.
func (c *checker) spend(n int) bool {
	d := &c.doc
	if d.overBudget != nil {
		return false
	}
	if d.budget -= n; d.budget >= 0 {
		return true
	}
	// At the alias that led there: the nodes walked are the anchor's.
	d.overBudget = &diag.Finding{
		Severity: diag.Error,
		Rule:     RuleAliasBudget,
		Message:  fmt.Sprintf("this document expands aliases past %d nodes; the rest of it is not checked", aliasBudget),
		Pos:      c.position(d.lastAlias),
		Release:  c.opts.Release,
		Object:   c.object,
	}
	return false
}

// deeper reports whether the walk may go below the current path, noting
// the first place where it may not.
func (c *checker) deeper(at *yaml.Node) bool {
	if len(c.path) <= maxWalkDepth {
		return true
	}
	if c.doc.tooDeep == nil {
		c.doc.tooDeep = &diag.Finding{
			Severity: diag.Warning,
			Rule:     RuleDepth,
			Message:  fmt.Sprintf("this document nests deeper than %d levels; nothing deeper is checked", maxWalkDepth),
			Pos:      c.position(at),
			Release:  c.opts.Release,
			Object:   c.object,
		}
	}
	return false
}

// record adds f, one of the current document's findings.
func (c *checker) record(f *diag.Finding) {
	c.findings = append(c.findings, f)
	if len(c.findings)-c.doc.first >= 2*maxDocumentFindings {
		// Cutting as the findings come keeps an exploding document's
		// memory bounded; sorting a few hundred at a time keeps it linear.
		c.keepFirst(maxDocumentFindings)
	}
}

// keepFirst keeps the document's first n findings by position and counts
// the others for the finding that will stand for them.
func (c *checker) keepFirst(n int) {
	fs := c.findings[c.doc.first:]
	if len(fs) <= n {
		return
	}
	slices.SortStableFunc(fs, byPosition)
	for _, f := range fs[n:] {
		c.drop(f.Severity, f.Pos, f.Object)
	}
	// The sort is stable, so a later finding at the last kept one's
	// position comes after it, and is left out too.
	c.doc.cut, c.doc.cutoff = true, fs[n-1].Pos
	clear(fs[n:])
	c.findings = c.findings[:c.doc.first+n]
}

// dropping reports whether a finding of severity sev at pos is not to be
// recorded: past the alias budget (where lookups cut short would report
// fields as missing), or when it is certain to be left out, which saves
// formatting it.
func (c *checker) dropping(sev diag.Severity, pos diag.Position) bool {
	d := &c.doc
	if d.overBudget != nil {
		return true
	}
	if !d.cut || before(pos, d.cutoff) {
		return false
	}
	c.drop(sev, pos, c.object)
	return true
}

func (c *checker) drop(sev diag.Severity, pos diag.Position, object string) {
	d := &c.doc
	d.dropped++
	d.droppedSev = max(d.droppedSev, sev)
	if d.dropped == 1 || before(pos, d.droppedAt) {
		d.droppedAt, d.droppedObject = pos, object
	}
}

func before(a, b diag.Position) bool {
	return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
}

// position is node's place in the output (none for nil): yaml.v3's line
// and column mapped to \n-separated lines, and kept inside the document,
// where the source map knows every line.
func (c *checker) position(node *yaml.Node) diag.Position {
	if node == nil {
		return diag.Position{}
	}
	line, col := c.doc.lines.Position(node.Line, node.Column)
	line, col = c.inside(line, col)
	return diag.Position{Line: c.doc.start + line - 1, Col: col}
}

// contentPosition is position for a node of the document's content — a
// key, a value, a collection — which lies inside the document by
// construction: it skips inside, which indexes the document's lines on
// first use, so that Options.Visit can ask for many positions of a
// document that has no finding at all.
func (c *checker) contentPosition(node *yaml.Node) diag.Position {
	line, col := c.doc.lines.Position(node.Line, node.Column)
	return diag.Position{Line: c.doc.start + line - 1, Col: col}
}

// inside moves a 1-based position in the document that lies outside it
// (past the last line, or past a line's end) to the nearest line, without
// a column. yaml.v3 puts a few things, such as the end of the stream, on a
// line of its own after the last.
func (c *checker) inside(line, col int) (int, int) {
	d := &c.doc
	if d.ends == nil {
		for off := 0; off < len(d.text); {
			next := len(d.text)
			if i := bytes.IndexByte(d.text[off:], '\n'); i >= 0 {
				next = off + i + 1
			}
			d.ends = append(d.ends, next)
			off = next
		}
		d.runes = make([]int, len(d.ends))
		for i := range d.runes {
			d.runes[i] = -1
		}
	}
	switch n := len(d.ends); {
	case n == 0 || line < 1:
		return 1, 0
	case line > n:
		return n, 0
	}
	i := line - 1
	if col > 0 && d.runes[i] < 0 {
		start := 0
		if i > 0 {
			start = d.ends[i-1]
		}
		d.runes[i] = utf8.RuneCount(bytes.TrimRight(d.text[start:d.ends[i]], "\r\n"))
	}
	if col > d.runes[i]+1 {
		col = 0
	}
	return line, col
}
