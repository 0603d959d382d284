package apivalidation

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// hpa is ValidateHorizontalPodAutoscalerSpec (pkg/apis/autoscaling/
// validation): minReplicas at least 1 (0 only behind the alpha
// HPAScaleToZero gate), maxReplicas at least 1 and at least minReplicas.
func (v *checker) hpa(spec *yaml.Node) {
	if !isMapping(spec) {
		return
	}
	minNode, maxNode := get(spec, "minReplicas"), get(spec, "maxReplicas")
	minimum, hasMin := integer(minNode)
	maximum, hasMax := integer(maxNode)
	if hasMin && minimum < 1 {
		v.error(RuleHPA, minNode, fieldPath("spec.minReplicas"), "must be greater than or equal to 1")
	}
	if hasMax && maximum < 1 {
		v.error(RuleHPA, maxNode, fieldPath("spec.maxReplicas"), "must be greater than or equal to 1")
	} else if hasMax && hasMin && maximum < minimum {
		v.error(RuleHPA, maxNode, fieldPath("spec.maxReplicas"), fmt.Sprintf("must be greater than or equal to `minReplicas` (%d)", minimum))
	}
}

// pdb is ValidatePodDisruptionBudgetSpec (pkg/apis/policy/validation):
// minAvailable and maxUnavailable exclusive, each a non-negative integer or
// a percentage of at most 100% (ValidatePositiveIntOrPercent,
// IsNotMoreThan100Percent).
func (v *checker) pdb(spec *yaml.Node) {
	if !isMapping(spec) {
		return
	}
	if has(spec, "minAvailable") && has(spec, "maxUnavailable") {
		v.error(RulePDB, keyOf(spec, "maxUnavailable"), fieldPath("spec.maxUnavailable"), "minAvailable and maxUnavailable cannot be both set")
	}
	for _, field := range []string{"minAvailable", "maxUnavailable"} {
		n := get(spec, field)
		if n == nil {
			continue
		}
		p := fieldPath("spec").child(field)
		if i, ok := integer(n); ok {
			if i < 0 {
				v.error(RulePDB, n, p, "must be greater than or equal to 0")
			}
			continue
		}
		s, ok := str(n)
		if !ok {
			continue
		}
		if errs := isValidPercent(s); len(errs) > 0 {
			v.error(RulePDB, n, p, fmt.Sprintf("%q must be an integer or a percentage (e.g. '5%%')", s))
			continue
		}
		var pct int
		if _, err := fmt.Sscanf(strings.TrimSuffix(s, "%"), "%d", &pct); err == nil && pct > 100 {
			v.error(RulePDB, n, p, "must not be greater than 100%")
		}
	}
}
