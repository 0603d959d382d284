package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/internal/input"
	"github.com/eastern-k8s/eastern/internal/yamlerr"
	"github.com/eastern-k8s/eastern/manifest"
	"github.com/eastern-k8s/eastern/schema"
	"go.yaml.in/yaml/v3"
)

// ConfigFile is the name of eastern's configuration. The nearest one in a
// template's directory or an ancestor, up to its root directory, applies
// to it (see Configs).
const ConfigFile = ".eastern.yaml"

// Config is a parsed .eastern.yaml:
//
//	kubeVersion: "1.29"          # default for every namespace
//	values: {REGISTRY: example.com}
//	namespaces:
//	  production: {kubeVersion: "1.24", values: {REPLICAS: "3"}}
//	  staging: {}
//	exclude: [testdata, "**/*.golden.yaml"]
type Config struct {
	// Path is the file the config was read from, for messages.
	Path string
	// Dir is the absolute directory that holds the file: relative paths
	// in it (exclude) start there. Empty for a config parsed from bytes.
	Dir string
	// KubeVersion is the default release for every namespace; empty when unset.
	KubeVersion string
	// Values are variables for every namespace: --values files and -s
	// override them.
	Values map[string]string
	// Namespaces are listed in file order.
	Namespaces []NamespaceConfig
	// Exclude are doublestar patterns, relative to Dir, of files and
	// directories that are not templates: fixtures, generated output.
	Exclude []string
	// Notes are warnings about the file that do not stop a run: a
	// kubeVersion newer than eastern knows.
	Notes diag.Findings
}

// NamespaceConfig is one entry of the namespaces map.
type NamespaceConfig struct {
	Name string
	// KubeVersion overrides Config.KubeVersion for this namespace; empty when unset.
	KubeVersion string
	// Values override Config.Values for this namespace.
	Values map[string]string
}

// LoadConfig reads the config file at path, one the user named (--config),
// strictly: an unknown key, a duplicate key or a release eastern does not
// know is a *diag.UsageError naming the file, as given, and line. A relative
// path starts from workDir (the process's working directory when empty).
// The file must be a regular file of at most 1 MiB (input.ConfigLimit).
func LoadConfig(workDir, path string) (*Config, error) {
	data, err := input.ReadFile(workDir, path, input.ConfigLimit)
	if err != nil {
		return nil, err
	}
	return parseConfig(path, data)
}

// FindConfig reads ConfigFile in workDir (the process's working directory
// when empty), if there is one (nil, nil when not), as LoadConfig does and
// by the rules templates obey: it is read beneath rootDir (workDir when
// empty, or when workDir lies outside rootDir), so a .eastern.yaml that is
// a symlink out of it is an error, not a read of what it points at.
func FindConfig(workDir, rootDir string) (*Config, error) {
	cwd, err := engine.WorkDir(workDir)
	if err != nil {
		return nil, err
	}
	dir := cwd
	if rootDir != "" {
		if abs := fspath.Abs(cwd, rootDir); fspath.Within(abs, cwd) {
			dir = abs
		}
	}
	root, err := input.OpenDir(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	rel, err := filepath.Rel(dir, filepath.Join(cwd, ConfigFile))
	if err != nil {
		return nil, err
	}
	data, err := root.ReadFile(rel, input.ConfigLimit)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case input.Escapes(err):
		return nil, fmt.Errorf("%s leads outside the root directory %s: not read", ConfigFile, dir)
	case err != nil:
		return nil, fmt.Errorf("%s: %w", ConfigFile, unwrapPath(err))
	}
	return parseConfig(ConfigFile, data)
}

