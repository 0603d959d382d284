package crd

// The rule ids of the CRD checks. They never change once released;
// docs/rules.md documents each, and a test holds that table to Rules.
const (
	RuleUnknownField = "crd.unknown-field" // a field the CRD's schema does not have: the API server would drop it
	RuleType         = "crd.type"          // a value of the wrong JSON type
	RuleRequired     = "crd.required"      // a required field is absent (or null)
	RuleValue        = "crd.value"         // enum, format, bounds, lengths, pattern, counts
	RuleList         = "crd.list"          // duplicate items of an x-kubernetes-list-type set or map
	RuleEmbedded     = "crd.embedded"      // an embedded resource without apiVersion, kind or metadata
	RuleCEL          = "crd.cel"           // an x-kubernetes-validations rule fails (or cannot be evaluated)
	RuleVersion      = "crd.version"       // the CRD does not serve the object's version
	RuleDeprecated   = "crd.deprecated"    // the CRD marks the object's version deprecated
	RuleScope        = "crd.scope"         // a cluster-scoped kind with metadata.namespace
	RuleDefinition   = "crd.definition"    // the CRD itself is invalid
	RuleConflict     = "crd.conflict"      // two CRDs for one group and kind disagree
	RuleRead         = "crd.read"          // a --crds or crds: file cannot be read or parsed
)

// Rules returns the rule ids package crd reports.
func Rules() []string {
	return []string{
		RuleUnknownField, RuleType, RuleRequired, RuleValue, RuleList, RuleEmbedded, RuleCEL,
		RuleVersion, RuleDeprecated, RuleScope, RuleDefinition, RuleConflict, RuleRead,
	}
}
