package fspath

import (
	"path/filepath"
	"testing"
)

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

// Abs and IsClean, which skip filepath.Clean where they can, answer as
// Clean and Join do for every shape of path.
func TestAbsAndIsCleanAgreeWithClean(t *testing.T) {
	paths := []string{"", ".", "..", "/", "//", "a", "a/", "/a", "/a/", "a/b", "a//b", "./a", "a/.", "a/..", "../a", "../../a", "a/../b",
		"/..", "/../a", "..a", "a..", ".a/b", "a/.b", "/a/b/..", "../a/..", "...", "a/...", "/a//b"}
	for _, p := range paths {
		if got, want := IsClean(p), p != "" && filepath.Clean(p) == p; got != want {
			t.Errorf("IsClean(%q) = %v, want %v", p, got, want)
		}
		for _, dir := range []string{"/", "/work", "/work/app", "/work/../x", "/work/", "rel"} {
			if filepath.IsAbs(dir) || filepath.IsAbs(p) {
				want := filepath.Join(dir, p)
				if filepath.IsAbs(p) {
					want = filepath.Clean(p)
				}
				if got := Abs(dir, p); got != want {
					t.Errorf("Abs(%q, %q) = %q, want %q", dir, p, got, want)
				}
			}
		}
	}
}
