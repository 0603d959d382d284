package lint

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/checks"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/report"
	"github.com/eastern-k8s/eastern/schema"
)

func TestParseConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      *Config
		wantErr   string
	}{
		{name: "empty", src: "", want: &Config{Path: "c.yaml"}},
		{name: "full", src: "kubeVersion: \"1.29\"\nnamespaces:\n  production: {kubeVersion: \"1.24\"}\n  staging: {}\n  qa:\n",
			want: &Config{Path: "c.yaml", KubeVersion: "1.29", Namespaces: []NamespaceConfig{{Name: "production", KubeVersion: "1.24"}, {Name: "staging", KubeVersion: ""}, {Name: "qa", KubeVersion: ""}}}},
		{name: "unquoted release keeps its digits", src: "kubeVersion: 1.30\n", want: &Config{Path: "c.yaml", KubeVersion: "1.30"}},
		{name: "patch and v prefix", src: "kubeVersion: v1.24.7\n", want: &Config{Path: "c.yaml", KubeVersion: "1.24"}},
		{name: "unknown top-level key", src: "kubeVersion: \"1.29\"\nnamespace: [a]\n", wantErr: `c.yaml:2: unknown key "namespace" (want kubeVersion, values, namespaces, exclude, crds or checks)`},
		{name: "unknown namespace key", src: "namespaces:\n  prod:\n    kubeversion: \"1.24\"\n", wantErr: `c.yaml:3: namespace prod: unknown key "kubeversion" (want kubeVersion or values)`},
		{name: "release too old", src: "namespaces:\n  prod: {kubeVersion: \"1.15\"}\n", wantErr: `c.yaml:2: kubeVersion: unknown Kubernetes release "1.15"`},
		{name: "not a release", src: "kubeVersion: latest\n", wantErr: `c.yaml:1: kubeVersion: unknown Kubernetes release "latest"`},
		{name: "release newer than eastern knows", src: "namespaces:\n  prod: {kubeVersion: \"1.99\"}\n",
			want: &Config{Path: "c.yaml", Namespaces: []NamespaceConfig{{Name: "prod", KubeVersion: schema.Newest()}}, Notes: diag.Findings{NewerRelease("1.99", diag.Position{File: "c.yaml", Line: 2, Col: 23})}}},
		{name: "values and exclude", src: "values: {REGISTRY: r.example, TAG: 1.10, EMPTY: }\nnamespaces:\n  prod: {values: {TAG: \"2\"}}\nexclude: [testdata, \"./gen/**\", \"**/*.golden.yaml\"]\n",
			want: &Config{Path: "c.yaml", Values: map[string]string{"REGISTRY": "r.example", "TAG": "1.10", "EMPTY": ""},
				Namespaces: []NamespaceConfig{{Name: "prod", Values: map[string]string{"TAG": "2"}}}, Exclude: []string{"testdata", "gen/**", "**/*.golden.yaml"}}},
		{name: "values: NAMESPACE", src: "values: {NAMESPACE: x}\n", wantErr: "c.yaml:1: values: NAMESPACE is set by"},
		{name: "values: not a name", src: "namespaces:\n  prod:\n    values: {\"a b\": x}\n", wantErr: `c.yaml:3: namespace prod: values: "a b" is not a variable name`},
		{name: "values: not flat", src: "values: {A: [1]}\n", wantErr: "c.yaml:1: values: A is not a plain value"},
		{name: "exclude outside", src: "exclude: [../other]\n", wantErr: `c.yaml:1: exclude: "../other" is not a glob below the config's directory`},
		{name: "exclude not a list", src: "exclude: testdata\n", wantErr: "c.yaml:1: exclude: want a list"},
		{name: "duplicate key", src: "kubeVersion: \"1.29\"\nkubeVersion: \"1.28\"\n", wantErr: "c.yaml:2: kubeVersion is already set on line 1"},
		{name: "bad namespace name", src: "namespaces:\n  Prod_1: {}\n", wantErr: `c.yaml:2: namespace "Prod_1": a lowercase RFC 1123 label`},
		{name: "namespaces not a map", src: "namespaces: [a, b]\n", wantErr: "c.yaml:1: namespaces: want a map"},
		{name: "not a map", src: "- a\n", wantErr: "c.yaml:1: want a map"},
		{name: "syntax error", src: "kubeVersion: [\n", wantErr: "c.yaml:1: did not find expected node content"},
		{name: "syntax error without a final newline", src: "kubeVersion: [", wantErr: "c.yaml:1: did not find expected node content"},
		{name: "syntax error in a later line", src: "kubeVersion: \"1.29\"\nnamespaces:\n  prod: {kubeVersion: \"1.24\"\n", wantErr: "c.yaml:3: did not find expected ',' or '}'"},
		{name: "scanner error", src: "kubeVersion: \"1.29\"\nnamespaces:\n\tprod: {}\n", wantErr: "c.yaml:3: found character that cannot start any token"},
		{name: "unknown alias", src: "kubeVersion: \"1.29\"\nnamespaces: *all\n", wantErr: "c.yaml:2: unknown anchor 'all' referenced"},
		{name: "two documents", src: "kubeVersion: \"1.29\"\n---\nkubeVersion: \"1.28\"\n", wantErr: "c.yaml:2: only one YAML document"},
		{name: "syntax error in a second document", src: "kubeVersion: \"1.29\"\n---\nfoo: [\n", wantErr: "c.yaml:3: did not find expected node content"},
		{name: "scanner error in a second document", src: "kubeVersion: \"1.29\"\n---\na: 1\nb: c: d\n", wantErr: "c.yaml:4: mapping values are not allowed in this context"},
		{name: "unknown alias in a second document", src: "kubeVersion: \"1.29\"\n---\na: *nope\n", wantErr: "c.yaml:3: unknown anchor 'nope' referenced"},
		{name: "checks", src: "checks:\n  default: {practices: warning, reference.secret: off}\n  namespaces:\n    production: {practices: error, disable: [image.latest-tag]}\n",
			want: &Config{Path: "c.yaml", Checks: ChecksConfig{
				Default:    checks.Block{Groups: map[string]checks.Level{"practices": checks.Level(diag.Warning)}, Rules: map[string]checks.Level{"reference.secret": checks.Off}},
				Namespaces: map[string]checks.Block{"production": {Groups: map[string]checks.Level{"practices": checks.Level(diag.Error)}, Rules: map[string]checks.Level{"image.latest-tag": checks.Off}}},
			}}},
		{name: "checks not a map", src: "checks: [a]\n", wantErr: "c.yaml:1: checks: want a map with default and namespaces"},
		{name: "checks unknown key", src: "checks:\n  production: {}\n", wantErr: `c.yaml:2: checks: unknown key "production" (want default or namespaces)`},
		{name: "checks unknown level", src: "checks:\n  default: {practices: fatal}\n", wantErr: `c.yaml:2: checks: default: practices: unknown level "fatal" (want error, warning, info or off)`},
		{name: "checks unknown rule", src: "checks:\n  default:\n    image.lates-tag: off\n", wantErr: `c.yaml:3: checks: default: unknown check "image.lates-tag"`},
		{name: "checks disable unknown", src: "checks:\n  namespaces:\n    dev:\n      disable:\n        - schema.type\n", wantErr: `c.yaml:5: checks: namespace dev: disable: "schema.type" is not a check`},
		{name: "checks disable not a list", src: "checks:\n  default: {disable: image.latest-tag}\n", wantErr: `c.yaml:2: checks: default: disable: want a list of rule ids`},
		{name: "checks set and disabled", src: "checks:\n  default:\n    image.latest-tag: error\n    disable: [image.latest-tag]\n", wantErr: `c.yaml:4: checks: default: image.latest-tag is already set on line 3`},
		{name: "checks bad namespace", src: "checks:\n  namespaces:\n    Prod: {}\n", wantErr: `c.yaml:3: checks: namespaces: namespace "Prod"`},
		{name: "checks level not a scalar", src: "checks:\n  default: {practices: [error]}\n", wantErr: `c.yaml:2: checks: default: practices: want error, warning, info or off`},
		{name: "stray content after a document end", src: "kubeVersion: \"1.29\"\n...\n: [\n", wantErr: "c.yaml:3: did not find expected <document start>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig("c.yaml", []byte(tt.src))
			if tt.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want prefix %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReleaseFor(t *testing.T) {
	t.Parallel()
	c := &Config{KubeVersion: "1.29", Namespaces: []NamespaceConfig{{Name: "production", KubeVersion: "1.24"}, {Name: "staging", KubeVersion: ""}}}
	tests := []struct {
		cfg            *Config
		ns, flag, want string
	}{
		{c, "production", "1.30", "1.30"},
		{c, "production", "", "1.24"},
		{c, "staging", "", "1.29"},
		{c, "elsewhere", "", "1.29"},
		{&Config{}, "production", "", schema.Newest()},
		{nil, "production", "", schema.Newest()},
		{nil, "production", "1.16", "1.16"},
	}
	for _, tt := range tests {
		if got := tt.cfg.ReleaseFor(tt.ns, tt.flag); got != tt.want {
			t.Errorf("ReleaseFor(%q, %q) with %+v = %q, want %q", tt.ns, tt.flag, tt.cfg, got, tt.want)
		}
	}
}

func TestMatchSegment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern, name string
		wantNS        string
		ok            bool
	}{
		{"env-${NAMESPACE}.yaml", "env-production.yaml", "production", true},
		{"env-${NAMESPACE}.yaml", "env.yaml", "", false},
		{"env-${NAMESPACE}.yaml", "env-.yaml", "", true},
		{"env-${NAMESPACE}.yaml", "env-production.yml", "", false},
		{"${APP}-${NAMESPACE}.yaml", "web-api-qa.yaml", "api-qa", true},
		{"${NAMESPACE:-default}.yaml", "staging.yaml", "staging", true},
		{"$${NAMESPACE}.yaml", "${NAMESPACE}.yaml", "", true},
		{"$${NAMESPACE}.yaml", "prod.yaml", "", false},
		{"plain.yaml", "plain.yaml", "", true},
		{"${NAMESPACE}", "a", "a", true},
		{"${NAMESPACE}-${NAMESPACE}.yaml", "a-b-a-b.yaml", "a-b", true},
		{"${NAMESPACE}-${NAMESPACE}.yaml", "a-b.yaml", "", false},
		{"${A}-${NAMESPACE}-${B}.yaml", "x-y-z-w.yaml", "y", true},
		// Six adjacent variables against a long name that cannot match:
		// a backtracking matcher tries about 200⁶ splits.
		{"${A}${B}${C}${D}${E}${F}.yaml", strings.Repeat("a", 200), "", false},
		{"${A}${B}${C}${NAMESPACE}${E}${F}.yaml", strings.Repeat("a", 200) + ".yml", "", false},
		{"${A}${B}${C}${NAMESPACE}${E}${F}.yaml", strings.Repeat("a", 200) + ".yaml", "", true},
		// ${NAMESPACE} twice: every value is tried, within a budget that
		// a hostile 240-character name exhausts and real names never do.
		{"${A}${NAMESPACE}${B}${NAMESPACE}${C}${D}1.yaml", strings.Repeat("a", 240) + "7", "", false},
		{"${A}-${NAMESPACE}-${B}-${NAMESPACE}.yaml", "web-production-eu-west-production.yaml", "production", true},
	}
	for _, tt := range tests {
		ns, ok := matchSegment(onlySegment(t, tt.pattern), tt.name, "")
		if ok != tt.ok || ns != tt.wantNS {
			t.Errorf("matchSegment(%q, %q) = %q, %v; want %q, %v", tt.pattern, tt.name, ns, ok, tt.wantNS, tt.ok)
		}
	}
	// A namespace found in an earlier segment must agree with a later one.
	if _, ok := matchSegment(onlySegment(t, "${NAMESPACE}.yaml"), "qa.yaml", "production"); ok {
		t.Error("matchSegment accepted a second, different ${NAMESPACE}")
	}
}

