//go:build !nocel

package crd

import (
	"fmt"
	"math/big"
	"net/url"
	"reflect"
	"regexp"
	"strings"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
)

// kubernetesLibrary declares the functions of the Kubernetes CEL library
// (k8s.io/apiserver/pkg/cel/library) that CRD rules use in practice:
// quantity, url, lists, regex, ip and cidr. They are written here against cel-go's
// extension API because that library links the API server's authorizer,
// kube-openapi and k8s.io/api, which would more than double eastern's
// binary and its start-up; docs/crds.md lists what is supported.
func kubernetesLibrary() cel.EnvOption {
	listT := cel.ListType(cel.TypeParamType("T"))
	paramT := cel.TypeParamType("T")
	return cel.Lib(library{opts: append(netFunctions(), []cel.EnvOption{
		// Lists.
		cel.Function("isSorted", cel.MemberOverload("list_is_sorted", []*cel.Type{listT}, cel.BoolType, cel.UnaryBinding(listIsSorted))),
		cel.Function("sum", cel.MemberOverload("list_sum", []*cel.Type{listT}, paramT, cel.UnaryBinding(listSum))),
		cel.Function("min", cel.MemberOverload("list_min", []*cel.Type{listT}, paramT, cel.UnaryBinding(listExtreme(-1)))),
		cel.Function("max", cel.MemberOverload("list_max", []*cel.Type{listT}, paramT, cel.UnaryBinding(listExtreme(1)))),
		cel.Function("indexOf", cel.MemberOverload("list_index_of", []*cel.Type{listT, paramT}, cel.IntType, cel.BinaryBinding(listIndexOf(false)))),
		cel.Function("lastIndexOf", cel.MemberOverload("list_last_index_of", []*cel.Type{listT, paramT}, cel.IntType, cel.BinaryBinding(listIndexOf(true)))),
		// Regex.
		cel.Function("find", cel.MemberOverload("string_find_string", []*cel.Type{cel.StringType, cel.StringType}, cel.StringType, cel.BinaryBinding(regexFind))),
		cel.Function("findAll",
			cel.MemberOverload("string_find_all_string", []*cel.Type{cel.StringType, cel.StringType}, cel.ListType(cel.StringType),
				cel.BinaryBinding(func(s, re ref.Val) ref.Val { return regexFindAll(s, re, types.Int(-1)) })),
			cel.MemberOverload("string_find_all_string_int", []*cel.Type{cel.StringType, cel.StringType, cel.IntType}, cel.ListType(cel.StringType),
				cel.FunctionBinding(func(args ...ref.Val) ref.Val { return regexFindAll(args[0], args[1], args[2]) }))),
		// URLs.
		cel.Function("url", cel.Overload("string_to_url", []*cel.Type{cel.StringType}, urlType, cel.UnaryBinding(toURL))),
		cel.Function("isURL", cel.Overload("is_url_string", []*cel.Type{cel.StringType}, cel.BoolType, cel.UnaryBinding(func(s ref.Val) ref.Val {
			_, err := parseURL(string(s.(types.String)))
			return types.Bool(err == nil)
		}))),
		cel.Function("getScheme", cel.MemberOverload("url_get_scheme", []*cel.Type{urlType}, cel.StringType, cel.UnaryBinding(urlPart(func(u *url.URL) string { return u.Scheme })))),
		cel.Function("getHost", cel.MemberOverload("url_get_host", []*cel.Type{urlType}, cel.StringType, cel.UnaryBinding(urlPart(func(u *url.URL) string { return u.Host })))),
		cel.Function("getHostname", cel.MemberOverload("url_get_hostname", []*cel.Type{urlType}, cel.StringType, cel.UnaryBinding(urlPart(func(u *url.URL) string { return u.Hostname() })))),
		cel.Function("getPort", cel.MemberOverload("url_get_port", []*cel.Type{urlType}, cel.StringType, cel.UnaryBinding(urlPart(func(u *url.URL) string { return u.Port() })))),
		cel.Function("getEscapedPath", cel.MemberOverload("url_get_escaped_path", []*cel.Type{urlType}, cel.StringType, cel.UnaryBinding(urlPart(func(u *url.URL) string { return u.EscapedPath() })))),
		cel.Function("getQuery", cel.MemberOverload("url_get_query", []*cel.Type{urlType}, cel.MapType(cel.StringType, cel.ListType(cel.StringType)), cel.UnaryBinding(urlQuery))),
		// Quantities.
		cel.Function("quantity", cel.Overload("string_to_quantity", []*cel.Type{cel.StringType}, quantityType, cel.UnaryBinding(toQuantity))),
		cel.Function("isQuantity", cel.Overload("is_quantity_string", []*cel.Type{cel.StringType}, cel.BoolType, cel.UnaryBinding(func(s ref.Val) ref.Val {
			_, ok := parseQuantity(string(s.(types.String)))
			return types.Bool(ok)
		}))),
		cel.Function("sign", cel.MemberOverload("quantity_sign", []*cel.Type{quantityType}, cel.IntType, cel.UnaryBinding(func(q ref.Val) ref.Val { return types.Int(q.(*quantity).v.Sign()) }))),
		cel.Function("isInteger", cel.MemberOverload("quantity_is_integer", []*cel.Type{quantityType}, cel.BoolType, cel.UnaryBinding(func(q ref.Val) ref.Val {
			_, ok := q.(*quantity).int64()
			return types.Bool(ok)
		}))),
		cel.Function("asInteger", cel.MemberOverload("quantity_get_int", []*cel.Type{quantityType}, cel.IntType, cel.UnaryBinding(func(q ref.Val) ref.Val {
			i, ok := q.(*quantity).int64()
			if !ok {
				return types.NewErr("cannot convert value to integer")
			}
			return types.Int(i)
		}))),
		cel.Function("asApproximateFloat", cel.MemberOverload("quantity_get_float", []*cel.Type{quantityType}, cel.DoubleType, cel.UnaryBinding(func(q ref.Val) ref.Val {
			f, _ := q.(*quantity).v.Float64()
			return types.Double(f)
		}))),
		cel.Function("isLessThan", cel.MemberOverload("quantity_less_than", []*cel.Type{quantityType, quantityType}, cel.BoolType, cel.BinaryBinding(func(a, b ref.Val) ref.Val {
			return types.Bool(a.(*quantity).v.Cmp(b.(*quantity).v) < 0)
		}))),
		cel.Function("isGreaterThan", cel.MemberOverload("quantity_greater_than", []*cel.Type{quantityType, quantityType}, cel.BoolType, cel.BinaryBinding(func(a, b ref.Val) ref.Val {
			return types.Bool(a.(*quantity).v.Cmp(b.(*quantity).v) > 0)
		}))),
		cel.Function("compareTo", cel.MemberOverload("quantity_compare_to", []*cel.Type{quantityType, quantityType}, cel.IntType, cel.BinaryBinding(func(a, b ref.Val) ref.Val {
			return types.Int(a.(*quantity).v.Cmp(b.(*quantity).v))
		}))),
		cel.Function("add",
			cel.MemberOverload("quantity_add", []*cel.Type{quantityType, quantityType}, quantityType, cel.BinaryBinding(quantityArith(1))),
			cel.MemberOverload("quantity_add_int", []*cel.Type{quantityType, cel.IntType}, quantityType, cel.BinaryBinding(quantityArith(1)))),
		cel.Function("sub",
			cel.MemberOverload("quantity_sub", []*cel.Type{quantityType, quantityType}, quantityType, cel.BinaryBinding(quantityArith(-1))),
			cel.MemberOverload("quantity_sub_int", []*cel.Type{quantityType, cel.IntType}, quantityType, cel.BinaryBinding(quantityArith(-1)))),
	}...)})
}

