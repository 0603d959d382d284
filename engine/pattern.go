package engine

import (
	"path/filepath"
	"strings"
)

// A Pattern is a load! candidate read for values not yet known: the path,
// split at '/', each segment a sequence of literal text and open variables.
// Tools that reason about templates without rendering them (lint finds the
// namespaces that `${NAMESPACE}` candidates imply on disk) match it against
// file names, where an open variable stands for any text without '/'.
type Pattern []PatternSegment

// PatternSegment is one path segment. Adjacent literal text is one part,
// so a segment without variables is a single literal part; the leading
// segment of an absolute pattern is one empty literal.
type PatternSegment []PatternPart

// PatternPart is literal text, or an open variable whose name is Text.
type PatternPart struct {
	Text string
	Var  bool
}

// CandidatePattern reads candidate, a candidate of a directive in a file
// in dir ("" for none), by the render's rules: references read as the
// renderer reads them ($${NAME} is literal), a variable that vars sets is
// its value (${NAME:-fallback} its fallback when the value is empty), and
// the path is joined to dir and cleaned as the renderer joins it once the
// variables have values. Every other variable stays open, and so does
// NAMESPACE, which vars never sets (as in Options.Vars).
func CandidatePattern(dir, candidate string, vars map[string]string) Pattern {
	// Lint reads the pattern of every distinct candidate of a repository:
	// literal text is sliced from candidate rather than copied, and the
	// segments share one array of parts.
	parts := make([]PatternPart, 0, 4)
	literal := func(s string) {
		if n := len(parts); n > 0 && !parts[n-1].Var {
			parts[n-1].Text += s
			return
		}
		parts = append(parts, PatternPart{Text: s})
	}
	src := []byte(candidate)
	for i := 0; i < len(src); {
		var p piece
		p, i = nextPiece(src, i)
		if !p.isRef {
			start := p.offset
			if candidate[start:start+len(p.text)] != string(p.text) {
				start++ // $${NAME}: the text is what follows the first $
			}
			literal(candidate[start : start+len(p.text)])
			continue
		}
		value, set := vars[string(p.ref.name)]
		switch {
		case set && string(p.ref.name) != "NAMESPACE":
			if p.ref.hasFallback && value == "" {
				value = string(p.ref.fallback)
			}
			literal(value)
		default:
			parts = append(parts, PatternPart{Text: string(p.ref.name), Var: true})
		}
	}
	absolute := len(parts) > 0 && !parts[0].Var && strings.HasPrefix(parts[0].Text, "/")
	if dir != "" && !absolute {
		if len(parts) > 0 && !parts[0].Var {
			parts[0].Text = dir + "/" + parts[0].Text
		} else {
			parts = append(parts, PatternPart{})
			copy(parts[1:], parts)
			parts[0] = PatternPart{Text: dir + "/"}
		}
	}
	return cleanPattern(splitPattern(parts), absolute || filepath.IsAbs(dir))
}

// splitPattern cuts parts into path segments at the '/' of literals.
func splitPattern(parts []PatternPart) Pattern {
	n := 1 // segments
	for _, t := range parts {
		if !t.Var {
			n += strings.Count(t.Text, "/")
		}
	}
	// Every segment is a slice of flat, which has room for all of them.
	flat := make([]PatternPart, 0, len(parts)+n)
	p := make(Pattern, 0, n)
	begin := 0
	cut := func() {
		if len(flat) == begin {
			flat = append(flat, PatternPart{}) // an empty segment: the root of an absolute path
		}
		p = append(p, flat[begin:len(flat):len(flat)])
		begin = len(flat)
	}
	for _, t := range parts {
		if t.Var {
			flat = append(flat, t)
			continue
		}
		first := true
		for text := range strings.SplitSeq(t.Text, "/") {
			if !first {
				cut()
			}
			first = false
			if text != "" {
				flat = append(flat, PatternPart{Text: text})
			}
		}
	}
	cut()
	return p
}

// cleanPattern is filepath.Clean for patterns: it drops empty and "."
// segments and lets ".." remove the segment before it, variables included,
// as Clean does after the renderer substitutes them. An absolute pattern
// keeps its leading empty segment.
func cleanPattern(p Pattern, absolute bool) Pattern {
	// In place: out never grows past the segment being read.
	out := p[:0]
	if absolute {
		out, p = p[:1], p[1:]
	}
	for _, seg := range p {
		switch {
		case seg.IsLiteral("") || seg.IsLiteral("."):
		case seg.IsLiteral(".."):
			switch n := len(out); {
			case absolute && n == 1: // "/.." is "/"
			case n > 0 && !out[n-1].IsLiteral(".."):
				out = out[:n-1]
			default:
				out = append(out, seg)
			}
		default:
			out = append(out, seg)
		}
	}
	if len(out) == 0 {
		out = Pattern{{{Text: "."}}}
	}
	return out
}

// Absolute reports whether p is an absolute path.
func (p Pattern) Absolute() bool { return len(p) > 0 && p[0].IsLiteral("") }

// IsLiteral reports whether s is exactly the literal text.
func (s PatternSegment) IsLiteral(text string) bool {
	return len(s) == 1 && !s[0].Var && s[0].Text == text
}

// String writes p back as a path with ${NAME} for its open variables, for
// keys and messages. Literal text that looks like a reference is escaped,
// so distinct patterns have distinct strings.
func (p Pattern) String() string {
	if len(p) == 1 && p.Absolute() {
		return "/"
	}
	var b strings.Builder
	for i, seg := range p {
		if i > 0 {
			b.WriteByte('/')
		}
		for _, t := range seg {
			if t.Var {
				b.WriteString("${" + t.Text + "}")
				continue
			}
			b.WriteString(strings.ReplaceAll(t.Text, "$", "$$"))
		}
	}
	return b.String()
}
