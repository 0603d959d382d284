package textdiff

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSplitLines(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"\n", []string{"\n"}},
		{"a", []string{"a"}},
		{"a\n", []string{"a\n"}},
		{"a\nb", []string{"a\n", "b"}},
		{"a\n\nb\n", []string{"a\n", "\n", "b\n"}},
		{"a\r\nb\r\n", []string{"a\r\n", "b\r\n"}},
	}
	for _, tt := range tests {
		if got := SplitLines(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("SplitLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := strings.Join(SplitLines(tt.in), ""); got != tt.in {
			t.Errorf("joined SplitLines(%q) = %q", tt.in, got)
		}
	}
}

func TestLinesExamples(t *testing.T) {
	tests := []struct {
		name string
		a, b string // one character a line
		want []Edit
	}{
		{"equal", "abc", "abc", nil},
		{"both empty", "", "", nil},
		{"all new", "", "abc", []Edit{{0, 0, 0, 3}}},
		{"all gone", "abc", "", []Edit{{0, 3, 0, 0}}},
		{"one changed", "abc", "axc", []Edit{{1, 2, 1, 2}}},
		{"insert in the middle", "ac", "abc", []Edit{{1, 1, 1, 2}}},
		{"delete at the end", "abc", "ab", []Edit{{2, 3, 2, 2}}},
		{"delete at the start", "abc", "bc", []Edit{{0, 1, 0, 0}}},
		{"two apart", "abcdefg", "aXcdeYg", []Edit{{1, 2, 1, 2}, {5, 6, 5, 6}}},
		{"Myers' example", "abcabba", "cbabac", nil}, // checked for cost below
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := chars(tt.a), chars(tt.b)
			got := Lines(a, b)
			checkEdits(t, a, b, got)
			if tt.want != nil && !slices.Equal(got, tt.want) {
				t.Errorf("Lines(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
			if want := shortest(a, b); cost(got) != want {
				t.Errorf("Lines(%q, %q) costs %d, a shortest script %d: %v", tt.a, tt.b, cost(got), want, got)
			}
		})
	}
}

// TestLinesShortest compares Lines with a dynamic-programming LCS on many
// random texts over small alphabets, where lines repeat a lot and Myers'
// searches meet in every way they can.
func TestLinesShortest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		a := randomLines(r, r.IntN(14), 1+r.IntN(4))
		b := randomLines(r, r.IntN(14), 1+r.IntN(4))
		if i%3 == 0 {
			b = mutate(r, a, 1+r.IntN(4))
		}
		edits := Lines(a, b)
		if !checkEdits(t, a, b, edits) {
			t.Fatalf("a = %q, b = %q", a, b)
		}
		if got, want := cost(edits), shortest(a, b); got != want {
			t.Fatalf("a = %q, b = %q: the edits cost %d, a shortest script %d: %v", a, b, got, want, edits)
		}
	}
}

// TestLinesBudget: past the budget the rest is one replacement, still a
// correct diff; the common start and end are kept.
func TestLinesBudget(t *testing.T) {
	a := chars("xxabcdefgyy")
	b := chars("xxgfedcbayy")
	edits := lines(a, b, 0)
	checkEdits(t, a, b, edits)
	if want := []Edit{{2, 9, 2, 9}}; !slices.Equal(edits, want) {
		t.Errorf("with no budget: %v, want %v", edits, want)
	}
	// With a small budget the search gives up part of the way.
	r := rand.New(rand.NewPCG(3, 4))
	for range 500 {
		a := randomLines(r, r.IntN(60), 3)
		b := randomLines(r, r.IntN(60), 3)
		checkEdits(t, a, b, lines(a, b, r.IntN(40)))
	}
}

