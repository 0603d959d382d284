// Package corpus writes synthetic trees of eastern templates for benchmarks
// and whole-process measurements, in two shapes:
//
//   - WriteTree: one root template loading many partials, each a slab of
//     Kubernetes YAML — what the engine's render benchmarks measure.
//   - WriteMonorepo: many root templates over teams, sharing partials and
//     per-namespace overrides — what lint's performance target is set on;
//     WriteMonorepoSpec adds partials that a few roots share, for lint
//     --changed.
//
// The command gencorpus (`go run ./internal/corpus/gencorpus.go`) writes
// either to a directory. The output depends only on the arguments, so measurements
// taken on different machines or days are on the same files.
package corpus

import (
	"os"
	"path/filepath"
)

// writeFile writes content to path, creating the directories it needs.
func writeFile(path string, content []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, content, 0o644)
}
