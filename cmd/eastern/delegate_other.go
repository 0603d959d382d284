//go:build !cluster && !unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"os/signal"
)

// handOver runs eastern-cluster as a child with this process's streams and
// returns its exit code; Ctrl-C reaches both, and only the child acts on it.
func handOver(path string, argv []string) (int, error) { return handOverInput(path, argv, nil) }

// handOverInput is handOver with stdin, already read from this process's
// standard input, as the child's when it is not nil.
func handOverInput(path string, argv []string, stdin []byte) (int, error) {
	cmd := exec.Command(path, argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	signal.Ignore(os.Interrupt)
	err := cmd.Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode(), nil
	}
	return 0, err
}
