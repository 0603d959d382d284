package doctest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/eastern-k8s/eastern/checks"
	"github.com/eastern-k8s/eastern/crd"
	"github.com/eastern-k8s/eastern/deploy"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/lint"
	"github.com/eastern-k8s/eastern/validator"
	"github.com/eastern-k8s/eastern/watch"
)

// TestRulesDocumented: docs/rules.md lists exactly the rule ids the code
// reports, so that neither can drift from the other.
func TestRulesDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "docs", "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9.-]+)` \\|").FindAllStringSubmatch(string(data), -1) {
		documented = append(documented, m[1])
	}
	var code []string
	for _, rules := range [][]string{engine.Rules(), validator.Rules(), crd.Rules(), lint.Rules(), watch.Rules(), deploy.Rules(), checks.Rules(), {diag.RuleInternal}} {
		code = append(code, rules...)
	}
	for _, r := range code {
		if !slices.Contains(documented, r) {
			t.Errorf("rule %s is reported but not in docs/rules.md", r)
		}
	}
	for _, r := range documented {
		if !slices.Contains(code, r) {
			t.Errorf("docs/rules.md lists %s, which no code reports", r)
		}
	}
	slices.Sort(documented)
	if d := slices.Compact(slices.Clone(documented)); len(d) != len(documented) {
		t.Errorf("docs/rules.md lists a rule twice")
	}
}
