// Package doctest holds the tests that keep eastern's documentation honest:
// the worked example's renders are golden-tested and must lint clean, every
// eastern command shown in README.md and docs/ is run against the built
// binary, docs/cli.md lists exactly the flags each command's --help shows,
// the Go programs of docs/library.md compile and run, and the pre-commit
// hook runs clean on the example.
//
// # Writing documentation
//
// Each eastern command in a fenced sh block (and in the run:, script: and
// sh '…' steps of yaml and groovy blocks) runs in a fresh copy of the worked
// example (web.yaml, partials/, overrides/) and must exit with 0. In a
// pipeline only the eastern part runs; other tools' commands are shown as
// they are and skipped, except mkdir. HTML comments on the line before a
// block, invisible on GitHub, say more:
//
//	<!-- doctest: file=overrides/env.yaml -->  the block is that file, for the rest of the section
//	<!-- doctest: output -->                   the block is what the previous command printed
//	                                           (standard output and error together)
//	<!-- doctest: exit=1 -->                   the block's commands exit with 1
//	<!-- doctest: dir=testdata/docs/x -->      run in a copy of that directory instead
//	<!-- doctest: noeol -->                    with file=: the file has no final newline
//
// A documented `eastern watch` runs for a moment, is stopped with Ctrl-C,
// and must have printed no error.
//
// The package has no code of its own; the tests live in its _test.go files.
package doctest
