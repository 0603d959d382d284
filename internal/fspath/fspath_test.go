package fspath

import "testing"

func TestWithin(t *testing.T) {
	tests := []struct {
		dir, path string
		want      bool
	}{
		{"/work/app", "/work/app", true},
		{"/work/app", "/work/app/partials/x.yaml", true},
		{"/work/app", "/work/apps/x.yaml", false}, // a prefix of the name is not a parent
		{"/work/app", "/work", false},
		{"/", "/etc/passwd", true},
		{"/work/app/", "/work/app/x.yaml", true},
	}
	for _, tt := range tests {
		if got := Within(tt.dir, tt.path); got != tt.want {
			t.Errorf("Within(%q, %q) = %v, want %v", tt.dir, tt.path, got, tt.want)
		}
	}
}
