package yamlerr

import (
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestPosition(t *testing.T) {
	tests := []struct {
		name, doc string
		line      int
		msg       string
	}{
		{"scanner error counts from 1", "a: 1\nb: \"open\n", 2, "found unexpected end of stream"},
		{"parser error counts from 0", "a: 1\nb: [1, 2\nc: 3\n", 2, "did not find expected ',' or ']'"},
		{"first line", "a: b: c\n", 1, "mapping values are not allowed in this context"},
		{"unknown alias", "a: 1\nb: *nope\n", 2, "unknown anchor 'nope' referenced"},
		{"open flow at the end", "a: [1, 2", 1, "did not find expected ',' or ']'"},
		{"tab indentation", "a:\n\tb: 1\n", 2, "found character that cannot start any token"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n yaml.Node
			err := yaml.Unmarshal([]byte(tt.doc), &n)
			if err == nil {
				t.Fatalf("%q parsed without error", tt.doc)
			}
			line, msg := Position(err, []byte(tt.doc))
			if line != tt.line || msg != tt.msg {
				t.Errorf("Position(%q) = %d, %q; want %d, %q", err, line, msg, tt.line, tt.msg)
			}
		})
	}
}
