//go:build !nocel

package crd

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/ext"

	"github.com/eastern-k8s/eastern/diag"
)

// celProgram is a rule's compiled form. The programs are planned on first
// use: a run compiles every rule of its CRDs to check them, but evaluates
// only those of the kinds its custom resources have.
type celProgram struct {
	plan      sync.Once
	env       *cel.Env
	ast, mast *cel.Ast
	prog, msg cel.Program
	planErr   error
}

// Evaluates says that this eastern evaluates CEL rules: it is built
// without the nocel tag.
const Evaluates = true

// perCallLimit is the API server's cost limit for one evaluation of a rule
// (apiextensions' PerCallLimit), which bounds what a rule may cost here too.
const perCallLimit = 1000000

// celEnv is the CEL environment of CRD rules, built on first use: most lint
// runs have no rules, and building it costs milliseconds. Each schema node
// with rules extends it with self and oldSelf of the node's type.
var celEnv = sync.OnceValues(func() (*cel.Env, error) {
	return cel.NewEnv(
		cel.HomogeneousAggregateLiterals(),
		cel.EagerlyValidateDeclarations(true),
		cel.DefaultUTCTimeZone(true),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
		ext.Strings(ext.StringsVersion(2)),
		ext.Sets(),
		ext.Lists(ext.ListsVersion(3)),
		ext.TwoVarComprehensions(),
		kubernetesLibrary(),
	)
})

// compileRules compiles the rules of a version's schema, root, once it is
// all read: self is typed from the schema, which the rules may name
// before the properties they use.
func (c *compiler) compileRules(root *Schema, prefix string) {
	if c.rules == 0 {
		return
	}
	base, err := celEnv()
	if err != nil {
		c.errorf(nil, "", "CEL is unavailable: %v", err)
		return
	}
	st := newCELTypes(base.CELTypeProvider(), prefix)
	st.declType(root, "", true)
	envs := map[*Schema]*cel.Env{}
	var visit func(s *Schema)
	visit = func(s *Schema) {
		if s == nil {
			return
		}
		kept := s.Rules[:0]
		for _, r := range s.Rules {
			env, ok := envs[s]
			if !ok {
				t, known := st.byNode[s]
				if !known {
					t = cel.DynType
				}
				if env, err = base.Extend(cel.CustomTypeProvider(st), cel.Variable("self", t), cel.Variable("oldSelf", t)); err != nil {
					c.errorf(r.node, r.path, "CEL is unavailable: %v", err)
					return
				}
				envs[s] = env
			}
			if r.FieldPath != "" && !schemaHasPath(s, r.FieldPath) {
				c.errorf(r.node, r.path+".fieldPath", "fieldPath %q does not name a field of the schema the rule is on", r.FieldPath)
			}
			if err := r.compile(env); err != nil {
				if f, ok := unsupported(err); ok {
					c.problems = append(c.problems, Problem{diag.Info, RuleCEL, r.node, r.path + ".rule",
						fmt.Sprintf("the rule calls %s(), which eastern does not implement: it is not evaluated", f), false})
					continue
				}
				c.errorf(r.node, r.path+".rule", "%v", err)
				continue
			}
			kept = append(kept, r)
		}
		s.Rules = kept
		for _, p := range s.Properties {
			visit(p)
		}
		visit(s.Additional)
		visit(s.Items)
	}
	visit(root)
}

// compile type-checks the rule (and its messageExpression) in env.
func (r *Rule) compile(env *cel.Env) error {
	ast, iss := env.Compile(r.Rule)
	if iss.Err() != nil {
		return fmt.Errorf("the rule does not compile: %s", oneLine(iss.Err().Error()))
	}
	if t := ast.OutputType(); t != cel.BoolType && t != cel.DynType {
		return fmt.Errorf("the rule must evaluate to a bool, not %s", t)
	}
	r.transition = references(ast, "oldSelf")
	r.compiled.env, r.compiled.ast = env, ast
	if r.MessageExpression != "" {
		mast, iss := env.Compile(r.MessageExpression)
		if iss.Err() != nil {
			return fmt.Errorf("messageExpression does not compile: %s", oneLine(iss.Err().Error()))
		}
		if t := mast.OutputType(); t != cel.StringType && t != cel.DynType {
			return fmt.Errorf("messageExpression must evaluate to a string, not %s", t)
		}
		r.compiled.mast = mast
	}
	return nil
}

// program plans the rule's programs, once.
func (r *Rule) program() error {
	r.compiled.plan.Do(func() {
		if r.compiled.prog, r.compiled.planErr = r.compiled.env.Program(r.compiled.ast, cel.CostLimit(perCallLimit)); r.compiled.planErr != nil {
			r.compiled.planErr = fmt.Errorf("the rule cannot be planned: %s", oneLine(r.compiled.planErr.Error()))
			return
		}
		if r.compiled.mast != nil {
			// A messageExpression that cannot be planned falls back to message.
			r.compiled.msg, _ = r.compiled.env.Program(r.compiled.mast, cel.CostLimit(perCallLimit))
		}
	})
	return r.compiled.planErr
}

// references reports whether the checked expression reads variable name.
func references(ast *cel.Ast, name string) bool {
	for _, ref := range ast.NativeRep().ReferenceMap() {
		if ref.Name == name {
			return true
		}
	}
	return false
}

// eval runs the rule with self; ok is true when the rule holds. msg is
// what the API server would say when it does not; err is an evaluation
// error (a missing key, the cost limit).
func (r *Rule) eval(self any) (ok bool, msg string, err error) {
	vars := map[string]any{"self": self}
	if r.transition {
		vars["oldSelf"] = types.OptionalNone // OptionalOldSelf: a create has no old object
	}
	if err := r.program(); err != nil {
		return false, "", err
	}
	out, _, err := r.compiled.prog.Eval(vars)
	if err != nil {
		return false, "", err
	}
	b, isBool := out.(types.Bool)
	if !isBool {
		return false, "", errors.New("the rule did not evaluate to a bool")
	}
	if b {
		return true, "", nil
	}
	msg = r.Message
	if r.compiled.msg != nil {
		if m, _, err := r.compiled.msg.Eval(vars); err == nil {
			if s, isStr := m.(types.String); isStr && strings.TrimSpace(string(s)) != "" && !strings.Contains(string(s), "\n") {
				msg = string(s)
			}
		}
	}
	if msg == "" {
		msg = "failed rule: " + r.Rule
	}
	return false, msg, nil
}

// oneLine keeps the first line of a CEL error ("ERROR: <input>:1:6:
// undeclared reference to 'x'"), without the source excerpt that follows.
func oneLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	s = strings.TrimPrefix(s, "ERROR: ")
	return strings.TrimPrefix(s, "<input>:")
}
