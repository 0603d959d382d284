package engine

import (
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
)

// referencePattern is CandidatePattern as first written, clear and slow:
// the faster one must read every candidate the same.
func referencePattern(dir, candidate string, vars map[string]string) Pattern {
	var parts []PatternPart
	literal := func(s string) {
		if n := len(parts); n > 0 && !parts[n-1].Var {
			parts[n-1].Text += s
			return
		}
		parts = append(parts, PatternPart{Text: s})
	}
	for p := range pieces([]byte(candidate)) {
		name := string(p.ref.name)
		value, set := vars[name]
		switch {
		case !p.isRef:
			literal(string(p.text))
		case set && name != "NAMESPACE":
			if p.ref.hasFallback && value == "" {
				value = string(p.ref.fallback)
			}
			literal(value)
		default:
			parts = append(parts, PatternPart{Text: name, Var: true})
		}
	}
	absolute := len(parts) > 0 && !parts[0].Var && strings.HasPrefix(parts[0].Text, "/")
	if dir != "" && !absolute {
		parts = append([]PatternPart{{Text: dir + "/"}}, parts...)
		if len(parts) > 1 && !parts[1].Var {
			parts = append([]PatternPart{{Text: parts[0].Text + parts[1].Text}}, parts[2:]...)
		}
	}
	return referenceClean(referenceSplit(parts), absolute || filepath.IsAbs(dir))
}

// referenceSplit is splitPattern as first written.
func referenceSplit(parts []PatternPart) Pattern {
	p := Pattern{nil}
	for _, t := range parts {
		if t.Var {
			p[len(p)-1] = append(p[len(p)-1], t)
			continue
		}
		for i, text := range strings.Split(t.Text, "/") {
			if i > 0 {
				p = append(p, nil)
			}
			if text != "" {
				p[len(p)-1] = append(p[len(p)-1], PatternPart{Text: text})
			}
		}
	}
	for i, seg := range p {
		if len(seg) == 0 {
			p[i] = PatternSegment{{}}
		}
	}
	return p
}

// referenceClean is cleanPattern as first written.
func referenceClean(p Pattern, absolute bool) Pattern {
	var out Pattern
	if absolute {
		out, p = p[:1], p[1:]
	}
	for _, seg := range p {
		switch {
		case seg.IsLiteral("") || seg.IsLiteral("."):
		case seg.IsLiteral(".."):
			switch n := len(out); {
			case absolute && n == 1:
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

func TestCandidatePatternMatchesReference(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"APP": "web", "EMPTY": "", "DIR": "a/b", "UP": "..", "SL": "/x", "NAMESPACE": "set"}
	pieces := []string{"a", "/", "/", "..", ".", "${APP}", "${EMPTY}", "${EMPTY:-f}", "${DIR}", "${UP}", "${SL}",
		"${NAMESPACE}", "${UNSET}", "${UNSET:-u}", "$${APP}", "$$", "$", "${", "}", "-", ".yaml", "$${", "${A}${B}"}
	dirs := []string{"", ".", "o", "o/p", "..", "/", "/etc", "a/../b", "${D}"}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range r.IntN(7) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		c, dir := b.String(), dirs[r.IntN(len(dirs))]
		for _, v := range []map[string]string{nil, vars} {
			if got, want := CandidatePattern(dir, c, v), referencePattern(dir, c, v); !equalPatterns(got, want) {
				t.Fatalf("CandidatePattern(%q, %q, %v) = %#v, want %#v", dir, c, v, got, want)
			}
		}
	}
}

func equalPatterns(a, b Pattern) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func FuzzCandidatePattern(f *testing.F) {
	f.Add("o/p", "../${NAMESPACE}/$${X}-${A:-b}.yaml")
	f.Fuzz(func(t *testing.T, dir, c string) {
		vars := map[string]string{"A": "x/y", "E": ""}
		if got, want := CandidatePattern(dir, c, vars), referencePattern(dir, c, vars); !equalPatterns(got, want) {
			t.Fatalf("CandidatePattern(%q, %q) = %#v, want %#v", dir, c, got, want)
		}
	})
}

func BenchmarkCandidatePattern(b *testing.B) {
	for b.Loop() {
		CandidatePattern("apps/team-15", "../../overrides/${NAMESPACE}/app-9165.yaml", nil)
	}
}
