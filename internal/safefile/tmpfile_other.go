//go:build !linux

package safefile

import (
	"errors"
	"os"
)

var errNoUnnamed = errors.New("unnamed files need Linux's O_TMPFILE")

// createUnnamed fails: only Linux can create a file without a name, so Write
// uses a named temporary file.
func createUnnamed(dir string) (*os.File, error) { return nil, errNoUnnamed }

func linkUnnamed(f *os.File, name string) error { return errNoUnnamed }
