package engine

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCacheHoldsBoundedBytes: past its byte budget a Cache stops keeping
// files, so a tree of huge files costs reads, not memory; what it kept
// before stays.
func TestCacheHoldsBoundedBytes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("small.yaml", "a: 1\n")
	write("big.yaml", "b: 0123456789012345678901234567890123456789\n")
	cache := NewCache()
	defer cache.Close()
	cache.maxHeld = 20
	render := func(name string) string {
		t.Helper()
		res, err := RenderFile(name, Options{Cache: cache, WorkDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		return string(res.Output)
	}
	render("small.yaml")
	render("big.yaml")
	write("small.yaml", "a: 2\n")
	write("big.yaml", "b: 2\n")
	if got := render("small.yaml"); got != "a: 1\n" {
		t.Errorf("small.yaml = %q, want what the cache kept", got)
	}
	if got := render("big.yaml"); got != "b: 2\n" {
		t.Errorf("big.yaml = %q, want it read again: it did not fit", got)
	}
	if held := cache.held.Load(); held > 20 {
		t.Errorf("the cache holds %d bytes, more than its 20", held)
	}
}
