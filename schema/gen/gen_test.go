package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// typecheck loads src as a one-file package the way loadRelease would.
func typecheck(t *testing.T, src string) (*extractor, *types.Package) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "types.go", src, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{}}
	pkg, err := new(types.Config).Check("example.com/fake", fset, []*ast.File{f}, info)
	if err != nil {
		t.Fatal(err)
	}
	x := newExtractor()
	x.indexFields(&packages.Package{Fset: fset, Syntax: []*ast.File{f}, TypesInfo: info, Types: pkg})
	return x, pkg
}

const fakeTypes = `package fake

type Thing struct {
	Inline ` + "`json:\",inline\"`" + `

	// +optional
	Optional string ` + "`json:\"optional\"`" + `
	// +required
	Required string ` + "`json:\"required,omitempty\"`" + `
	Plain    int32  ` + "`json:\"plain\"`" + `
	Bytes    []byte ` + "`json:\"bytes,omitempty\"`" + `
	Children map[string]*Thing ` + "`json:\"children,omitempty\"`" + `
	Quoted   int64  ` + "`json:\"quoted,omitempty,string\"`" + `
	Skipped  string ` + "`json:\"-\"`" + `
	Kind     string ` + "`json:\"kind\"`" + ` // wins over Inline's kind
	Untagged bool
	private  string
}

type Inline struct {
	Kind  string ` + "`json:\"kind,omitempty\"`" + `
	Extra []Inline ` + "`json:\"extra,omitempty\"`" + `
}

type Custom struct{ A string }

func (*Custom) UnmarshalJSON([]byte) error { return nil }

type HasCustom struct {
	C Custom ` + "`json:\"c\"`" + `
}
`

func TestExtractFields(t *testing.T) {
	x, pkg := typecheck(t, fakeTypes)
	n, err := x.node(pkg.Scope().Lookup("Thing").Type(), "Thing")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range n.fields {
		s := f.name + ":" + string(f.node.shape)
		if f.node.elem != nil {
			s += string(f.node.elem.shape)
		}
		if f.required {
			s += "!"
		}
		got = append(got, s)
	}
	want := "Untagged:b! bytes:s children:{o extra:[o kind:s! optional:s plain:i! quoted:s required:s!"
	if strings.Join(got, " ") != want {
		t.Errorf("fields:\n got %s\nwant %s", strings.Join(got, " "), want)
	}
	if n.fields[2].node.elem != n {
		t.Error("children is not a map of Thing itself")
	}

	_, err = x.node(pkg.Scope().Lookup("HasCustom").Type(), "HasCustom")
	if err == nil || !strings.Contains(err.Error(), "example.com/fake.Custom has its own UnmarshalJSON") {
		t.Errorf("custom encoding: err = %v", err)
	}
}

func TestIsRequired(t *testing.T) {
	tests := []struct {
		doc, opts string
		want      bool
		err       bool
	}{
		{"", "", true, false},
		{"", "omitempty", false, false},
		{"Name is the name.\n+optional", "", false, false},
		{"+required", "omitempty", true, false},
		{"+k8s:required\n+optional", "", false, false}, // only kube-openapi's own tags count
		{"+optional\n+required", "", false, true},
	}
	for _, tt := range tests {
		decl := &ast.Field{}
		if tt.doc != "" {
			decl.Doc = &ast.CommentGroup{}
			for _, l := range strings.Split(tt.doc, "\n") {
				decl.Doc.List = append(decl.Doc.List, &ast.Comment{Text: "// " + l})
			}
		}
		got, err := isRequired(decl, tt.opts)
		if got != tt.want || (err != nil) != tt.err {
			t.Errorf("isRequired(%q, %q) = %v, %v", tt.doc, tt.opts, got, err)
		}
	}
}

// tree builds a recursive object {name, self: {name, self: ...}} afresh,
// as a new release would.
func tree() *node {
	n := &node{shape: object}
	n.fields = []field{{name: "name", required: true, node: primitive(str)}, {name: "self", node: n}}
	return n
}

func TestEncodeMergesAcrossReleases(t *testing.T) {
	deploy := gvk{group: "apps", version: "v1", kind: "Deployment"}
	pod := gvk{version: "v1", kind: "Pod"}
	// The same shape unrolled once more is still the same shape.
	unrolled := tree()
	unrolled.fields[1].node = tree()
	rels := []*release{
		{version: "1.16", kinds: map[gvk]*node{deploy: tree(), pod: {shape: object, fields: []field{{name: "labels", node: &node{shape: mapOf, elem: primitive(str)}}}}}},
		{version: "1.17", kinds: map[gvk]*node{deploy: unrolled}, lifecycles: map[gvk]lifecycle{deploy: {introduced: "1.9"}}},
	}
	text, err := encode(rels, map[string]string{"1.16": "v0.16.15", "1.17": "v0.17.17"})
	if err != nil {
		t.Fatal(err)
	}
	var body []string
	for _, l := range strings.Split(strings.TrimSpace(string(text)), "\n") {
		if !strings.HasPrefix(l, "#") {
			body = append(body, l)
		}
	}
	want := []string{
		dataVersion,
		"release 1.16 v0.16.15",
		"release 1.17 v0.17.17",
		"o labels={s",
		"o name!=s self=1",
		"k v1 Pod - - 1.17 - 1.16=0 1.17=-",
		"k apps/v1 Deployment 1.9 - - - 1.16=1",
	}
	if strings.Join(body, "\n") != strings.Join(want, "\n") {
		t.Errorf("encode:\n%s\nwant:\n%s", strings.Join(body, "\n"), strings.Join(want, "\n"))
	}
}