// unwrapPath drops the *fs.PathError wrapper, whose path the caller names.
func unwrapPath(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

// parseConfig is ParseConfig with its mistakes as *diag.UsageError.
func parseConfig(name string, data []byte) (*Config, error) {
	c, err := ParseConfig(name, data)
	if err != nil {
		return nil, diag.Usagef("%v", err)
	}
	return c, nil
}

// ParseConfig parses the contents of a config file; name is used in messages.
func ParseConfig(name string, data []byte) (*Config, error) {
	c := &Config{Path: name}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil // an empty file configures nothing
		}
		line, msg := yamlerr.Position(err, data)
		return nil, fmt.Errorf("%s:%d: %s", name, line, msg)
	}
	// Anything after the first document but the end of the stream is a
	// mistake: a second document or broken YAML, which must not pass
	// silently just because the first document was fine.
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, fmt.Errorf("%s:%d: only one YAML document is allowed", name, extra.Line)
	case !errors.Is(err, io.EOF):
		line, msg := yamlerr.Position(err, data)
		return nil, fmt.Errorf("%s:%d: %s", name, line, msg)
	}
	root := doc.Content[0]
	if isNull(root) {
		return c, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a map with kubeVersion and namespaces", name, root.Line)
	}
	err := eachKey(name, root, func(key string, k, v *yaml.Node) error {
		switch key {
		case "kubeVersion":
			rel, err := c.releaseValue(name, v)
			c.KubeVersion = rel
			return err
		case "values":
			vals, err := parseValueMap(name, "values", v)
			c.Values = vals
			return err
		case "namespaces":
			return c.parseNamespaces(name, v)
		case "exclude":
			pats, err := parseExclude(name, v)
			c.Exclude = pats
			return err
		}
		return fmt.Errorf("%s:%d: unknown key \"%s\" (want kubeVersion, values, namespaces or exclude)", name, k.Line, yamlerr.Excerpt(key))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) parseNamespaces(name string, m *yaml.Node) error {
	if isNull(m) {
		return nil
	}
	if m.Kind != yaml.MappingNode {
		return fmt.Errorf("%s:%d: namespaces: want a map of namespace names", name, m.Line)
	}
	return eachKey(name, m, func(ns string, k, v *yaml.Node) error {
		if err := manifest.CheckNamespace(ns); err != nil {
			return fmt.Errorf("%s:%d: %v", name, k.Line, err)
		}
		entry := NamespaceConfig{Name: ns}
		if !isNull(v) {
			if v.Kind != yaml.MappingNode {
				return fmt.Errorf("%s:%d: namespace %s: want a map such as {kubeVersion: \"1.29\"}", name, v.Line, ns)
			}
			err := eachKey(name, v, func(key string, k, v *yaml.Node) error {
				switch key {
				case "kubeVersion":
					rel, err := c.releaseValue(name, v)
					entry.KubeVersion = rel
					return err
				case "values":
					vals, err := parseValueMap(name, "namespace "+ns+": values", v)
					entry.Values = vals
					return err
				}
				return fmt.Errorf("%s:%d: namespace %s: unknown key \"%s\" (want kubeVersion or values)", name, k.Line, ns, yamlerr.Excerpt(key))
			})
			if err != nil {
				return err
			}
		}
		c.Namespaces = append(c.Namespaces, entry)
		return nil
	})
}

// parseValueMap reads a map of variables, each scalar taken exactly as
// written (1.10 stays 1.10), as --values files are read.
func parseValueMap(name, what string, m *yaml.Node) (map[string]string, error) {
	if isNull(m) {
		return nil, nil
	}
	if m.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: %s: want a map of variables such as {IMAGE_TAG: \"1.4\"}", name, m.Line, what)
	}
	vals := map[string]string{}
	err := eachKey(name, m, func(key string, k, v *yaml.Node) error {
		if err := engine.CheckVarName(key); err != nil {
			return fmt.Errorf("%s:%d: %s: %v", name, k.Line, what, err)
		}
		if v.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s:%d: %s: %s is not a plain value", name, v.Line, what, key)
		}
		vals[key] = v.Value
		if isNull(v) && v.Style == 0 {
			vals[key] = ""
		}
		return nil
	})
	return vals, err
}

// parseExclude reads the exclude list: doublestar patterns, relative to
// the config's directory.
func parseExclude(name string, v *yaml.Node) ([]string, error) {
	if isNull(v) {
		return nil, nil
	}
	if v.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s:%d: exclude: want a list of paths or globs", name, v.Line)
	}
	var pats []string
	for _, p := range v.Content {
		if p.Kind != yaml.ScalarNode || isNull(p) || p.Value == "" {
			return nil, fmt.Errorf("%s:%d: exclude: want a path or glob", name, p.Line)
		}
		pat := path.Clean(filepath.ToSlash(p.Value))
		if path.IsAbs(pat) || pat == ".." || strings.HasPrefix(pat, "../") || !doublestar.ValidatePattern(pat) {
			return nil, fmt.Errorf("%s:%d: exclude: %q is not a glob below the config's directory", name, p.Line, yamlerr.Excerpt(p.Value))
		}
		pats = append(pats, pat)
	}
	return pats, nil
}

