package validator

import (
	"fmt"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/schema"
)

// apiVerdict is what one apiVersion/kind means at the target release,
// worked out once per kind and Validate call.
type apiVerdict struct {
	node    *schema.Node // the kind's schema; nil when its fields are not checked
	notes   []apiNote    // api.* findings, placed at the apiVersion value
	unknown bool         // no release knows the kind: a custom resource
}

type apiNote struct {
	sev  diag.Severity
	rule string
	msg  string
	// atKind places the finding at the kind instead of the apiVersion.
	atKind bool
}

// judgeAPI combines the kind's lifecycle with which releases define it.
// Lifecycle data comes from prerelease-lifecycle-gen and is missing for
// GA versions and for releases before 1.19, so presence in the per-release
// schemas fills the gaps: a kind first defined after the target release is
// not served yet, one last defined before it has been removed.
func judgeAPI(cat catalog, rel *schema.Release, gvk schema.GVK) apiVerdict {
	target := rel.Version()
	node := rel.Kind(gvk)
	lc, known := cat.lifecycle(gvk)
	if !known && node == nil {
		// No release has it (LifecycleOf covers every built-in kind), so
		// there is no need to decode every release to look for it. In a
		// group Kubernetes serves itself that is a mistake; in any other
		// a custom resource.
		if v, builtin := judgeBuiltin(cat, rel, gvk); builtin {
			return v
		}
		return apiVerdict{unknown: true}
	}
	var present []string
	if node == nil || lc.Introduced == "" && strings.Contains(gvk.Version, "beta") {
		// Only then does presence change the verdict; it may decode every
		// release, so a GA kind the target release has never asks for it.
		present = presence(cat, gvk)
	}

	introduced, removed := lc.Introduced, lc.Removed
	if introduced == "" && len(present) > 0 && schema.CompareReleases(present[0], cat.releases()[0]) > 0 {
		// First defined after the oldest release we have: that is when it came.
		introduced = present[0]
	}
	if node == nil && len(present) > 0 && schema.CompareReleases(present[len(present)-1], target) < 0 {
		// k8s.io/api dropped the type, and the API server, built from it,
		// with it: sooner than the lifecycle planned for some alpha APIs
		// (resource.k8s.io/v1alpha3 at 1.34, planned for 1.37).
		if dropped := nextRelease(cat, present[len(present)-1]); removed == "" || schema.CompareReleases(dropped, removed) < 0 {
			removed = dropped
		}
	}

	use := ""
	if !lc.Replacement.IsZero() {
		use = "; use " + lc.Replacement.String()
		if from := introducedAfter(cat, rel, lc.Replacement); from != "" {
			use += " (from Kubernetes " + from + ")"
		}
	}
	switch {
	case removed != "" && schema.CompareReleases(target, removed) >= 0:
		return apiVerdict{notes: []apiNote{{sev: diag.Error, rule: RuleRemoved,
			msg: fmt.Sprintf("%s was removed in Kubernetes %s%s", gvk, removed, use)}}}
	case introduced != "" && schema.CompareReleases(target, introduced) < 0:
		return apiVerdict{notes: []apiNote{{sev: diag.Error, rule: RuleNotYet,
			msg: fmt.Sprintf("%s was introduced in Kubernetes %s", gvk, introduced)}}}
	case node == nil && len(present) > 0 && schema.CompareReleases(present[0], target) > 0:
		return apiVerdict{notes: []apiNote{{sev: diag.Error, rule: RuleNotYet,
			msg: fmt.Sprintf("%s was introduced in Kubernetes %s", gvk, present[0])}}}
	}

	var v apiVerdict
	v.node = node
	if lc.Deprecated != "" && schema.CompareReleases(target, lc.Deprecated) >= 0 {
		v.notes = append(v.notes, apiNote{sev: diag.Warning, rule: RuleDeprecated,
			msg: fmt.Sprintf("%s is deprecated since Kubernetes %s%s", gvk, lc.Deprecated, use)})
	}
	switch {
	case strings.Contains(gvk.Version, "alpha"):
		v.notes = append(v.notes, apiNote{sev: diag.Warning, rule: RuleFeatureGated,
			msg: fmt.Sprintf("%s is an alpha API: Kubernetes %s serves it only when its feature gate is enabled", gvk, target)})
	case strings.Contains(gvk.Version, "beta") && introduced != "" && schema.CompareReleases(introduced, betaOffByDefault) >= 0 &&
		!servedBefore(cat, gvk, betaOffByDefault):
		// Since 1.24 new beta APIs are off by default (KEP-3136).
		v.notes = append(v.notes, apiNote{sev: diag.Warning, rule: RuleFeatureGated,
			msg: fmt.Sprintf("%s is a beta API introduced in Kubernetes %s, off by default: Kubernetes %s serves it only when enabled", gvk, introduced, target)})
	}
	if node == nil {
		// Served by the lifecycle's account, yet this release's data lacks it.
		v.notes = append(v.notes, apiNote{sev: diag.Info, rule: RuleUnknownKind,
			msg: fmt.Sprintf("no schema for %s in Kubernetes %s: skipped", gvk, target)})
	}
	return v
}

// introducedAfter returns the release that introduced gvk when that is
// later than rel, and "" when rel serves it (or nobody knows): a
// deprecated API's replacement may not exist yet at an old release, as
// networking.k8s.io/v1 Ingress (1.19) at 1.16, and moving to it then
// would break the deploy.
func introducedAfter(cat catalog, rel *schema.Release, gvk schema.GVK) string {
	target := rel.Version()
	from := ""
	if lc, ok := cat.lifecycle(gvk); ok && lc.Introduced != "" {
		from = lc.Introduced
	} else if rel.Kind(gvk) == nil {
		// Lifecycle data omits GA versions: the first release whose
		// schemas define the kind is when it came. Looked up only when
		// the target release lacks it, since it may decode every release.
		if p := presence(cat, gvk); len(p) > 0 {
			from = p[0]
		}
	}
	if from != "" && schema.CompareReleases(target, from) < 0 {
		return from
	}
	return ""
}

// betaOffByDefault is the first release in which new beta APIs are not
// served unless enabled (KEP-3136).
const betaOffByDefault = "1.24"

// servedBefore reports whether an earlier, non-alpha version of the same
// group and kind existed before release: a new beta that succeeds one (as
// flowcontrol.apiserver.k8s.io/v1beta3 succeeded v1beta2) stays enabled.
func servedBefore(cat catalog, gvk schema.GVK, release string) bool {
	for _, v := range cat.releases() {
		if schema.CompareReleases(v, release) >= 0 {
			break
		}
		r, err := cat.load(v)
		if err != nil {
			continue
		}
		for _, k := range r.Kinds() {
			if k.Group == gvk.Group && k.Kind == gvk.Kind && k.Version != gvk.Version && !strings.Contains(k.Version, "alpha") {
				return true
			}
		}
	}
	return false
}
