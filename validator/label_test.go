package validator

import "testing"

// TestObjectLabel: the label of each object is what its findings carry in
// Finding.Object, so that reports can group findings by object; an object
// with neither kind nor name is labelled readably on both sides.
func TestObjectLabel(t *testing.T) {
	fx := newFixture()
	tests := []struct {
		name, input, want string
	}{
		{"kind and name", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: 1}\n", "ConfigMap/a"},
		{"no name", "apiVersion: v1\nkind: ConfigMap\ndata: {x: 1}\n", "ConfigMap"},
		{"no kind", "apiVersion: v1\nmetadata: {name: a}\n", "a"},
		{"neither", "apiVersion: v1\ndata: {x: 1}\n", "(unnamed object)"},
		{"generateName", "apiVersion: v1\nkind: ConfigMap\nmetadata: {generateName: a-}\ndata: {x: 1}\n", "ConfigMap/a-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, objs := validate([]byte(tt.input), Options{Release: "1.29"}, fx)
			if len(objs) != 1 || objs[0].Label() != tt.want {
				t.Fatalf("objects %+v, want one labelled %q", objs, tt.want)
			}
			if len(fs) == 0 {
				t.Fatal("no findings; the input must have one to compare labels")
			}
			for _, f := range fs {
				if f.Object != tt.want {
					t.Errorf("finding %q names object %q, want %q", f.Message, f.Object, tt.want)
				}
			}
		})
	}
}
