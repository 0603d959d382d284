// Package textdiff compares two texts line by line and writes the
// difference as a unified diff (diff -u). eastern diff and deploy --diff
// use it for objects as YAML; it knows nothing about YAML.
//
// The comparison is Myers' O(ND) algorithm in its linear-space form: memory
// grows with the number of lines, time with lines times differences. Its
// work is bounded: texts so different that a shortest edit script would
// cost more than the budget are reported, from the first difference to the
// last, as one replacement. That is still a correct diff, only not the
// shortest.
package textdiff

import "strings"

// Edit says that lines A0 up to (not including) A1 of the old text become
// lines B0 up to B1 of the new one. A0 == A1 is an insertion, B0 == B1 a
// deletion. Lines between two edits are equal in both texts.
type Edit struct{ A0, A1, B0, B1 int }

// SplitLines cuts s into lines, each with its "\n"; a last line without
// one keeps none, so that "a" and "a\n" differ, as they do for diff(1).
func SplitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := make([]string, 0, strings.Count(s, "\n")+1)
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			lines = append(lines, s)
			break
		}
		lines = append(lines, s[:i+1])
		s = s[i+1:]
	}
	return lines
}

// DefaultBudget is how many steps Lines spends looking for a shortest
// edit script before it settles for replacing what is left: about a
// tenth of a second at worst, besides reading the lines. Two 10,000-line texts that differ in every
// tenth line need an eighth of it.
const DefaultBudget = 1 << 24

// Lines returns the edits that turn lines a into lines b, in order, none
// empty and no two adjacent. Within DefaultBudget they are a shortest
// edit script.
func Lines(a, b []string) []Edit { return lines(a, b, DefaultBudget) }

