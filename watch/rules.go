package watch

// The rule ids of the watch's own findings; docs/rules.md lists them.
const (
	RuleEvents = "watch.events" // the file watcher reported an error; the watch goes on
	RuleVars   = "watch.vars"   // the --values file could not be read for a render
	RuleAdd    = "watch.add"    // a directory could not be watched; changes in it are missed
	RuleWrite  = "watch.write"  // an output file could not be written; the previous one stays
)

// Rules returns the rule ids the watch reports itself.
func Rules() []string {
	return []string{RuleEvents, RuleVars, RuleAdd, RuleWrite}
}
