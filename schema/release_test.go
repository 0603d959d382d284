package schema

import (
	"strings"
	"testing"
)

func TestParseRelease(t *testing.T) {
	for in, want := range map[string]string{
		"1.24": "1.24", "v1.24": "1.24", "1.24.3": "1.24", "v1.29.10": "1.29", " 1.16 ": "1.16", "1.37": "1.37",
	} {
		if got, err := ParseRelease(in); err != nil || got != want {
			t.Errorf("ParseRelease(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"1.15", "1.38", "1.99", "2.0", "1", "1.24.x", "1.24.", "1.24.3.1", "latest", ""} {
		_, err := ParseRelease(in)
		if err == nil || !strings.HasPrefix(err.Error(), "unknown Kubernetes release") || !strings.HasSuffix(err.Error(), "(eastern knows 1.16 to 1.37)") {
			t.Errorf("ParseRelease(%q) error = %v, want an unknown release naming the supported range", in, err)
		}
	}
	// Load speaks of unknown releases in the same words.
	if _, err := Load("1.99"); err == nil || err.Error() != `unknown Kubernetes release "1.99" (eastern knows 1.16 to 1.37)` {
		t.Errorf("Load(1.99) error = %v", err)
	}
}
