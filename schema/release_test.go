package schema

import (
	"fmt"
	"strconv"
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

func TestResolveRelease(t *testing.T) {
	newest := Newest()
	major, minor, _ := strings.Cut(newest, ".")
	n, _ := strconv.Atoi(minor)
	future := fmt.Sprintf("%s.%d", major, n+3)
	tests := []struct {
		in          string
		want        string
		newer, fail bool
	}{
		{newest, newest, false, false},
		{"v" + newest + ".4", newest, false, false},
		{future, newest, true, false},
		{"v" + future + ".1", newest, true, false},
		{"2.0", newest, true, false},
		{"1.15", "", false, true},
		{"1.x", "", false, true},
		{"latest", "", false, true},
		{future + ".beta", "", false, true},
	}
	for _, tt := range tests {
		got, newer, err := ResolveRelease(tt.in)
		if got != tt.want || newer != tt.newer || (err != nil) != tt.fail {
			t.Errorf("ResolveRelease(%q) = %q, %v, %v; want %q, %v, error %v", tt.in, got, newer, err, tt.want, tt.newer, tt.fail)
		}
	}
}
