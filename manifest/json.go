package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"

	sigsyaml "sigs.k8s.io/yaml"
)

// SyntaxError is a rendered document that is not valid YAML, at the
// 1-based output line the parser names (the document's first line when it
// names none).
type SyntaxError struct {
	Line int
	Msg  string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// yamlPrefix is what the converter puts before the parser's message,
// with the parser's "line N: " when it has one.
var yamlPrefix = regexp.MustCompile(`^(?:error converting YAML to JSON: )?(?:yaml: )?(?:line (\d+): )?`)

// JSONList turns a rendered stream into a kubectl-style v1 List of its
// objects, indented as `kubectl get -o json` indents, for jq and other JSON
// tools. Documents that hold nothing (comments only, null) are left out;
// a document that is itself a List contributes its items, as kubectl does.
// A document that is not valid YAML is a *SyntaxError.
func JSONList(out []byte) ([]byte, error) {
	items := []json.RawMessage{}
	for doc, start := range Documents(out) {
		// The marker line stays, so the parser's line numbers count from
		// the document's first line.
		js, err := sigsyaml.YAMLToJSON(doc)
		if err != nil {
			return nil, syntaxError(err, start)
		}
		if bytes.Equal(js, []byte("null")) {
			continue
		}
		var list struct {
			APIVersion string            `json:"apiVersion"`
			Kind       string            `json:"kind"`
			Items      []json.RawMessage `json:"items"`
		}
		if js[0] == '{' && json.Unmarshal(js, &list) == nil && list.APIVersion == "v1" && list.Kind == "List" {
			items = append(items, list.Items...)
			continue
		}
		items = append(items, js)
	}
	list := struct {
		APIVersion string            `json:"apiVersion"`
		Kind       string            `json:"kind"`
		Items      []json.RawMessage `json:"items"`
	}{"v1", "List", items}
	js, err := json.MarshalIndent(list, "", "    ")
	if err != nil {
		return nil, err
	}
	return append(js, '\n'), nil
}

func syntaxError(err error, start int) *SyntaxError {
	msg := err.Error()
	m := yamlPrefix.FindStringSubmatch(msg)
	line := start
	if n, convErr := strconv.Atoi(m[1]); convErr == nil {
		line = start + n - 1
	}
	return &SyntaxError{Line: line, Msg: msg[len(m[0]):]}
}
