//go:build !unix

package engine

import "os"

// readRegular reads a template file.
func readRegular(path string) ([]byte, error) { return os.ReadFile(path) }
