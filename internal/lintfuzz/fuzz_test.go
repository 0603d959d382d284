// FuzzLint fuzzes eastern lint's path after the render: a rendered stream
// through validator.Validate and every report format. It lives in a
// package of its own so that the validator's tests do not depend on
// package report.
package lintfuzz_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/lintfuzz"
	"github.com/eastern-k8s/eastern/report"
	"github.com/eastern-k8s/eastern/schema"
	"github.com/eastern-k8s/eastern/validator"
)

// FuzzLint checks that no rendered output makes validation or a report
// panic, place a finding outside the output, or write a report that is
// not one line per finding (text, github), valid JSON or well-formed XML.
// The alias budget, the findings limit and linear duplicate keys keep each
// input well under a second.
func FuzzLint(f *testing.F) {
	for _, seed := range seeds(f) {
		f.Add(seed)
	}
	f.Fuzz(checkLint)
}

// checkLint validates out at the newest and an old release and writes the
// findings in every format, as eastern lint does.
func checkLint(t *testing.T, out []byte) {
	r := &report.Report{FailOn: diag.Error, Summary: report.Summary{Templates: 1, Namespaces: 1}}
	for _, release := range []string{schema.Newest(), "1.16"} {
		fs, objects := validator.Validate(out, validator.Options{Release: release, Namespace: "default"})
		if err := lintfuzz.Inside(out, fs); err != nil {
			t.Fatalf("at %s: %v", release, err)
		}
		c := diag.Check{Template: "app.yaml", Namespace: "default", Release: release, Findings: fs}
		for _, o := range objects {
			c.Objects = append(c.Objects, o.Label())
		}
		for _, f := range fs {
			// What lint adds; the source map of a real render would
			// move Pos to template lines.
			f.Pos.File, f.Template, f.Namespace = "app.yaml", "app.yaml", "default"
		}
		r.Findings = append(r.Findings, fs...)
		r.Checks = append(r.Checks, c)
		r.Summary.Objects += len(objects)
	}
	r.Summary.CountFindings(r.Findings)
	for _, format := range report.Formats {
		w, err := report.New(format, false)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := w.Write(&buf, r); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if err := checkFormat(format, buf.Bytes(), len(r.Findings)); err != nil {
			t.Errorf("%s output: %v\n%.2000s", format, err, buf.Bytes())
		}
	}
}

// checkFormat checks one format's output for a report of n findings.
func checkFormat(format string, out []byte, n int) error {
	switch format {
	case "text", "github":
		// One line per finding, then the summary; nothing else a terminal
		// or GitHub's log would take for a line break or a control code.
		if got := bytes.Count(out, []byte("\n")); got != n+1 || !bytes.HasSuffix(out, []byte("\n")) {
			return fmt.Errorf("%d lines, want %d findings and the summary", got, n)
		}
		if i := bytes.IndexFunc(out, func(r rune) bool { return r != '\n' && !unicode.IsGraphic(r) }); i >= 0 {
			r, _ := utf8.DecodeRune(out[i:])
			return fmt.Errorf("unescaped %U at byte %d", r, i)
		}
	case "json", "sarif":
		if !json.Valid(out) {
			return errors.New("not valid JSON")
		}
	case "junit", "checkstyle":
		dec := xml.NewDecoder(bytes.NewReader(out))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				return fmt.Errorf("not well-formed XML: %w", err)
			}
		}
	}
	return nil
}

// seeds are the cases the limits exist for, scaled to what a fuzzer can
// mutate, and ordinary manifests: the validator's cases and lint's
// example renders.
func seeds(f *testing.F) [][]byte {
	var out [][]byte
	add := func(s string) { out = append(out, []byte(s)) }

	// An alias bomb: an anchor of 1,000 unknown fields aliased 200 times.
	var bomb strings.Builder
	bomb.WriteString("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers:\n      - &c {")
	for i := range 1000 {
		fmt.Fprintf(&bomb, "f%d: 1, ", i)
	}
	bomb.WriteString("}\n" + strings.Repeat("      - *c\n", 200))
	add(bomb.String())
	add("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n  d: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n")
	add("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: a.example.com}\nspec:\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        properties: &p\n          x: {bad: 1, properties: *p, not: {properties: *p}}\n")
	add("a: &a {<<: *a}\n")

	// A mapping of many keys, some repeated (200,000 took minutes).
	var keys strings.Builder
	keys.WriteString("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n")
	for i := range 2000 {
		fmt.Fprintf(&keys, "  k%d: v\n", i%1500)
	}
	add(keys.String())

	// End markers alone.
	add("...\n")
	add("---\n...\n")
	add("# c\n\n... # end\n# after\n")

	// Lone CRs, NEL, LS and PS: line breaks to yaml.v3, not to the source map.
	add("apiVersion: v1\rkind: ConfigMap\rmetadata: {name: a}\rdata: {x: 1}\n")
	add("apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r  name: a\r\ndata: {x: [1\r")
	add("apiVersion: v1\u0085kind: ConfigMap\u2028metadata: {name: a}\u2029data: {x: 1}\n")

	// Control characters and long lines that messages might echo.
	add("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"a\\e[2Jb\\nc\\rd\\u202e\"}\ndata: {\"\\e[31mk\": 1}\n")
	add("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: " + strings.Repeat("x", 10_000) + "\x1b[2J}\n")
	add("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: *" + strings.Repeat("n", 10_000) + "\n")
	add("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n" + strings.Repeat("k", 10_000) + "\n")

	files, err := filepath.Glob("../../validator/testdata/cases/*.yaml")
	if err != nil {
		f.Fatal(err)
	}
	more, _ := filepath.Glob("../../testdata/example/*.yaml")
	for _, name := range append(append(files, "../../validator/testdata/bench.yaml"), more...) {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	if len(files) == 0 || len(more) == 0 {
		f.Fatal("no manifests to seed the corpus with")
	}
	return out
}
