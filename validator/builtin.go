package validator

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/schema"
)

// builtinIndex says which API groups Kubernetes itself serves and which
// kinds they have: every group the schema data knows is built in, so that
// a version or kind it does not serve is a mistake, never a custom
// resource (kubectl apply gets "no matches for kind" from the API server).
type builtinIndex struct {
	groups map[string]bool
	// byName lists the built-in kinds by lower-case kind name, to suggest
	// the group that serves a kind and the spelling of one in the wrong case.
	byName map[string][]schema.GVK
}

func newBuiltinIndex(kinds []schema.GVK) *builtinIndex {
	ix := &builtinIndex{groups: map[string]bool{}, byName: map[string][]schema.GVK{}}
	for _, k := range kinds {
		ix.groups[k.Group] = true
		name := strings.ToLower(k.Kind)
		ix.byName[name] = append(ix.byName[name], k)
	}
	return ix
}

// embeddedBuiltins is the index of the embedded data, built once.
var embeddedBuiltins = sync.OnceValue(func() *builtinIndex { return newBuiltinIndex(schema.AllKinds()) })

// removedBeforeData are built-in kinds that Kubernetes removed before the
// oldest release the schema data has (1.16), so that no release defines
// them, yet manifests still carry them. Each entry names its evidence.
var removedBeforeData = map[schema.GVK]schema.Lifecycle{
	// Initializers were removed in 1.14 (kubernetes/kubernetes#72972,
	// CHANGELOG-1.14 "the alpha Initializers feature … has been removed").
	{Group: "admissionregistration.k8s.io", Version: "v1alpha1", Kind: "InitializerConfiguration"}: {Removed: "1.14"},
	// ThirdPartyResource was removed in 1.8 in favour of
	// CustomResourceDefinition (CHANGELOG-1.8, kubernetes/kubernetes#48353).
	{Group: "extensions", Version: "v1beta1", Kind: "ThirdPartyResource"}: {Removed: "1.8",
		Replacement: schema.GVK{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}},
	// PetSet was renamed StatefulSet in 1.5 (CHANGELOG-1.5, apps/v1alpha1
	// dropped with it; kubernetes/kubernetes#35663).
	{Group: "apps", Version: "v1alpha1", Kind: "PetSet"}: {Removed: "1.5",
		Replacement: schema.GVK{Group: "apps", Version: "v1", Kind: "StatefulSet"}},
}

// judgeBuiltin gives the verdict on gvk, which no release of the data
// defines, when its group is built in: the release removed it long ago,
// the group has no such version, or the version has no such kind — with
// the apiVersion that serves the kind, or the kind's right spelling, when
// the release has one. ok is false for a group of custom resources.
func judgeBuiltin(cat catalog, rel *schema.Release, gvk schema.GVK) (v apiVerdict, ok bool) {
	ix := cat.builtins()
	if !ix.groups[gvk.Group] {
		return apiVerdict{}, false
	}
	target := rel.Version()
	if lc, removed := removedBeforeData[gvk]; removed {
		msg := fmt.Sprintf("%s was removed in Kubernetes %s", gvk, lc.Removed)
		if !lc.Replacement.IsZero() {
			msg += "; use " + lc.Replacement.String()
		}
		return apiVerdict{notes: []apiNote{{sev: diag.Error, rule: RuleRemoved, msg: msg}}}, true
	}

	// What the target release serves under the kind's name, in any case.
	var same, otherCase []schema.GVK
	for _, k := range ix.byName[strings.ToLower(gvk.Kind)] {
		if !serves(cat, rel, k) {
			continue
		}
		if k.Kind == gvk.Kind {
			same = append(same, k)
		} else {
			otherCase = append(otherCase, k)
		}
	}
	preferServing(same, gvk.Group)
	preferServing(otherCase, gvk.Group)

	versions := servedVersions(cat, rel, gvk.Group)
	if !slices.Contains(versions, gvk.APIVersion()) {
		msg := fmt.Sprintf("Kubernetes %s does not serve %s", target, gvk.APIVersion())
		switch {
		case len(same) > 0:
			msg += ": " + gvk.Kind + " is served by " + apiVersions(same)
		case len(otherCase) > 0:
			msg += ": did you mean " + otherCase[0].String() + "?"
		case len(versions) > 0:
			msg += " (it serves " + strings.Join(versions, ", ") + ")"
		default:
			msg += fmt.Sprintf(" (it serves no version of %s)", groupName(gvk.Group))
		}
		return apiVerdict{notes: []apiNote{{sev: diag.Error, rule: RuleUnknownVersion, msg: msg}}}, true
	}
	msg := fmt.Sprintf("%s has no kind %s at Kubernetes %s", gvk.APIVersion(), gvk.Kind, target)
	switch {
	case len(otherCase) > 0 && otherCase[0].APIVersion() == gvk.APIVersion():
		msg += ": did you mean " + otherCase[0].Kind + "?"
	case len(same) > 0:
		msg += ": " + gvk.Kind + " is served by " + apiVersions(same)
	case len(otherCase) > 0:
		msg += ": did you mean " + otherCase[0].String() + "?"
	}
	return apiVerdict{notes: []apiNote{{sev: diag.Error, rule: RuleUnknownBuiltinKind, msg: msg, atKind: true}}}, true
}

