package crd

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/yamlnode"
)

// Report receives one finding about node, at field path field (as kubectl
// explains fields: spec.endpoints[0].port). It is an alias so that
// package validator's interface and this package's methods agree without
// either importing the other.
type Report = func(sev diag.Severity, rule string, node *yaml.Node, field, msg string)

// maxValueNodes bounds the nodes one object's check visits, aliases
// expanded, as validator bounds its walk (a "billion laughs" stops here).
const maxValueNodes = 100000

// walker checks one custom resource against a version's schema.
type walker struct {
	report Report
	path   []string // field path segments: ".name", "[0]", `["key"]`
	budget int
	quiet  bool // inside anyOf/oneOf/not: count problems, report none
	failed int  // problems found while quiet
	// keepUnknown: the CRD keeps unknown fields (Definition.KeepsUnknown).
	keepUnknown bool
}

func (w *walker) fieldPath() string {
	return strings.TrimPrefix(strings.Join(w.path, ""), ".")
}

func (w *walker) add(rule string, node *yaml.Node, format string, args ...any) {
	if w.quiet {
		w.failed++
		return
	}
	w.report(diag.Error, rule, node, w.fieldPath(), fmt.Sprintf(format, args...))
}

func (w *walker) push(seg string) { w.path = append(w.path, seg) }
func (w *walker) pop()            { w.path = w.path[:len(w.path)-1] }

func fieldSeg(name string) string { return "." + name }
func indexSeg(i int) string       { return "[" + strconv.Itoa(i) + "]" }

// keySeg is a map key as validator writes it: after a dot when plain.
func keySeg(k string) string {
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') || i == 0 && c == '-' {
			return "[" + strconv.Quote(k) + "]"
		}
	}
	if k == "" {
		return `[""]`
	}
	return "." + k
}

// validate checks y against s; key is the mapping key holding y (where a
// missing field is reported), nil for items. It reports whether y had the
// schema's type, so that rules are only run on values of their type.
func (w *walker) validate(y *yaml.Node, s *Schema, key *yaml.Node) bool {
	y = yamlnode.Resolve(y)
	if y == nil || s == nil {
		return true
	}
	if w.budget--; w.budget < 0 {
		return false
	}
	if yamlnode.IsNull(y) {
		if !s.Nullable && (s.Type != "" || s.IntOrString) {
			w.add(RuleType, y, "expected %s, got null", s.typeName())
			return false
		}
		return true
	}
	typed := w.checkType(y, s)
	if typed {
		switch y.Kind {
		case yaml.MappingNode:
			w.object(y, s, key)
		case yaml.SequenceNode:
			w.array(y, s)
		case yaml.ScalarNode:
			w.scalar(y, s)
		}
	}
	w.valueBranches(y, s, key)
	if typed && len(s.Rules) > 0 && !w.quiet {
		w.rules(y, s, key)
	}
	return typed
}

func (s *Schema) typeName() string {
	if s.IntOrString {
		return "integer or string"
	}
	return s.Type
}

// checkType reports a value of the wrong JSON type.
func (w *walker) checkType(y *yaml.Node, s *Schema) bool {
	got := jsonType(y)
	ok := true
	switch {
	case s.IntOrString:
		ok = got == "integer" || got == "string"
	case s.Type == "":
		return true
	case s.Type == "number":
		ok = got == "number" || got == "integer"
	default:
		ok = got == s.Type
	}
	if !ok {
		w.add(RuleType, y, "expected %s, got %s", s.typeName(), got)
	}
	return ok
}

// rootFields are what every object has besides its schema's fields: the
// validator checks them as it does for built-in kinds.
var rootFields = map[string]bool{"apiVersion": true, "kind": true, "metadata": true}