// onlySegment reads a one-segment candidate as lint reads candidates.
func onlySegment(t *testing.T, candidate string) engine.PatternSegment {
	t.Helper()
	p := engine.CandidatePattern("", candidate, nil)
	if len(p) != 1 {
		t.Fatalf("%q has %d segments, want 1", candidate, len(p))
	}
	return p[0]
}

// TestSubstitutedReferenceIsLiteral: a value containing a reference is
// literal text after substitution, not an open variable to match.
func TestSubstitutedReferenceIsLiteral(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"REF": "${X}"}
	if ns, ok := matchSegment(engine.CandidatePattern("", "${REF}-${NAMESPACE}", vars)[0], "${X}-qa", ""); !ok || ns != "qa" {
		t.Errorf("a substituted ${X} matched as a variable: %q, %v", ns, ok)
	}
}

// TestImpliedNamespacesFollowSetVars lints one template whose override
// candidate names the namespace and a region: the regions a set REGION
// rules out imply no namespace, and the overrides stay partials either way.
func TestImpliedNamespacesFollowSetVars(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  # load! r-${NAMESPACE}-${REGION}.yaml, r.yaml\n")
	for _, f := range []string{"r-eu1-eu.yaml", "r-eu2-eu.yaml", "r-us1-us.yaml", "r.yaml"} {
		writeFile(t, filepath.Join(dir, f), "region: x\n")
	}
	tests := []struct {
		vars map[string]string
		want []string
	}{
		{nil, []string{"default", "eu1", "eu2", "us1"}},
		{map[string]string{"REGION": "eu"}, []string{"default", "eu1", "eu2"}},
		{map[string]string{"REGION": "us"}, []string{"default", "us1"}},
		{map[string]string{"REGION": "ap"}, []string{"default"}},
		{map[string]string{"OTHER": "x"}, []string{"default", "eu1", "eu2", "us1"}},
	}
	for _, tt := range tests {
		res, err := Run(Options{Vars: tt.vars, WorkDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(res.Namespaces, tt.want) || !reflect.DeepEqual(res.Templates, []string{"app.yaml"}) {
			t.Errorf("vars %v: namespaces %v, roots %v; want %v and [app.yaml]", tt.vars, res.Namespaces, res.Templates, tt.want)
		}
	}
}

// TestConfigFileIsNotATemplate names the config in every way that reaches
// the same file; none may be linted. Named literally, it is linted as asked.
func TestConfigFileIsNotATemplate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n")
	writeFile(t, filepath.Join(dir, "ci", "lint.yaml"), "kubeVersion: \"1.29\"\n")
	if err := os.Symlink(filepath.Join(dir, "ci"), filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		config string
		paths  []string
		want   []string
	}{
		{"ci/lint.yaml", nil, []string{"app.yaml"}},
		{"./ci/../ci/lint.yaml", []string{"."}, []string{"app.yaml"}},
		{filepath.Join(dir, "ci", "lint.yaml"), []string{"**/*.yaml"}, []string{"app.yaml"}},
		{"link/lint.yaml", []string{"ci", "app.yaml"}, []string{"app.yaml"}},
		{"ci/lint.yaml", []string{"link"}, nil},
		{"ci/lint.yaml", []string{"ci/lint.yaml", "app.yaml"}, []string{"app.yaml", "ci/lint.yaml"}},
		{"", nil, []string{"app.yaml", "ci/lint.yaml"}},
	}
	for _, tt := range tests {
		var cfg *Config
		if tt.config != "" {
			var err error
			if cfg, err = LoadConfig(dir, tt.config); err != nil {
				t.Fatal(err)
			}
		}
		res, err := Run(Options{Paths: tt.paths, Config: cfg, Namespaces: []string{"default"}, WorkDir: dir})
		switch {
		case tt.want == nil:
			var usage *diag.UsageError
			if !errors.As(err, &usage) || !strings.Contains(err.Error(), "no .yaml or .yml templates in link") {
				t.Errorf("--config %s %v: error %v, want no templates", tt.config, tt.paths, err)
			}
		case err != nil:
			t.Errorf("--config %s %v: %v", tt.config, tt.paths, err)
		case !reflect.DeepEqual(res.Templates, tt.want):
			t.Errorf("--config %s %v: templates %v, want %v", tt.config, tt.paths, res.Templates, tt.want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "app.yaml"), "a: 1\n")
	writeFile(t, filepath.Join(dir, "docs", "notes.txt"), "")
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"missing path", Options{Paths: []string{"nope"}}, "nope: no such file or directory"},
		{"no templates", Options{Paths: []string{"docs"}}, "no .yaml or .yml templates in docs"},
		{"glob without templates", Options{Paths: []string{"x/**/*.yaml"}}, "x/**/*.yaml: the pattern matches no template"},
		{"malformed glob", Options{Paths: []string{"[a"}}, "[a: malformed glob pattern"},
		{"paths and templates", Options{Paths: []string{"notes.txt", "app.yaml"}, Templates: []string{"*.yaml"}}, "either PATH arguments or --template"},
		{"empty namespace", Options{Namespaces: []string{"a", ""}}, "namespace is empty"},
		{"bad namespace", Options{Namespaces: []string{"Prod"}}, `namespace "Prod"`},
	}
	for _, tt := range tests {
		tt.opts.WorkDir = dir
		_, err := Run(tt.opts)
		var usage *diag.UsageError
		if !errors.As(err, &usage) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v (%T), want a *diag.UsageError containing %q", tt.name, err, err, tt.want)
		}
	}
}

func TestExpandOnDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, f := range []string{"o/env-prod.yaml", "o/env-qa.yaml", "o/env.yaml", "o/qa/x.yaml", "o/prod/x.yaml", "o/prod/y.yaml", "o/env-dir.yaml/keep"} {
		writeFile(t, filepath.Join(dir, f), "a: 1\n")
	}
	d := &diskIndex{lists: map[dirKey][]engine.Entry{}}
	tree, err := engine.NewCache().Tree(dir, dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := func(p string) []string {
		var out []string
		for _, e := range d.expand(tree, engine.CandidatePattern(dir, p, nil)) {
			rel, _ := filepath.Rel(dir, e.path)
			out = append(out, rel+"@"+e.namespace)
		}
		return out
	}
	tests := []struct {
		pattern string
		want    []string
	}{
		{"o/env-${NAMESPACE}.yaml", []string{"o/env-prod.yaml@prod", "o/env-qa.yaml@qa"}},
		{"o/${NAMESPACE}/x.yaml", []string{"o/prod/x.yaml@prod", "o/qa/x.yaml@qa"}},
		{"o/${NAMESPACE}/${FILE}.yaml", []string{"o/prod/x.yaml@prod", "o/prod/y.yaml@prod", "o/qa/x.yaml@qa"}},
		{"o/env.yaml", []string{"o/env.yaml@"}},
		{"o/missing.yaml", nil},
		{"nowhere/${NAMESPACE}.yaml", nil},
	}
	for _, tt := range tests {
		if g := got(tt.pattern); !reflect.DeepEqual(g, tt.want) {
			t.Errorf("expand(%q) = %v, want %v", tt.pattern, g, tt.want)
		}
	}
}

