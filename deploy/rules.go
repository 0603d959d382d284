package deploy

// Rule ids of deploy's findings; docs/rules.md lists them all.
const (
	RuleManifest  = "deploy.manifest"  // the rendered manifest cannot be sent as objects
	RuleNamespace = "deploy.namespace" // an object names another namespace than the deploy's
	RuleServer    = "deploy.server"    // the API server rejected an object
	RuleRelease   = "deploy.release"   // the cluster runs a release eastern has no schemas for
)

// Rules lists deploy's rule ids.
func Rules() []string { return []string{RuleManifest, RuleNamespace, RuleServer, RuleRelease} }
