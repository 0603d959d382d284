package engine

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"
)

// Directives, which only looks at lines that begin with a comment, must
// find what reading every line finds.
func TestDirectivesReadEveryLine(t *testing.T) {
	t.Parallel()
	bits := []string{"# load! a.yaml", "#load? b", "  \t# load? c, d", "load", " # loader", "a: 1", "# x", "#", "# load!",
		"k: v # load! e", "\n", "\r\n", "\n", "\t", " ", "##", "# load!x", "load! f", "\xef\xbb\xbf", "\r"}
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b bytes.Buffer
		for range r.IntN(12) {
			b.WriteString(bits[r.IntN(len(bits))])
		}
		src := b.Bytes()
		var want []Directive
		for n, line := range lines(bytes.TrimPrefix(src, utf8BOM)) {
			if d, ok := parseDirective(line); ok {
				d.Line = n
				want = append(want, d)
			}
		}
		if got := Directives(src); !reflect.DeepEqual(got, want) {
			t.Fatalf("Directives(%q) = %+v, want %+v", src, got, want)
		}
	}
}

// A file of comment banners has no directive, and costs no memory for
// one: Directives does not size its result by every '#'.
func TestDirectivesOfBanners(t *testing.T) {
	src := bytes.Repeat([]byte("##########\n"), 100000)
	if allocs := testing.AllocsPerRun(3, func() {
		if ds := Directives(src); ds != nil {
			t.Fatalf("directives %v", ds)
		}
	}); allocs != 0 {
		t.Errorf("%v allocations for a file without directives", allocs)
	}
}
