// Package lintfuzz holds the fuzz target of the lint path (in its test)
// and the invariant it and the validator's tests check: every finding lies
// inside the output it is about.
package lintfuzz

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"github.com/eastern-k8s/eastern/diag"
)

// Inside reports a finding whose position is not in out: a line of the
// \n-separated ones (or none), and a column in it, at most one past its
// last character (or none).
func Inside(out []byte, fs diag.Findings) error {
	lines := bytes.SplitAfter(out, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	for _, f := range fs {
		p := f.Pos
		switch {
		case p.Line == 0 && p.Col == 0:
		case p.Line < 1 || p.Line > max(len(lines), 1) || p.Col < 0:
			return fmt.Errorf("finding at %d:%d, outside the output's %d lines: %v", p.Line, p.Col, len(lines), f)
		case p.Col > 0 && (len(lines) == 0 || p.Col > utf8.RuneCount(bytes.TrimRight(lines[p.Line-1], "\r\n"))+1):
			return fmt.Errorf("finding at %d:%d, past the end of line %q: %v", p.Line, p.Col, lines[p.Line-1], f)
		}
	}
	return nil
}
