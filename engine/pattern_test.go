package engine_test

import (
	"testing"

	"github.com/eastern-k8s/eastern/engine"
)

func TestCandidatePattern(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"REGION": "eu", "EMPTY": "", "DIR": "a/b", "REF": "${X}", "NAMESPACE": "ignored", "UP": ".."}
	tests := []struct{ dir, candidate, want string }{
		{"", "r-${NAMESPACE}-${REGION}.yaml", "r-${NAMESPACE}-eu.yaml"},
		{"", "r-${NAMESPACE}-${TIER}.yaml", "r-${NAMESPACE}-${TIER}.yaml"},
		{"", "${DIR}/env-${NAMESPACE}.yaml", "a/b/env-${NAMESPACE}.yaml"},
		{"", "${REGION:-us}.yaml", "eu.yaml"},
		{"", "${EMPTY:-us}.yaml", "us.yaml"},
		{"", "${EMPTY}x.yaml", "x.yaml"},
		{"", "${TIER:-web}.yaml", "${TIER}.yaml"},
		{"", "$${REGION}-${REGION}.yaml", "$${REGION}-eu.yaml"},
		{"", "${REF}.yaml", "$${X}.yaml"},
		{"", "$5-${REGION", "$$5-$${REGION"},
		{"", "plain.yaml", "plain.yaml"},
		// Paths are joined to the loading file's directory and cleaned as
		// the engine cleans them once the variables have values.
		{"o", "env-${NAMESPACE}.yaml", "o/env-${NAMESPACE}.yaml"},
		{".", "./x/../env.yaml", "env.yaml"},
		{"o/p", "../${NAMESPACE}/x.yaml", "o/${NAMESPACE}/x.yaml"},
		{"o", "${NAMESPACE}/../x.yaml", "o/x.yaml"},
		{"o", "${UP}/x.yaml", "x.yaml"},
		{"..", "../x.yaml", "../../x.yaml"},
		{"o", "/abs/${NAMESPACE}.yaml", "/abs/${NAMESPACE}.yaml"},
		{"/etc", "../x.yaml", "/x.yaml"},
		{"/", "../x.yaml", "/x.yaml"},
		{"o", "a//b/", "o/a/b"},
		{"o/$${dir}", "x.yaml", "o/$$$${dir}/x.yaml"},
	}
	for _, tt := range tests {
		if got := engine.CandidatePattern(tt.dir, tt.candidate, vars).String(); got != tt.want {
			t.Errorf("CandidatePattern(%q, %q) = %q, want %q", tt.dir, tt.candidate, got, tt.want)
		}
	}
	// A directory name is literal even when it looks like a reference.
	if p := engine.CandidatePattern("${D}", "x.yaml", nil); len(p) != 2 || !p[0].IsLiteral("${D}") {
		t.Errorf("directory ${D} read as %q, want a literal segment", p)
	}
}
