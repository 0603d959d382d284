package checks

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// TestSelectorMatchesKubernetes holds selector to
// k8s.io/apimachinery's reading of a LabelSelector on random selectors
// and label sets over a small alphabet, so that every operator meets
// present, absent and differing labels.
func TestSelectorMatchesKubernetes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	keys, values := []string{"app", "tier", "env"}, []string{"a", "b", "c"}
	ops := []metav1.LabelSelectorOperator{metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn, metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist}
	pick := func(list []string) []string {
		var out []string
		for _, v := range list {
			if r.IntN(2) == 0 {
				out = append(out, v)
			}
		}
		return out
	}
	for i := range 5000 {
		var ls metav1.LabelSelector
		if r.IntN(2) == 0 {
			ls.MatchLabels = map[string]string{}
			for _, k := range pick(keys) {
				ls.MatchLabels[k] = values[r.IntN(len(values))]
			}
		}
		for range r.IntN(3) {
			e := metav1.LabelSelectorRequirement{Key: keys[r.IntN(len(keys))], Operator: ops[r.IntN(len(ops))]}
			if e.Operator == metav1.LabelSelectorOpIn || e.Operator == metav1.LabelSelectorOpNotIn {
				e.Values = append(pick(values), values[r.IntN(len(values))])
			}
			ls.MatchExpressions = append(ls.MatchExpressions, e)
		}
		set := map[string]string{}
		for _, k := range pick(keys) {
			set[k] = values[r.IntN(len(values))]
		}
		want, err := metav1.LabelSelectorAsSelector(&ls)
		if err != nil {
			t.Fatal(err)
		}
		src, err := yamlOf(ls)
		if err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
			t.Fatal(err)
		}
		var have labelSet
		for k, v := range set {
			have = append(have, k, v)
		}
		got := parseSelector(doc.Content[0]).matches(have)
		if got != want.Matches(labels.Set(set)) {
			t.Fatalf("case %d: selector\n%s\non %v: got %v, Kubernetes says %v", i, src, set, got, !got)
		}
		if direct := selectorMatches(doc.Content[0], have); direct != got {
			t.Fatalf("case %d: selector\n%s\non %v: selectorMatches %v, parseSelector %v", i, src, set, direct, got)
		}
	}
	if parseSelector(nil).matches(labelSet{"app", "a"}) {
		t.Error("no selector matched; Kubernetes' nil selector matches nothing")
	}
}

// yamlOf writes a LabelSelector as a template would.
func yamlOf(ls metav1.LabelSelector) (string, error) {
	var b strings.Builder
	b.WriteString("matchLabels:\n")
	for k, v := range ls.MatchLabels {
		fmt.Fprintf(&b, "  %s: %s\n", k, v)
	}
	if len(ls.MatchLabels) == 0 {
		b.Reset()
		b.WriteString("matchLabels: {}\n")
	}
	b.WriteString("matchExpressions:\n")
	for _, e := range ls.MatchExpressions {
		fmt.Fprintf(&b, "  - key: %s\n    operator: %s\n", e.Key, e.Operator)
		if len(e.Values) > 0 {
			fmt.Fprintf(&b, "    values: [%s]\n", strings.Join(e.Values, ", "))
		}
	}
	if len(ls.MatchExpressions) == 0 {
		b.WriteString("  []\n")
	}
	return b.String(), nil
}

func TestFloating(t *testing.T) {
	for _, c := range []struct {
		tag  string
		want bool
	}{
		{"latest", true}, {"stable", true}, {"Main", true}, {"", true},
		{"1", true}, {"1.4", true}, {"v2", true}, {"3.12-slim", true}, {"1.4-alpine", true},
		{"1.4.2", false}, {"v1.4.2", false}, {"1.4.2-alpine", false}, {"a1b2c3d", false},
		{"20240101", false}, {"1234", false}, {"16", true},
		{"1.4rc1", false}, {"1..4", false}, {"release-2024", false},
	} {
		if got := floating(c.tag); got != c.want {
			t.Errorf("floating(%q) = %v, want %v", c.tag, got, c.want)
		}
	}
}

