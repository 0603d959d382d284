package apivalidation

// The rule ids of the API server's validation rules. They never change once
// released; docs/rules.md lists each, and a test holds it to Rules.
const (
	RuleSelector      = "validation.selector"
	RuleImage         = "validation.image"
	RuleName          = "validation.name"
	RuleDuplicateName = "validation.duplicate-name"
	RuleVolumeMount   = "validation.volume-mount"
	RulePort          = "validation.port"
	RuleResourceName  = "validation.resource-name"
	RuleResources     = "validation.resources"
	RuleBase64        = "validation.base64"
	RuleDataKey       = "validation.data-key"
	RuleEnv           = "validation.env"
	RuleProbe         = "validation.probe"
	RuleRestartPolicy = "validation.restart-policy"
	RuleCronSchedule  = "validation.cron-schedule"
	RuleService       = "validation.service"
	RuleIngress       = "validation.ingress"
	RuleHPA           = "validation.hpa"
	RulePDB           = "validation.pdb"
)

// Rules returns the rule ids the package reports, in the order of
// docs/rules.md.
func Rules() []string {
	return []string{
		RuleSelector, RuleImage, RuleName, RuleDuplicateName, RuleVolumeMount, RulePort,
		RuleResourceName, RuleResources, RuleBase64, RuleDataKey, RuleEnv,
		RuleProbe, RuleRestartPolicy, RuleCronSchedule, RuleService,
		RuleIngress, RuleHPA, RulePDB,
	}
}