// library is a cel.Library of options.
type library struct{ opts []cel.EnvOption }

func (l library) CompileOptions() []cel.EnvOption   { return l.opts }
func (library) ProgramOptions() []cel.ProgramOption { return nil }

// Lists.

func listIsSorted(l ref.Val) ref.Val {
	items, err := listItems(l)
	if err != nil {
		return types.NewErr("%v", err)
	}
	for i := 1; i < len(items); i++ {
		c, ok := items[i-1].(traits.Comparer)
		if !ok {
			return types.NewErr("isSorted: %s is not comparable", items[i-1].Type().TypeName())
		}
		if cmp := c.Compare(items[i]); types.IsError(cmp) {
			return cmp
		} else if cmp.(types.Int) > 0 {
			return types.False
		}
	}
	return types.True
}

func listSum(l ref.Val) ref.Val {
	items, err := listItems(l)
	if err != nil {
		return types.NewErr("%v", err)
	}
	if len(items) == 0 {
		return types.Int(0)
	}
	sum := items[0]
	for _, it := range items[1:] {
		a, ok := sum.(traits.Adder)
		if !ok {
			return types.NewErr("sum: %s cannot be added", sum.Type().TypeName())
		}
		if sum = a.Add(it); types.IsError(sum) {
			return sum
		}
	}
	return sum
}