func lines(a, b []string, budget int) []Edit {
	ids := make(map[string]int32, len(a))
	intern := func(ls []string) []int32 {
		out := make([]int32, len(ls))
		for i, l := range ls {
			id, ok := ids[l]
			if !ok {
				id = int32(len(ids))
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	d := &differ{
		a: intern(a), b: intern(b),
		deleted: make([]bool, len(a)), inserted: make([]bool, len(b)),
		budget: budget,
	}
	size := len(a) + len(b) + 3
	d.forward, d.backward = make([]int, size), make([]int, size)
	d.compare(0, len(a), 0, len(b))
	return d.edits()
}

// differ marks the lines of a that are deleted and the lines of b that
// are inserted; the unmarked lines of both are a common subsequence.
type differ struct {
	a, b              []int32 // lines as numbers: equal lines, equal numbers
	deleted, inserted []bool
	forward, backward []int // furthest reach per diagonal, reused by every split
	budget            int   // steps left before compare stops looking for short scripts
}

// compare marks the differences between a[aLo:aHi] and b[bLo:bHi].
func (d *differ) compare(aLo, aHi, bLo, bHi int) {
	for aLo < aHi && bLo < bHi && d.a[aLo] == d.b[bLo] {
		aLo, bLo = aLo+1, bLo+1
	}
	for aLo < aHi && bLo < bHi && d.a[aHi-1] == d.b[bHi-1] {
		aHi, bHi = aHi-1, bHi-1
	}
	// Past this point both ranges are non-empty and differ at both ends,
	// so any edit script costs at least 2, and the halves split returns
	// cost less than the whole: the recursion ends.
	if aLo == aHi || bLo == bHi || d.budget <= 0 {
		d.replace(aLo, aHi, bLo, bHi)
		return
	}
	x, y, u, v, ok := d.split(aLo, aHi, bLo, bHi)
	if !ok || (x == aLo && y == bLo && u == aHi && v == bHi) {
		d.replace(aLo, aHi, bLo, bHi)
		return
	}
	d.compare(aLo, x, bLo, y)
	d.compare(u, aHi, v, bHi)
}

func (d *differ) replace(aLo, aHi, bLo, bHi int) {
	for i := aLo; i < aHi; i++ {
		d.deleted[i] = true
	}
	for j := bLo; j < bHi; j++ {
		d.inserted[j] = true
	}
}

// split finds the middle snake of a shortest edit script of a[aLo:aHi]
// into b[bLo:bHi]: a run of equal lines a[x:u] = b[y:v] that the script
// passes through halfway. It searches from both ends at once, along
// diagonals k = x - y (relative to aLo, bLo), and reports !ok when the
// budget runs out first.
func (d *differ) split(aLo, aHi, bLo, bHi int) (x, y, u, v int, ok bool) {
	a, b := d.a[aLo:aHi], d.b[bLo:bHi]
	n, m := len(a), len(b)
	delta := n - m
	odd := delta%2 != 0
	// fw[off+k] is the furthest x reached on diagonal k from the start;
	// bw[off+k] the smallest x reached on it from the end.
	off := m + 1
	fw, bw := d.forward, d.backward
	fw[off+1] = 0
	bw[off+delta-1] = n
	// The diagonals a search reaches in D steps: a path has at most n
	// deletions and m insertions, so the ranges narrow once D passes
	// either; the diagonals beyond are outside the grid.
	var foreLo, foreHi, backLo, backHi int
	for D := 0; D <= (n+m+1)/2; D++ {
		prevBackLo, prevBackHi := backLo, backHi
		foreLo, foreHi = -D+2*max(0, D-m), D-2*max(0, D-n)
		backLo, backHi = delta-D+2*max(0, D-n), delta+D-2*max(0, D-m)
		steps := 0
		for k := foreLo; k <= foreHi; k += 2 {
			var px int
			if k == -D || (k != D && fw[off+k-1] < fw[off+k+1]) {
				px = fw[off+k+1] // down: an insertion
			} else {
				px = fw[off+k-1] + 1 // right: a deletion
			}
			py := px - k
			sx, sy := px, py
			for px < n && py < m && a[px] == b[py] {
				px, py = px+1, py+1
			}
			fw[off+k] = px
			steps += 1 + px - sx
			// The backward search has taken D-1 steps: the diagonals it
			// reached then are the previous round's.
			if odd && D > 0 && k >= prevBackLo && k <= prevBackHi && px >= bw[off+k] {
				return aLo + sx, bLo + sy, aLo + px, bLo + py, true
			}
		}
		for k := backHi; k >= backLo; k -= 2 {
			// From the end, going up (an insertion undone) moves to
			// diagonal k+1, going left (a deletion undone) to k-1.
			var px int
			if k == delta+D || (k != delta-D && bw[off+k+1] > bw[off+k-1]) {
				px = bw[off+k-1] // up
			} else {
				px = bw[off+k+1] - 1 // left
			}
			py := px - k
			ex, ey := px, py
			for px > 0 && py > 0 && a[px-1] == b[py-1] {
				px, py = px-1, py-1
			}
			bw[off+k] = px
			steps += 1 + ex - px
			if !odd && k >= foreLo && k <= foreHi && px <= fw[off+k] {
				return aLo + px, bLo + py, aLo + ex, bLo + ey, true
			}
		}
		if d.budget -= steps; d.budget <= 0 {
			return 0, 0, 0, 0, false
		}
	}
	return 0, 0, 0, 0, false
}

// edits turns the marks into ranges.
func (d *differ) edits() []Edit {
	var edits []Edit
	i, j := 0, 0
	n, m := len(d.a), len(d.b)
	for i < n || j < m {
		if i < n && j < m && !d.deleted[i] && !d.inserted[j] {
			i, j = i+1, j+1
			continue
		}
		e := Edit{A0: i, B0: j}
		for i < n && d.deleted[i] {
			i++
		}
		for j < m && d.inserted[j] {
			j++
		}
		if i == e.A0 && j == e.B0 {
			// The marks do not pair up the unmarked lines; cannot
			// happen, but the rest as one replacement is still true.
			i, j = n, m
		}
		e.A1, e.B1 = i, j
		edits = append(edits, e)
	}
	return edits
}