// Excludes reports whether the file or directory at abs, an absolute path
// below Dir, matches an exclude pattern, itself or through a directory it
// lies in.
func (c *Config) Excludes(abs string) bool {
	if c == nil || len(c.Exclude) == 0 || c.Dir == "" {
		return false
	}
	rel, err := filepath.Rel(c.Dir, abs)
	if err != nil || !filepath.IsLocal(rel) {
		return false
	}
	rel = filepath.ToSlash(rel)
	for _, pat := range c.Exclude {
		for p := rel; p != "."; p = path.Dir(p) {
			if ok, _ := doublestar.Match(pat, p); ok {
				return true
			}
		}
	}
	return false
}

// eachKey calls fn for each entry of the mapping m, rejecting duplicate and
// non-scalar keys.
func eachKey(name string, m *yaml.Node, fn func(key string, k, v *yaml.Node) error) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if v.Kind == yaml.AliasNode {
			v = v.Alias
		}
		if k.Kind != yaml.ScalarNode {
			return fmt.Errorf("%s:%d: keys must be plain strings", name, k.Line)
		}
		if line, dup := seen[k.Value]; dup {
			return fmt.Errorf("%s:%d: %s is already set on line %d", name, k.Line, k.Value, line)
		}
		seen[k.Value] = k.Line
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

// releaseValue reads a kubeVersion scalar as written, so that an unquoted
// 1.30 stays "1.30" rather than becoming the float 1.3.
func (c *Config) releaseValue(name string, v *yaml.Node) (string, error) {
	if v.Kind != yaml.ScalarNode || isNull(v) {
		return "", fmt.Errorf("%s:%d: kubeVersion: want a release such as \"1.29\"", name, v.Line)
	}
	rel, newer, err := schema.ResolveRelease(v.Value)
	if err != nil {
		return "", fmt.Errorf("%s:%d: kubeVersion: %v", name, v.Line, err)
	}
	if newer {
		c.Notes = append(c.Notes, NewerRelease(v.Value, diag.Position{File: name, Line: v.Line, Col: v.Column}))
	}
	return rel, nil
}

// NewerRelease is the warning that release is newer than eastern knows, at
// pos (the zero Position for a flag).
func NewerRelease(release string, pos diag.Position) *diag.Finding {
	return &diag.Finding{Severity: diag.Warning, Rule: RuleRelease, Pos: pos, Message: schema.NewerNote(release)}
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// ReleaseFor returns the release for namespace: flag (if non-empty) > config
// per-namespace > config default > schema.Newest(). c may be nil.
func (c *Config) ReleaseFor(namespace, flag string) string {
	if flag != "" {
		return flag
	}
	if c != nil {
		for _, ns := range c.Namespaces {
			if ns.Name == namespace && ns.KubeVersion != "" {
				return ns.KubeVersion
			}
		}
		if c.KubeVersion != "" {
			return c.KubeVersion
		}
	}
	return schema.Newest()
}

// VarsFor returns the variables for namespace: the config's values, then
// the namespace's, then over (--values and -s), each winning over the one
// before. c may be nil.
func (c *Config) VarsFor(namespace string, over map[string]string) map[string]string {
	if c == nil {
		return over
	}
	var nsValues map[string]string
	for _, ns := range c.Namespaces {
		if ns.Name == namespace {
			nsValues = ns.Values
		}
	}
	if len(c.Values) == 0 && len(nsValues) == 0 {
		return over
	}
	vars := maps.Clone(c.Values)
	if vars == nil {
		vars = map[string]string{}
	}
	maps.Copy(vars, nsValues)
	maps.Copy(vars, over)
	return vars
}

// NamespaceVarNames returns the names of the variables the config sets
// for some namespace, which a render for another namespace passes as
// engine.Options.OtherVars; nil when it sets none.
func (c *Config) NamespaceVarNames() map[string]bool {
	if c == nil {
		return nil
	}
	var names map[string]bool
	for _, ns := range c.Namespaces {
		for name := range ns.Values {
			if names == nil {
				names = map[string]bool{}
			}
			names[name] = true
		}
	}
	return names
}

// namespaceNames returns the namespaces the config lists, in file order.
func (c *Config) namespaceNames() []string {
	if c == nil {
		return nil
	}
	names := make([]string, len(c.Namespaces))
	for i, ns := range c.Namespaces {
		names[i] = ns.Name
	}
	return names
}
