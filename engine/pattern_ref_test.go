package engine

import (
	"math/rand/v2"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// referencePattern is CandidatePattern as first written, clear and slow:
// the faster one must read every candidate the same.
func referencePattern(dir, candidate string, vars map[string]string) Pattern {
	return referencePatternWith(dir, candidate, vars, cleanPattern)
}

func referencePatternWith(dir, candidate string, vars map[string]string, clean func(Pattern, bool) Pattern) Pattern {
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
	return clean(referenceSplit(parts), absolute || filepath.IsAbs(dir))
}

// uncleaned is referencePattern before cleanPattern.
func uncleaned(dir, candidate string, vars map[string]string) Pattern {
	var p Pattern
	referencePatternWith(dir, candidate, vars, func(q Pattern, _ bool) Pattern { p = q; return q })
	return p
}

// text writes p as Pattern.String does, but for a pattern not yet cleaned:
// an empty segment is empty text.
func text(p Pattern) string {
	segs := make([]string, len(p))
	for i, seg := range p {
		for _, t := range seg {
			if t.Var {
				segs[i] += "${" + t.Text + "}"
			} else {
				segs[i] += strings.ReplaceAll(t.Text, "$", "$$")
			}
		}
	}
	return strings.Join(segs, "/")
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
			got, want := CandidatePattern(dir, c, v), referencePattern(dir, c, v)
			if !equalPatterns(got, want) {
				t.Fatalf("CandidatePattern(%q, %q, %v) = %#v, want %#v", dir, c, v, got, want)
			}
			// Cleaning a pattern is cleaning its text as a path.
			if clean := path.Clean(text(uncleaned(dir, c, v))); got.String() != clean {
				t.Fatalf("CandidatePattern(%q, %q, %v) = %s, want %s", dir, c, v, got, clean)
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
