package objdiff

import (
	"bufio"
	"io"
	"strings"

	"github.com/eastern-k8s/eastern/internal/textsafe"
)

// TextFormat says how WriteText writes.
type TextFormat struct {
	// Color colours the diffs as git diff does.
	Color bool
	// ASCII writes eastern's own symbols (→, ×) in ASCII, for a terminal
	// that cannot show UTF-8; the manifests' text is left as it is.
	ASCII bool
}

// asciiSymbols are the symbols of the summaries, in ASCII.
var asciiSymbols = strings.NewReplacer("→", "->", "×", "x")

// WriteText writes every added, removed or changed object as a unified
// diff of its YAML, 3 lines of context, under headers that name the
// template, the namespace and the object ("--- origin/main:web.yaml
// [production] Deployment/web", "+++ web.yaml [production]
// Deployment/web"); then a line for each render that changed, "web.yaml
// [production]: 1 added, 1 changed, 4 unchanged" ("(new)" or "(gone)"
// after the namespace where one side lacks the render), and one that sums
// up.
func WriteText(w io.Writer, d *Diff, f TextFormat) error {
	out := bufio.NewWriter(w)
	own := func(s string) {
		if f.ASCII {
			s = asciiSymbols.Replace(s)
		}
		out.WriteString(textsafe.Escape(s) + "\n")
	}
	for i := range d.Renders {
		r := &d.Renders[i]
		for _, ch := range r.Changes {
			if ch.Action == Unchanged {
				continue
			}
			if err := r.unified(out, ch, f.Color); err != nil {
				return err
			}
		}
	}
	for i := range d.Renders {
		r := &d.Renders[i]
		c := r.Counts()
		if !c.Differ() {
			continue
		}
		line := r.Label()
		if s := r.status(); s != "" {
			line += " (" + s + ")"
		}
		own(line + ": " + c.tally())
	}
	own(d.summary())
	return out.Flush()
}
