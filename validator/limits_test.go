package validator

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/lintfuzz"
	"github.com/eastern-k8s/eastern/schema"
)

// checkInside fails t for a finding whose position is not in input.
func checkInside(t *testing.T, input []byte, fs diag.Findings) {
	t.Helper()
	if err := lintfuzz.Inside(input, fs); err != nil {
		t.Error(err)
	}
}

// containers returns a Deployment whose containers are an anchored
// container of n unknown fields (and no name), then that many aliases of it.
func aliasedContainers(fields, aliases int) string {
	var b strings.Builder
	b.WriteString("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - &c {image: x, ")
	for i := range fields {
		fmt.Fprintf(&b, "f%d: 1, ", i)
	}
	b.WriteString("}\n")
	b.WriteString(strings.Repeat("      - *c\n", aliases))
	return b.String()
}

// counted returns how many findings fs stands for: those it has, and those
// its lint.truncated finding says were left out.
func counted(t *testing.T, fs diag.Findings) int {
	t.Helper()
	total := len(fs)
	for _, f := range fs {
		if f.Rule == RuleTruncated {
			var n int
			if _, err := fmt.Sscanf(f.Message, "… and %d more findings in this document", &n); err != nil {
				t.Fatalf("%s: %v", formatFinding(f), err)
			}
			total += n - 1
		}
	}
	return total
}

func rules(fs diag.Findings, rule string) diag.Findings {
	var out diag.Findings
	for _, f := range fs {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// treeFixture is the fixture with, at 1.29, a kind whose schema recurses:
// a Tree's spec has children that are Trees.
func treeFixture() *fixture {
	gvkTree := schema.GVK{Group: "example.com", Version: "v1", Kind: "Tree"}
	tree := &schema.Node{Type: schema.Object}
	tree.Fields = []schema.Field{opt("children", arrayOf(tree)), opt("name", tString)}
	fx := newFixture()
	kinds := map[schema.GVK]*schema.Node{gvkTree: kind(opt("spec", tree))}
	for _, gvk := range fx.rels["1.29"].Kinds() {
		kinds[gvk] = fx.rels["1.29"].Kind(gvk)
	}
	fx.rels["1.29"] = schema.NewRelease("1.29", kinds)
	return fx
}

// TestAliasBudget: what aliases and merge keys add to a document's walk is
// bounded by nodes walked, not aliases followed, and a document past the
// budget gets one yaml.alias-budget error instead of the rest of its
// findings. Findings are counted, kept and left out alike: without the
// budget the bomb gives more than a million.
func TestAliasBudget(t *testing.T) {
	var merges strings.Builder
	merges.WriteString("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n")
	for i := range 200 {
		fmt.Fprintf(&merges, "      - &m%d {", i)
		for j := range 1000 {
			fmt.Fprintf(&merges, "m%d_%d: 1, ", i, j)
		}
		merges.WriteString("name: a}\n")
	}
	merges.WriteString("      - <<: [")
	for i := range 200 {
		fmt.Fprintf(&merges, "*m%d, ", i)
	}
	merges.WriteString("]\n")

	// Ten levels of ten aliases of the level below: 10^10 trees.
	laughs := "apiVersion: example.com/v1\nkind: Tree\nmetadata: {name: t}\nspec:\n  children:\n  - &a {name: x}\n"
	for i := 'b'; i <= 'k'; i++ {
		laughs += fmt.Sprintf("  - &%c {children: [%s]}\n", i, strings.Repeat(fmt.Sprintf("*%c, ", i-1), 10))
	}

	tests := []struct {
		name      string
		input     string
		over      bool   // a yaml.alias-budget finding
		at        string // its position
		atMost    int    // findings, kept and left out
		atLeast   int
		reference bool // the findings equal those of the document with aliases expanded
	}{
		{name: "1,000 aliases of 1,000 unknown fields", input: aliasedContainers(1000, 1000), over: true, at: "108:9", atLeast: aliasBudget / 2, atMost: aliasBudget + 2000},
		{name: "merge keys of 200 anchors of 1,000 fields", input: merges.String(), over: true, at: "208:598", atLeast: 200 * 1000, atMost: 200*1000 + aliasBudget + 2},
		{name: "billion laughs", input: laughs, over: true, at: "11:24", atMost: 2},
		{name: "ordinary aliases are walked in full", input: aliasedContainers(20, 50), atLeast: 51 * 21, atMost: 51 * 21},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, _ := validate([]byte(tt.input), Options{Release: "1.29"}, treeFixture())
			total := counted(t, fs)
			if total < tt.atLeast || total > tt.atMost {
				t.Errorf("%d findings, want %d to %d", total, tt.atLeast, tt.atMost)
			}
			over := rules(fs, RuleAliasBudget)
			switch {
			case !tt.over && len(over) > 0:
				t.Errorf("an ordinary document went over the budget: %s", formatFinding(over[0]))
			case tt.over && len(over) != 1:
				t.Errorf("want one %s finding, got %d", RuleAliasBudget, len(over))
			case tt.over:
				want := fmt.Sprintf("%s error %s: this document expands aliases past %d nodes; the rest of it is not checked", tt.at, RuleAliasBudget, aliasBudget)
				if got := formatFinding(over[0]); got != want {
					t.Errorf("got  %s\nwant %s", got, want)
				}
			}
			if len(fs) > maxDocumentFindings+2 {
				t.Errorf("%d findings for one document, want at most %d", len(fs), maxDocumentFindings+2)
			}
			checkInside(t, []byte(tt.input), fs)
		})
	}
}

