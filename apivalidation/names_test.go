package apivalidation

import (
	"strings"
	"testing"
)

func TestContainerResourceName(t *testing.T) {
	tests := []struct {
		name  string
		valid bool
	}{
		{"cpu", true}, {"memory", true}, {"ephemeral-storage", true}, {"hugepages-2Mi", true},
		{"nvidia.com/gpu", true}, {"example.com/fpga", true}, {"kubernetes.io/batteries", true},
		{"cpuu", false}, {"storage", false}, {"pods", false}, {"requests.example.com/x", false},
		{"-bad/name", false}, {"example.com/", false},
	}
	for _, tt := range tests {
		if got := containerResourceNameError(tt.name) == ""; got != tt.valid {
			t.Errorf("containerResourceNameError(%q) valid = %v, want %v", tt.name, got, tt.valid)
		}
	}
}

func TestBase64Error(t *testing.T) {
	tests := []struct {
		value string
		err   string
	}{
		{"", ""},
		{"aGVsbG8=", ""},
		{"aGVs\nbG8=\n", ""},
		{"aGVsbG8", "illegal base64 data at input byte 4"},
		{"hello world", "illegal base64 data"},
		{"aGVsbG8=====", "illegal base64 data"},
	}
	for _, tt := range tests {
		got := base64Error(tt.value)
		if tt.err == "" && got != "" || tt.err != "" && !strings.Contains(got, tt.err) {
			t.Errorf("base64Error(%q) = %q, want %q", tt.value, got, tt.err)
		}
	}
}

func TestInvalidPathSequence(t *testing.T) {
	for path, want := range map[string]string{
		"/": "", "/api/v1": "", "/a//b": "//", "/a/./b": "/./", "/a/../b": "/../",
		"/a/..": "/..", "/a/.": "/.", "/a%2Fb": "%2F",
	} {
		if got := invalidPathSequence(path); got != want {
			t.Errorf("invalidPathSequence(%q) = %q, want %q", path, got, want)
		}
	}
}
