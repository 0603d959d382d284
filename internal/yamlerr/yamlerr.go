// Package yamlerr reads the position out of a go.yaml.in/yaml/v3 error, so
// that a syntax error reads "file:line: message" like every other problem.
// The validator uses it for rendered manifests and lint for .eastern.yaml.
package yamlerr

import (
	"bytes"
	"strconv"
	"strings"
)

// parserProblem reports whether msg comes from yaml.v3's parser
// (parserc.go), as opposed to its scanner: the parser's "line N" is one less
// than the line meant.
func parserProblem(msg string) bool {
	switch msg {
	case "did not find expected ',' or ']'",
		"did not find expected ',' or '}'",
		"did not find expected '-' indicator",
		"did not find expected <document start>",
		"did not find expected <stream-start>",
		"did not find expected key",
		"did not find expected node content",
		"found duplicate %TAG directive",
		"found duplicate %YAML directive",
		"found incompatible YAML document",
		"found undefined tag handle":
		return true
	}
	return false
}

// Position splits err, a yaml.v3 error from parsing data, into the 1-based
// line it means and its message without the "yaml: line N:" prefix. An
// error that names no line means line 1 — or, for an unknown alias, the
// line that uses it. A line past the end of data (a flow left open) is the
// last line.
func Position(err error, data []byte) (line int, msg string) {
	msg = strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if digits, text, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(digits); err == nil {
				if parserProblem(text) {
					n++ // yaml.v3 counts from 0 in parser errors, from 1 in scanner errors
				}
				return max(1, min(n, lineCount(data))), text
			}
		}
	}
	if rest, ok := strings.CutPrefix(msg, "unknown anchor '"); ok {
		if name, _, ok := strings.Cut(rest, "'"); ok {
			for i, l := range strings.Split(string(data), "\n") {
				if strings.Contains(l, "*"+name) {
					return i + 1, msg
				}
			}
		}
	}
	return 1, msg
}

func lineCount(data []byte) int {
	n := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		n++
	}
	return max(n, 1)
}
