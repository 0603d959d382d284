//go:build !nocel

package crd

import (
	"fmt"
	"slices"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// celTypes declares one CRD version's objects to CEL as the API server
// does: each object with properties is a type of its own with those
// fields, so that a rule naming a field the schema lacks, or comparing an
// int with a string, does not compile. Values stay the plain maps and
// lists of celValue; the fields are read from them.
type celTypes struct {
	base   types.Provider
	prefix string
	named  map[string]*Schema // object type name → its schema
	byNode map[*Schema]*cel.Type
}

func newCELTypes(base types.Provider, prefix string) *celTypes {
	return &celTypes{base: base, prefix: prefix, named: map[string]*Schema{}, byNode: map[*Schema]*cel.Type{}}
}

// rootFieldSchemas are what every object has at its root for rules:
// apiVersion and kind, and of metadata its name and generateName.
var (
	stringSchema   = &Schema{Type: "string"}
	metadataSchema = &Schema{Type: "object", Properties: map[string]*Schema{"name": stringSchema, "generateName": stringSchema}}
)

// declType is the CEL type of values of s; path names object types.
func (st *celTypes) declType(s *Schema, path string, root bool) *cel.Type {
	if s == nil || s.IntOrString || s.Nullable {
		return cel.DynType
	}
	if t, ok := st.byNode[s]; ok {
		return t
	}
	var t *cel.Type
	switch s.Type {
	case "object":
		switch {
		case s.Additional != nil:
			t = cel.MapType(cel.StringType, st.declType(s.Additional, path+".@", false))
		case len(s.Properties) == 0 && (s.PreserveUnknown || s.Embedded):
			t = cel.DynType
		case s.PreserveUnknown || s.Embedded:
			// Unknown fields are kept: any field may be there.
			t = cel.DynType
		default:
			name := st.prefix + path
			if root {
				props := map[string]*Schema{"apiVersion": stringSchema, "kind": stringSchema, "metadata": metadataSchema}
				for k, v := range s.Properties {
					if !rootFields[k] {
						props[k] = v
					}
				}
				st.named[name] = &Schema{Type: "object", Properties: props}
			} else {
				st.named[name] = s
			}
			t = cel.ObjectType(name)
			st.byNode[s] = t // before the fields: schemas do not recurse, but be safe
			for k, p := range st.named[name].Properties {
				st.declType(p, path+"."+k, false)
			}
		}
	case "array":
		t = cel.ListType(st.declType(s.Items, path+".@items", false))
	case "string":
		switch s.Format {
		case "byte":
			t = cel.BytesType
		case "duration":
			t = cel.DurationType
		case "date", "date-time", "datetime":
			t = cel.TimestampType
		default:
			t = cel.StringType
		}
	case "integer":
		t = cel.IntType
	case "number":
		t = cel.DoubleType
	case "boolean":
		t = cel.BoolType
	default:
		t = cel.DynType
	}
	st.byNode[s] = t
	return t
}

// EnumValue implements types.Provider.
func (st *celTypes) EnumValue(name string) ref.Val { return st.base.EnumValue(name) }

// FindIdent implements types.Provider.
func (st *celTypes) FindIdent(name string) (ref.Val, bool) { return st.base.FindIdent(name) }

// FindStructType implements types.Provider.
func (st *celTypes) FindStructType(name string) (*types.Type, bool) {
	if _, ok := st.named[name]; ok {
		return types.NewTypeTypeWithParam(types.NewObjectType(name)), true
	}
	return st.base.FindStructType(name)
}

// FindStructFieldNames implements types.Provider: the names rules use,
// escaped as the API server escapes them.
func (st *celTypes) FindStructFieldNames(name string) ([]string, bool) {
	s, ok := st.named[name]
	if !ok {
		return st.base.FindStructFieldNames(name)
	}
	names := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		if e, ok := celEscape(k); ok {
			names = append(names, e)
		}
	}
	slices.Sort(names)
	return names, true
}

// celReserved are the words a field may not be named in CEL as it is.
var celReserved = map[string]bool{
	"true": true, "false": true, "null": true, "in": true, "as": true, "break": true, "const": true,
	"continue": true, "else": true, "for": true, "function": true, "if": true, "import": true, "let": true,
	"loop": true, "package": true, "namespace": true, "return": true, "var": true, "void": true, "while": true,
}

// celEscape is the name a rule uses for property name, as the API server
// escapes it: a reserved word becomes __word__, and "__", ".", "-" and "/"
// become __underscores__, __dot__, __dash__ and __slash__. ok is false
// for a name rules cannot reach (other characters; index a map instead).
func celEscape(name string) (string, bool) {
	if celReserved[name] {
		return "__" + name + "__", true
	}
	if name == "" || '0' <= name[0] && name[0] <= '9' {
		return "", false
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c == '_' && i+1 < len(name) && name[i+1] == '_':
			b.WriteString("__underscores__")
			i++
		case c == '.':
			b.WriteString("__dot__")
		case c == '-':
			b.WriteString("__dash__")
		case c == '/':
			b.WriteString("__slash__")
		case c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9':
			b.WriteByte(c)
		default:
			return "", false
		}
	}
	return b.String(), true
}

// unescaped returns the property of s that a rule names escaped.
func unescaped(s *Schema, escaped string) (string, *Schema, bool) {
	if p, ok := s.Properties[escaped]; ok {
		if e, ok := celEscape(escaped); ok && e == escaped {
			return escaped, p, true
		}
	}
	for k, p := range s.Properties {
		if e, ok := celEscape(k); ok && e == escaped {
			return k, p, true
		}
	}
	return "", nil, false
}

// FindStructFieldType implements types.Provider: fields are read from the
// map that stands for the object.
func (st *celTypes) FindStructFieldType(name, field string) (*types.FieldType, bool) {
	s, ok := st.named[name]
	if !ok {
		return st.base.FindStructFieldType(name, field)
	}
	field, p, ok := unescaped(s, field)
	if !ok {
		return nil, false
	}
	t, ok := st.byNode[p]
	if !ok {
		t = cel.DynType
	}
	return &types.FieldType{
		Type: t,
		IsSet: func(target any) bool {
			m, ok := target.(map[string]any)
			_, set := m[field]
			return ok && set
		},
		GetFrom: func(target any) (any, error) {
			m, ok := target.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("no such key: %s", field)
			}
			v, set := m[field]
			if !set {
				return nil, fmt.Errorf("no such key: %s", field)
			}
			return v, nil
		},
	}, true
}

// NewValue implements types.Provider: rules read objects, never build them.
func (st *celTypes) NewValue(name string, fields map[string]ref.Val) ref.Val {
	if _, ok := st.named[name]; ok {
		return types.NewErr("objects of %s cannot be created in a rule", strings.TrimPrefix(name, st.prefix))
	}
	return st.base.NewValue(name, fields)
}
