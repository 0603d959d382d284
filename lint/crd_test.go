package lint

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/engine"
)

// The real-world case has no findings because its custom resources are
// valid, not because nothing checks them: the same tree with the typos
// users make gives each its finding, at the template line.
func TestRealWorldCRDsCatchTypos(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "testdata", "lint", "crd-realworld", "in"))); err != nil {
		t.Fatal(err)
	}
	web := filepath.Join(dir, "apps", "web.yaml")
	src, err := os.ReadFile(web)
	if err != nil {
		t.Fatal(err)
	}
	typos := strings.NewReplacer(
		"  selector:\n    matchLabels: {app: web}\n    matchExpressions", "  selectr:\n    matchLabels: {app: web}\n    matchExpressions",
		"algorithm: ECDSA\n    size: 256", "algorithm: ECDSA\n    size: 300",
		"kind: ClusterIssuer\n    group", "kind: ClusterIsuer\n    group",
		"interval: 30s", "interval: 30 seconds",
		"    - record: job:http_requests:rate5m\n", "    - record: job:http_requests:rate5m\n      alert: Both\n",
	)
	if err := os.WriteFile(web, []byte(typos.Replace(string(src))), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := Run(Options{Paths: []string{"apps"}, WorkDir: dir, Namespaces: []string{"staging"}, Configs: mustConfigs(t, dir)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range res.Findings() {
		got = append(got, f.Rule+" "+f.Field)
	}
	want := []string{
		"crd.value spec.issuerRef.kind",
		"crd.cel spec.privateKey",
		"crd.unknown-field spec.selectr",
		"crd.required spec.selector",
		"crd.value spec.endpoints[0].interval",
		"crd.cel spec.groups[0].rules[0]",
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if res.ByCRD != 3 || res.Skipped != 0 {
		t.Errorf("checked by a CRD %d, skipped %d; want 3 and 0", res.ByCRD, res.Skipped)
	}
}

// Each --crds file is read once per run, and the templates of one config
// share one set of compiled CRDs, whatever the number of renders.
func TestCRDFilesReadOncePerRun(t *testing.T) {
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "crds"), os.DirFS(filepath.Join("..", "testdata", "lint", "crd-realworld", "in", "crds"))); err != nil {
		t.Fatal(err)
	}
	for _, app := range []string{"a", "b", "c"} {
		writeFile(t, filepath.Join(dir, "apps", app+".yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "+app+"}\n")
	}
	p, err := NewPlan(Options{Paths: []string{"apps"}, CRDs: []string{"crds", "crds/*.yaml"}, Namespaces: []string{"x", "y"}, WorkDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if len(p.Targets) != 6 {
		t.Fatalf("%d targets, want 6", len(p.Targets))
	}
	if n := len(p.crds.files); n != 2 {
		t.Errorf("%d CRD files read, want 2", n)
	}
	for _, tg := range p.Targets {
		if tg.CRDs == nil || tg.CRDs != p.Targets[0].CRDs {
			t.Fatalf("target %s in %s has its own CRD set", tg.Template, tg.Namespace)
		}
	}
	if n := p.Targets[0].CRDs.Len(); n != 3 {
		t.Errorf("the set defines %d kinds, want 3", n)
	}
	if len(p.Notes) != 0 {
		t.Errorf("notes %v: naming a file twice is no conflict", p.Notes)
	}
}

// With --changed, a changed CRD file selects the templates it applies to:
// those of the config that names it, or every template for --crds.
func TestChangedCRDFiles(t *testing.T) {
	crdDoc := "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: gadgets.example.com}\n" +
		"spec:\n  group: example.com\n  scope: Namespaced\n  names: {plural: gadgets, kind: Gadget}\n" +
		"  versions:\n  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}}\n"
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n"
	dir := writeTree(t, map[string]string{
		"apps/a/.eastern.yaml":       "crds: [crds]\n",
		"apps/a/crds/gadgets.yaml":   crdDoc,
		"apps/a/app.yaml":            cm,
		"apps/b/app.yaml":            cm,
		"vendor/crds/v1/gadget.yaml": crdDoc,
	})
	for _, tt := range []struct{ changed, want string }{
		// The CRD file lies in the linted tree, so it is a template too.
		{"apps/a/crds/gadgets.yaml", "apps/a/app.yaml apps/a/crds/gadgets.yaml"},
		{"vendor/crds/v1/gadget.yaml", "apps/a/app.yaml apps/a/crds/gadgets.yaml apps/b/app.yaml"},
		{"vendor/other.yaml", ""},
	} {
		res, err := Run(Options{Paths: []string{"apps"}, WorkDir: dir, Configs: mustConfigs(t, dir), CRDs: []string{"vendor/crds/**/*.yaml"},
			Changed: []string{tt.changed}, Namespaces: []string{"default"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(res.Templates, " "); got != tt.want {
			t.Errorf("%s changed: linted %q, want %q", tt.changed, got, tt.want)
		}
	}
}

// eastern watch's check reads --crds again for every render: an edit to a
// CRD takes effect at the next render, and a CRD file that breaks mid-edit
// is a finding, not the end of the watch.
func TestLiveCheckCRDs(t *testing.T) {
	dir := t.TempDir()
	crdFile := filepath.Join(dir, "crds", "gadgets.yaml")
	crdDoc := func(sizeType string) string {
		return "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: gadgets.example.com}\n" +
			"spec:\n  group: example.com\n  scope: Namespaced\n  names: {plural: gadgets, kind: Gadget}\n" +
			"  versions:\n  - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object, properties: {spec: {type: object, properties: {size: {type: " + sizeType + "}}}}}}}\n"
	}
	writeFile(t, crdFile, crdDoc("integer"))
	writeFile(t, filepath.Join(dir, "app.yaml"), "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec: {size: large}\n")
	live, err := NewLiveCheck(LiveOptions{WorkDir: dir, Template: "app.yaml", CRDs: []string{"crds"}})
	if err != nil {
		t.Fatal(err)
	}
	check := func() []string {
		res, err := engine.RenderFile("app.yaml", engine.Options{WorkDir: dir, Namespace: "default"})
		var rules []string
		for _, f := range live.Check(res, err, "default") {
			rules = append(rules, f.Rule)
		}
		return rules
	}
	if got := check(); !slices.Equal(got, []string{"crd.type"}) {
		t.Errorf("findings %v, want crd.type", got)
	}
	writeFile(t, crdFile, crdDoc("string"))
	if got := check(); len(got) != 0 {
		t.Errorf("after the CRD's edit: findings %v, want none", got)
	}
	writeFile(t, crdFile, "spec: [broken\n")
	if got := check(); !slices.Contains(got, "crd.read") || !slices.Contains(got, "schema.unknown-kind") {
		t.Errorf("with a broken CRD file: findings %v, want crd.read and the kind skipped", got)
	}
}
