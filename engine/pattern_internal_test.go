package engine

import (
	"path/filepath"
	"testing"
)

// TestCandidatePatternAgreesWithRender: with its variables set, the
// pattern of a candidate is the path the renderer loads, so that lint's
// discovery and the render can never disagree about a file. (An unset
// variable stays open by design, fallback or not: the pattern covers every
// value it may take.)
func TestCandidatePatternAgreesWithRender(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"APP": "web", "EMPTY": "", "DIR": "a/b", "UP": "..", "DOT": "."}
	r := &renderer{vars: vars}
	for _, dir := range []string{"", ".", "o", "o/p", "..", "/etc", "/"} {
		for _, c := range []string{
			"${APP}.yaml", "${EMPTY:-x}.yaml", "${APP:-x}/${EMPTY}y.yaml", "${DIR}/../z.yaml",
			"${UP}/${UP}/q.yaml", "./${DOT}/r.yaml", "a//b/", "/abs/${APP}.yaml", "${UNSET}.yaml",
			"s/${UP}", "..", "/..",
		} {
			got := CandidatePattern(dir, c, vars).String()
			want := r.expandString(c, nil)
			if !filepath.IsAbs(want) {
				want = filepath.Join(dir, want)
			}
			if got != filepath.Clean(want) {
				t.Errorf("CandidatePattern(%q, %q) = %q; the render loads %q", dir, c, got, filepath.Clean(want))
			}
		}
	}
}
