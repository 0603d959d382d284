package main

import (
	"maps"
	"strings"
	"testing"
)

func TestParseValues(t *testing.T) {
	tests := []struct {
		name, file string
		want       map[string]string
		err        string // substring of the error; "" for none
	}{
		{name: "yaml scalars as written", file: "A: 1.10\nB: yes\nC: \"0123\"\nD:\n", want: map[string]string{"A": "1.10", "B": "yes", "C": "0123", "D": ""}},
		{name: "env lines", file: "# comment\nA=1\nB=\nC=x=y\n", want: map[string]string{"A": "1", "B": "", "C": "x=y"}},
		{name: "env quotes are removed once", file: "A=\"x y\"\nB='z'\nC=\"unbalanced\nD=\"\"\n", want: map[string]string{"A": "x y", "B": "z", "C": "\"unbalanced", "D": ""}},
		{name: "yaml duplicate key", file: "A: 1\nB: 2\nA: 3\n", err: "values.yaml:3: A is set twice (first on line 1)"},
		{name: "nested value", file: "A:\n  b: 1\n", err: "values.yaml:2: value of A is not a plain value"},
		{name: "NAMESPACE is not a variable", file: "NAMESPACE: prod\n", err: "values.yaml:1: NAMESPACE is set by"},
		{name: "neither form", file: "just words\n", err: "values.yaml:1: want a flat YAML map or KEY=VALUE lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseValues("values.yaml", []byte(tt.file))
			switch {
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Fatalf("err = %v, want one containing %q", err, tt.err)
			case tt.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.err == "" && !maps.Equal(got, tt.want):
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNamespaceArg(t *testing.T) {
	tests := []struct {
		positional []string // the arguments after TEMPLATE
		flag       []string
		want, err  string
	}{
		{nil, nil, "default", ""},
		{[]string{"production"}, nil, "production", ""},
		{nil, []string{"staging"}, "staging", ""},
		{[]string{"prod"}, []string{"prod"}, "prod", ""},
		{nil, []string{"prod", "prod"}, "prod", ""},
		{[]string{"prod"}, []string{"staging"}, "", "namespace given twice"},
		{nil, []string{"a", "b"}, "", "namespace given twice"},
		{[]string{"../../etc"}, nil, "", `namespace "../../etc"`},
		{[]string{"Prod"}, nil, "", `namespace "Prod"`},
		{[]string{"prod\nspec: x"}, nil, "", "namespace"},
		// Only an absent namespace means default: an explicit empty one is
		// a script's unset variable, not a request for default.
		{[]string{""}, nil, "", "namespace is empty"},
		{nil, []string{""}, "", "namespace is empty"},
		{[]string{""}, []string{""}, "", "namespace is empty"},
		{[]string{""}, []string{"x"}, "", "namespace given twice"},
	}
	for _, tt := range tests {
		got, err := namespaceArg(tt.positional, tt.flag)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("namespaceArg(%q, %q) error = %v, want %q", tt.positional, tt.flag, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("namespaceArg(%q, %q) = %q, %v; want %q", tt.positional, tt.flag, got, err, tt.want)
		}
	}
}

// TestLimitFlags: --max-loads and --max-output take positive values only,
// in the units they state.
func TestLimitFlags(t *testing.T) {
	for _, tt := range []struct {
		in   string
		ok   bool
		want int
	}{{"3", true, 3}, {"0", false, 0}, {"-1", false, 0}, {"x", false, 0}} {
		var c count
		if err := c.Set(tt.in); (err == nil) != tt.ok || int(c) != tt.want {
			t.Errorf("count.Set(%q) = %d, %v", tt.in, c, err)
		}
	}
	for _, tt := range []struct {
		in   string
		ok   bool
		want int64
	}{{"1048576", true, 1 << 20}, {"512KiB", true, 512 << 10}, {"2GiB", true, 2 << 30}, {"0", false, 0}, {"1GB", false, 0}} {
		var b byteSize
		if err := b.Set(tt.in); (err == nil) != tt.ok || int64(b) != tt.want {
			t.Errorf("byteSize.Set(%q) = %d, %v", tt.in, b, err)
		}
	}
}
