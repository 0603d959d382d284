package main

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRenderOutputKilled SIGKILLs `eastern render -o` at random moments of
// its run, large write included, then lets one run finish: no temporary
// file may be left beside the output.
func TestRenderOutputKilled(t *testing.T) {
	const kills = 50
	var big strings.Builder
	big.WriteString("items:\n")
	for range 100_000 {
		big.WriteString("  - name: item-${NAMESPACE}-0123456789abcdef0123456789abcdef\n")
	}
	dir := writeTree(t, t.TempDir(), map[string]string{"big.yaml": big.String()})
	if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{"render", "big.yaml", "production", "--output-file", "out/big.yaml"}

	// One whole run tells how long a run takes: the kills spread over that.
	start := time.Now()
	if _, stderr, code := runEastern(t, dir, "", args...); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	run := time.Since(start)
	for range kills {
		cmd := easternCommand(dir, args...)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rand.Int64N(int64(run))))
		cmd.Process.Kill()
		cmd.Wait()
	}
	t.Logf("a run takes %v; after %d kills out/ holds %d entries", run, kills, len(dirNames(t, filepath.Join(dir, "out"))))
	if _, stderr, code := runEastern(t, dir, "", args...); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if names := dirNames(t, filepath.Join(dir, "out")); !slices.Equal(names, []string{"big.yaml"}) {
		t.Errorf("out/ holds %v after %d killed renders and one that finished, want only big.yaml", names, kills)
	}
}
