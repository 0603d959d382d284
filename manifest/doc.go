// Package manifest knows what is about Kubernetes objects but not about
// schemas: where a rendered stream splits into documents, how an object is
// named and identified, and which names can be namespaces. The render path
// uses it without pulling in schema data; the validator, lint and watch use
// it so that they agree on documents and objects.
package manifest
