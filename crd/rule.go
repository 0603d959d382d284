package crd

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/internal/yamlnode"
)

// Rule is one x-kubernetes-validations entry, compiled.
type Rule struct {
	Rule, Message, MessageExpression, FieldPath, Reason string

	// OptionalOldSelf makes a transition rule run on create too, with
	// oldSelf an empty optional.
	OptionalOldSelf bool

	node       *yaml.Node
	path       string // the rule's field path in the CRD, for its problems
	transition bool   // uses oldSelf: without OptionalOldSelf, evaluated on updates only, and lint sees creates
	//lint:ignore U1000 a build without CEL has nothing to keep here
	compiled celProgram
}

// rulesOf reads x-kubernetes-validations at path.
func (c *compiler) rulesOf(v *yaml.Node, path string) []*Rule {
	if v.Kind != yaml.SequenceNode {
		c.errorf(v, path, "x-kubernetes-validations must be an array of rules")
		return nil
	}
	var out []*Rule
	for i, e := range v.Content {
		e = yamlnode.Resolve(e)
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
