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
	"go.yaml.in/yaml/v3"
)

// Rule is one x-kubernetes-validations entry, compiled.
type Rule struct {
	Rule, Message, MessageExpression, FieldPath, Reason string

	// OptionalOldSelf makes a transition rule run on create too, with
	// oldSelf an empty optional.
	OptionalOldSelf bool

	node *yaml.Node
	path string // the rule's field path in the CRD, for its problems
	// The programs are planned on first use: a run compiles every rule
	// of its CRDs to check them, but evaluates only those of the kinds
	// its custom resources have.
	plan       sync.Once
	env        *cel.Env
	ast, mast  *cel.Ast
	prog, msg  cel.Program
	planErr    error
	transition bool // uses oldSelf: without OptionalOldSelf, evaluated on updates only, and lint sees creates
}

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

// rulesOf reads x-kubernetes-validations at path.
func (c *compiler) rulesOf(v *yaml.Node, path string) []*Rule {
	if v.Kind != yaml.SequenceNode {
		c.errorf(v, path, "x-kubernetes-validations must be an array of rules")
		return nil
	}
	var out []*Rule
	for i, e := range v.Content {
		e = resolve(e)
		p := fmt.Sprintf("%s[%d]", path, i)
		if e.Kind != yaml.MappingNode {
			c.errorf(e, p, "a validation rule must be an object with a rule")
			continue
		}
		r := &Rule{node: e}
		ps := pairs(e)
		for j := 0; j+1 < len(ps); j += 2 {
			k := ps[j]
			s, _ := str(ps[j+1])
			switch k.Value {
			case "rule":
				r.Rule = s
			case "message":
				r.Message = s
			case "messageExpression":
				r.MessageExpression = s
			case "fieldPath":
				r.FieldPath = s
			case "reason":
				r.Reason = s
				switch s {
				case "FieldValueInvalid", "FieldValueForbidden", "FieldValueRequired", "FieldValueDuplicate":
				default:
					c.errorf(ps[j+1], p+".reason", "reason must be FieldValueInvalid, FieldValueForbidden, FieldValueRequired or FieldValueDuplicate")
				}
			case "optionalOldSelf":
				r.OptionalOldSelf = boolField(e, "optionalOldSelf", false)
			default:
				c.errorf(k, p+"."+k.Value, "unknown field %q of a validation rule", k.Value)
			}
		}
		if strings.TrimSpace(r.Rule) == "" {
			c.errorf(e, p+".rule", "a validation rule needs a rule")
			continue
		}
		if strings.ContainsAny(r.Message, "\n") {
			c.errorf(e, p+".message", "message must not contain line breaks")
		}
		r.path = p
		c.rules++
		out = append(out, r)
	}
	return out
}

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

// schemaHasPath reports whether a rule's fieldPath (".spec.x", "['a.b']",
// ".items[0]") names a field below s, as the API server requires.
func schemaHasPath(s *Schema, fp string) bool {
	for fp != "" && s != nil {
		switch {
		case strings.HasPrefix(fp, "['"):
			end := strings.Index(fp, "']")
			if end < 0 {
				return false
			}
			name := fp[2:end]
			fp = fp[end+2:]
			if p, ok := s.Properties[name]; ok {
				s = p
			} else if s.Additional != nil {
				s = s.Additional
			} else {
				return false
			}
		case strings.HasPrefix(fp, "["):
			end := strings.Index(fp, "]")
			if end < 0 || s.Items == nil {
				return false
			}
			fp, s = fp[end+1:], s.Items
		case strings.HasPrefix(fp, "."):
			end := strings.IndexAny(fp[1:], ".[")
			if end < 0 {
				end = len(fp) - 1
			}
			name := fp[1 : end+1]
			fp = fp[end+1:]
			if p, ok := s.Properties[name]; ok {
				s = p
			} else if s.Additional != nil {
				s = s.Additional
			} else {
				return false
			}
		default:
			return false
		}
	}
	return s != nil
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
	r.env, r.ast = env, ast
	if r.MessageExpression != "" {
		mast, iss := env.Compile(r.MessageExpression)
		if iss.Err() != nil {
			return fmt.Errorf("messageExpression does not compile: %s", oneLine(iss.Err().Error()))
		}
		if t := mast.OutputType(); t != cel.StringType && t != cel.DynType {
			return fmt.Errorf("messageExpression must evaluate to a string, not %s", t)
		}
		r.mast = mast
	}
	return nil
}

// program plans the rule's programs, once.
func (r *Rule) program() error {
	r.plan.Do(func() {
		if r.prog, r.planErr = r.env.Program(r.ast, cel.CostLimit(perCallLimit)); r.planErr != nil {
			r.planErr = fmt.Errorf("the rule cannot be planned: %s", oneLine(r.planErr.Error()))
			return
		}
		if r.mast != nil {
			// A messageExpression that cannot be planned falls back to message.
			r.msg, _ = r.env.Program(r.mast, cel.CostLimit(perCallLimit))
		}
	})
	return r.planErr
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
	out, _, err := r.prog.Eval(vars)
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
	if r.msg != nil {
		if m, _, err := r.msg.Eval(vars); err == nil {
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
