// Package validator checks one rendered output — a stream of YAML documents
// — against the schemas of one Kubernetes release, offline. It is eastern
// lint's per-document stage: lint renders each template for a namespace,
// hands the output here, and maps the findings' output lines back to
// template lines through the render's source map.
//
// Each YAML document is parsed once into a yaml.Node tree (go.yaml.in/yaml/v3
// keeps line and column for every node; blockyaml.go builds the same tree
// faster for the plain block YAML most manifests are) and walked alongside the kind's
// schema.Node, so every problem in a document is reported, each with its
// field path and the position of the most precise node: the offending key
// for unknown fields, the value for type errors, the enclosing mapping for
// missing fields, the apiVersion value for api.* findings.
//
// Values are judged the way kubectl sends them: sigs.k8s.io/yaml reads
// YAML 1.1, so a quoted "3" is a string, 3 a number, and an unquoted yes,
// no, on or off a boolean. Null is accepted for every field (Kubernetes
// treats it as unset), except that a required field set to null is
// missing.
//
// # Rules
//
//	rule id                severity        meaning
//	yaml.syntax            error           the document is not valid YAML; other documents are still checked
//	yaml.duplicate-key     error           a mapping repeats a key (reported at the second one)
//	yaml.alias-budget      error           aliases and merge keys expand the document past 100,000 nodes
//	                                       (a "billion laughs"): the rest of it is not checked
//	yaml.depth             warning         the document nests deeper than 100 levels; nothing deeper is
//	                                       checked
//	lint.truncated         as the worst    the document has more than 100 findings: the first 100 by
//	                       left out        position are kept, and this one counts the rest
//	object.shape           error           apiVersion, kind or metadata.name/generateName missing or not a
//	                                       string, or the document (or a List item) is not a mapping
//	object.not-manifest    info            not a Kubernetes object, not checked: an output in which no
//	                                       document has apiVersion or kind (its documents' findings are
//	                                       dropped), or tool configuration (manifest.ToolConfig); one per
//	                                       output
//	object.duplicate       error           the same group, kind, namespace and name twice in one output
//	                                       (an absent or empty namespace is Options.Namespace, the one
//	                                       rendered for); at the second occurrence
//	schema.unknown-field   error           the kind has no such field in any release
//	schema.field-release   error           the field exists, but only in later releases ("was added in
//	                                       Kubernetes 1.22") or only in earlier ones ("was removed in …")
//	schema.required        error           a required field is absent or null
//	schema.type            error           a value has the wrong JSON type ("expected integer, got string")
//	schema.quantity        error           a string that must be a resource quantity does not parse as one
//	                                       ("1GB", "1 Gi"); numbers always do
//	schema.enum            error           a value outside the release's closed set for an enum field
//	                                       ("udp" for protocol); lists the allowed values
//	schema.duplicate-item  error           two items of a list-map (containers by name, ports by
//	                                       containerPort and protocol) have the same keys; at the second
//	schema.unknown-kind    info (error     no release has a schema for the kind (a custom resource): its
//	                       with StrictKinds)  fields are not checked
//	schema.release         error           Options.Release is not a supported release
//	schema.unavailable     error           the release's schema data could not be loaded
//	api.deprecated         warning         the apiVersion is deprecated at the release; names the replacement
//	api.removed            error           the release no longer serves the apiVersion; names the release that
//	                                       removed it and the replacement
//	api.not-yet            error           the apiVersion arrived in a later release; names it
//	api.feature-gated      warning         an alpha version, or a beta version introduced in 1.24 or later
//	                                       that does not succeed an older enabled version of the kind:
//	                                       served only when enabled on the API server
//	api.unknown-version    error           a group Kubernetes serves itself (one the schema data knows)
//	                                       has no such version at the release; names the apiVersion that
//	                                       serves the kind, when one does
//	api.unknown-kind       error           the built-in apiVersion does not serve the kind: names the
//	                                       apiVersion that does ("Deployment is served by apps/v1") or the
//	                                       kind's spelling ("did you mean ConfigMap?")
//	metadata.name          error           the name (or generateName prefix) is not valid for the kind:
//	                                       DNS-1123 subdomain for most kinds, DNS-1123 label for Namespace
//	                                       (and StatefulSet from 1.27), DNS-1035 label for Service, path
//	                                       segment for RBAC kinds, at most 52 characters for CronJob
//	metadata.namespace     error           metadata.namespace is not a DNS-1123 label
//	metadata.label         error           a label key is not a qualified name or a value not a valid label
//	                                       value (object and pod-template metadata)
//	metadata.annotation    error           an annotation key is not a qualified name, or all annotations
//	                                       together exceed 256 KiB
//
// After the schema walk, each object of a built-in kind goes to package
// apivalidation for the API server's own rules (validation.* ids).
//
// Custom resources: with Options.CRDs (package crd implements the
// CustomResources interface), an object of a kind no release has is
// checked against the CRD that defines its group and kind — one the
// caller was given, or one in the output itself, which is read before any
// object is checked — and its findings are reported here as the walk's
// are, at the node they are about; only without a CRD is it
// schema.unknown-kind.
//
// Documents are split on `---` lines (with or without trailing content) and
// `...` end markers; empty and comment-only documents are fine, and so is
// a stream that is only a `...`. Positions are in lines ended by \n, as the
// render's source map counts them, although yaml.v3 also ends lines at a
// lone CR, NEL, LS and PS. A document
// of kind List, or a typed list such as DeploymentList, is checked item by
// item, with paths like items[2].spec.replicas.
package validator
