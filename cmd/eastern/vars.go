package main

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/input"
	"github.com/eastern-k8s/eastern/lint"
	"github.com/eastern-k8s/eastern/manifest"
)

// renderFlags are the flags that render, lint and watch share.
type renderFlags struct {
	namespaces []string
	sets       []string
	values     []string
	root       string
	strict     bool
	maxLoads   count
	maxOutput  byteSize
	config     string
}

// register adds the shared flags to fs. multiNamespace lets -n be repeated
// and comma-separated (lint, watch) instead of naming one namespace.
func (f *renderFlags) register(fs *pflag.FlagSet, multiNamespace bool) {
	if multiNamespace {
		fs.StringSliceVarP(&f.namespaces, "namespace", "n", nil, "`NAMESPACE`(s) to render for; repeat or separate with commas")
		ns := fs.Lookup("namespace")
		ns.Value = nonEmptyList{ns.Value}
	} else {
		fs.StringArrayVarP(&f.namespaces, "namespace", "n", nil, "`NAMESPACE` to render for, the value of ${NAMESPACE} (default \"default\")")
	}
	fs.StringArrayVarP(&f.sets, "set", "s", nil, "set a variable: `KEY=VALUE` (repeatable; KEY= sets it empty)")
	fs.StringArrayVarP(&f.values, "values", "f", nil, "read variables from `FILE`: a flat YAML map or KEY=VALUE lines (repeatable: later files win; -s wins over all)")
	fs.StringVar(&f.root, "root", "", "every file read must lie inside `DIR` (default: the working directory, or the template's directory when it lies outside)")
	fs.BoolVar(&f.strict, "strict", false, "treat unset variables as errors")
	f.maxLoads = engine.DefaultMaxLoads
	fs.Var(&f.maxLoads, "max-loads", "stop a render that loads more than `N` files, repeats counted")
	f.maxOutput = engine.DefaultMaxOutput
	fs.Var(&f.maxOutput, "max-output", "stop a render whose output passes `SIZE` (bytes, or with KiB, MiB, GiB); files larger than that are not read")
	fs.StringVar(&f.config, "config", "", "read `FILE` instead of the nearest "+lint.ConfigFile+" (in the template's directory or above)")
}

// count is a flag value that must be a positive whole number.
type count int

func (c *count) String() string { return strconv.Itoa(int(*c)) }
func (c *count) Type() string   { return "N" }

func (c *count) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 {
		return fmt.Errorf("want a positive whole number")
	}
	*c = count(n)
	return nil
}

// byteSize is a flag value of bytes, written as a number with an optional
// binary unit: 1048576, 512KiB, 256MiB, 2GiB.
type byteSize int64

func (b *byteSize) String() string { return input.Size(int64(*b)) }
func (b *byteSize) Type() string   { return "SIZE" }

