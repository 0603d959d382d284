// Package doctest holds the tests that keep eastern's documentation honest:
// the worked example's renders are golden-tested and must lint clean, every
// eastern command shown in README.md and docs/ is run against the built
// binary, docs/cli.md lists exactly the flags each command's --help shows,
// and the Go snippets of docs/library.md compile.
//
// It has no code of its own; the tests live in its _test.go files.
package doctest
