package validator

import "github.com/eastern-k8s/eastern/apivalidation"

// The rule ids of the validator's findings; the package documentation says
// what each means. They never change once released: docs/rules.md lists
// every rule of eastern, and a test holds it to Rules.
const (
	RuleSyntax       = "yaml.syntax"
	RuleDuplicateKey = "yaml.duplicate-key"
	RuleAliasBudget  = "yaml.alias-budget"
	RuleDepth        = "yaml.depth"
	RuleTruncated    = "lint.truncated"
	RuleShape        = "object.shape"
	// RuleNotManifest notes YAML that is not a Kubernetes object and is
	// not checked: tool configuration, or an output without any object.
	RuleNotManifest     = "object.not-manifest"
	RuleDuplicateObject = "object.duplicate"
	RuleUnknownField    = "schema.unknown-field"
	RuleFieldRelease    = "schema.field-release"
	RuleRequired        = "schema.required"
	RuleType            = "schema.type"
	RuleQuantity        = "schema.quantity"
	RuleEnum            = "schema.enum"
	RuleDuplicateItem   = "schema.duplicate-item"
	RuleUnknownKind     = "schema.unknown-kind"
	RuleRelease         = "schema.release"
	RuleUnavailable     = "schema.unavailable"
	RuleDeprecated      = "api.deprecated"
	RuleRemoved         = "api.removed"
	RuleNotYet          = "api.not-yet"
	RuleFeatureGated    = "api.feature-gated"
	// RuleUnknownVersion and RuleUnknownBuiltinKind are apiVersions and
	// kinds in groups Kubernetes serves itself that the release does not
	// serve: built-in groups are closed, unlike a custom resource's.
	RuleUnknownVersion     = "api.unknown-version"
	RuleUnknownBuiltinKind = "api.unknown-kind"
	RuleName               = "metadata.name"
	RuleNamespace          = "metadata.namespace"
	RuleLabel              = "metadata.label"
	RuleAnnotation         = "metadata.annotation"
)

// Rules returns the rule ids the validator reports, those of the API
// server's rules it applies (package apivalidation) last.
func Rules() []string {
	return append([]string{
		RuleSyntax,
		RuleDuplicateKey,
		RuleAliasBudget,
		RuleDepth,
		RuleTruncated,
		RuleShape,
		RuleNotManifest,
		RuleDuplicateObject,
		RuleUnknownField,
		RuleFieldRelease,
		RuleRequired,
		RuleType,
		RuleQuantity,
		RuleEnum,
		RuleDuplicateItem,
		RuleUnknownKind,
		RuleRelease,
		RuleUnavailable,
		RuleDeprecated,
		RuleRemoved,
		RuleNotYet,
		RuleFeatureGated,
		RuleUnknownVersion,
		RuleUnknownBuiltinKind,
		RuleName,
		RuleNamespace,
		RuleLabel,
		RuleAnnotation,
	}, apivalidation.Rules()...)
}