// TestAliasBudgetStopsFindings: findings made before the budget runs out
// stay, and none that the cut-short walk would make follow: here the
// required template, whose alias is not followed any more, would be
// "missing".
func TestAliasBudgetStopsFindings(t *testing.T) {
	input := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n" +
		"  annotations: {t: &t {spec: {containers: [&c {name: a}" + strings.Repeat(", *c", aliasBudget/3) + "]}}}\n" +
		"spec:\n  template: *t\n"
	fs, _ := validate([]byte(input), Options{Release: "1.29"}, newFixture())
	want := fmt.Sprintf(`5:20 error schema.type metadata.annotations.t: expected string, got object
7:13 error yaml.alias-budget: this document expands aliases past %d nodes; the rest of it is not checked
`, aliasBudget)
	if got := formatFindings(fs); got != want {
		t.Errorf("findings:\n%s\nwant:\n%s", got, want)
	}
}

// TestWalkDepth: an alias that contains itself, under a schema that
// recurses, ends at maxWalkDepth with one yaml.depth warning, and so does
// nesting written out; findings above that depth are kept.
func TestWalkDepth(t *testing.T) {
	fx := treeFixture()
	nested := "apiVersion: example.com/v1\nkind: Tree\nmetadata: {name: t}\nspec: " +
		strings.Repeat("{bad: 1, children: [", 60) + strings.Repeat("]}", 60) + "\n"
	tests := []struct {
		name, input string
		unknown     int // schema.unknown-field findings
	}{
		{"alias that contains itself", "apiVersion: example.com/v1\nkind: Tree\nmetadata: {name: t}\nspec: &t {name: a, children: [*t, {bad: 1}]}\n", 49},
		{"alias that contains itself twice", "apiVersion: example.com/v1\nkind: Tree\nmetadata: {name: t}\nspec: &t {bad: 1, children: [*t, *t]}\n", -1},
		{"nested 60 deep, 120 path segments", nested, 50},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, _ := validate([]byte(tt.input), Options{Release: "1.29"}, fx)
			deep := rules(fs, RuleDepth)
			if len(deep) != 1 || deep[0].Severity != diag.Warning {
				t.Fatalf("want one %s warning:\n%s", RuleDepth, formatFindings(fs))
			}
			if n := len(rules(fs, "schema.unknown-field")); tt.unknown >= 0 && n != tt.unknown {
				t.Errorf("%d unknown fields, want %d:\n%s", n, tt.unknown, formatFindings(fs))
			}
			checkInside(t, []byte(tt.input), fs)
		})
	}
}

