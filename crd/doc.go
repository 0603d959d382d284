// Package crd checks custom resources against their
// CustomResourceDefinitions, offline, with the API server's semantics.
//
// Compile reads one CRD document (apiextensions.k8s.io/v1 or v1beta1) into
// a Definition: its names, scope and versions, each version's
// openAPIV3Schema compiled into a Schema — structural-schema keywords,
// regular expressions and x-kubernetes-validations CEL rules compiled
// once — and what is wrong with it as a CRD (Problems). A Cache compiles
// each CRD document once per run; a Set holds the CRDs of files (--crds,
// crds: in .eastern.yaml), with conflicts between them; Set.Output adds a
// render's own CRDs and implements the validator's CustomResources, which
// is how package validator uses this one without importing it.
//
// Checking walks the custom resource's yaml.v3 nodes alongside the schema
// and reports each finding at the most precise node, with its field path,
// so that lint maps it to the template line that wrote it.
//
// CEL rules run with github.com/google/cel-go, the library the API server
// uses, and the Kubernetes CEL functions that rules use in practice
// (quantity, url, lists, regex, ip, cidr), written here against cel-go's extension
// API. Each object of a schema is declared to CEL as a type with its
// fields (celTypes), so rules type-check as the API server checks them,
// while values stay plain maps and lists. The CEL environment is built on
// first use, by the first CRD with rules.
package crd
