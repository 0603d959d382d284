// Package checks holds eastern lint's checks of what hurts in production
// but no schema can see: workload hygiene (the practices: resources,
// spreading, probes, images, privileges) and references between the
// objects of one render (a Service that selects no pod, an Ingress backend
// that names no Service). They run on the objects of one render — one root
// template for one namespace — as the validator parsed them: a Collector
// copies what the checks need from each object's yaml tree while the
// validator walks it (validator.Options.Visit), and Run judges the whole
// render at once. Findings are in output coordinates; lint maps them to
// template lines, as it does the validator's.
//
// Which checks run, and at what severity, is decided per namespace by
// Levels, built from .eastern.yaml's checks block and --checks (see
// Resolve); a `# eastern:ignore` comment in a template silences one
// finding (see ParseIgnores).
package checks

import (
	"slices"

	"github.com/eastern-k8s/eastern/diag"
)

// The groups that configuration sets all at once.
const (
	GroupPractices  = "practices"
	GroupReferences = "references"
)

// The rule ids of the practice checks; docs/checks.md explains each.
const (
	RuleRequests       = "resources.requests"
	RuleMemoryLimit    = "resources.memory-limit"
	RuleSpread         = "workload.spread"
	RuleReplicasHPA    = "workload.replicas-with-hpa"
	RuleReadiness      = "probe.readiness"
	RuleProbeIdentical = "probe.identical"
	RuleNoTag          = "image.no-tag"
	RuleLatestTag      = "image.latest-tag"
	RuleFloatingTag    = "image.floating-tag"
	RulePrivileged     = "security.privileged"
	RuleHostNamespace  = "security.host-namespace"
	RuleRunAsRoot      = "security.run-as-root"
)

// The rule ids of the reference checks.
const (
	RuleServiceSelector = "reference.service-selector"
	RuleBackend         = "reference.backend"
	RuleHPATarget       = "reference.hpa-target"
	RulePDBSelector     = "reference.pdb-selector"
	RuleConfigMap       = "reference.configmap"
	RuleSecret          = "reference.secret"
	RuleServiceAccount  = "reference.service-account"
	RulePriorityClass   = "reference.priority-class"
)

// RuleIgnore is the finding about a `# eastern:ignore` comment itself:
// one without a reason, naming an unknown rule, or silencing nothing.
const RuleIgnore = "lint.ignore"

// Rule is one check: its id, its group, and its severity when no
// configuration says otherwise.
type Rule struct {
	ID       string
	Group    string
	Severity diag.Severity
}

// all lists every check in the order of docs/checks.md. Practices are
// info and references warnings by default, so that a repository that
// linted clean before still does; the security practices are warnings
// and the references to what may live in the cluster only (ConfigMaps,
// Secrets, ServiceAccounts, PriorityClasses) notes.
var all = []Rule{
	{RuleRequests, GroupPractices, diag.Info},
	{RuleMemoryLimit, GroupPractices, diag.Info},
	{RuleSpread, GroupPractices, diag.Info},
	{RuleReplicasHPA, GroupPractices, diag.Info},
	{RuleReadiness, GroupPractices, diag.Info},
	{RuleProbeIdentical, GroupPractices, diag.Info},
	{RuleNoTag, GroupPractices, diag.Info},
	{RuleLatestTag, GroupPractices, diag.Info},
	{RuleFloatingTag, GroupPractices, diag.Info},
	{RulePrivileged, GroupPractices, diag.Warning},
	{RuleHostNamespace, GroupPractices, diag.Warning},
	{RuleRunAsRoot, GroupPractices, diag.Warning},

	{RuleServiceSelector, GroupReferences, diag.Warning},
	{RuleBackend, GroupReferences, diag.Warning},
	{RuleHPATarget, GroupReferences, diag.Warning},
	{RulePDBSelector, GroupReferences, diag.Warning},
	{RuleConfigMap, GroupReferences, diag.Info},
	{RuleSecret, GroupReferences, diag.Info},
	{RuleServiceAccount, GroupReferences, diag.Info},
	{RulePriorityClass, GroupReferences, diag.Info},
}

// All returns every check, in the order of docs/checks.md.
func All() []Rule { return slices.Clone(all) }

// Rules returns the rule ids this package reports: every check's and
// RuleIgnore.
func Rules() []string {
	ids := make([]string, 0, len(all)+1)
	for _, r := range all {
		ids = append(ids, r.ID)
	}
	return append(ids, RuleIgnore)
}

// ruleIndex is each check's position in all: Levels are asked about a
// rule several times per container.
var ruleIndex = func() map[string]int {
	m := make(map[string]int, len(all))
	for i, r := range all {
		m[r.ID] = i
	}
	return m
}()

// index is the position of id in all, -1 when it is no check.
func index(id string) int {
	if i, ok := ruleIndex[id]; ok {
		return i
	}
	return -1
}

// IsCheck reports whether id names one of the checks (not RuleIgnore).
func IsCheck(id string) bool { return index(id) >= 0 }
