//go:build !cluster && unix

package main

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// handOver replaces this process with eastern-cluster: signals (Ctrl-C,
// Jenkins' SIGTERM) and the exit code are its own, with nothing between.
func handOver(path string, argv []string) (int, error) {
	return 0, syscall.Exec(path, argv, os.Environ())
}

// handOverInput is handOver with stdin, already read from this process's
// standard input, as eastern-cluster's: an unlinked temporary file holding
// it takes the place of descriptor 0.
func handOverInput(path string, argv []string, stdin []byte) (int, error) {
	if stdin != nil {
		f, err := os.CreateTemp("", "eastern-stdin-")
		if err != nil {
			return 0, err
		}
		os.Remove(f.Name())
		if _, err := f.Write(stdin); err != nil {
			return 0, err
		}
		if _, err := f.Seek(0, 0); err != nil {
			return 0, err
		}
		if err := unix.Dup2(int(f.Fd()), 0); err != nil {
			return 0, err
		}
	}
	return handOver(path, argv)
}