// TestLinesLarge: texts too different for the budget still come back
// fast, as a replacement, and large texts with few changes come back
// shortest.
func TestLinesLarge(t *testing.T) {
	const n = 200000
	a, b := make([]string, n), make([]string, n)
	for i := range n {
		a[i] = "a" + strconv.Itoa(i) + "\n"
		b[i] = "b" + strconv.Itoa(i) + "\n"
	}
	start := time.Now()
	edits := Lines(a, b)
	if elapsed := time.Since(start); elapsed > 10*time.Second {
		t.Errorf("Lines of two different %d-line texts took %v", n, elapsed)
	}
	checkEdits(t, a, b, edits)
	if want := []Edit{{0, n, 0, n}}; !slices.Equal(edits, want) {
		t.Errorf("two different texts: %v, want %v", edits, want)
	}
	// Half the lines shared, interleaved: a shortest script costs n, so
	// the budget runs out part of the way; whatever comes back is correct.
	c := make([]string, n)
	for i := range n {
		c[i] = a[i]
		if i%2 == 1 {
			c[i] = b[i]
		}
	}
	checkEdits(t, a, c, Lines(a, c))

	// A few changes in a large text.
	d := slices.Clone(a)
	d[10] = "changed\n"
	d = slices.Insert(d, 5000, "new\n")
	d = slices.Delete(d, 150000, 150002)
	edits = Lines(a, d)
	checkEdits(t, a, d, edits)
	if got := cost(edits); got != 5 {
		t.Errorf("three changes in a large text cost %d, want 5: %v", got, edits)
	}
}

func chars(s string) []string {
	var ls []string
	for _, c := range s {
		ls = append(ls, string(c)+"\n")
	}
	return ls
}

func randomLines(r *rand.Rand, n, alphabet int) []string {
	ls := make([]string, n)
	for i := range ls {
		ls[i] = string(rune('a'+r.IntN(alphabet))) + "\n"
	}
	return ls
}

// mutate changes a few lines of a: replaces, inserts and deletes.
func mutate(r *rand.Rand, a []string, changes int) []string {
	b := slices.Clone(a)
	for range changes {
		switch i := r.IntN(len(b) + 1); r.IntN(3) {
		case 0:
			b = slices.Insert(b, i, "new\n")
		case 1:
			if i < len(b) {
				b = slices.Delete(b, i, i+1)
			}
		default:
			if i < len(b) {
				b[i] = "changed\n"
			}
		}
	}
	return b
}

// checkEdits checks that edits are in order, none empty, no two adjacent,
// and turn a into b.
func checkEdits(t *testing.T, a, b []string, edits []Edit) bool {
	t.Helper()
	ok := true
	for i, e := range edits {
		if e.A0 > e.A1 || e.B0 > e.B1 || (e.A0 == e.A1 && e.B0 == e.B1) || e.A1 > len(a) || e.B1 > len(b) {
			t.Errorf("edit %d %v is empty or out of range (%d, %d lines)", i, e, len(a), len(b))
			ok = false
		}
		if i > 0 {
			p := edits[i-1]
			if e.A0 <= p.A1 || e.B0 <= p.B1 || e.A0-p.A1 != e.B0-p.B1 {
				t.Errorf("edit %d %v does not follow %v with equal lines between", i, e, p)
				ok = false
			}
		}
	}
	if !ok {
		return false
	}
	if got := applyEdits(a, b, edits); !slices.Equal(got, b) {
		t.Errorf("applying %v to %q gives %q, want %q", edits, a, got, b)
		return false
	}
	return true
}

// applyEdits rebuilds b from a, taking from b only the inserted lines.
func applyEdits(a, b []string, edits []Edit) []string {
	var out []string
	i := 0
	for _, e := range edits {
		out = append(out, a[i:e.A0]...)
		out = append(out, b[e.B0:e.B1]...)
		i = e.A1
	}
	return append(out, a[i:]...)
}

func cost(edits []Edit) int {
	n := 0
	for _, e := range edits {
		n += e.A1 - e.A0 + e.B1 - e.B0
	}
	return n
}

// shortest is the cost of a shortest edit script: lines not in a longest
// common subsequence.
func shortest(a, b []string) int {
	lcs := make([][]int, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	return len(a) + len(b) - 2*lcs[0][0]
}
