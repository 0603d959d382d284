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

func TestAbs(t *testing.T) {
	for _, tt := range []struct{ dir, p, want string }{
		{"/work", "app.yaml", "/work/app.yaml"},
		{"/work", "../etc/x", "/etc/x"},
		{"/work", "/abs/./y", "/abs/y"},
	} {
		if got := Abs(tt.dir, tt.p); got != tt.want {
			t.Errorf("Abs(%q, %q) = %q, want %q", tt.dir, tt.p, got, tt.want)
		}
	}
}
