//go:build !cluster && !unix

package main

import (
	"errors"
	"os"
	"os/exec"
	"os/signal"
)

// handOver runs eastern-cluster as a child with this process's streams and
// returns its exit code; Ctrl-C reaches both, and only the child acts on it.
func handOver(path string, argv []string) (int, error) {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	signal.Ignore(os.Interrupt)
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	return 0, err
}
