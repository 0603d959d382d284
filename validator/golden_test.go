package validator

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/schema"
)

var update = flag.Bool("update", false, "rewrite testdata/cases/*.golden from the current findings")

// TestGolden validates each testdata/cases/NAME.yaml with the embedded
// schemas at every release its first line names ("# releases: 1.18 1.19";
// "# strict" on that line turns on StrictKinds) and compares the findings
// with NAME@RELEASE.golden, one "line:col severity rule field: message"
// per line.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/cases/*.yaml")
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, in := range inputs {
		src, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		releases, strict := caseHeader(t, in, src)
		for _, rel := range releases {
			name := strings.TrimSuffix(filepath.Base(in), ".yaml") + "@" + rel
			t.Run(name, func(t *testing.T) {
				fs, _ := Validate(src, Options{Release: rel, StrictKinds: strict})
				got := []byte(formatFindings(fs))
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
}

// caseHeader reads "# releases: R1 R2 [# strict]" from a case's first line.
func caseHeader(t *testing.T, name string, src []byte) (releases []string, strict bool) {
	first, _, _ := strings.Cut(string(src), "\n")
	spec, ok := strings.CutPrefix(first, "# releases:")
	if !ok {
		t.Fatalf("%s: first line must be \"# releases: 1.NN ...\"", name)
	}
	spec, flags, _ := strings.Cut(spec, "#")
	strict = strings.TrimSpace(flags) == "strict"
	releases = strings.Fields(spec)
	for _, r := range releases {
		if !schema.Known(r) {
			t.Fatalf("%s: unknown release %q", name, r)
		}
	}
	return releases, strict
}

// TestCorpusIsClean: the real-world corpus must pass at the newest release
// with nothing worse than the custom resource's info finding.
func TestCorpusIsClean(t *testing.T) {
	src, err := os.ReadFile("testdata/cases/corpus.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fs, objects := Validate(src, Options{Release: schema.Newest()})
	for _, f := range fs {
		if f.Severity != diag.Info || f.Rule != "schema.unknown-kind" {
			t.Errorf("unexpected finding: %s", formatFinding(f))
		}
	}
	if fs.Count(diag.Info) != 1 {
		t.Errorf("want exactly one info finding (the custom resource), got:\n%s", formatFindings(fs))
	}
	if len(objects) < 20 {
		t.Errorf("corpus has %d objects, want at least 20", len(objects))
	}
}

// TestAPICorpusIsClean: real-world shaped manifests of every kind the API
// server's rules (package apivalidation) apply to give no finding at all.
func TestAPICorpusIsClean(t *testing.T) {
	src, err := os.ReadFile("testdata/cases/corpus-api.yaml")
	if err != nil {
		t.Fatal(err)
	}
	releases, _ := caseHeader(t, "corpus-api.yaml", src)
	for _, r := range releases {
		fs, objects := Validate(src, Options{Release: r})
		for _, f := range fs {
			t.Errorf("%s: unexpected finding: %s", r, formatFinding(f))
		}
		if len(objects) < 20 {
			t.Errorf("corpus has %d objects, want at least 20", len(objects))
		}
	}
}

// TestConcurrentValidate: lint validates templates in parallel, so
// Validate must give the same answers from many goroutines at once (run
// with -race to check for shared state as well).
func TestConcurrentValidate(t *testing.T) {
	src, err := os.ReadFile("testdata/cases/corpus.yaml")
	if err != nil {
		t.Fatal(err)
	}
	releases := []string{"1.16", "1.21", "1.25", "1.29", "1.37"}
	want := map[string]string{}
	for _, r := range releases {
		fs, _ := Validate(src, Options{Release: r})
		want[r] = formatFindings(fs)
	}
	var wg sync.WaitGroup
	got := make([]string, 4*len(releases))
	for i := range got {
		wg.Go(func() {
			fs, _ := Validate(src, Options{Release: releases[i%len(releases)]})
			got[i] = formatFindings(fs)
		})
	}
	wg.Wait()
	for i, g := range got {
		if r := releases[i%len(releases)]; g != want[r] {
			t.Errorf("goroutine %d at %s:\n%s\nwant:\n%s", i, r, g, want[r])
		}
	}
}
