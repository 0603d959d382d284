package lint

import (
	"github.com/eastern-k8s/eastern/diag"
)

// mergeNamespaces makes one finding of each mistake that a template's
// renders for several namespaces repeat: same severity, rule, message,
// position with its chain of loads, object, field and release. The first
// check keeps the finding, now listing every namespace in Namespaces; the
// later checks hold the same *Finding in its place, so that each check
// still has all of its findings (JUnit lists them per namespace) while
// the run's list has it once (Result.Findings). One map per template:
// linear in the findings.
func mergeNamespaces(checks []diag.Check) {
	for start := 0; start < len(checks); {
		end := start + 1
		for end < len(checks) && checks[end].Template == checks[start].Template {
			end++
		}
		if end-start > 1 && hasFindings(checks[start:end]) {
			mergeTemplate(checks[start:end])
		}
		start = end
	}
}

func hasFindings(checks []diag.Check) bool {
	for _, c := range checks {
		if len(c.Findings) > 0 {
			return true
		}
	}
	return false
}

// findingKey is what makes two findings of one template the same mistake.
type findingKey struct {
	sev                          diag.Severity
	rule, message, object, field string
	release, chain               string
	pos                          diag.Position
}

func keyOf(f *diag.Finding) findingKey {
	k := findingKey{sev: f.Severity, rule: f.Rule, message: f.Message, object: f.Object, field: f.Field, release: f.Release, pos: f.Pos}
	if len(f.Chain) > 0 {
		k.chain = diag.FormatChain(f.Chain)
	}
	return k
}

// mergeTemplate merges across the checks of one template.
func mergeTemplate(checks []diag.Check) {
	first := map[findingKey]*diag.Finding{}
	for i := range checks {
		c := &checks[i]
		for j, f := range c.Findings {
			k := keyOf(f)
			kept, ok := first[k]
			switch {
			case !ok:
				first[k] = f
			case kept.InNamespaces()[len(kept.InNamespaces())-1] == c.Namespace:
				// Twice in one render (two loads of one partial that
				// the chain does not tell apart): both stay.
			default:
				if kept.Namespaces == nil {
					kept.Namespaces = []string{kept.Namespace}
				}
				kept.Namespaces = append(kept.Namespaces, c.Namespace)
				c.Findings[j] = kept
			}
		}
	}
}

// FirstIn reports whether c is the first check of f, the one whose place
// in a run's list of findings f takes: a finding merged across namespaces
// belongs to the checks of all of them, but is listed once.
func FirstIn(f *diag.Finding, c *diag.Check) bool { return f.Namespace == c.Namespace }
