package engine

import (
	"strings"
	"testing"
)

func TestOpensBlockScalar(t *testing.T) {
	for _, tt := range []struct {
		line string
		want bool
	}{
		{"script: |", true},
		{"script: >-", true},
		{"script: |2+ # keep", true},
		{"- |", true},
		{"- >", true},
		{"key: !!str |", true},
		{"key: &anchor |-", true},
		{"|", true},
		{"script: |x", false},
		{"a|", false},
		{"a: b|", false},
		{"a: |-|", false},
		{"key:\t>+", true},
		{"- !tag &a |", true},
		{"a: b |", false}, // a plain scalar that ends in |
		{`a: "b |"`, false},
		{"a: b", false},
		{"run: echo hi # |", false},
		{"", false},
	} {
		if got := opensBlockScalar([]byte(tt.line)); got != tt.want {
			t.Errorf("opensBlockScalar(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

// TestInBlockScalar asks about every line of an output marked with "<"
// (in a block scalar) or ">" (not), as the emitter would while writing it.
func TestInBlockScalar(t *testing.T) {
	const output = `apiVersion: v1 >
data:
  a: ${X} >
  run.sh: |
    echo ${X} <

    if true; then
      echo <
    fi
  # a comment inside the mapping
  b: x >
  list:
  - |
    item <
  - plain >
---
top: |
  line <
...
after: >
`
	r := &renderer{}
	for n, line := range strings.SplitAfter(output, "\n") {
		mark := strings.TrimRight(line, "\n")
		want, ask := false, false
		switch {
		case strings.HasSuffix(mark, " <"):
			want, ask = true, true
		case strings.HasSuffix(mark, " >"):
			ask = true
		}
		r.lineStart = len(r.out)
		if ask {
			// Asked with what precedes the reference written, its indentation.
			r.out = append(r.out, mark[:indentation([]byte(mark))]...)
			if got := r.inBlockScalar(); got != want {
				t.Errorf("line %d %q: inBlockScalar() = %v, want %v", n+1, mark, got, want)
			}
			r.out = r.out[:r.lineStart]
		}
		r.out = append(r.out, line...)
	}
}