func (w *walker) object(y *yaml.Node, s *Schema, key *yaml.Node) {
	ps := pairs(y)
	root := len(w.path) == 0
	for i := 0; i+1 < len(ps); i += 2 {
		k, v := ps[i], ps[i+1]
		name := k.Value
		if (root || s.Embedded) && rootFields[name] {
			switch {
			case s.Embedded:
				w.push(fieldSeg(name))
				w.embeddedField(k, yamlnode.Resolve(v))
				w.pop()
			case name == "metadata":
				w.push(fieldSeg(name))
				w.rootMetadata(yamlnode.Resolve(v), s.Properties["metadata"])
				w.pop()
			}
			continue
		}
		switch p := s.Properties[name]; {
		case p != nil:
			w.push(fieldSeg(name))
			if rv := yamlnode.Resolve(v); rv == nil || !yamlnode.IsNull(rv) || p.Nullable {
				w.validate(v, p, k)
			}
			// A null the schema does not allow is pruned, as the API
			// server prunes non-nullable nulls; required says if it matters.
			w.pop()
		case s.Additional != nil:
			if rv := yamlnode.Resolve(v); rv != nil && yamlnode.IsNull(rv) && !s.Additional.Nullable {
				continue // pruned, as a property's null is
			}
			w.push(keySeg(name))
			w.validate(v, s.Additional, k)
			w.pop()
		case s.PreserveUnknown || w.keepUnknown:
		default:
			w.push(fieldSeg(name))
			w.add(RuleUnknownField, k, "unknown field %q: the API server would drop it (the CRD's schema has no such field)", name)
			w.pop()
		}
	}
	at := y
	if key != nil {
		at = key
	}
	for _, r := range s.Required {
		v := lookup(ps, r)
		p := s.Properties[r]
		if v == nil || yamlnode.IsNull(v) && (p == nil || !p.Nullable) {
			if p != nil && p.HasDefault {
				continue // the API server fills in the default
			}
			w.push(fieldSeg(r))
			w.add(RuleRequired, at, "missing required field %q", r)
			w.pop()
		}
	}
	if s.Embedded {
		for _, f := range []string{"apiVersion", "kind", "metadata"} {
			if v := lookup(ps, f); v == nil || yamlnode.IsNull(v) {
				w.push(fieldSeg(f))
				w.add(RuleEmbedded, at, "missing %s: an embedded resource needs apiVersion, kind and metadata", f)
				w.pop()
			}
		}
	}
	n := int64(len(ps) / 2)
	if s.MinProperties != nil && n < *s.MinProperties {
		w.add(RuleValue, y, "must have at least %d properties, has %d", *s.MinProperties, n)
	}
	if s.MaxProperties != nil && n > *s.MaxProperties {
		w.add(RuleValue, y, "must have at most %d properties, has %d", *s.MaxProperties, n)
	}
}

// objectMetaFields are the fields of ObjectMeta: the API server drops any
// other from a custom resource's metadata.
var objectMetaFields = map[string]bool{
	"name": true, "generateName": true, "namespace": true, "selfLink": true, "uid": true,
	"resourceVersion": true, "generation": true, "creationTimestamp": true, "deletionTimestamp": true,
	"deletionGracePeriodSeconds": true, "labels": true, "annotations": true, "ownerReferences": true,
	"finalizers": true, "managedFields": true,
}

// rootMetadata checks a custom resource's metadata: fields ObjectMeta does
// not have, and what a CRD may say of name and generateName (a maxLength, a
// pattern). The rest of metadata is the validator's to check, as for
// built-in kinds.
func (w *walker) rootMetadata(m *yaml.Node, s *Schema) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	ps := pairs(m)
	for i := 0; i+1 < len(ps); i += 2 {
		if k := ps[i]; !objectMetaFields[k.Value] {
			w.push(fieldSeg(k.Value))
			w.add(RuleUnknownField, k, "unknown field %q: the API server would drop it (metadata has no such field)", k.Value)
			w.pop()
		}
	}
	if s == nil {
		return
	}
	for _, f := range []string{"name", "generateName"} {
		if p, v := s.Properties[f], field(m, f); p != nil && v != nil {
			w.push(fieldSeg(f))
			w.validate(v, p, keyNode(m, f))
			w.pop()
		}
	}
}

// embeddedField checks the apiVersion, kind or metadata of an embedded
// resource, as the API server does for x-kubernetes-embedded-resource.
func (w *walker) embeddedField(k, v *yaml.Node) {
	if v == nil || yamlnode.IsNull(v) {
		return // reported as missing
	}
	switch k.Value {
	case "apiVersion", "kind":
		if s, ok := str(v); !ok {
			w.add(RuleType, v, "expected string, got %s", jsonType(v))
		} else if s == "" {
			w.add(RuleEmbedded, v, "%s must not be empty", k.Value)
		}
	case "metadata":
		if v.Kind != yaml.MappingNode {
			w.add(RuleType, v, "expected object, got %s", jsonType(v))
			return
		}
		// An embedded resource's metadata is ObjectMeta, pruned as a
		// custom resource's own is.
		w.rootMetadata(v, nil)
	}
}