func (b *byteSize) Set(s string) error {
	units := []struct {
		suffix string
		shift  uint
	}{{"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"B", 0}, {"", 0}}
	for _, u := range units {
		num, ok := strings.CutSuffix(strings.TrimSpace(s), u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || n <= 0 || n > math.MaxInt64>>u.shift {
			break
		}
		*b = byteSize(n << u.shift)
		return nil
	}
	return fmt.Errorf("want a positive number of bytes, such as 1048576, 512KiB or 2GiB")
}

// nonEmptyList wraps -n's value: pflag's comma-separated lists drop an
// empty argument (-n "") yet keep an empty element (-n a,,b); either way an
// empty namespace is a mistake to report, not to ignore.
type nonEmptyList struct{ pflag.Value }

func (l nonEmptyList) Set(s string) error {
	for name := range strings.SplitSeq(s, ",") {
		if strings.TrimSpace(name) == "" {
			return errors.New("empty namespace name")
		}
	}
	return l.Value.Set(s)
}

// templateVars are the variables for one template's render for
// namespace: the nearest config's values (or --config's), then the
// --values files, then -s, each winning over the one before. A template
// on standard input ("" or "-") lies in baseDir.
func (f *renderFlags) templateVars(workDir, template, baseDir, namespace string) (map[string]string, error) {
	vars, _, err := f.templateVarsAndOthers(workDir, template, baseDir, namespace)
	return vars, err
}

// templateVarsAndOthers is templateVars with the names that the config
// sets for other namespaces (engine.Options.OtherVars).
func (f *renderFlags) templateVarsAndOthers(workDir, template, baseDir, namespace string) (map[string]string, map[string]bool, error) {
	vars, err := f.vars(workDir)
	if err != nil {
		return nil, nil, err
	}
	cfg, err := lint.ConfigFor(workDir, f.config, template, f.root, baseDir)
	if err != nil {
		return nil, nil, err
	}
	return cfg.VarsFor(namespace, vars), cfg.NamespaceVarNames(), nil
}

// vars merges the --values files, in order, and -s into one map: a later
// file wins over an earlier one, as with Helm's -f, and -s over all. A
// relative --values path starts from workDir (the process's working
// directory when empty).
func (f *renderFlags) vars(workDir string) (map[string]string, error) {
	vars := map[string]string{}
	for _, name := range f.values {
		data, err := input.ReadFile(workDir, name, input.ConfigLimit)
		if err != nil {
			return nil, diag.Usagef("--values: %v", err)
		}
		fromFile, err := parseValues(name, data)
		if err != nil {
			return nil, diag.Usagef("%v", err)
		}
		maps.Copy(vars, fromFile)
	}
	for _, s := range f.sets {
		key, value, ok := strings.Cut(s, "=")
		if !ok {
			return nil, diag.Usagef("-s %q: want KEY=VALUE", s)
		}
		if err := engine.CheckVarName(key); err != nil {
			return nil, diag.Usagef("-s %q: %v", s, err)
		}
		vars[key] = value
	}
	return vars, nil
}

// parseValues reads a values file: a flat YAML map whose scalars are taken
// exactly as written (1.10 stays 1.10, yes stays yes), or KEY=VALUE lines.
func parseValues(name string, data []byte) (map[string]string, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err == nil && len(doc.Content) == 1 && doc.Content[0].Kind == yaml.MappingNode {
		return valuesFromMap(name, doc.Content[0])
	}
	return valuesFromLines(name, data)
}

func valuesFromMap(name string, m *yaml.Node) (map[string]string, error) {
	vars := make(map[string]string, len(m.Content)/2)
	line := make(map[string]int, len(m.Content)/2)
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if first, dup := line[k.Value]; dup {
			return nil, fmt.Errorf("%s:%d: %s is set twice (first on line %d)", name, k.Line, k.Value, first)
		}
		line[k.Value] = k.Line
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		if v.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("%s:%d: value of %s is not a plain value: --values takes a flat map", name, v.Line, k.Value)
		}
		if err := engine.CheckVarName(k.Value); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, k.Line, err)
		}
		value := v.Value
		if v.Tag == "!!null" && v.Style == 0 && (value == "~" || value == "null" || value == "") {
			value = ""
		}
		vars[k.Value] = value
	}
	return vars, nil
}

func valuesFromLines(name string, data []byte) (map[string]string, error) {
	vars := map[string]string{}
	for i, line := range bytes.Split(data, []byte("\n")) {
		text := strings.TrimSpace(string(line))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		key, value, ok := strings.Cut(text, "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: want a flat YAML map or KEY=VALUE lines", name, i+1)
		}
		if err := engine.CheckVarName(key); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", name, i+1, err)
		}
		vars[key] = unquote(value)
	}
	return vars, nil
}

// unquote removes one pair of matching quotes around a KEY=VALUE line's
// value, as .env readers do: A="x y" sets A to x y.
func unquote(v string) string {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1]
	}
	return v
}

// namespaceArg settles the namespace from the positional argument (args
// after TEMPLATE: none or one) and -n, which must agree when both are given.
// Only an absent namespace means "default": an explicit empty one, such as
// an unset $NS in a script, is an error rather than a deploy to default.
func namespaceArg(positional, flag []string) (string, error) {
	nss, err := namespacesArg(positional, flag, false)
	if err != nil {
		return "", err
	}
	return nss[0], nil
}

// namespacesArg is namespaceArg for commands that take several namespaces
// (many): -n may name several, unless the positional argument names one,
// which every -n must then repeat.
func namespacesArg(positional, flag []string, many bool) ([]string, error) {
	given := append(slices.Clone(positional), flag...)
	if len(given) == 0 {
		return []string{engine.DefaultNamespace}, nil
	}
	if !many || len(positional) > 0 {
		for _, n := range given[1:] {
			if n != given[0] {
				return nil, diag.Usagef("namespace given twice: %q and %q", given[0], n)
			}
		}
		given = given[:1]
	}
	for _, ns := range given {
		if err := manifest.CheckNamespace(ns); err != nil {
			return nil, diag.Usagef("%v", err)
		}
	}
	return given, nil
}