func listExtreme(sign int) func(ref.Val) ref.Val {
	return func(l ref.Val) ref.Val {
		items, err := listItems(l)
		if err != nil {
			return types.NewErr("%v", err)
		}
		if len(items) == 0 {
			return types.NewErr("%s called on empty list", map[int]string{-1: "min", 1: "max"}[sign])
		}
		best := items[0]
		for _, it := range items[1:] {
			c, ok := it.(traits.Comparer)
			if !ok {
				return types.NewErr("%s is not comparable", it.Type().TypeName())
			}
			if cmp := c.Compare(best); types.IsError(cmp) {
				return cmp
			} else if int(cmp.(types.Int))*sign > 0 {
				best = it
			}
		}
		return best
	}
}

func listIndexOf(last bool) func(ref.Val, ref.Val) ref.Val {
	return func(l, v ref.Val) ref.Val {
		items, err := listItems(l)
		if err != nil {
			return types.NewErr("%v", err)
		}
		found := -1
		for i, it := range items {
			if it.Equal(v) == types.True {
				found = i
				if !last {
					break
				}
			}
		}
		return types.Int(found)
	}
}

func listItems(l ref.Val) ([]ref.Val, error) {
	lister, ok := l.(traits.Lister)
	if !ok {
		return nil, fmt.Errorf("not a list: %s", l.Type().TypeName())
	}
	n := int(lister.Size().(types.Int))
	out := make([]ref.Val, n)
	for i := range n {
		out[i] = lister.Get(types.Int(i))
	}
	return out, nil
}

// Regex.

func regexFind(s, re ref.Val) ref.Val {
	r, err := regexp.Compile(string(re.(types.String)))
	if err != nil {
		return types.NewErr("%v", err)
	}
	return types.String(r.FindString(string(s.(types.String))))
}

func regexFindAll(s, re, n ref.Val) ref.Val {
	r, err := regexp.Compile(string(re.(types.String)))
	if err != nil {
		return types.NewErr("%v", err)
	}
	return types.NewStringList(types.DefaultTypeAdapter, r.FindAllString(string(s.(types.String)), int(n.(types.Int))))
}

// URLs, as the Kubernetes library parses them: url.ParseRequestURI, an
// absolute URI or an absolute path.

var urlType = cel.OpaqueType("kubernetes.URL")

type urlVal struct{ u *url.URL }

func parseURL(s string) (*url.URL, error) { return url.ParseRequestURI(s) }

func toURL(s ref.Val) ref.Val {
	u, err := parseURL(string(s.(types.String)))
	if err != nil {
		return types.NewErr("URL parse error during conversion from string: %v", err)
	}
	return urlVal{u}
}

func urlPart(get func(*url.URL) string) func(ref.Val) ref.Val {
	return func(v ref.Val) ref.Val { return types.String(get(v.(urlVal).u)) }
}

func urlQuery(v ref.Val) ref.Val {
	q := v.(urlVal).u.Query()
	m := make(map[string][]string, len(q))
	for k, vs := range q {
		m[k] = vs
	}
	return types.DefaultTypeAdapter.NativeToValue(m)
}

func (v urlVal) ConvertToNative(t reflect.Type) (any, error) {
	if t == reflect.TypeOf(&url.URL{}) {
		return v.u, nil
	}
	return nil, fmt.Errorf("type conversion error from URL to %v", t)
}
func (v urlVal) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.StringType:
		return types.String(v.u.String())
	case urlType:
		return v
	}
	return types.NewErr("type conversion error from %s to %s", urlType, t)
}
func (v urlVal) Equal(o ref.Val) ref.Val {
	w, ok := o.(urlVal)
	return types.Bool(ok && v.u.String() == w.u.String())
}
func (urlVal) Type() ref.Type { return urlType }
func (v urlVal) Value() any   { return v.u }

// Quantities: resource.Quantity's grammar, held exactly as a rational.

