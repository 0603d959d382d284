package crd_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/crd"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/schema"
	"github.com/eastern-k8s/eastern/validator"
)

var update = flag.Bool("update", false, "rewrite testdata/cases/*.golden from the current findings")

// TestGolden validates each testdata/cases/NAME.yaml — CRDs and custom
// resources in one stream, as a render gives them — at the newest release
// and compares the findings with NAME.golden, one "line:col severity rule
// field: message" per line. A first line "# crds: FILE…" names files of
// testdata/ read as --crds reads them.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/cases/*.yaml")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".yaml")
		t.Run(name, func(t *testing.T) {
			src, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			cache := crd.NewCache()
			var files []*crd.File
			var notes diag.Findings
			first, _, _ := strings.Cut(string(src), "\n")
			if list, ok := strings.CutPrefix(first, "# crds:"); ok {
				for _, f := range strings.Fields(list) {
					data, err := os.ReadFile(filepath.Join("testdata", f))
					if err != nil {
						t.Fatal(err)
					}
					file := cache.ReadFile(f, data)
					files = append(files, file)
					notes = append(notes, file.Findings...)
				}
			}
			set, conflicts := crd.NewSet(cache, files...)
			notes = append(notes, conflicts...)
			fs, objects := validator.Validate(src, validator.Options{Release: schema.Newest(), Namespace: "default", CRDs: set.Output(cache)})
			var b strings.Builder
			for _, f := range notes {
				fmt.Fprintf(&b, "%s:%d:%d %s %s %s: %s\n", f.Pos.File, f.Pos.Line, f.Pos.Col, f.Severity, f.Rule, f.Field, f.Message)
			}
			for _, f := range fs {
				fmt.Fprintf(&b, "%d:%d %s %s %s: %s\n", f.Pos.Line, f.Pos.Col, f.Severity, f.Rule, f.Field, f.Message)
			}
			byCRD := 0
			for _, o := range objects {
				if o.Coverage == validator.ByCRD {
					byCRD++
				}
			}
			fmt.Fprintf(&b, "-- %d objects, %d checked by a CRD\n", len(objects), byCRD)
			got := []byte(b.String())
			golden := filepath.Join("testdata/cases", name+".golden")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("findings differ from %s:\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}

// A CRD document is compiled once per cache, however many renders hold it.
func TestCacheCompilesOnce(t *testing.T) {
	doc := []byte("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: {name: gadgets.example.com}\n" +
		"spec:\n  group: example.com\n  scope: Namespaced\n  names: {plural: gadgets, kind: Gadget}\n" +
		"  versions:\n  - name: v1\n    served: true\n    storage: true\n    schema:\n      openAPIV3Schema: {type: object}\n")
	cache := crd.NewCache()
	cr := []byte("apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\nspec: {}\n")
	var first *crd.Definition
	for i := range 3 {
		out := (*crd.Set)(nil).Output(cache)
		out.Define(doc)
		ds := cache.Lookup(doc)
		if len(ds) != 1 {
			t.Fatalf("%d CRDs compiled, want 1", len(ds))
		}
		d := ds[0]
		if i == 0 {
			first = d
		} else if d != first {
			t.Errorf("render %d compiled the CRD again", i)
		}
		fs, _ := validator.Validate(append(append(append([]byte{}, doc...), "---\n"...), cr...), validator.Options{Release: schema.Newest(), CRDs: out})
		if len(fs) != 1 || fs[0].Rule != crd.RuleUnknownField {
			t.Errorf("render %d: findings %v, want the unknown field spec", i, fs)
		}
	}
}
