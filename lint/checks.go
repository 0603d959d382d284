package lint

import (
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/checks"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/yamlerr"
	"github.com/eastern-k8s/eastern/manifest"
)

// ChecksConfig is the checks block of .eastern.yaml:
//
//	checks:
//	  default: {practices: warning, reference.secret: off}
//	  namespaces:
//	    production: {practices: error, disable: [image.latest-tag]}
//	    dev: {practices: off}
type ChecksConfig struct {
	Default    checks.Block
	Namespaces map[string]checks.Block
}

// LevelsFor returns the checks' severities in namespace, with flag
// (--checks) over the configuration. c may be nil.
func (c *Config) LevelsFor(namespace string, flag checks.Block) checks.Levels {
	if c == nil {
		return checks.Resolve(flag)
	}
	return checks.Resolve(c.Checks.Default, c.Checks.Namespaces[namespace], flag)
}

func (c *Config) parseChecks(name string, v *yaml.Node) error {
	if isNull(v) {
		return nil
	}
	if v.Kind != yaml.MappingNode {
		return fmt.Errorf("%s:%d: checks: want a map with default and namespaces", name, v.Line)
	}
	return eachKey(name, v, func(key string, k, v *yaml.Node) error {
		switch key {
		case "default":
			b, err := parseChecksBlock(name, "checks: default", v)
			c.Checks.Default = b
			return err
		case "namespaces":
			if isNull(v) {
				return nil
			}
			if v.Kind != yaml.MappingNode {
				return fmt.Errorf("%s:%d: checks: namespaces: want a map of namespace names", name, v.Line)
			}
			c.Checks.Namespaces = map[string]checks.Block{}
			return eachKey(name, v, func(ns string, k, v *yaml.Node) error {
				if err := manifest.CheckNamespace(ns); err != nil {
					return fmt.Errorf("%s:%d: checks: namespaces: %v", name, k.Line, err)
				}
				b, err := parseChecksBlock(name, "checks: namespace "+ns, v)
				c.Checks.Namespaces[ns] = b
				return err
			})
		}
		return fmt.Errorf("%s:%d: checks: unknown key \"%s\" (want default or namespaces)", name, k.Line, yamlerr.Excerpt(key))
	})
}

// parseChecksBlock reads {practices: LEVEL, references: LEVEL, RULE:
// LEVEL, disable: [RULE]}: a group or a rule at error, warning, info or
// off; disable turns the rules it lists off.
func parseChecksBlock(name, what string, m *yaml.Node) (checks.Block, error) {
	var b checks.Block
	if isNull(m) {
		return b, nil
	}
	if m.Kind != yaml.MappingNode {
		return b, fmt.Errorf("%s:%d: %s: want a map such as {practices: error, disable: [image.latest-tag]}", name, m.Line, what)
	}
	named := map[string]int{} // rule → line, to catch one both set and disabled
	err := eachKey(name, m, func(key string, k, v *yaml.Node) error {
		if key == "disable" {
			if v.Kind != yaml.SequenceNode {
				return fmt.Errorf("%s:%d: %s: disable: want a list of rule ids", name, v.Line, what)
			}
			for _, id := range v.Content {
				if id.Kind != yaml.ScalarNode || !checks.IsCheck(id.Value) {
					return fmt.Errorf("%s:%d: %s: disable: %q is not a check (see docs/checks.md)", name, id.Line, what, yamlerr.Excerpt(id.Value))
				}
				if line, dup := named[id.Value]; dup {
					return fmt.Errorf("%s:%d: %s: %s is already set on line %d", name, id.Line, what, id.Value, line)
				}
				named[id.Value] = id.Line
				_ = b.Set(id.Value, checks.Off)
			}
			return nil
		}
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s:%d: %s: %s: want error, warning, info or off", name, v.Line, what, yamlerr.Excerpt(key))
		}
		level, err := checks.ParseLevel(v.Value)
		if err != nil {
			return fmt.Errorf("%s:%d: %s: %s: %v", name, v.Line, what, yamlerr.Excerpt(key), err)
		}
		if line, dup := named[key]; dup {
			return fmt.Errorf("%s:%d: %s: %s is already set on line %d", name, k.Line, what, key, line)
		}
		named[key] = k.Line
		if err := b.Set(key, level); err != nil {
			return fmt.Errorf("%s:%d: %s: %v", name, k.Line, what, err)
		}
		return nil
	})
	return b, err
}