var quantityType = cel.OpaqueType("kubernetes.Quantity")

type quantity struct{ v *big.Rat }

func toQuantity(s ref.Val) ref.Val {
	q, ok := parseQuantity(string(s.(types.String)))
	if !ok {
		return types.NewErr("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'")
	}
	return q
}

var quantitySuffixes = map[string]*big.Rat{
	"": big.NewRat(1, 1), "m": big.NewRat(1, 1000),
	"k": big.NewRat(1e3, 1), "M": big.NewRat(1e6, 1), "G": big.NewRat(1e9, 1), "T": big.NewRat(1e12, 1),
	"P": big.NewRat(1e15, 1), "E": big.NewRat(1e18, 1),
	"Ki": big.NewRat(1<<10, 1), "Mi": big.NewRat(1<<20, 1), "Gi": big.NewRat(1<<30, 1), "Ti": big.NewRat(1<<40, 1),
	"Pi": big.NewRat(1<<50, 1), "Ei": big.NewRat(1<<60, 1),
}

// parseQuantity reads signedNumber suffix, the grammar of
// resource.ParseQuantity (see validator's validQuantity).
func parseQuantity(s string) (*quantity, bool) {
	s = strings.TrimSpace(s)
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		if s[i] != '.' {
			digits++
		}
		i++
	}
	num, suffix := s[:i], s[i:]
	if digits == 0 || strings.Count(num, ".") > 1 {
		return nil, false
	}
	v, ok := new(big.Rat).SetString(strings.TrimPrefix(num, "+"))
	if !ok {
		return nil, false
	}
	if mul, ok := quantitySuffixes[suffix]; ok {
		return &quantity{v.Mul(v, mul)}, true
	}
	if suffix[0] != 'e' && suffix[0] != 'E' {
		return nil, false
	}
	exp := suffix[1:]
	n := 0
	neg := false
	if exp != "" && (exp[0] == '+' || exp[0] == '-') {
		neg = exp[0] == '-'
		exp = exp[1:]
	}
	if exp == "" || len(exp) > 4 {
		return nil, false
	}
	for _, c := range exp {
		if c < '0' || c > '9' {
			return nil, false
		}
		n = n*10 + int(c-'0')
	}
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil))
	if neg {
		p.Inv(p)
	}
	return &quantity{v.Mul(v, p)}, true
}

func (q *quantity) int64() (int64, bool) {
	if !q.v.IsInt() || !q.v.Num().IsInt64() {
		return 0, false
	}
	return q.v.Num().Int64(), true
}

func quantityArith(sign int64) func(a, b ref.Val) ref.Val {
	return func(a, b ref.Val) ref.Val {
		var other *big.Rat
		switch b := b.(type) {
		case *quantity:
			other = b.v
		case types.Int:
			other = new(big.Rat).SetInt64(int64(b))
		default:
			return types.NewErr("no such overload")
		}
		if sign < 0 {
			other = new(big.Rat).Neg(other)
		}
		return &quantity{new(big.Rat).Add(a.(*quantity).v, other)}
	}
}

func (q *quantity) ConvertToNative(t reflect.Type) (any, error) {
	return nil, fmt.Errorf("type conversion error from Quantity to %v", t)
}
func (q *quantity) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case quantityType:
		return q
	case types.StringType:
		return types.String(q.v.RatString())
	}
	return types.NewErr("type conversion error from %s to %s", quantityType, t)
}
func (q *quantity) Equal(o ref.Val) ref.Val {
	w, ok := o.(*quantity)
	return types.Bool(ok && q.v.Cmp(w.v) == 0)
}
func (*quantity) Type() ref.Type { return quantityType }
func (q *quantity) Value() any   { return q.v }

// unsupportedFunctions are functions of the Kubernetes CEL library that
// eastern does not implement: a rule that calls one is not evaluated.
var unsupportedFunctions = []string{"format", "semver", "isSemver", "jsonpatch", "authorizer"}

// unsupported returns the Kubernetes function a compile error names as
// undeclared, when eastern does not implement it.
func unsupported(err error) (string, bool) {
	msg := err.Error()
	for _, f := range unsupportedFunctions {
		if strings.Contains(msg, "undeclared reference to '"+f+"'") || strings.Contains(msg, "found no matching overload for '"+f+"'") {
			return f, true
		}
	}
	return "", false
}
