package main

import (
	"go/types"
	"slices"
	"strings"
	"testing"
)

const enumTypes = `package fake

// +enum
type Policy string

const (
	PolicyAlways Policy = "Always"
	PolicyNever  Policy = "Never"
	PolicyUnset  Policy = ""
)

// Unmarked in this release; a later one marks it.
type Mode string

const ModeFast Mode = "fast"

// Never marked: an open string with constants.
type Open string

const OpenDefault Open = "default"

type Port struct {
	Number int32 ` + "`json:\"number\"`" + `
	// +default="TCP"
	// +optional
	Protocol string ` + "`json:\"protocol,omitempty\"`" + `
}

type Spec struct {
	Policy Policy ` + "`json:\"policy\"`" + `
	Mode   Mode   ` + "`json:\"mode\"`" + `
	Open   Open   ` + "`json:\"open\"`" + `
	// +listType=map
	// +listMapKey=number
	// +listMapKey=protocol
	Ports []Port ` + "`json:\"ports\"`" + `
	// +patchMergeKey=number
	// +patchStrategy=merge
	Merged []Port ` + "`json:\"merged\" patchStrategy:\"merge\" patchMergeKey:\"number\"`" + `
	// +listType=atomic
	// +patchMergeKey=number
	Atomic []Port ` + "`json:\"atomic\" patchStrategy:\"merge\" patchMergeKey:\"number\"`" + `
	Plain  []Port ` + "`json:\"plain\"`" + `
}
`

func TestEnumsAndListKeys(t *testing.T) {
	x, pkg := typecheck(t, enumTypes)
	spec, err := x.node(pkg.Scope().Lookup("Spec").Type(), "Spec")
	if err != nil {
		t.Fatal(err)
	}
	// A later release that marks Mode +enum.
	marked := &node{shape: str, enumType: "example.com/fake.Mode", values: []string{"fast", "slow"}, marked: true}
	rels := []*release{
		{version: "1.16", kinds: map[gvk]*node{{version: "v1", kind: "Spec"}: spec}},
		{version: "1.17", kinds: map[gvk]*node{{version: "v1", kind: "Spec"}: {shape: object, fields: []field{{name: "mode", node: marked}}}}},
	}
	markEnums(rels)
	byName := map[string]*node{}
	for _, f := range spec.fields {
		byName[f.name] = f.node
	}
	if n := byName["policy"]; n.shape != enumStr || !slices.Equal(n.values, []string{"Always", "Never"}) {
		t.Errorf("policy: shape %c values %v, want the enum Always, Never", n.shape, n.values)
	}
	if n := byName["mode"]; n.shape != enumStr || !slices.Equal(n.values, []string{"fast"}) {
		t.Errorf("mode: shape %c values %v, want an enum of this release's constants", n.shape, n.values)
	}
	if n := byName["open"]; n.shape != str || n.values != nil {
		t.Errorf("open: shape %c values %v, want a plain string", n.shape, n.values)
	}
	keys := func(name string) string {
		var parts []string
		for _, k := range byName[name].keys {
			parts = append(parts, k.name+"="+k.def)
		}
		return strings.Join(parts, ",")
	}
	for name, want := range map[string]string{"ports": "number=,protocol=TCP", "merged": "number=", "atomic": "", "plain": ""} {
		if got := keys(name); got != want {
			t.Errorf("%s keys = %q, want %q", name, got, want)
		}
	}

	ids := numberObjects(rels, refine(reachableNodes(rels)))
	if got := ids.ref(byName["ports"]); !strings.HasPrefix(got, "<number,protocol:TCP>") {
		t.Errorf("ports ref = %q", got)
	}
	usage := &node{shape: enumStr, values: []string{"cert sign", "a|b", "100%"}}
	if got := ids.ref(usage); got != "ecert%20sign|a%7Cb|100%25" {
		t.Errorf("escaped enum ref = %q", got)
	}
}

func TestRequiredFixes(t *testing.T) {
	for _, f := range requiredFixes {
		if f.evidence == "" || f.pkg == "" || f.typeName == "" || f.field == "" {
			t.Errorf("incomplete correction %+v", f)
		}
	}
	named := func(path, name string) *types.TypeName {
		return types.NewTypeName(0, types.NewPackage(path, "v1"), name, nil)
	}
	tests := []struct {
		owner    *types.TypeName
		field    string
		found    bool
		required bool
	}{
		{named("k8s.io/api/apps/v1", "StatefulSetSpec"), "serviceName", true, false},
		{named("k8s.io/api/apps/v1beta2", "StatefulSetSpec"), "serviceName", true, false},
		{named("k8s.io/api/apps/v1", "StatefulSetSpec"), "replicas", false, false},
		{named("k8s.io/api/networking/v1", "HTTPIngressPath"), "pathType", true, true},
		{named("k8s.io/api/core/v1", "HostAlias"), "ip", true, true},
		{named("k8s.io/api/networking/v1beta1", "HTTPIngressPath"), "pathType", false, false},
		{named("example.com/apps/v1", "StatefulSetSpec"), "serviceName", false, false},
		{nil, "serviceName", false, false},
	}
	for _, tt := range tests {
		f, ok := requiredFixFor(tt.owner, tt.field)
		if ok != tt.found || ok && f.required != tt.required {
			t.Errorf("requiredFixFor(%v, %s) = %+v, %v", tt.owner, tt.field, f, ok)
		}
	}
}