func (w *walker) array(y *yaml.Node, s *Schema) {
	n := int64(len(y.Content))
	if s.MinItems != nil && n < *s.MinItems {
		w.add(RuleValue, y, "must have at least %d items, has %d", *s.MinItems, n)
	}
	if s.MaxItems != nil && n > *s.MaxItems {
		w.add(RuleValue, y, "must have at most %d items, has %d", *s.MaxItems, n)
	}
	for i, it := range y.Content {
		w.push(indexSeg(i))
		w.validate(it, s.Items, nil)
		w.pop()
	}
	switch {
	case s.ListType == "set" || s.UniqueItems:
		w.uniqueItems(y)
	case s.ListType == "map":
		w.uniqueKeys(y, s)
	}
}

// uniqueItems reports items equal to an earlier one, by their canonical
// JSON, so that a long list costs linear time.
func (w *walker) uniqueItems(y *yaml.Node) {
	seen := map[string]bool{}
	for i, it := range y.Content {
		v, ok := value(it, &w.budget)
		if !ok {
			return
		}
		v = normalize(v)
		b, _ := json.Marshal(v)
		if seen[string(b)] {
			w.push(indexSeg(i))
			w.add(RuleList, yamlnode.Resolve(it), "duplicate value: %s", jsonText(v))
			w.pop()
		}
		seen[string(b)] = true
	}
}

// uniqueKeys reports items of a list-map whose keys repeat an earlier
// item's.
func (w *walker) uniqueKeys(y *yaml.Node, s *Schema) {
	if s.Items == nil {
		return
	}
	seen := map[string]bool{}
	for i, it := range y.Content {
		it = yamlnode.Resolve(it)
		if it == nil || it.Kind != yaml.MappingNode {
			continue
		}
		var parts []string
		for _, k := range s.ListMapKeys {
			v := field(it, k)
			var kv any
			if v != nil {
				kv, _ = value(v, &w.budget)
			}
			if p := s.Items.Properties[k]; v == nil && p != nil && p.HasDefault {
				kv = p.Default // the API server defaults the key first
			}
			parts = append(parts, k+"="+jsonText(normalize(kv)))
		}
		id := "[" + strings.Join(parts, ",") + "]"
		if seen[id] {
			w.push(indexSeg(i))
			w.add(RuleList, it, "duplicate entries for key %s", id)
			w.pop()
		}
		seen[id] = true
	}
}

