package report

import (
	"errors"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
)

func TestTextLine(t *testing.T) {
	pos := diag.Position{File: "partials/db.yaml", Line: 4, Col: 12}
	tests := []struct {
		name string
		f    diag.Finding
		want string
	}{
		{"bare", diag.Finding{Severity: diag.Error, Message: "boom"}, "error: boom"},
		{"position and rule", diag.Finding{Severity: diag.Warning, Rule: "render.unset-variable", Message: "variable X is not set", Pos: pos},
			"partials/db.yaml:4:12: warning: variable X is not set [render.unset-variable]"},
		{"line only", diag.Finding{Severity: diag.Info, Message: "note", Pos: diag.Position{File: "a.yaml", Line: 2}},
			"a.yaml:2: info: note"},
		{"field", diag.Finding{Severity: diag.Error, Rule: "schema.type", Message: "want integer", Field: "spec.replicas", Pos: pos},
			"partials/db.yaml:4:12: error: spec.replicas: want integer [schema.type]"},
		{"object in namespace on release", diag.Finding{Severity: diag.Error, Rule: "schema.type", Message: "m", Pos: pos,
			Object: "Deployment/web", Namespace: "production", Release: "1.29"},
			"partials/db.yaml:4:12: error: m [schema.type] (Deployment/web in production, k8s 1.29)"},
		{"object only", diag.Finding{Severity: diag.Error, Message: "m", Object: "Service/web"}, "error: m (Service/web)"},
		{"namespace only", diag.Finding{Severity: diag.Error, Message: "m", Namespace: "staging"}, "error: m (in staging)"},
		{"chain ends at the finding's line", diag.Finding{Severity: diag.Error, Rule: "render.load-missing", Message: "m", Pos: pos,
			Chain: []diag.Position{{File: "app.yaml", Line: 22}}},
			"partials/db.yaml:4:12: error: m [render.load-missing] (via app.yaml:22 → partials/db.yaml:4)"},
		{"everything", diag.Finding{Severity: diag.Warning, Rule: "r", Message: "m", Pos: pos, Field: "f",
			Object: "Deployment/web", Namespace: "ns", Release: "1.16", Chain: []diag.Position{{File: "app.yaml", Line: 1}}},
			"partials/db.yaml:4:12: warning: f: m [r] (Deployment/web in ns, k8s 1.16, via app.yaml:1 → partials/db.yaml:4)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := textLine(&tt.f, false); got != tt.want {
				t.Errorf("textLine =\n  %q\nwant\n  %q", got, tt.want)
			}
		})
	}
}

func TestTextLineColor(t *testing.T) {
	tests := []struct {
		sev  diag.Severity
		want string
	}{
		{diag.Info, "a.yaml:1: \x1b[1;36minfo\x1b[0m: m"},
		{diag.Warning, "a.yaml:1: \x1b[1;33mwarning\x1b[0m: m"},
		{diag.Error, "a.yaml:1: \x1b[1;31merror\x1b[0m: m"},
	}
	for _, tt := range tests {
		f := &diag.Finding{Severity: tt.sev, Message: "m", Pos: diag.Position{File: "a.yaml", Line: 1}}
		if got := textLine(f, true); got != tt.want {
			t.Errorf("textLine(%v, color) = %q, want %q", tt.sev, got, tt.want)
		}
		if got := textLine(f, false); strings.Contains(got, "\x1b") {
			t.Errorf("textLine(%v, no color) = %q has an escape code", tt.sev, got)
		}
	}
}

// Formatting must not write into the finding's Chain, even when the slice
// has spare capacity that a careless append would reuse.
func TestTextLineLeavesChainAlone(t *testing.T) {
	backing := []diag.Position{{File: "app.yaml", Line: 1}, {File: "untouched.yaml", Line: 99}}
	f := &diag.Finding{Message: "m", Pos: diag.Position{File: "p.yaml", Line: 5}, Chain: backing[:1]}
	textLine(f, false)
	if backing[1].File != "untouched.yaml" || backing[1].Line != 99 {
		t.Errorf("textLine overwrote the chain's spare capacity: %v", backing[1])
	}
	if len(f.Chain) != 1 {
		t.Errorf("textLine changed len(Chain) to %d", len(f.Chain))
	}
}

func TestWriteText(t *testing.T) {
	fs := diag.Findings{
		{Severity: diag.Warning, Message: "first", Pos: diag.Position{File: "a.yaml", Line: 1}},
		{Severity: diag.Error, Message: "second", Pos: diag.Position{File: "b.yaml", Line: 2}},
	}
	var b strings.Builder
	if err := WriteText(&b, fs, false); err != nil {
		t.Fatal(err)
	}
	want := "a.yaml:1: warning: first\nb.yaml:2: error: second\n"
	if b.String() != want {
		t.Errorf("WriteText wrote %q, want %q", b.String(), want)
	}
	b.Reset()
	if err := WriteText(&b, nil, true); err != nil || b.Len() != 0 {
		t.Errorf("WriteText(no findings) wrote %q, %v; want nothing", b.String(), err)
	}
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

func TestWriteTextReturnsWriteError(t *testing.T) {
	want := errors.New("broken pipe")
	err := WriteText(failingWriter{want}, diag.Findings{{Message: "m"}}, false)
	if !errors.Is(err, want) {
		t.Errorf("WriteText = %v, want %v", err, want)
	}
}
