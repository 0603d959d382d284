// Package apivalidation applies the Kubernetes API server's own validation
// rules that a schema cannot state — a selector that must match its pod
// template's labels, a Job's restart policy, a CronJob's schedule syntax,
// a Secret's base64 data — to one object of a built-in kind, as a yaml.Node
// tree, so that every finding lands on the line that holds the value.
//
// Each check names the function of k8s.io/kubernetes it follows
// (pkg/apis/core/validation, pkg/apis/apps/validation and the batch,
// networking, autoscaling and policy ones) and the releases it applies to;
// docs/rules.md lists them with their rule ids. The checks judge what the
// API server would see after its defaulting (an absent restartPolicy is
// Always), and only what the schema walk cannot: types and required fields
// are package validator's.
//
// The package is a stage of validation, not of rendering: eastern render
// never imports it.
package apivalidation