// TestFindingLimit: a document reports its first maxDocumentFindings
// findings by position, then one lint.truncated finding, at the first left
// out, as severe as the worst of them. The limit is per document.
func TestFindingLimit(t *testing.T) {
	// The anchor's finding comes first by position but last in the walk
	// (once for each alias), and there are enough findings to cut them
	// while walking.
	var mixed strings.Builder
	mixed.WriteString("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n")
	mixed.WriteString("      - &c {name: a, image: a, zz: 1}\n") // line 8
	for range 300 {
		mixed.WriteString("      - {name: a, image: a, yy: 1}\n") // lines 9 to 308
	}
	mixed.WriteString(strings.Repeat("      - *c\n", 5))

	list := func(name string, items int, last string) string {
		var b strings.Builder
		b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
		for i := range items {
			fmt.Fprintf(&b, "- {apiVersion: extensions/v1beta1, kind: Ingress, metadata: {name: %s%d}}\n", name, i)
		}
		return b.String() + last
	}
	info := "---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: a}\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata: {name: b}\n"
	var widgets strings.Builder
	widgets.WriteString("apiVersion: v1\nkind: List\nitems:\n")
	for i := range 150 {
		fmt.Fprintf(&widgets, "- {apiVersion: example.com/v1, kind: Widget, metadata: {name: w%d}}\n", i)
	}

	tests := []struct {
		name     string
		release  string
		input    string
		lines    []int  // first and last line of the findings kept, when cut
		want     string // the lint.truncated finding, or "" for none
		findings int
	}{
		{"unknown fields", "1.29", mixed.String(), []int{8, 102}, "103:29 error lint.truncated: … and 206 more findings in this document", 101},
		{"warnings, then an error left out", "1.18", list("i", 120, "- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {x: 1}}\n"), []int{4, 103}, "104:16 error lint.truncated: … and 21 more findings in this document", 101},
		{"warnings left out", "1.18", list("i", 120, ""), []int{4, 103}, "104:16 warning lint.truncated: … and 20 more findings in this document", 101},
		{"notes left out", "1.29", widgets.String(), []int{4, 103}, "104:38 info lint.truncated: … and 50 more findings in this document", 101},
		{"exactly the limit", "1.18", list("i", 100, ""), nil, "", 100},
		{"the limit is per document", "1.18", list("i", 100, "") + "---\n" + list("j", 100, "") + info, nil, "", 202},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, _ := validate([]byte(tt.input), Options{Release: tt.release}, newFixture())
			if len(fs) != tt.findings {
				t.Errorf("%d findings, want %d", len(fs), tt.findings)
			}
			cut := rules(fs, RuleTruncated)
			switch {
			case tt.want == "" && len(cut) > 0:
				t.Errorf("cut: %s", formatFinding(cut[0]))
			case tt.want != "" && (len(cut) != 1 || formatFinding(cut[0]) != tt.want):
				t.Errorf("got:\n%s\nwant %s", formatFindings(cut), tt.want)
			}
			if tt.lines != nil && len(cut) == 1 {
				kept := slices.DeleteFunc(slices.Clone(fs), func(f *diag.Finding) bool { return f.Rule == RuleTruncated })
				if first, last := kept[0].Pos.Line, kept[len(kept)-1].Pos.Line; first != tt.lines[0] || last != tt.lines[1] {
					t.Errorf("findings kept from line %d to %d, want %d to %d", first, last, tt.lines[0], tt.lines[1])
				}
				if cut[0].Severity == diag.Error != fs.HasErrors() {
					t.Errorf("HasErrors() = %v with %s", fs.HasErrors(), formatFinding(cut[0]))
				}
			}
			for i := 1; i < len(fs); i++ {
				if byPosition(fs[i-1], fs[i]) > 0 {
					t.Errorf("out of order: %s before %s", formatFinding(fs[i-1]), formatFinding(fs[i]))
				}
			}
		})
	}
}

