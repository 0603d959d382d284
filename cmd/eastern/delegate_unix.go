//go:build !cluster && unix

package main

import (
	"os"
	"syscall"
)

// handOver replaces this process with eastern-cluster: signals (Ctrl-C,
// Jenkins' SIGTERM) and the exit code are its own, with nothing between.
func handOver(path string, argv []string) (int, error) {
	return 0, syscall.Exec(path, argv, os.Environ())
}
