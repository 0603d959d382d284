//go:build !unix

package main

import "os"

// closedAtStart reports false: only on Unix does Go's runtime put /dev/null
// in place of a closed standard stream; elsewhere writes to one fail.
func closedAtStart(f *os.File) bool { return false }
