package schema

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// oldestMinor and newestMinor bound the supported Kubernetes 1.x releases.
// schema/gen pins one k8s.io/api version for each minor in between.
const (
	oldestMinor = 16
	newestMinor = 37
)

// releases is computed once; Releases hands out copies so callers cannot
// change it.
var releases = func() []string {
	out := make([]string, 0, newestMinor-oldestMinor+1)
	for m := oldestMinor; m <= newestMinor; m++ {
		out = append(out, "1."+strconv.Itoa(m))
	}
	return out
}()

// Releases returns every supported minor release, oldest first: "1.16" … "1.37".
func Releases() []string { return slices.Clone(releases) }

// Newest returns the newest supported release.
func Newest() string { return releases[len(releases)-1] }

// Known reports whether release is supported.
func Known(release string) bool { return slices.Contains(releases, release) }

// ParseRelease reads a release as users write it — "1.29", "v1.29" or a
// patch release "1.29.3" — and returns the minor release "1.29". Its error,
// the one wording of an unknown release everywhere, names the supported
// range.
func ParseRelease(s string) (string, error) {
	v := strings.TrimPrefix(strings.TrimSpace(s), "v")
	if major, rest, ok := strings.Cut(v, "."); ok {
		if minor, patch, ok := strings.Cut(rest, "."); ok && isDigits(patch) {
			v = major + "." + minor
		}
	}
	if !Known(v) {
		return "", unknownRelease(s)
	}
	return v, nil
}

// ResolveRelease is ParseRelease for a release newer than eastern knows
// (a cluster upgraded before eastern was): it returns the newest release
// eastern has, with newer true, so that checks go on with the schemas
// nearest to the cluster's. Releases older than the oldest known, and text
// that is no release, are errors as with ParseRelease.
func ResolveRelease(s string) (release string, newer bool, err error) {
	if release, err = ParseRelease(s); err == nil {
		return release, false, nil
	}
	v := strings.TrimPrefix(strings.TrimSpace(s), "v")
	major, rest, ok := strings.Cut(v, ".")
	minor, patch, hasPatch := strings.Cut(rest, ".")
	if !ok || !isDigits(major) || !isDigits(minor) || (hasPatch && !isDigits(patch)) {
		return "", false, err
	}
	if CompareReleases(major+"."+minor, Newest()) > 0 {
		return Newest(), true, nil
	}
	return "", false, err
}

// NewerNote is the one wording of "release is newer than eastern knows".
func NewerNote(release string) string {
	return fmt.Sprintf("Kubernetes %s is newer than eastern knows: checking with %s's schemas, the newest it has", strings.TrimSpace(release), Newest())
}

func unknownRelease(s string) error {
	return fmt.Errorf("unknown Kubernetes release %q (eastern knows %s to %s)", s, releases[0], Newest())
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// CompareReleases compares "1.9" < "1.16" numerically; -1, 0, +1.
// Components that are not numbers compare as strings after all numbers, so
// the order is total and a typo never panics.
func CompareReleases(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		if c := compareComponent(as[i], bs[i]); c != 0 {
			return c
		}
	}
	switch {
	case len(as) < len(bs):
		return -1
	case len(as) > len(bs):
		return +1
	}
	return 0
}

func compareComponent(a, b string) int {
	an, aerr := strconv.Atoi(a)
	bn, berr := strconv.Atoi(b)
	switch {
	case aerr == nil && berr == nil:
		switch {
		case an < bn:
			return -1
		case an > bn:
			return +1
		}
		return 0
	case aerr == nil:
		return -1
	case berr == nil:
		return +1
	}
	return strings.Compare(a, b)
}

// Release is the set of built-in kinds one Kubernetes minor release serves
// or still defines in k8s.io/api. It is immutable once built.
type Release struct {
	version string
	kinds   map[GVK]*Node
	sorted  []GVK
}

// NewRelease builds a Release from hand-made nodes, for other packages' tests.
func NewRelease(version string, kinds map[GVK]*Node) *Release {
	r := &Release{version: version, kinds: make(map[GVK]*Node, len(kinds))}
	for gvk, n := range kinds {
		r.kinds[gvk] = n
		r.sorted = append(r.sorted, gvk)
	}
	slices.SortFunc(r.sorted, compareGVK)
	return r
}

func compareGVK(a, b GVK) int {
	if c := strings.Compare(a.Group, b.Group); c != 0 {
		return c
	}
	if c := strings.Compare(a.Version, b.Version); c != 0 {
		return c
	}
	return strings.Compare(a.Kind, b.Kind)
}

// Version returns the release this data describes, e.g. "1.24".
func (r *Release) Version() string { return r.version }

// Kind returns the root object node of the kind (fields apiVersion, kind,
// metadata, spec, ...), or nil if this release has no such kind.
func (r *Release) Kind(gvk GVK) *Node { return r.kinds[gvk] }

// Kinds returns every kind of the release, sorted by group, version and kind.
func (r *Release) Kinds() []GVK { return slices.Clone(r.sorted) }

// loaded memoises Load per release. Each entry decodes at most once; a
// failed decode is remembered too, since the embedded data cannot change.
var loaded sync.Map // release string → *loadOnce

type loadOnce struct {
	once sync.Once
	rel  *Release
	err  error
}

// Load decodes one release's schemas from the embedded data. It is cached and
// safe for concurrent use; a release is decoded at most once per process.
func Load(release string) (*Release, error) {
	if !Known(release) {
		return nil, unknownRelease(release)
	}
	v, _ := loaded.LoadOrStore(release, new(loadOnce))
	l := v.(*loadOnce)
	l.once.Do(func() { l.rel, l.err = decodeRelease(release) })
	return l.rel, l.err
}

// LifecycleOf returns the merged lifecycle of gvk; ok is false when no
// supported release has the kind (a custom resource).
func LifecycleOf(gvk GVK) (lc Lifecycle, ok bool) {
	lcs, err := lifecycles()
	if err != nil {
		return Lifecycle{}, false
	}
	lc, ok = lcs[gvk]
	return lc, ok
}

// FieldReleases returns the releases (oldest first) in which the field path
// exists for gvk. The path holds JSON names from the kind's root, e.g.
// ["spec","minReadySeconds"]; array and map levels are stepped through
// implicitly: ["spec","template","spec","containers","image"]. It may load
// every release.
func FieldReleases(gvk GVK, path []string) []string {
	var out []string
	for _, v := range releases {
		r, err := Load(v)
		if err != nil {
			continue
		}
		if lookupPath(r.Kind(gvk), path) != nil {
			out = append(out, v)
		}
	}
	return out
}

// lookupPath follows path from n, stepping through arrays and maps, and
// returns the node at its end or nil when some name is not a field.
func lookupPath(n *Node, path []string) *Node {
	for _, name := range path {
		for n != nil && (n.Type == Array || n.Type == Map) {
			n = n.Elem
		}
		if n == nil || n.Type != Object {
			return nil
		}
		f := n.Field(name)
		if f == nil {
			return nil
		}
		n = f.Node
	}
	return n
}

// AllKinds returns every kind that some supported release defines, sorted
// by group, version and kind. It reads only the data's index, decoding no
// release: it is what tells a built-in group from a custom resource's.
func AllKinds() []GVK {
	t, err := loadTable()
	if err != nil {
		return nil
	}
	out := make([]GVK, len(t.kinds))
	for i, k := range t.kinds {
		out[i] = k.gvk
	}
	slices.SortFunc(out, compareGVK)
	return out
}
