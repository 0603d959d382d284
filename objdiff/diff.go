package objdiff

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/eastern-k8s/eastern/internal/textdiff"
	"github.com/eastern-k8s/eastern/report"
)

// Diff is a comparison of renders: of the working tree with a git
// revision (Since), or of two namespaces of the same templates.
type Diff struct {
	// Since is the revision as the user named it ("origin/main") and
	// MergeBase the commit compared with; both "" for two namespaces.
	Since, MergeBase string
	// Renders are by template, then namespace.
	Renders []Render
}

// Render is one template's render on either side.
type Render struct {
	// Template is the root template's path as the user sees it.
	Template      string
	Before, After Side
	// Changes holds every object of either side, unchanged ones too.
	Changes []Change
}

// Side is one side of a Render.
type Side struct {
	// Rev is the revision the side was rendered at ("origin/main"); ""
	// for the working tree.
	Rev       string
	Namespace string
	// Rendered is false where the side has no such render: the template
	// does not exist there, or is not rendered for that namespace. Its
	// objects are then all added or all removed.
	Rendered bool
}

// Counts are how many objects each action touched.
type Counts struct{ Added, Removed, Changed, Unchanged int }

// Differ reports whether anything changed.
func (c Counts) Differ() bool { return c.Added+c.Removed+c.Changed > 0 }

func (c *Counts) add(o Counts) {
	c.Added += o.Added
	c.Removed += o.Removed
	c.Changed += o.Changed
	c.Unchanged += o.Unchanged
}

// Counts counts the render's changes.
func (r *Render) Counts() Counts {
	var c Counts
	for _, ch := range r.Changes {
		switch ch.Action {
		case Added:
			c.Added++
		case Removed:
			c.Removed++
		case Changed:
			c.Changed++
		case Unchanged:
			c.Unchanged++
		}
	}
	return c
}

// Counts sums the counts of every render.
func (d *Diff) Counts() Counts {
	var c Counts
	for i := range d.Renders {
		c.add(d.Renders[i].Counts())
	}
	return c
}

// Differ reports whether any render changed.
func (d *Diff) Differ() bool { return d.Counts().Differ() }

// Label names the render for people: "web.yaml [production]", and with
// two namespaces "web.yaml [staging → production]".
func (r *Render) Label() string {
	return r.Template + " [" + r.Namespaces() + "]"
}

// Namespaces is "production", or "staging → production" for two.
func (r *Render) Namespaces() string {
	if r.Before.Namespace == r.After.Namespace {
		return r.After.Namespace
	}
	return r.Before.Namespace + " → " + r.After.Namespace
}

// status says what happened to a render that exists on one side only:
// "new" or "gone"; "" when both sides have it.
func (r *Render) status() string {
	switch {
	case !r.Before.Rendered:
		return "new"
	case !r.After.Rendered:
		return "gone"
	}
	return ""
}

// name is the side's name for a diff header: "origin/main:web.yaml
// [production] Deployment/web".
func (s Side) name(template, object string) string {
	if s.Rev != "" {
		template = s.Rev + ":" + template
	}
	return template + " [" + s.Namespace + "] " + object
}

// unified writes a change as a unified diff, headers naming both sides.
func (r *Render) unified(w io.Writer, ch Change, color bool) error {
	from, to := r.Before.name(r.Template, ch.Label()), r.After.name(r.Template, ch.Label())
	switch ch.Action {
	case Added:
		from, to = from+" (does not exist)", to+" (added)"
	case Removed:
		to += " (removed)"
	}
	a, b := textdiff.SplitLines(string(ch.Before)), textdiff.SplitLines(string(ch.After))
	return textdiff.Write(w, from, to, a, b, textdiff.Lines(a, b), textdiff.Format{Context: textdiff.DefaultContext, Color: color})
}

// scope says what was compared: "since origin/main, 2 templates × 3
// namespaces" or "staging → production, 1 template".
func (d *Diff) scope() string {
	var templates, namespaces, pairs []string
	for _, r := range d.Renders {
		if !slices.Contains(templates, r.Template) {
			templates = append(templates, r.Template)
		}
		if !slices.Contains(namespaces, r.After.Namespace) {
			namespaces = append(namespaces, r.After.Namespace)
		}
		if !slices.Contains(pairs, r.Namespaces()) {
			pairs = append(pairs, r.Namespaces())
		}
	}
	if d.Since != "" {
		return fmt.Sprintf("since %s, %s × %s", d.Since, report.Plural(len(templates), "template"), report.Plural(len(namespaces), "namespace"))
	}
	return fmt.Sprintf("%s, %s", strings.Join(pairs, ", "), report.Plural(len(templates), "template"))
}

// tally is "1 added, 2 changed, 5 unchanged", leaving out the zeros.
func (c Counts) tally() string {
	var parts []string
	for _, p := range []struct {
		n    int
		what string
	}{{c.Added, "added"}, {c.Removed, "removed"}, {c.Changed, "changed"}, {c.Unchanged, "unchanged"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.what))
		}
	}
	if len(parts) == 0 {
		return "no objects"
	}
	return strings.Join(parts, ", ")
}

// summary is the last line of a text diff: what was compared and what
// changed.
func (d *Diff) summary() string {
	c := d.Counts()
	if !c.Differ() {
		return fmt.Sprintf("%s: no change (%s)", d.scope(), report.Plural(c.Unchanged, "object"))
	}
	changed := 0
	for i := range d.Renders {
		if d.Renders[i].Counts().Differ() {
			changed++
		}
	}
	return fmt.Sprintf("%s: %d of %s changed; objects: %s", d.scope(), changed, report.Plural(len(d.Renders), "render"), c.tally())
}