// TestDuplicateKeysLinear: duplicate keys are found in time linear in the
// mapping's size (200,000 keys took over 90 s when every key was compared
// with every earlier one), with the same findings as before, and mappings
// large and small agree.
func TestDuplicateKeysLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n")
	const keys = 200_000
	for i := range keys {
		fmt.Fprintf(&b, "  k%d: v\n", i)
	}
	b.WriteString("  k7: again\n  \"k7\": and again\n  k199999: last\n  <<: {}\n  <<: {}\n  '<<': quoted\n")
	fs, _ := validate([]byte(b.String()), Options{Release: "1.29"}, newFixture())
	line := 4 + keys
	want := fmt.Sprintf(`%d:3 error yaml.duplicate-key: key "k7" is already defined in this mapping
%d:3 error yaml.duplicate-key: key "k7" is already defined in this mapping
%d:3 error yaml.duplicate-key: key "k199999" is already defined in this mapping
%d:3 error yaml.duplicate-key: key "<<" is already defined in this mapping
%d:3 error validation.data-key data["<<"]: invalid key "<<": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')
`, line+1, line+2, line+3, line+6, line+6)
	if got := formatFindings(fs); got != want {
		t.Errorf("findings:\n%s\nwant:\n%s", got, want)
	}

	// Each mapping size on both sides of smallMapping, flow and block,
	// with repeats near and far.
	for n := smallMapping - 2; n <= smallMapping+2; n++ {
		var keys []string
		for i := range n {
			keys = append(keys, fmt.Sprintf("k%d", i%(n/2+1)))
		}
		flow := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {" + strings.Join(keys, ": v, ") + ": v}\n"
		fs, _ := validate([]byte(flow), Options{Release: "1.29"}, newFixture())
		seen := map[string]bool{}
		var want []string
		col := len("data: {") + 1
		for _, k := range keys {
			if seen[k] {
				want = append(want, fmt.Sprintf("4:%d error yaml.duplicate-key: key %q is already defined in this mapping", col, k))
			}
			seen[k] = true
			col += len(k) + len(": v, ")
		}
		if got, want := formatFindings(fs), strings.Join(want, "\n")+"\n"; got != want {
			t.Errorf("%d keys:\n%s\nwant:\n%s", n, got, want)
		}
	}
}

// TestLargeMerges: merging large mappings keeps the explicit keys and the
// first merged value of each key, like small merges, without comparing
// every key with every other.
func TestLargeMerges(t *testing.T) {
	var b strings.Builder
	b.WriteString("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n")
	b.WriteString("      - &a {name: a, a1: 1, a2: 1, a3: 1, a4: 1, a5: 1, a6: 1, a7: 1, a8: 1, a9: 1, a10: 1, a11: 1, a12: 1, a13: 1, a14: 1, a15: 1, a16: 1, a17: 1, a18: 1}\n")
	b.WriteString("      - &b {name: b, a1: 2, b1: 2, b2: 2}\n")
	b.WriteString("      - <<: [*b, *a]\n") // line 10
	b.WriteString("        a1: 3\n        a2: 3\n        a3: 3\n        a4: 3\n        a5: 3\n        a6: 3\n        a7: 3\n        a8: 3\n        a9: 3\n        a10: 3\n")
	b.WriteString("        a11: 3\n        a12: 3\n        a13: 3\n        a14: 3\n        a15: 3\n        a16: 3\n        a17: 3\n")
	fs, _ := validate([]byte(b.String()), Options{Release: "1.29"}, newFixture())
	var got []string
	for _, f := range fs {
		// The API server's rules (a container without an image) are
		// not what this test is about.
		if strings.HasPrefix(f.Field, "spec.template.spec.containers[2].") && !strings.HasPrefix(f.Rule, "validation.") {
			got = append(got, fmt.Sprintf("%d:%d %s", f.Pos.Line, f.Pos.Col, strings.TrimPrefix(f.Field, "spec.template.spec.containers[2].")))
		}
	}
	// Explicit a1–a17, then b's b1 and b2 (b's a1 loses to the explicit
	// one), then a's a18 (a's name loses to b's).
	var want []string
	for i := 1; i <= 17; i++ {
		want = append(want, fmt.Sprintf("%d:9 a%d", 10+i, i))
	}
	want = append(want, "9:29 b1", "9:36 b2", "8:149 a18")
	slices.SortStableFunc(want, func(a, b string) int {
		var la, ca, lb, cb int
		fmt.Sscanf(a, "%d:%d", &la, &ca)
		fmt.Sscanf(b, "%d:%d", &lb, &cb)
		if la != lb {
			return la - lb
		}
		return ca - cb
	})
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("merged fields reported:\n%s\nwant:\n%s\nall findings:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"), formatFindings(fs))
	}
}