func TestParseImage(t *testing.T) {
	for _, c := range []struct {
		image, tag string
		digest     bool
	}{
		{"nginx", "", false},
		{"nginx:1.27", "1.27", false},
		{"registry:5000/team/app", "", false},
		{"registry:5000/team/app:v1", "v1", false},
		{"app@sha256:abc", "", true},
		{"app:1.0@sha256:abc", "1.0", true},
	} {
		got := parseImage(c.image)
		if got.tag != c.tag || got.digest != c.digest {
			t.Errorf("parseImage(%q) = %+v, want tag %q digest %v", c.image, got, c.tag, c.digest)
		}
	}
}

func TestParseIgnores(t *testing.T) {
	out := strings.Join([]string{
		"a: 1",
		"  # eastern:ignore image.latest-tag -- pinned by CI", // line 2
		"b: 2 # eastern:ignore a.b,c.d -- two",                // line 3
		"c: 3 #eastern:ignore x.y",                            // line 4: no reason
		"d: \"#eastern:ignore x -- in a string\"",             // not a comment
		"e: 5 # eastern:ignored -- another word",
		"# eastern:ignore -- no rule", // line 7
		"f: a#eastern:ignore x -- part of the value",
	}, "\n")
	got := ParseIgnores([]byte(out))
	want := []Ignore{
		{Line: 2, Col: 3, Rules: []string{"image.latest-tag"}, Reason: "pinned by CI"},
		{Line: 3, Col: 6, Rules: []string{"a.b", "c.d"}, Reason: "two"},
		{Line: 4, Col: 6, Rules: []string{"x.y"}, Problem: "gives no reason: want # eastern:ignore x.y -- reason"},
		{Line: 7, Col: 1, Reason: "no rule", Problem: "names no rule: want # eastern:ignore rule-id[,rule-id] -- reason"},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("ParseIgnores:\n got %+v\nwant %+v", got, want)
	}
}

// TestResolve: the precedence of settings — rule over group, then the
// later layer — and the built-in severities underneath.
func TestResolve(t *testing.T) {
	block := func(entries ...string) Block {
		b, err := ParseFlag(entries)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, c := range []struct {
		name   string
		layers []Block
		rule   string
		want   string // severity, or "off"
	}{
		{"built-in practice", nil, RuleLatestTag, "info"},
		{"built-in security", nil, RuleRunAsRoot, "warning"},
		{"built-in reference", nil, RuleServiceSelector, "warning"},
		{"built-in cluster reference", nil, RuleSecret, "info"},
		{"group", []Block{block("practices=error")}, RuleRunAsRoot, "error"},
		{"all", []Block{block("all=off")}, RuleSecret, "off"},
		{"rule beats group in one layer", []Block{block("practices=error,-image.latest-tag")}, RuleLatestTag, "off"},
		{"default's rule beats namespace's group", []Block{block("-image.latest-tag"), block("practices=error")}, RuleLatestTag, "off"},
		{"namespace's rule beats default's rule", []Block{block("-image.latest-tag"), block("image.latest-tag=warning")}, RuleLatestTag, "warning"},
		{"later group wins", []Block{block("practices=warning"), block("practices=error")}, RuleRequests, "error"},
		{"flag + restores the built-in", []Block{block("references=off"), {}, block("+reference.secret")}, RuleSecret, "info"},
		{"other group untouched", []Block{block("practices=off")}, RuleBackend, "warning"},
	} {
		sev, on := Resolve(c.layers...).Severity(c.rule)
		got := "off"
		if on {
			got = sev.String()
		}
		if got != c.want {
			t.Errorf("%s: %s is %s, want %s", c.name, c.rule, got, c.want)
		}
	}
	if (Levels{}).Any() {
		t.Error("the zero Levels has a check on")
	}
}

func TestParseFlagErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"practices", `--checks "practices": want NAME=LEVEL, -NAME or +NAME, such as practices=error or -image.latest-tag`},
		{"practices=fatal", `--checks "practices=fatal": unknown level "fatal" (want error, warning, info or off)`},
		{"-image.lates-tag", `--checks "-image.lates-tag": unknown check "image.lates-tag" (want practices, references, all or a rule id of docs/checks.md)`},
		{"schema.type=off", `--checks "schema.type=off": unknown check "schema.type" (want practices, references, all or a rule id of docs/checks.md)`},
	} {
		_, err := ParseFlag([]string{c.in})
		if err == nil || err.Error() != c.want {
			t.Errorf("ParseFlag(%q) = %v, want %s", c.in, err, c.want)
		}
	}
}