func (w *walker) scalar(y *yaml.Node, s *Schema) {
	if len(s.Enum) > 0 {
		v := normalize(scalar(y))
		found := false
		for _, e := range s.Enum {
			if reflect.DeepEqual(normalize(e), v) {
				found = true
				break
			}
		}
		if !found {
			allowed := make([]string, len(s.Enum))
			for i, e := range s.Enum {
				allowed[i] = jsonText(e)
			}
			w.add(RuleValue, y, "unsupported value %s: supported values: %s", jsonText(v), strings.Join(allowed, ", "))
		}
	}
	if text, ok := str(y); ok {
		n := int64(utf8.RuneCountInString(text))
		if s.MinLength != nil && n < *s.MinLength {
			w.add(RuleValue, y, "must be at least %d characters long, is %d", *s.MinLength, n)
		}
		if s.MaxLength != nil && n > *s.MaxLength {
			w.add(RuleValue, y, "may not be longer than %d characters, is %d", *s.MaxLength, n)
		}
		if s.Pattern != nil && !s.Pattern.MatchString(text) {
			w.add(RuleValue, y, "%q does not match the pattern %q", text, s.Pattern.String())
		}
		if s.Format != "" && (s.Type == "string" || s.IntOrString) {
			if msg := checkFormat(s.Format, text); msg != "" {
				w.add(RuleValue, y, "%q is not a valid %s: %s", text, s.Format, msg)
			}
		}
		return
	}
	f, ok := number(y)
	if !ok {
		return
	}
	num := strconv.FormatFloat(f, 'g', -1, 64)
	if m := s.Minimum; m != nil {
		if s.ExclusiveMinimum && f <= *m {
			w.add(RuleValue, y, "%s must be greater than %s", num, fmtNum(*m))
		} else if f < *m {
			w.add(RuleValue, y, "%s must be greater than or equal to %s", num, fmtNum(*m))
		}
	}
	if m := s.Maximum; m != nil {
		if s.ExclusiveMaximum && f >= *m {
			w.add(RuleValue, y, "%s must be less than %s", num, fmtNum(*m))
		} else if f > *m {
			w.add(RuleValue, y, "%s must be less than or equal to %s", num, fmtNum(*m))
		}
	}
	if m := s.MultipleOf; m != nil {
		if q := f / *m; q != math.Trunc(q) {
			w.add(RuleValue, y, "%s must be a multiple of %s", num, fmtNum(*m))
		}
	}
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// valueBranches applies allOf, anyOf, oneOf and not: value validations
// that the API server checks besides the structure.
func (w *walker) valueBranches(y *yaml.Node, s *Schema, key *yaml.Node) {
	for _, b := range s.AllOf {
		w.validateValue(y, b, key)
	}
	if len(s.AnyOf) > 0 && !s.IntOrString {
		if !slicesAny(s.AnyOf, func(b *Schema) bool { return w.passes(y, b, key) }) {
			w.add(RuleValue, y, "must validate against at least one schema of anyOf")
		}
	}
	if len(s.OneOf) > 0 {
		n := 0
		for _, b := range s.OneOf {
			if w.passes(y, b, key) {
				n++
			}
		}
		if n != 1 {
			w.add(RuleValue, y, "must validate against exactly one schema of oneOf, does against %d", n)
		}
	}
	if s.Not != nil && w.passes(y, s.Not, key) {
		w.add(RuleValue, y, "must not validate against the schema of not")
	}
}

// validateValue checks y against a value-validation branch: no unknown
// fields there, the structure is the outer schema's.
func (w *walker) validateValue(y *yaml.Node, b *Schema, key *yaml.Node) {
	b2 := *b
	b2.PreserveUnknown = true
	w.validate(y, &b2, key)
}

// passes reports whether y satisfies branch b, reporting nothing.
func (w *walker) passes(y *yaml.Node, b *Schema, key *yaml.Node) bool {
	quiet, failed := w.quiet, w.failed
	w.quiet, w.failed = true, 0
	w.validateValue(y, b, key)
	ok := w.failed == 0
	w.quiet, w.failed = quiet, failed
	return ok
}

func slicesAny(list []*Schema, f func(*Schema) bool) bool {
	for _, s := range list {
		if f(s) {
			return true
		}
	}
	return false
}

// rules evaluates s's x-kubernetes-validations on y, held by key (nil
// for items and the object itself): a failed rule on a mapping or list is
// reported at its key, the line that opens it.
func (w *walker) rules(y *yaml.Node, s *Schema, key *yaml.Node) {
	self, ok := celValue(y, s, len(w.path) == 0, &w.budget)
	if !ok {
		return
	}
	for _, r := range s.Rules {
		if r.transition && !r.OptionalOldSelf {
			continue // oldSelf: an update's rule, and lint sees creates
		}
		holds, msg, err := r.eval(self)
		if holds {
			continue
		}
		at, n := y, 0
		if key != nil && y.Kind != yaml.ScalarNode {
			at = key
		}
		if r.FieldPath != "" {
			at, n = w.pushFieldPath(y, r.FieldPath)
		}
		if err != nil {
			w.add(RuleCEL, at, "rule %q cannot be evaluated: %v", r.Rule, err)
		} else {
			w.add(RuleCEL, at, "%s", msg)
		}
		w.path = w.path[:len(w.path)-n]
	}
}

// pushFieldPath follows a rule's fieldPath (".spec.replicas", "['a.b']",
// ".items[0]") from y as far as the document has it, pushing its segments;
// it returns the node reached and how many segments it pushed.
func (w *walker) pushFieldPath(y *yaml.Node, fp string) (*yaml.Node, int) {
	n := 0
	at := y
	for fp != "" {
		var seg, name string
		idx := -1
		switch {
		case strings.HasPrefix(fp, "."):
			end := strings.IndexAny(fp[1:], ".[")
			if end < 0 {
				end = len(fp) - 1
			}
			name, fp = fp[1:end+1], fp[end+1:]
			seg = fieldSeg(name)
		case strings.HasPrefix(fp, "['"):
			end := strings.Index(fp, "']")
			if end < 0 {
				return at, n
			}
			name, fp = fp[2:end], fp[end+2:]
			seg = keySeg(name)
		case strings.HasPrefix(fp, "["):
			end := strings.Index(fp, "]")
			if end < 0 {
				return at, n
			}
			i, err := strconv.Atoi(fp[1:end])
			if err != nil {
				return at, n
			}
			idx, fp = i, fp[end+1:]
			seg = indexSeg(i)
		default:
			return at, n
		}
		w.push(seg)
		n++
		switch {
		case at == nil:
		case idx >= 0:
			if at.Kind == yaml.SequenceNode && idx < len(at.Content) {
				at = yamlnode.Resolve(at.Content[idx])
			} else {
				at = nil
			}
		default:
			at = field(at, name)
		}
	}
	if at == nil {
		return y, n
	}
	return at, n
}

// celValue converts y for CEL as the API server types it from the schema:
// integers as int, numbers as double, strings of format byte, date,
// date-time and duration as bytes, timestamps and durations. At the root,
// metadata is cut to name and generateName, all that rules may see of it.
func celValue(y *yaml.Node, s *Schema, root bool, budget *int) (any, bool) {
	y = yamlnode.Resolve(y)
	if y == nil || yamlnode.IsNull(y) {
		return nil, true
	}
	if *budget--; *budget < 0 {
		return nil, false
	}
	if s == nil || s.PreserveUnknown && len(s.Properties) == 0 && s.Additional == nil || s.IntOrString {
		return value(y, budget)
	}
	switch y.Kind {
	case yaml.MappingNode:
		ps := pairs(y)
		m := make(map[string]any, len(ps)/2)
		for i := 0; i+1 < len(ps); i += 2 {
			name := ps[i].Value
			var child *Schema
			switch {
			case root && name == "metadata":
				meta := map[string]any{}
				for _, f := range []string{"name", "generateName"} {
					if v, ok := str(field(ps[i+1], f)); ok {
						meta[f] = v
					}
				}
				m[name] = meta
				continue
			case s.Properties[name] != nil:
				child = s.Properties[name]
			case s.Additional != nil:
				child = s.Additional
			case s.PreserveUnknown || root && rootFields[name] || s.Embedded:
			default:
				continue // pruned by the API server before the rules run
			}
			v, ok := celValue(ps[i+1], child, false, budget)
			if !ok {
				return nil, false
			}
			m[name] = v
		}
		for name, p := range s.Properties {
			// The API server defaults fields before the rules see them.
			if _, set := m[name]; !set && p.HasDefault && p.Default != nil {
				m[name] = p.Default
			}
		}
		return m, true
	case yaml.SequenceNode:
		l := make([]any, len(y.Content))
		for i, it := range y.Content {
			v, ok := celValue(it, s.Items, false, budget)
			if !ok {
				return nil, false
			}
			l[i] = v
		}
		return l, true
	}
	v := scalar(y)
	switch s.Type {
	case "number":
		if i, ok := v.(int64); ok {
			return float64(i), true
		}
	case "string":
		text, _ := v.(string)
		switch s.Format {
		case "byte":
			if b, err := base64.StdEncoding.DecodeString(text); err == nil {
				return b, true
			}
		case "date":
			if t, err := time.Parse(time.DateOnly, text); err == nil {
				return t, true
			}
		case "date-time", "datetime":
			if t, err := parseDateTime(text); err == nil {
				return t, true
			}
		case "duration":
			if d, err := parseDuration(text); err == nil {
				return d, true
			}
		}
	}
	return v, true
}

// normalize makes JSON values comparable with reflect.DeepEqual: numbers
// become float64.
func normalize(v any) any {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = normalize(e)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e)
		}
		return out
	}
	return v
}

// jsonText writes a value as the API server's messages quote it.
func jsonText(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return strconv.Quote(v)
	case float64:
		return fmtNum(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		return strconv.FormatBool(v)
	}
	return fmt.Sprint(v)
}
