package manifest

import (
	"strings"
	"testing"
)

func TestCheckNamespace(t *testing.T) {
	for _, tt := range []struct {
		name string
		want string // substring of the error; "" for valid
	}{
		{"default", ""},
		{"prod-1", ""},
		{"1x", ""},
		{strings.Repeat("a", 63), ""},
		{"", "namespace is empty"},
		{"../evil", `namespace "../evil": a lowercase RFC 1123 label`},
		{"Prod", `namespace "Prod"`},
		{"-x", `namespace "-x"`},
		{"a.b", `namespace "a.b"`},
		{strings.Repeat("a", 64), "no more than 63"},
	} {
		err := CheckNamespace(tt.name)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckNamespace(%q) = %v, want nil", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckNamespace(%q) = %v, want an error containing %q", tt.name, err, tt.want)
		case err != nil && (strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), "regex")):
			t.Errorf("CheckNamespace(%q) = %q, want one line without the regular expression", tt.name, err)
		}
	}
}

func TestCheckNamespaceMessageIsTidy(t *testing.T) {
	err := CheckNamespace("../x")
	if err == nil || strings.Contains(err.Error(), "  ") || strings.Contains(err.Error(), "regex") {
		t.Errorf("CheckNamespace(\"../x\") = %v; want one tidy line without the regular expression", err)
	}
}