// practiceFindings runs the checks on the render the collector saw and
// applies the template's ignore comments: it returns the findings, in
// template coordinates, with those about the comments themselves, and how
// many findings the comments silenced.
func practiceFindings(col *checks.Collector, levels checks.Levels, res *engine.Result) (diag.Findings, int) {
	found := col.Run(levels)
	for _, f := range found {
		f.Pos, f.Chain = res.SourceMap.Position(f.Pos.Line, f.Pos.Col)
	}
	ignores := templateIgnores(res)
	if len(ignores) == 0 {
		return found, 0
	}
	kept, suppressed := found[:0], 0
	for _, f := range found {
		if ig := ignoring(ignores, f); ig != nil {
			ig.used[f.Rule] = true
			suppressed++
			continue
		}
		kept = append(kept, f)
	}
	for _, ig := range ignores {
		kept = append(kept, ig.findings(levels)...)
	}
	return kept, suppressed
}

// templateIgnore is an ignore comment at its template position, once
// however often the render repeats that line.
type templateIgnore struct {
	checks.Ignore
	pos   diag.Position
	chain []diag.Position
	used  map[string]bool
}

// templateIgnores reads the ignore comments of the render's output and
// places them in the template.
func templateIgnores(res *engine.Result) []*templateIgnore {
	var out []*templateIgnore
	for _, ig := range checks.ParseIgnores(res.Output) {
		pos, chain := res.SourceMap.Position(ig.Line, ig.Col)
		if slices.ContainsFunc(out, func(t *templateIgnore) bool { return t.pos == pos }) {
			continue
		}
		out = append(out, &templateIgnore{Ignore: ig, pos: pos, chain: chain, used: map[string]bool{}})
	}
	return out
}

// ignoring returns the comment that silences f: a well-formed one naming
// its rule, on f's line or the line above it, in f's file.
func ignoring(ignores []*templateIgnore, f *diag.Finding) *templateIgnore {
	for _, ig := range ignores {
		if ig.Problem == "" && ig.pos.File == f.Pos.File && (ig.pos.Line == f.Pos.Line || ig.pos.Line == f.Pos.Line-1) &&
			slices.Contains(ig.Rules, f.Rule) {
			return ig
		}
	}
	return nil
}

// findings are what is wrong with the comment: no reason or no rule, an
// unknown rule, a rule that cannot be ignored, or a rule that is on here
// and silenced nothing.
func (ig *templateIgnore) findings(levels checks.Levels) diag.Findings {
	var out diag.Findings
	add := func(format string, args ...any) {
		out = append(out, &diag.Finding{Severity: diag.Warning, Rule: checks.RuleIgnore, Pos: ig.pos, Chain: ig.chain,
			Message: fmt.Sprintf(format, args...)})
	}
	if ig.Problem != "" {
		add("this eastern:ignore %s, and silences nothing", ig.Problem)
		return out
	}
	for _, id := range ig.Rules {
		_, on := levels.Severity(id)
		switch {
		case slices.Contains(RuleIDs(), id) && !checks.IsCheck(id):
			add("eastern:ignore %s: only the checks of docs/checks.md can be ignored, not %s", id, id)
		case !checks.IsCheck(id):
			add("eastern:ignore names %q, which is no check (see docs/checks.md)", id)
		case on && !ig.used[id]:
			add("eastern:ignore %s silences nothing here: no %s finding on this line or the next", id, id)
		}
	}
	return out
}

// RuleIDs lists every rule id of docs/rules.md.
func RuleIDs() []string {
	docs := RuleDocs()
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids
}