// servedVersions lists the apiVersions of group that rel serves, the
// preferred first.
func servedVersions(cat catalog, rel *schema.Release, group string) []string {
	var gvs []schema.GVK
	for _, k := range rel.Kinds() {
		if k.Group == group && serves(cat, rel, k) && !slices.ContainsFunc(gvs, func(g schema.GVK) bool { return g.Version == k.Version }) {
			gvs = append(gvs, schema.GVK{Group: k.Group, Version: k.Version})
		}
	}
	preferServing(gvs, group)
	out := make([]string, len(gvs))
	for i, g := range gvs {
		out[i] = g.APIVersion()
	}
	return out
}

// serves reports whether rel serves gvk: its data defines the kind (which
// k8s.io/api keeps for a while after the API server stops serving it) and
// the lifecycle puts rel between the kind's introduction and removal.
func serves(cat catalog, rel *schema.Release, gvk schema.GVK) bool {
	if rel.Kind(gvk) == nil {
		return false
	}
	lc, _ := cat.lifecycle(gvk)
	target := rel.Version()
	return (lc.Removed == "" || schema.CompareReleases(target, lc.Removed) < 0) &&
		(lc.Introduced == "" || schema.CompareReleases(target, lc.Introduced) >= 0)
}

// preferServing orders kinds as a suggestion should name them: the
// written group first, then by Kubernetes' version priority (GA before
// beta before alpha, newer first), then by group name.
func preferServing(kinds []schema.GVK, group string) {
	slices.SortStableFunc(kinds, func(a, b schema.GVK) int {
		if (a.Group == group) != (b.Group == group) {
			if a.Group == group {
				return -1
			}
			return 1
		}
		return cmp.Or(compareVersionPriority(a.Version, b.Version), strings.Compare(a.Group, b.Group))
	})
}

// compareVersionPriority orders API versions as the API server's discovery
// does (k8s.io/apimachinery version.CompareKubeAwareVersionStrings): v2
// before v1 before v1beta2 before v1beta1 before v1alpha1; negative when a
// comes first.
func compareVersionPriority(a, b string) int {
	la, ma, na := versionRank(a)
	lb, mb, nb := versionRank(b)
	return cmp.Or(cmp.Compare(lb, la), cmp.Compare(mb, ma), cmp.Compare(nb, na), strings.Compare(a, b))
}

// versionRank reads "v1beta2" as level 1 (alpha 0, beta 1, GA 2), major 1,
// minor 2; a version of another form ranks below all of them.
func versionRank(v string) (level, major, minor int) {
	rest, ok := strings.CutPrefix(v, "v")
	if !ok {
		return -1, 0, 0
	}
	i := 0
	for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
		i++
	}
	major, err := strconv.Atoi(rest[:i])
	if err != nil {
		return -1, 0, 0
	}
	switch tail := rest[i:]; {
	case tail == "":
		return 2, major, 0
	case strings.HasPrefix(tail, "beta"):
		minor, _ = strconv.Atoi(tail[len("beta"):])
		return 1, major, minor
	case strings.HasPrefix(tail, "alpha"):
		minor, _ = strconv.Atoi(tail[len("alpha"):])
		return 0, major, minor
	}
	return -1, 0, 0
}

// apiVersions joins the apiVersions of kinds: "apps/v1", "autoscaling/v2 and autoscaling/v1".
func apiVersions(kinds []schema.GVK) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.APIVersion()
	}
	if len(names) == 1 {
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func groupName(group string) string {
	if group == "" {
		return "the core group"
	}
	return group
}
