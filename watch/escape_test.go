package watch

import (
	"strings"
	"testing"
)

// TestStatusEscaped: namespaces and paths in the lines the watch writes
// itself may hold anything (the package does not check them); they are
// escaped, so that each stays one line with no raw escape sequence.
func TestStatusEscaped(t *testing.T) {
	t.Parallel()
	const ns = "a\x1b[2J\nb"
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"stream", Options{}, "Z " + `a\x1b[2J\nb` + " ok\n"},
		{"status line", Options{Output: "out-${NAMESPACE}\a.yaml"}, `/out-a\x1b[2J\nb\a.yaml` + "\n"},
		{"screen", Options{Screen: true}, " · " + `a\x1b[2J\nb` + " · ok · "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := setup(t, map[string]string{"app.yaml": "a: 1\n"})
			tt.opts.Template, tt.opts.Namespaces = "app.yaml", []string{ns}
			h := start(t, dir, tt.opts)
			h.waitOutput(ns, "a: 1\n")
			out := strings.ReplaceAll(h.stdout.String(), clearScreen, "")
			if !strings.Contains(out, tt.want) {
				t.Errorf("stdout %q lacks %q", out, tt.want)
			}
			if strings.ContainsAny(out, "\x1b\a") || strings.Contains(out, "\nb") {
				t.Errorf("stdout holds raw control characters: %q", out)
			}
		})
	}
}
