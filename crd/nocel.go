//go:build nocel

package crd

import "github.com/eastern-k8s/eastern/diag"

// celProgram is empty: this eastern is built with the nocel tag, without
// cel-go, whose package initialisation alone would cost every eastern
// render more than a millisecond. eastern-cluster evaluates the rules.
type celProgram struct{}

// Evaluates says that this eastern does not evaluate CEL rules: it is
// built with the nocel tag.
const Evaluates = false

// compileRules leaves the rules of root unevaluated, with a note at the
// first, and counts them: lint hands a run that needs them to
// eastern-cluster.
func (c *compiler) compileRules(root *Schema, _ string) {
	if c.rules == 0 {
		return
	}
	var first *Rule
	var clear func(s *Schema)
	clear = func(s *Schema) {
		if s == nil {
			return
		}
		for _, r := range s.Rules {
			if first == nil {
				first = r
			}
			// What the API server checks of a rule without CEL.
			if r.FieldPath != "" && !schemaHasPath(s, r.FieldPath) {
				c.errorf(r.node, r.path+".fieldPath", "fieldPath %q does not name a field of the schema the rule is on", r.FieldPath)
			}
		}
		s.Rules = nil
		for _, p := range s.Properties {
			clear(p)
		}
		clear(s.Additional)
		clear(s.Items)
	}
	clear(root)
	c.unevaluated += c.rules
	if first != nil {
		c.problems = append(c.problems, Problem{diag.Info, RuleCEL, first.node, first.path + ".rule",
			"x-kubernetes-validations are not evaluated: this eastern is built without CEL; eastern-cluster evaluates them", false})
	}
}

// eval is never called: compileRules leaves no rules to evaluate.
func (r *Rule) eval(any) (bool, string, error) { return true, "", nil }
