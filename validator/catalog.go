package validator

import (
	"slices"

	"github.com/eastern-k8s/eastern/schema"
)

// catalog is what the validator needs to know about Kubernetes releases.
// Validate uses package schema's embedded data; tests substitute hand-made
// releases so each rule can be pinned down without the generated data.
type catalog interface {
	// load returns one release's kinds.
	load(release string) (*schema.Release, error)
	// lifecycle returns when gvk was served; ok is false for kinds no
	// release knows.
	lifecycle(gvk schema.GVK) (lc schema.Lifecycle, ok bool)
	// fieldReleases lists, oldest first, the releases in which the field
	// path (object field names from the kind's root) exists.
	fieldReleases(gvk schema.GVK, path []string) []string
	// releases lists every supported release, oldest first.
	releases() []string
	// builtins indexes the kinds of every release: the built-in groups.
	builtins() *builtinIndex
}

// embedded is the catalog of package schema's generated data.
type embedded struct{}

func (embedded) load(release string) (*schema.Release, error) { return schema.Load(release) }
func (embedded) lifecycle(gvk schema.GVK) (schema.Lifecycle, bool) {
	return schema.LifecycleOf(gvk)
}
func (embedded) fieldReleases(gvk schema.GVK, path []string) []string {
	return schema.FieldReleases(gvk, path)
}
func (embedded) releases() []string      { return schema.Releases() }
func (embedded) builtins() *builtinIndex { return embeddedBuiltins() }

// presence lists the releases whose data defines gvk, oldest first.
func presence(cat catalog, gvk schema.GVK) []string {
	var out []string
	for _, v := range cat.releases() {
		if r, err := cat.load(v); err == nil && r.Kind(gvk) != nil {
			out = append(out, v)
		}
	}
	return out
}

// nextRelease returns the supported release after v, or "" for the newest.
func nextRelease(cat catalog, v string) string {
	rs := cat.releases()
	if i := slices.Index(rs, v); i >= 0 && i+1 < len(rs) {
		return rs[i+1]
	}
	return ""
}
