package textsafe

import (
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text: a.yaml:1:2", "plain text: a.yaml:1:2"},
		{"app.yaml:2 → p.yaml:3, «café» 日本", "app.yaml:2 → p.yaml:3, «café» 日本"},
		{"a\x1b[2Jb", `a\x1b[2Jb`},
		{"bell\a", `bell\a`},
		{"two\nlines\r\n", `two\nlines\r\n`},
		{"tab\there", `tab\there`},
		{"nul\x00 del\x7f", `nul\x00 del\x7f`},
		{"c1 \u0085 \u009b", `c1 \u0085 \u009b`},
		{"bidi \u202eevil\u2066", `bidi \u202eevil\u2066`},
		{"line sep \u2028", `line sep \u2028`},
		{"bad utf-8 \xff\xc3", `bad utf-8 \xff\xc3`},
		{`C:\Users\dev\app.yaml`, `C:\Users\dev\app.yaml`},
		{"no-break\u00a0space", "no-break\u00a0space"},
	}
	for _, tt := range tests {
		got := Escape(tt.in)
		if got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for _, r := range got {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Errorf("Escape(%q) = %q keeps control character %U", tt.in, got, r)
			}
		}
	}
}

// Text without anything to escape comes back as it is, without a copy.
func TestEscapeUnchanged(t *testing.T) {
	s := strings.Repeat("spec.replicas → ok ", 10)
	if got := Escape(s); got != s {
		t.Errorf("Escape changed %q to %q", s, got)
	}
	if allocs := testing.AllocsPerRun(100, func() { Escape(s) }); allocs != 0 {
		t.Errorf("Escape of safe text allocates %v times, want 0", allocs)
	}
}

func TestEscapeKeepTabs(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"\tat main.go:42", "\tat main.go:42"},
		{"red \x1b[31mERROR\x1b[0m\tx", `red \x1b[31mERROR\x1b[0m` + "\tx"},
		{"bell\a", `bell\a`},
	}
	for _, tt := range tests {
		if got := EscapeKeepTabs(tt.in); got != tt.want {
			t.Errorf("EscapeKeepTabs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
