package main

import "go/types"

// knownEncodings classifies the named types whose JSON form is not their Go
// structure: they implement MarshalJSON/UnmarshalJSON (or are otherwise
// special to the API server). The generator fails on any other named type
// with a custom encoding, so a new one in a future k8s.io/api is noticed
// rather than described wrongly.
var knownEncodings = map[string]shape{
	"k8s.io/apimachinery/pkg/util/intstr.IntOrString": intOrString,
	"k8s.io/apimachinery/pkg/api/resource.Quantity":   quantity,

	// RFC 3339 timestamps and Go duration strings ("1h30m").
	"k8s.io/apimachinery/pkg/apis/meta/v1.Time":      str,
	"k8s.io/apimachinery/pkg/apis/meta/v1.MicroTime": str,
	"k8s.io/apimachinery/pkg/apis/meta/v1.Duration":  str,
	// "apps/v1": only in discovery types, never in a kind, but harmless.
	"k8s.io/apimachinery/pkg/apis/meta/v1.GroupVersion": str,

	// Free-form JSON: managed-fields sets, embedded objects.
	"k8s.io/apimachinery/pkg/apis/meta/v1.FieldsV1": anyJSON,
	"k8s.io/apimachinery/pkg/runtime.RawExtension":  anyJSON,
	"k8s.io/apimachinery/pkg/runtime.Unknown":       anyJSON,

	// CRD validation schemas: arbitrary JSON values and unions of a schema
	// with an array, a bool or a string list.
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSON":                              anyJSON,
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSONSchemaPropsOrArray":            anyJSON,
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSONSchemaPropsOrBool":             anyJSON,
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1.JSONSchemaPropsOrStringArray":      anyJSON,
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1beta1.JSON":                         anyJSON,
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1beta1.JSONSchemaPropsOrArray":       anyJSON,
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1beta1.JSONSchemaPropsOrBool":        anyJSON,
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1beta1.JSONSchemaPropsOrStringArray": anyJSON,
}

// qualifiedName returns "import/path.Name" for a named type, "" otherwise.
func qualifiedName(t types.Type) string {
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return ""
	}
	return n.Obj().Pkg().Path() + "." + n.Obj().Name()
}

// customEncoding names the first method through which encoding/json would
// bypass t's structure, or "" if there is none. Pointer receivers count:
// the API machinery always decodes into addressable values.
func customEncoding(t types.Type) string {
	ms := types.NewMethodSet(types.NewPointer(t))
	for _, m := range []string{"MarshalJSON", "UnmarshalJSON", "MarshalText", "UnmarshalText"} {
		if ms.Lookup(nil, m) != nil {
			return m
		}
	}
	return ""
}
