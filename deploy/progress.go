package deploy

import (
	"fmt"
	"io"
	"slices"
	"unicode/utf8"
)

// progress shows where each rollout stands: on a terminal a block of one
// line per object, redrawn in place; elsewhere (a CI log) a line each time
// an object's line changes.
type progress struct {
	out   io.Writer
	live  bool
	width int      // of the terminal; 0: unknown
	drawn int      // lines of the block on screen
	last  []string // the lines last shown
}

func newProgress(out io.Writer, live bool, width, n int) *progress {
	if out == nil {
		out = io.Discard
	}
	return &progress{out: out, live: live, width: width, last: make([]string, n)}
}

// fit cuts a line of the live block to the terminal's width, leaving the
// last column free: a line that wraps would take two rows, and the redraw
// counts one.
func (p *progress) fit(l string) string {
	if p.width <= 1 || utf8.RuneCountInString(l) < p.width {
		return l
	}
	r := []rune(l)
	return string(r[:p.width-2]) + "…"
}

func (p *progress) draw(lines []string) {
	if slices.Equal(lines, p.last) {
		return
	}
	if !p.live {
		for i, l := range lines {
			if l != p.last[i] {
				fmt.Fprintln(p.out, l)
			}
		}
		copy(p.last, lines)
		return
	}
	if p.drawn > 0 {
		fmt.Fprintf(p.out, "\x1b[%dA", p.drawn) // back to the block's first line
	}
	for _, l := range lines {
		fmt.Fprintf(p.out, "\x1b[2K%s\n", p.fit(l))
	}
	p.drawn = len(lines)
	copy(p.last, lines)
}
