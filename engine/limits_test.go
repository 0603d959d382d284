package engine_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/engine"
)

// TestLoadBombStops renders ten files of ten loads each, nested ten deep —
// 10¹⁰ loads if nothing stopped it — and expects one limit error, at the
// directive that passed the limit, with the chain of loads that led there.
func TestLoadBombStops(t *testing.T) {
	t.Parallel()
	files := map[string]string{"bomb.yaml": "a:\n  # load! l1.yaml\n"}
	for i := 1; i < 10; i++ {
		files[fmt.Sprintf("l%d.yaml", i)] = strings.Repeat(fmt.Sprintf("# load! l%d.yaml\n", i+1), 10)
	}
	files["l10.yaml"] = "x\n"
	dir := writeTree(t, files)
	fs, _ := renderErrors(t, "bomb.yaml", engine.Options{WorkDir: dir, MaxLoads: 5000})
	if len(fs) != 1 || fs[0].Rule != "render.limit" || !strings.Contains(fs[0].Message, "more than 5000 files") {
		t.Fatalf("got %v, want one render.limit error naming 5000 files", fs)
	}
	if len(fs[0].Chain) == 0 || fs[0].Chain[0].File != "bomb.yaml" {
		t.Errorf("chain %v does not start at bomb.yaml", fs[0].Chain)
	}
}

func TestOutputLimit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		vars  map[string]string
	}{
		{"many lines", map[string]string{"app.yaml": strings.Repeat("# load! p.yaml\n", 200), "p.yaml": strings.Repeat("0123456789\n", 100)}, nil},
		{"one long value", map[string]string{"app.yaml": "a: ${BIG}${BIG}${BIG}\n"}, map[string]string{"BIG": strings.Repeat("x", 40_000)}},
		{"a file larger than the output", map[string]string{"app.yaml": "a:\n  # load! big.yaml\n", "big.yaml": strings.Repeat("k: v\n", 30_000)}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, tt.files)
			fs, _ := renderErrors(t, "app.yaml", engine.Options{WorkDir: dir, Vars: tt.vars, MaxOutput: 100_000})
			if len(fs) != 1 || !strings.Contains(fs[0].Error(), "97.7 KiB") || !strings.Contains(fs[0].Error(), "--max-output") {
				t.Errorf("got %v, want one error naming the 97.7 KiB limit and --max-output", fs)
			}
		})
	}
}

func TestDefaultLimitsRenderLargeTrees(t *testing.T) {
	t.Parallel()
	// 2,000 loads and 1 MB of output are ordinary; the defaults must not
	// get in their way.
	dir := writeTree(t, map[string]string{
		"app.yaml": strings.Repeat("# load! p.yaml\n", 2000),
		"p.yaml":   strings.Repeat("k: 0123456789\n", 40),
	})
	if _, err := engine.RenderFile("app.yaml", engine.Options{WorkDir: dir}); err != nil {
		t.Fatal(err)
	}
}

func TestStdinLimit(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, err := engine.Render(strings.NewReader(strings.Repeat("k: v\n", 1000)), "", engine.Options{BaseDir: dir, MaxOutput: 1000})
	if err == nil || !strings.Contains(err.Error(), "<stdin>") || !strings.Contains(err.Error(), "larger than the output limit") {
		t.Errorf("got %v, want <stdin> is larger than the output limit", err)
	}
}

// TestLoneCarriageReturn: YAML reads a lone CR as a line break, the engine
// does not; such a file is an error at its line instead of a render whose
// directives and lint positions are silently wrong.
func TestLoneCarriageReturn(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"mac.yaml":  "a: 1\rb:\r  # load! p.yaml\r",
		"crlf.yaml": "a: 1\r\nb:\r\n  # load! p.yaml\r\n",
		"app.yaml":  "x:\n  # load! mid.yaml\n",
		"mid.yaml":  "one: 1\ntwo: 2\nthree: 3\r four\n",
		"p.yaml":    "c: 1\n",
	})
	fs, _ := renderErrors(t, "mac.yaml", engine.Options{WorkDir: dir})
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "carriage return without a line feed on line 1") {
		t.Errorf("mac.yaml: got %v", fs)
	}
	fs, _ = renderErrors(t, "app.yaml", engine.Options{WorkDir: dir})
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "mid.yaml has a carriage return without a line feed on line 3") || fs[0].Pos.File != "app.yaml" || fs[0].Pos.Line != 2 {
		t.Errorf("app.yaml: got %v, want the error at app.yaml:2 naming mid.yaml line 3", fs)
	}
	res, err := engine.RenderFile("crlf.yaml", engine.Options{WorkDir: dir})
	if err != nil || string(res.Output) != "a: 1\nb:\n  c: 1\n" {
		t.Errorf("CRLF template: %q, %v", res.Output, err)
	}
}
