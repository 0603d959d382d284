package watch

import (
	"errors"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
)

// TestStatusEscaped: paths in the lines the watch writes itself may hold
// anything; they are escaped, so that each stays one line with no raw
// escape sequence.
func TestStatusEscaped(t *testing.T) {
	t.Parallel()
	dir := setup(t, map[string]string{"app.yaml": "a: 1\n"})
	h := start(t, dir, Options{Template: "app.yaml", Namespaces: []string{"qa"}, Output: "out-${NAMESPACE}\x1b[2J\n\a.yaml"})
	h.waitOutput("qa", "a: 1\n")
	out := h.stdout.String()
	if want := `/out-qa\x1b[2J\n\a.yaml` + "\n"; !strings.Contains(out, want) {
		t.Errorf("stdout %q lacks %q", out, want)
	}
	if strings.ContainsAny(out, "\x1b\a") || strings.Count(out, "\n") != 1 {
		t.Errorf("stdout holds raw control characters: %q", out)
	}
}

// TestNamespacesAreChecked: a namespace that cannot be one never reaches a
// path or a status line; New refuses it.
func TestNamespacesAreChecked(t *testing.T) {
	t.Parallel()
	for _, ns := range []string{"a\x1b[2J\nb", "../x", ""} {
		_, err := New(Options{Template: "app.yaml", Namespaces: []string{ns}})
		var usage *diag.UsageError
		if !errors.As(err, &usage) {
			t.Errorf("namespace %q: %v, want a usage error", ns, err)
		}
	}
}
