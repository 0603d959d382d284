package lint

// The rule ids of lint's own findings; docs/rules.md lists them. The
// checks of rendered manifests are the validator's (validator.Rules).
const (
	RuleSkipped    = "lint.skipped" // a matched file is not read: a special file, or YAML that kustomize or Helm reads
	RuleLiveConfig = "watch.config" // a configuration changed mid-watch cannot be read; the previous one stays in use
	RuleRelease    = "lint.release" // a release newer than eastern knows: the newest known is used instead
)

// Rules returns the rule ids lint reports itself.
func Rules() []string {
	return []string{RuleSkipped, RuleLiveConfig, RuleRelease}
}
