package engine

// The rule ids of the render's findings. They never change once released;
// docs/rules.md lists every rule of eastern, and a test holds it to Rules.
const (
	RuleRoot          = "render.root"           // the root or base directory does not exist or is not a directory
	RuleRead          = "render.read"           // a template or partial cannot be read, or is not UTF-8 text without NUL bytes and lone CRs
	RuleNoCandidates  = "render.no-candidates"  // a load! or load? names no file
	RuleEscape        = "render.escape"         // a candidate leads outside the root directory
	RuleNotAFile      = "render.not-a-file"     // a candidate is a directory, named pipe, device or other special file
	RuleLoadMissing   = "render.load-missing"   // no candidate of a load! exists
	RuleCycle         = "render.cycle"          // a file loads itself, directly or through others
	RuleDepth         = "render.depth"          // loads nest deeper than MaxDepth
	RuleLimit         = "render.limit"          // the render loads more than MaxLoads files or writes more than MaxOutput bytes
	RuleUnsetVariable = "render.unset-variable" // a variable has no value (an error under Strict)
	RuleBlockVariable = "render.block-variable" // a ${NAME} in a YAML block scalar that no render sets: text for a shell, to escape as $${NAME}
)

// Rules returns the rule ids the engine reports.
func Rules() []string {
	return []string{RuleRoot, RuleRead, RuleNoCandidates, RuleEscape, RuleNotAFile, RuleLoadMissing, RuleCycle, RuleDepth, RuleLimit, RuleUnsetVariable, RuleBlockVariable}
}
