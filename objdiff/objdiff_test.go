package objdiff

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/manifest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func parse(t *testing.T, text, namespace string) []Object {
	t.Helper()
	objs, err := Parse([]byte(text), namespace)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return objs
}

func TestParse(t *testing.T) {
	out := `# a comment only
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
---
null
---
apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: other}}
- {apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: r}}
---
apiVersion: batch/v1
kind: Job
metadata: {generateName: migrate-}
---
just text
`
	objs := parse(t, out, "production")
	want := []struct {
		key  manifest.Key
		line int
	}{
		{manifest.Key{Group: "apps", Kind: "Deployment", Namespace: "production", Name: "web"}, 2},
		{manifest.Key{Kind: "ConfigMap", Namespace: "other", Name: "a"}, 8},
		{manifest.Key{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole", Namespace: "production", Name: "r"}, 8},
		{manifest.Key{Group: "batch", Kind: "Job", Namespace: "production", Name: "migrate-"}, 14},
		{manifest.Key{Namespace: "production"}, 18},
	}
	if len(objs) != len(want) {
		t.Fatalf("Parse found %d objects, want %d: %+v", len(objs), len(want), objs)
	}
	for i, w := range want {
		if objs[i].Key != w.key || objs[i].Line != w.line {
			t.Errorf("object %d: %+v at line %d, want %+v at line %d", i, objs[i].Key, objs[i].Line, w.key, w.line)
		}
	}
	if got := objs[0].Label(); got != "Deployment/web" {
		t.Errorf("Label = %q", got)
	}
}

func TestParseSyntaxError(t *testing.T) {
	_, err := Parse([]byte("a: 1\n---\nb: [1\n"), "default")
	var se *manifest.SyntaxError
	if !errors.As(err, &se) || se.Line < 2 {
		t.Fatalf("Parse of a broken document: %v, want a *manifest.SyntaxError on line 2 or later", err)
	}
}

func compareText(t *testing.T, before, after string) []Change {
	t.Helper()
	changes, err := Compare(parse(t, before, "ns"), parse(t, after, "ns"))
	if err != nil {
		t.Fatal(err)
	}
	return changes
}

func actions(changes []Change) string {
	var parts []string
	for _, ch := range changes {
		parts = append(parts, ch.Label()+" "+ch.Action.String())
	}
	return strings.Join(parts, ", ")
}

func TestCompare(t *testing.T) {
	const a = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {p: \"1\", q: \"2\"}\n"
	const b = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {z: \"1\"}\n"
	const aReordered = "kind: ConfigMap\ndata:\n  q: \"2\"\n  p: \"1\"\nmetadata:\n  name: a\napiVersion: v1\n"
	const aChanged = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {p: \"1\", q: \"3\"}\n"
	const c = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\n"
	for _, tt := range []struct {
		name, before, after, want string
	}{
		{"documents and keys reordered", a + "---\n" + b, b + "---\n" + aReordered, "ConfigMap/b unchanged, ConfigMap/a unchanged"},
		{"a value changed", a, aChanged, "ConfigMap/a changed"},
		{"added and removed", a, b, "ConfigMap/b added, ConfigMap/a removed"},
		{"another group is another object", a, c, "Deployment/a added, ConfigMap/a removed"},
		{"another namespace is another object", a, strings.Replace(a, "{name: a}", "{name: a, namespace: other}", 1), "ConfigMap/a added, ConfigMap/a removed"},
		{"an object twice pairs in turn", a + "---\n" + aChanged, a + "---\n" + aChanged, "ConfigMap/a unchanged, ConfigMap/a unchanged"},
		{"nothing on either side", "", "# just a comment\n", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := actions(compareText(t, tt.before, tt.after)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	changes := compareText(t, a, aChanged)
	if want := "apiVersion: v1\ndata:\n  p: \"1\"\n  q: \"3\"\nkind: ConfigMap\nmetadata:\n  name: a\n"; string(changes[0].After) != want {
		t.Errorf("After =\n%s\nwant, keys sorted:\n%s", changes[0].After, want)
	}
	added := compareText(t, "", a)
	if added[0].Before != nil || added[0].After == nil {
		t.Errorf("an added object: Before %q, After %q", added[0].Before, added[0].After)
	}
}

// Two namespaces' renders match once their own namespace is stripped.
func TestStripNamespace(t *testing.T) {
	const text = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: shared}\n"
	staging, production := parse(t, text, "staging"), parse(t, text, "production")
	StripNamespace(staging, "staging")
	StripNamespace(production, "production")
	changes, err := Compare(staging, production)
	if err != nil {
		t.Fatal(err)
	}
	if got := actions(changes); got != "ConfigMap/a unchanged, ConfigMap/b unchanged" {
		t.Errorf("got %q", got)
	}
	if staging[1].Key.Namespace != "shared" {
		t.Errorf("an object in another namespace lost it: %+v", staging[1].Key)
	}
}

func TestCompareMasksSecrets(t *testing.T) {
	before := `apiVersion: v1
kind: Secret
metadata: {name: db}
data: {password: b2xk, user: YWRtaW4=, gone: eA==}
`
	after := `apiVersion: v1
kind: Secret
metadata: {name: db}
data: {password: bmV3, user: YWRtaW4=}
stringData: {token: plain}
`
	changes := compareText(t, before, after)
	if len(changes) != 1 || changes[0].Action != Changed {
		t.Fatalf("changes: %s", actions(changes))
	}
	wantBefore := "apiVersion: v1\ndata:\n  gone: '***'\n  password: '*** (before)'\n  user: '***'\nkind: Secret\nmetadata:\n  name: db\n"
	wantAfter := "apiVersion: v1\ndata:\n  password: '*** (after)'\n  user: '***'\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  token: '***'\n"
	if string(changes[0].Before) != wantBefore || string(changes[0].After) != wantAfter {
		t.Errorf("masked:\n%s---\n%s", changes[0].Before, changes[0].After)
	}
	// Only a value changed: the change shows, the values do not.
	same := compareText(t, before, strings.Replace(before, "b2xk", "c2Vj", 1))
	if same[0].Action != Changed || bytes.Contains(same[0].After, []byte("c2Vj")) {
		t.Errorf("a changed value: %v\n%s", same[0].Action, same[0].After)
	}
	if got := compareText(t, before, before); got[0].Action != Unchanged {
		t.Errorf("a Secret against itself: %v", got[0].Action)
	}
	// data that is not a map is masked whole.
	odd := compareText(t, "", "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: c2VjcmV0\n")
	if bytes.Contains(odd[0].After, []byte("c2VjcmV0")) {
		t.Errorf("a Secret's scalar data shows:\n%s", odd[0].After)
	}
	// A ConfigMap is not secret.
	cm := compareText(t, "", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {password: visible}\n")
	if !bytes.Contains(cm[0].After, []byte("visible")) {
		t.Errorf("a ConfigMap's data is masked:\n%s", cm[0].After)
	}
}

// sample is a Diff with one render of each kind: changed, unchanged, only
// after, only before.
func sample(t *testing.T) *Diff {
	t.Helper()
	const web = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n"
	const cm = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {a: \"1\"}\n"
	render := func(template, ns string, before, after *string) Render {
		var b, a []Object
		if before != nil {
			b = parse(t, *before, ns)
		}
		if after != nil {
			a = parse(t, *after, ns)
		}
		changes, err := Compare(b, a)
		if err != nil {
			t.Fatal(err)
		}
		return Render{Template: template, Changes: changes,
			Before: Side{Rev: "origin/main", Namespace: ns, Rendered: before != nil},
			After:  Side{Namespace: ns, Rendered: after != nil}}
	}
	webCM, cmOnly := web+"---\n"+cm, cm
	scaled := strings.Replace(web, "replicas: 2", "replicas: 3", 1) + "---\n" + cm
	return &Diff{Since: "origin/main", MergeBase: "3f2c1ab9d0e1aaaabbbbccccddddeeeeffff0000", Renders: []Render{
		render("apps/web.yaml", "production", &webCM, &scaled),
		render("apps/web.yaml", "staging", &webCM, &webCM),
		render("new.yaml", "default", nil, &cmOnly),
		render("old.yaml", "default", &cmOnly, nil),
	}}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
	}
}

func TestWriteText(t *testing.T) {
	d := sample(t)
	var out bytes.Buffer
	if err := WriteText(&out, d, TextFormat{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.txt", out.Bytes())
	if strings.Contains(out.String(), "\x1b[") {
		t.Error("colour without Color")
	}
	out.Reset()
	if err := WriteText(&out, d, TextFormat{Color: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "\x1b[31m-  replicas: 2\x1b[0m") {
		t.Errorf("no red deletion with Color:\n%q", out.String())
	}
	// Two namespaces, in ASCII.
	d.Since, d.MergeBase = "", ""
	d.Renders = d.Renders[:1]
	d.Renders[0].Before = Side{Namespace: "staging", Rendered: true}
	out.Reset()
	if err := WriteText(&out, d, TextFormat{ASCII: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--- apps/web.yaml [staging] Deployment/web\n+++ apps/web.yaml [production] Deployment/web\n",
		"\nstaging -> production, 1 template: 1 of 1 render changed; objects: 1 changed, 1 unchanged\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("two namespaces: no %q in\n%s", want, out.String())
		}
	}
}

func TestWriteTextNoChange(t *testing.T) {
	d := sample(t)
	d.Renders = d.Renders[1:2]
	var out bytes.Buffer
	if err := WriteText(&out, d, TextFormat{}); err != nil {
		t.Fatal(err)
	}
	if want := "since origin/main, 1 template × 1 namespace: no change (2 objects)\n"; out.String() != want {
		t.Errorf("got %q, want %q", out.String(), want)
	}
}

func TestWriteMarkdown(t *testing.T) {
	var out bytes.Buffer
	if err := WriteMarkdown(&out, sample(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.md", out.Bytes())
	text := out.String()
	rows := regexp.MustCompile(`(?m)^\| (.*) \|$`).FindAllStringSubmatch(text, -1)
	var cells []string
	for _, r := range rows[2:] { // after the header and the alignment row
		cells = append(cells, r[1])
	}
	want := []string{"`apps/web.yaml` | production | 0 | 0 | 1", "`new.yaml` | default (new) | 1 | 0 | 0", "`old.yaml` | default (gone) | 0 | 1 | 0"}
	if strings.Join(cells, "\n") != strings.Join(want, "\n") {
		t.Errorf("table rows:\n%s\nwant\n%s", strings.Join(cells, "\n"), strings.Join(want, "\n"))
	}
	if n := strings.Count(text, "<details>"); n != 3 || strings.Count(text, "</details>") != 3 {
		t.Errorf("%d details blocks, want 3", n)
	}
}

// Rendered content with backticks, HTML and a fence of its own stays in
// its code block; names cannot become markup.
func TestWriteMarkdownCannotBreakOut(t *testing.T) {
	hostile := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  readme: |\n    ```\n    </details>\n    ````````\n    <script>alert(1)</script>\n"
	objs := parse(t, hostile, "default")
	changes, err := Compare(nil, objs)
	if err != nil {
		t.Fatal(err)
	}
	d := &Diff{Since: "main", MergeBase: "abc", Renders: []Render{{
		Template: "a|b`<i>@team #1.yaml", Changes: changes,
		Before: Side{Rev: "main", Namespace: "default"}, After: Side{Namespace: "default", Rendered: true},
	}}}
	var out bytes.Buffer
	if err := WriteMarkdown(&out, d); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	fence := regexp.MustCompile("(?m)^(`{3,})diff$").FindStringSubmatch(text)
	if fence == nil || len(fence[1]) <= 8 {
		t.Fatalf("the fence is not longer than the content's run of 8 backticks:\n%s", text)
	}
	// The block closes only at its own fence, after all the content.
	open := strings.Index(text, fence[0])
	closing := strings.Index(text[open+len(fence[0]):], "\n"+fence[1]+"\n")
	if closing < 0 || !strings.Contains(text[open:open+len(fence[0])+closing], "<script>") {
		t.Errorf("the content is not inside the block:\n%s", text)
	}
	outside := strings.Replace(text, text[open:open+len(fence[0])+closing], "", 1)
	if !strings.Contains(outside, "| ``a\\|b`<i>@team #1.yaml`` |") {
		t.Errorf("the template is not one code span in its cell:\n%s", outside)
	}
	if !strings.Contains(outside, "<summary><code>a|b`&lt;i&gt;@team #1.yaml</code>") {
		t.Errorf("the template is not escaped code in the summary:\n%s", outside)
	}
	// Outside code, nothing of it is left to become markup.
	plain := regexp.MustCompile("``[^\n]*?``|<code>.*?</code>").ReplaceAllString(outside, "")
	for _, bad := range []string{"<script>", "<i>", "@team", "#1"} {
		if strings.Contains(plain, bad) {
			t.Errorf("%q shows outside code:\n%s", bad, plain)
		}
	}
}

func TestWriteJSON(t *testing.T) {
	var out bytes.Buffer
	if err := WriteJSON(&out, sample(t)); err != nil {
		t.Fatal(err)
	}
	golden(t, "sample.json", out.Bytes())
	var got struct {
		Since, MergeBase string
		Summary          map[string]int
		Renders          []struct {
			Template      string
			Before, After struct {
				Rev, Namespace string
				Rendered       bool
			}
			Added, Removed, Changed, Unchanged int
			Objects                            []map[string]string
		}
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Summary["renders"] != 4 || got.Summary["changedRenders"] != 3 || got.Summary["added"] != 1 || got.Summary["removed"] != 1 ||
		got.Summary["changed"] != 1 || got.Summary["unchanged"] != 3 {
		t.Errorf("summary: %v", got.Summary)
	}
	if len(got.Renders) != 4 || got.Renders[2].Before.Rendered || !got.Renders[2].After.Rendered || got.Renders[0].Before.Rev != "origin/main" {
		t.Fatalf("renders: %+v", got.Renders)
	}
	obj := got.Renders[0].Objects[0]
	if obj["action"] != "changed" || obj["group"] != "apps" || obj["kind"] != "Deployment" || obj["namespace"] != "production" ||
		obj["name"] != "web" || !strings.Contains(obj["diff"], "-  replicas: 2\n+  replicas: 3\n") || !strings.Contains(obj["before"], "replicas: 2") {
		t.Errorf("object: %v", obj)
	}
	if n := len(got.Renders[1].Objects); n != 0 {
		t.Errorf("an unchanged render lists %d objects", n)
	}
	// Every key is present, even where empty.
	var raw struct {
		Renders []struct {
			Objects []map[string]any `json:"objects"`
		} `json:"renders"`
	}
	json.Unmarshal(out.Bytes(), &raw)
	for _, key := range []string{"action", "group", "kind", "namespace", "name", "before", "after", "diff"} {
		if _, ok := raw.Renders[2].Objects[0][key]; !ok {
			t.Errorf("an added object lacks %q", key)
		}
	}
	var empty bytes.Buffer
	WriteJSON(&empty, &Diff{})
	if !strings.Contains(empty.String(), `"renders": []`) || !strings.Contains(empty.String(), `"since": ""`) {
		t.Errorf("an empty diff:\n%s", empty.String())
	}
}
