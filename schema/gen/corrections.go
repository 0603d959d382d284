package main

import (
	"go/types"
	"strings"
)

// requiredFix overrides what the OpenAPI rule (isRequired) says about one
// field, where the API server disagrees with it. Every entry names its
// evidence in the Kubernetes source; tests hold the table to the data.
type requiredFix struct {
	pkg      string // the type's package, or with a trailing "/" every package below: "k8s.io/api/apps/"
	typeName string // the Go struct, "StatefulSetSpec"
	field    string // its JSON name
	required bool
	evidence string
}

// requiredFixes is the correction table. The fields are the ones users
// meet: a manifest the API server accepts must not fail lint, and one it
// rejects must not pass.
var requiredFixes = []requiredFix{
	{"k8s.io/api/apps/", "StatefulSetSpec", "serviceName", false,
		"ValidateStatefulSetSpec (pkg/apis/apps/validation) never required it; k8s.io/api marks it " +
			"+optional from v0.33, but the OpenAPI of older releases lists it as required (no omitempty)"},
	{"k8s.io/api/networking/", "NetworkPolicySpec", "podSelector", false,
		"ValidateNetworkPolicySpec (pkg/apis/networking/validation) accepts the empty selector an " +
			"absent podSelector decodes to (it selects every pod); k8s.io/api marks it +optional from v0.34"},
	{"k8s.io/api/core/v1", "HostAlias", "ip", true,
		"validateHostAliases (pkg/apis/core/validation) requires a valid IP (IsValidIP rejects \"\") at every " +
			"release; k8s.io/api marks it +required only from v0.30 (omitempty before)"},
	{"k8s.io/api/networking/v1", "HTTPIngressPath", "pathType", true,
		"validateHTTPIngressRuleValue (pkg/apis/networking/validation) requires pathType in networking.k8s.io/v1, " +
			"which unlike v1beta1 does not default it; the OpenAPI of 1.19 to 1.21 lists it as optional (omitempty, dropped in v0.22)"},
}

// requiredFixFor returns the correction for owner's field, if any.
func requiredFixFor(owner *types.TypeName, field string) (requiredFix, bool) {
	if owner == nil || owner.Pkg() == nil {
		return requiredFix{}, false
	}
	for _, f := range requiredFixes {
		pkg := owner.Pkg().Path()
		inPkg := pkg == f.pkg || strings.HasSuffix(f.pkg, "/") && strings.HasPrefix(pkg, f.pkg)
		if f.typeName == owner.Name() && f.field == field && inPkg {
			return f, true
		}
	}
	return requiredFix{}, false
}