// TestLineBreaks: yaml.v3 also breaks lines at a lone CR (which a value set
// with -s may hold), NEL, LS and PS, but the output's lines, as the
// source map counts them, end at \n only: findings are placed on those.
func TestLineBreaks(t *testing.T) {
	tests := []struct {
		name, input string
		want        []string
		line        int // the line of the first object
	}{
		{
			name:  "lone CRs",
			input: "apiVersion: v1\rkind: ConfigMap\rmetadata: {name: a}\rdata: {x: 1}\n",
			want:  []string{"1:62 error schema.type data.x: expected string, got number"},
			line:  1,
		},
		{
			name:  "CR LF is one line break",
			input: "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata: {name: a}\r\ndata: {x: 1}\r\n",
			want:  []string{"4:11 error schema.type data.x: expected string, got number"},
			line:  1,
		},
		{
			name:  "lone CRs and CR LF in a later document",
			input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\r\n# c\rapiVersion: v1\r\rkind: ConfigMap\nmetadata: {name: b}\rdata:\r\n  x: 1\r  y: 2\n",
			want: []string{
				"7:6 error schema.type data.x: expected string, got number",
				"7:13 error schema.type data.y: expected string, got number",
			},
			line: 1,
		},
		{
			name:  "NEL, LS and PS",
			input: "apiVersion: v1\u0085kind: ConfigMap\u2028metadata: {name: a}\u2029data: {x: 1}\n",
			want:  []string{"1:62 error schema.type data.x: expected string, got number"},
			line:  1,
		},
		{
			name:  "syntax error after lone CRs",
			input: "apiVersion: v1\rkind: ConfigMap\rmetadata: {name: a}\rdata: {x: 1\n",
			want:  []string{"1:0 error yaml.syntax: did not find expected ',' or '}'"},
		},
		{
			name:  "a document that ends in a lone CR",
			input: "apiVersion: v1\rkind: ConfigMap\rmetadata: {name: a}\rdata:\r  x: 1\r",
			want:  []string{"1:63 error schema.type data.x: expected string, got number"},
			line:  1,
		},
		{
			name:  "a lone CR before the object, and one folded in a quoted name",
			input: "# c\rapiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"a\rb\"}\n",
			want:  []string{`3:18 error metadata.name metadata.name: invalid name "a b": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')`},
			line:  1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, objects := validate([]byte(tt.input), Options{Release: "1.29"}, newFixture())
			got := formatFindings(fs)
			if want := strings.Join(tt.want, "\n") + "\n"; got != want {
				t.Errorf("findings:\n%s\nwant:\n%s", got, want)
			}
			if tt.line > 0 && (len(objects) == 0 || objects[0].Line != tt.line) {
				t.Errorf("objects %+v, want the first on line %d", objects, tt.line)
			}
			checkInside(t, []byte(tt.input), fs)
		})
	}
}

// TestLongListsLinear: the API server's rules and the list-map check
// compare items with items and keys with keys; long lists and mappings
// (generated, or written to exhaust a linter) must take linear time. At
// 40,000 items, quadratic checks would take minutes.
func TestLongListsLinear(t *testing.T) {
	const n = 40_000
	var env, labels, data, binary, ports strings.Builder
	for i := range n {
		fmt.Fprintf(&env, "        - {name: V%d, value: x}\n", i%(n-1)) // one repeat, at the end
		fmt.Fprintf(&labels, "        l%d: v\n", i)
		fmt.Fprintf(&data, "  k%d: eA==\n", i)
		fmt.Fprintf(&binary, "  b%d: eA==\n", i)
		fmt.Fprintf(&ports, "  - {name: p%d, port: %d}\n", i, 1+i%65535)
	}
	docs := []struct {
		name, doc string
		want      map[string]int // findings by rule
	}{
		{"env and labels", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector:\n    matchLabels:\n" +
			strings.ReplaceAll(labels.String(), "        ", "      ") + "  template:\n    metadata:\n      labels:\n" +
			labels.String() + "    spec:\n      containers:\n      - name: web\n        image: web\n        env:\n" + env.String(),
			map[string]int{RuleDuplicateItem: 1}},
		{"config map keys", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n" + data.String() + "binaryData:\n" + binary.String(), nil},
		{"service ports", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  ports:\n" + ports.String(), nil},
	}
	for _, d := range docs {
		fs, _ := Validate([]byte(d.doc), Options{Release: schema.Newest()})
		got := map[string]int{}
		for _, f := range fs {
			got[f.Rule]++
		}
		if fmt.Sprint(got) != fmt.Sprint(d.want) && !(len(got) == 0 && len(d.want) == 0) {
			t.Errorf("%s: findings by rule %v, want %v:\n%s", d.name, got, d.want, formatFindings(fs[:min(len(fs), 5)]))
		}
	}
}
