package engine_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/render from the current output")

// goldenCase is testdata/render/<case>/case.json. The template tree lives in
// <case>/in/, which is the working directory of the render.
type goldenCase struct {
	Template   string            `json:"template"`   // path under in/; "-" reads Stdin
	Stdin      string            `json:"stdin"`      // file under in/ fed as standard input
	BaseDir    string            `json:"baseDir"`    // Options.BaseDir
	Root       string            `json:"root"`       // Options.RootDir
	Namespaces []string          `json:"namespaces"` // one render each; [""] when empty
	Vars       map[string]string `json:"vars"`
	Strict     bool              `json:"strict"`
	OtherVars  []string          `json:"otherVars"` // Options.OtherVars
}

// TestGolden renders every case under testdata/render and compares, per
// namespace, the output (out.<ns>.yaml), or the errors (errors.<ns>.txt),
// and the warnings (warnings.<ns>.txt; absent when there are none).
func TestGolden(t *testing.T) {
	t.Parallel()
	cases, err := filepath.Glob("../testdata/render/*/case.json")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no golden cases found: %v", err)
	}
	for _, casePath := range cases {
		dir, err := filepath.Abs(filepath.Dir(casePath))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var c goldenCase
			data, err := os.ReadFile(filepath.Join(dir, "case.json"))
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(data, &c); err != nil {
				t.Fatalf("case.json: %v", err)
			}
			if len(c.Namespaces) == 0 {
				c.Namespaces = []string{""}
			}
			for _, ns := range c.Namespaces {
				out, errs, warns := renderCase(t, c, ns, filepath.Join(dir, "in"))
				name := ns
				if name == "" {
					name = engine.DefaultNamespace
				}
				checkGolden(t, filepath.Join(dir, "out."+name+".yaml"), out)
				checkGolden(t, filepath.Join(dir, "errors."+name+".txt"), errs)
				checkGolden(t, filepath.Join(dir, "warnings."+name+".txt"), warns)
			}
		})
	}
}

func renderCase(t *testing.T, c goldenCase, ns, workDir string) (out, errs, warns string) {
	t.Helper()
	opts := engine.Options{Namespace: ns, Vars: c.Vars, RootDir: c.Root, BaseDir: c.BaseDir, Strict: c.Strict, WorkDir: workDir}
	for _, name := range c.OtherVars {
		if opts.OtherVars == nil {
			opts.OtherVars = map[string]bool{}
		}
		opts.OtherVars[name] = true
	}
	var res *engine.Result
	var err error
	if c.Template == "-" {
		in, ferr := os.Open(filepath.Join(workDir, c.Stdin))
		if ferr != nil {
			t.Fatal(ferr)
		}
		defer in.Close()
		res, err = engine.Render(in, "", opts)
	} else {
		res, err = engine.RenderFile(c.Template, opts)
	}
	if res == nil {
		t.Fatal("render returned a nil Result")
	}
	if err != nil {
		if res.Output != nil {
			t.Errorf("failed render returned output %q", res.Output)
		}
		errs = lines(diag.Collect(err))
	} else if res.SourceMap.Len() != strings.Count(string(res.Output), "\n")+boolInt(!strings.HasSuffix(string(res.Output), "\n") && len(res.Output) > 0) {
		t.Errorf("source map has %d lines for %d output lines", res.SourceMap.Len(), strings.Count(string(res.Output), "\n"))
	}
	return string(res.Output), errs, lines(res.Warnings)
}

func lines(fs diag.Findings) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Severity.String() + " [" + f.Rule + "] " + f.Error() + "\n")
	}
	return b.String()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkGolden compares got with the file at path; an empty got means the
// file must not exist. With -update it writes (or removes) the file instead.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if got == "" {
			os.Remove(path)
			return
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		if got != "" {
			t.Errorf("%s does not exist, but got:\n%s", filepath.Base(path), got)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("%s differs\n--- want\n%s\n--- got\n%s", filepath.Base(path), want, got)
	}
}
