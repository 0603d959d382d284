// Package testpty opens pseudo-terminals (on Linux) for the tests that run
// eastern on a real terminal: cmd/eastern's and the end-to-end tests. Only
// _test.go files may import it.
package testpty