var (
	headingPattern  = regexp.MustCompile("^### `([a-z.-]+)`$")
	severityPattern = regexp.MustCompile(`^\*\*(error|warning|info)\*\* · `)
	linkPattern     = regexp.MustCompile(`\]\((https://(kubernetes\.io|gateway-api\.sigs\.k8s\.io)/[^)]+)\)`)
)

// TestDocumented: docs/checks.md has a section for every check, in the
// order of All, that opens with the built-in severity and links to the
// Kubernetes documentation; docs/rules.md gives the same severities.
func TestDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "checks.md"))
	if err != nil {
		t.Fatal(err)
	}
	type section struct {
		id, severity string
		link         bool
	}
	var sections []section
	for line := range strings.SplitSeq(string(data), "\n") {
		if m := headingPattern.FindStringSubmatch(line); m != nil {
			sections = append(sections, section{id: m[1]})
			continue
		}
		if len(sections) == 0 {
			continue
		}
		s := &sections[len(sections)-1]
		if m := severityPattern.FindStringSubmatch(line); m != nil && s.severity == "" {
			s.severity = m[1]
		}
		s.link = s.link || linkPattern.MatchString(line)
	}
	rules := All()
	if len(sections) != len(rules) {
		t.Errorf("docs/checks.md has %d rule sections, want %d", len(sections), len(rules))
	}
	for i := range min(len(sections), len(rules)) {
		s, r := sections[i], rules[i]
		switch {
		case s.id != r.ID:
			t.Errorf("section %d of docs/checks.md is %s, want %s (the order of All)", i+1, s.id, r.ID)
		case s.severity != r.Severity.String():
			t.Errorf("docs/checks.md: %s is %q, want **%s**", s.id, s.severity, r.Severity)
		case !s.link:
			t.Errorf("docs/checks.md: %s links to no Kubernetes documentation", s.id)
		}
	}
	rows, err := os.ReadFile(filepath.Join("..", "docs", "rules.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		row := fmt.Sprintf("| `%s` | %s |", r.ID, r.Severity)
		if !strings.Contains(string(rows), row) {
			t.Errorf("docs/rules.md has no row starting %s", row)
		}
	}
	if !slices.Contains(Rules(), RuleIgnore) {
		t.Error("Rules leaves out lint.ignore")
	}
}

// FuzzParseIgnores: any output parses without a panic, into comments on
// its own lines, each with rules or a problem.
func FuzzParseIgnores(f *testing.F) {
	f.Add([]byte("a: 1 # eastern:ignore x.y -- why\n# eastern:ignore\n"))
	f.Add([]byte("#eastern:ignore a,b --"))
	f.Fuzz(func(t *testing.T, out []byte) {
		lines := strings.Count(string(out), "\n") + 1
		for _, ig := range ParseIgnores(out) {
			if ig.Line < 1 || ig.Line > lines || ig.Col < 1 {
				t.Fatalf("ignore at %d:%d in an output of %d lines", ig.Line, ig.Col, lines)
			}
			if ig.Problem == "" && (len(ig.Rules) == 0 || ig.Reason == "") {
				t.Fatalf("%+v has neither rules and a reason nor a problem", ig)
			}
		}
	})
}