// TestWorkersDeterministic lints a tree with findings in many templates and
// namespaces with one worker and with many, and wants identical results.
func TestWorkersDeterministic(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "partials/spec.yaml"), "# load! ../overrides/replicas-${NAMESPACE}.yaml, ../overrides/replicas.yaml\nselector: {}\n")
	writeFile(t, filepath.Join(dir, "overrides/replicas.yaml"), "replicas: 1\n")
	writeFile(t, filepath.Join(dir, "overrides/replicas-qa.yaml"), "replicas: \"one\"\n")
	writeFile(t, filepath.Join(dir, "overrides/replicas-prod.yaml"), "replicas: ${PROD_REPLICAS}\n")
	for i := range 40 {
		tpl := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-" + string(rune('a'+i%26)) + "\nspec:\n  # load! ../partials/spec.yaml\n"
		if i%7 == 0 {
			tpl += "  # load! ../missing-${NAMESPACE}.yaml\n"
		}
		writeFile(t, filepath.Join(dir, "apps", "app"+string(rune('a'+i%26))+string(rune('0'+i/26))+".yaml"), tpl)
	}
	one, err := Run(Options{Workers: 1, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	many, err := Run(Options{Workers: 8, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(one.Templates) != 40 || len(one.Namespaces) != 3 || len(one.Findings()) == 0 {
		t.Fatalf("unexpected tree: %d templates, namespaces %v, %d findings", len(one.Templates), one.Namespaces, len(one.Findings()))
	}
	if a, b := textOf(one), textOf(many); a != b {
		t.Errorf("1 worker and 8 workers differ:\n%s\n---\n%s", a, b)
	}
}

func textOf(r *Result) string {
	var b strings.Builder
	report.WriteText(&b, r.Findings(), false)
	return b.String()
}

// TestCheckRenderMapsPositions renders a template whose partial has a
// render warning and checks that CheckRender fills the context and keeps
// template positions.
func TestCheckRenderMapsPositions(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  # load! p.yaml\n")
	writeFile(t, filepath.Join(dir, "p.yaml"), "a: ${UNSET}\n")
	res, err := engine.RenderFile("app.yaml", engine.Options{Namespace: "qa", WorkDir: dir})
	check := CheckRender(res, err, "app.yaml", "qa", "1.24", false)
	if check.Template != "app.yaml" || check.Namespace != "qa" || check.Release != "1.24" || !slices.Equal(check.Objects, []string{"ConfigMap/x"}) {
		t.Errorf("check = %+v, want app.yaml in qa at 1.24 with ConfigMap/x", check)
	}
	var f *diag.Finding
	for _, x := range check.Findings {
		if x.Rule == "render.unset-variable" {
			f = x
		}
	}
	if f == nil {
		t.Fatal("no render.unset-variable finding")
	}
	want := diag.Finding{Severity: diag.Warning, Rule: "render.unset-variable", Pos: diag.Position{File: "p.yaml", Line: 1, Col: 4},
		Template: "app.yaml", Namespace: "qa", Release: "1.24"}
	if f.Severity != want.Severity || f.Rule != want.Rule || f.Pos != want.Pos || f.Template != want.Template || f.Namespace != want.Namespace || f.Release != want.Release {
		t.Errorf("finding = %+v, want %+v", *f, want)
	}
	if len(f.Chain) != 1 || f.Chain[0] != (diag.Position{File: "app.yaml", Line: 6}) {
		t.Errorf("chain = %v, want app.yaml:6", f.Chain)
	}
	// The render result stays the engine's: watch keeps it across checks.
	if w := res.Warnings[0]; w.Template != "" || w.Namespace != "" || w.Release != "" {
		t.Errorf("CheckRender changed the render's own finding: %+v", *w)
	}

	// An output line maps to the template line that made it, through the
	// source map the validator is given.
	if pos, chain := res.SourceMap.Position(6, 6); pos != (diag.Position{File: "p.yaml", Line: 1, Col: 4}) || len(chain) != 1 {
		t.Errorf("output 6:6 mapped to %v via %v, want p.yaml:1:4 via app.yaml:6", pos, chain)
	}
	if pos, _ := res.SourceMap.Position(99, 3); pos.File != "p.yaml" || pos.Line != 1 || pos.Col != 0 {
		t.Errorf("past-the-end position mapped to %v, want the last line", pos)
	}
	if pos, chain := res.SourceMap.Position(0, 3); pos != (diag.Position{}) || chain != nil {
		t.Errorf("line 0 mapped to %v via %v, want no position", pos, chain)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o666); err != nil {
		t.Fatal(err)
	}
}

// TestLintTreeOutsideWorkingDirectory lints a repository named by its path
// from elsewhere: its templates may load anything inside that tree, as they
// would from inside it, but not beyond it.
func TestLintTreeOutsideWorkingDirectory(t *testing.T) {
	t.Parallel()
	repo := t.TempDir()
	writeFile(t, filepath.Join(repo, "apps/web/app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  labels:\n    # load! ../../partials/labels.yaml\n")
	writeFile(t, filepath.Join(repo, "apps/web/escape.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: escape\n  labels:\n    # load! ../../../outside.yaml\n")
	writeFile(t, filepath.Join(repo, "partials/labels.yaml"), "team: web\n")
	writeFile(t, filepath.Join(filepath.Dir(repo), "outside.yaml"), "team: none\n")
	elsewhere := t.TempDir()
	for _, arg := range []string{repo, filepath.Join(repo, "apps/**/*.yaml")} {
		res, err := Run(Options{Paths: []string{arg}, Namespaces: []string{"default"}, WorkDir: elsewhere})
		if err != nil {
			t.Fatal(err)
		}
		var rules []string
		for _, f := range res.Findings() {
			rules = append(rules, filepath.Base(f.Template)+":"+f.Rule)
		}
		// With a glob, the tree is apps/, so the partials are outside it too.
		want := []string{"app.yaml:render.escape", "escape.yaml:render.escape"}
		if arg == repo {
			want = want[1:]
		}
		if !reflect.DeepEqual(rules, want) {
			t.Errorf("lint %s: findings %v, want %v", arg, rules, want)
		}
	}
}
