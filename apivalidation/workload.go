package apivalidation

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/schema"
)

func isWorkload(kind string) bool {
	switch kind {
	case "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet":
		return true
	}
	return false
}

// workload checks a Deployment, ReplicaSet, StatefulSet or DaemonSet:
// ValidateDeploymentSpec, ValidateReplicaSetSpec, ValidateStatefulSetSpec
// and ValidateDaemonSetSpec (pkg/apis/apps/validation) each require a
// non-empty selector that matches the template's labels, and a template
// whose restartPolicy is Always. apps/v1 requires the selector (the schema
// says so); the beta versions and extensions/v1beta1 default it from the
// template's labels, so only one that is written is checked.
func (v *checker) workload(gvk schema.GVK, spec *yaml.Node) {
	if !isMapping(spec) {
		return
	}
	template := get(spec, "template")
	required := gvk.Group == "apps" && gvk.Version == "v1"
	v.labelSelector(spec, fieldPath("spec"), template, strings.ToLower(gvk.Kind), required)
	if gvk.Kind == "StatefulSet" {
		// ValidatePodTemplateSpecForStatefulSet leaves the pod spec
		// unvalidated (its volumes come from volumeClaimTemplates too):
		// only the restart policy is checked, by ValidateStatefulSetSpec.
		if isMapping(template) {
			spec := get(template, "spec")
			if isMapping(spec) {
				v.restartPolicy(spec, keyOf(template, "spec"), fieldPath("spec.template.spec"), podRestartAlways)
			}
		}
		return
	}
	v.podTemplate(template, fieldPath("spec.template"), podRestartAlways)
}

// replicationController: ValidateReplicationControllerSpec requires the
// selector (defaulted from the template's labels) to match them.
func (v *checker) replicationController(spec *yaml.Node) {
	if !isMapping(spec) {
		return
	}
	template := get(spec, "template")
	if sel := get(spec, "selector"); isMapping(sel) && len(sel.Content) > 0 && isMapping(template) {
		if why := labelsMismatch(sel, indexKeys(get(get(template, "metadata"), "labels"))); why != "" {
			v.error(RuleSelector, keyOf(template, "metadata"), fieldPath("spec.template.metadata.labels"), "selector does not match template labels: "+why)
		}
	}
	v.podTemplate(template, fieldPath("spec.template"), podRestartAlways)
}

// jobSpec checks a Job's spec at p (ValidateJobSpec, pkg/apis/batch/
// validation): the pod template may only restart OnFailure or Never, and
// a selector is generated unless manualSelector is true, when it must be
// given and match the template's labels (validateGeneratedSelector).
func (v *checker) jobSpec(spec *yaml.Node, p path) {
	if !isMapping(spec) {
		return
	}
	template := get(spec, "template")
	manual, _ := boolean(get(spec, "manualSelector"))
	if manual {
		v.labelSelector(spec, p, template, "job", true)
	} else if sel := get(spec, "selector"); sel != nil {
		v.error(RuleSelector, keyOf(spec, "selector"), p.child("selector"),
			"`selector` is generated for a Job: set manualSelector: true to choose it")
	}
	v.podTemplate(template, p.child("template"), podRestartNotAlways)
}

// cronJob checks a CronJob's schedule (validateScheduleFormat in
// pkg/apis/batch/validation) and its job template.
func (v *checker) cronJob(spec *yaml.Node) {
	if !isMapping(spec) {
		return
	}
	if s, ok := str(get(spec, "schedule")); ok {
		_, hasTZ := str(get(spec, "timeZone"))
		if msg := v.scheduleError(s, hasTZ); msg != "" {
			v.error(RuleCronSchedule, get(spec, "schedule"), fieldPath("spec.schedule"), msg)
		}
	}
	if jt := get(spec, "jobTemplate"); isMapping(jt) {
		v.jobSpec(get(jt, "spec"), fieldPath("spec.jobTemplate.spec"))
	}
}

// labelSelector checks spec.selector (a metav1.LabelSelector) against the
// pod template: ValidateLabelSelector for its operators and values, then
// "empty selector is invalid" and "selector does not match template
// labels" as the apps and batch validations word them.
func (v *checker) labelSelector(spec *yaml.Node, p path, template *yaml.Node, what string, required bool) {
	sel := get(spec, "selector")
	if sel == nil {
		return // apps/v1: the schema reports it missing; elsewhere defaulted
	}
	if !isMapping(sel) {
		return
	}
	sp := p.child("selector")
	matchLabels := get(sel, "matchLabels")
	exprs := items(get(sel, "matchExpressions"))
	if emptyMap(matchLabels) && len(exprs) == 0 {
		if required {
			v.error(RuleSelector, keyOf(spec, "selector"), sp, "empty selector is invalid for "+what)
		}
		return
	}
	ok := true
	for i, e := range exprs {
		if !v.selectorRequirement(e, sp.child("matchExpressions").index(i)) {
			ok = false
		}
	}
	if !ok || !isMapping(template) {
		return
	}
	meta := get(template, "metadata")
	if why := selectorMismatch(matchLabels, exprs, get(meta, "labels")); why != "" {
		at := keyOf(meta, "labels")
		if at == nil {
			at = keyOf(template, "metadata")
		}
		if at == nil {
			at = keyOf(spec, "template")
		}
		v.error(RuleSelector, at, p.child("template.metadata.labels"), "selector does not match template labels: "+why)
	}
}

// selectorRequirement is ValidateLabelSelectorRequirement: In and NotIn
// need values, Exists and DoesNotExist take none.
func (v *checker) selectorRequirement(e *yaml.Node, p path) bool {
	if !isMapping(e) {
		return false
	}
	op, _ := str(get(e, "operator"))
	values := items(get(e, "values"))
	switch op {
	case "In", "NotIn":
		if len(values) == 0 {
			v.error(RuleSelector, get(e, "operator"), p.child("values"), "must be specified when `operator` is 'In' or 'NotIn'")
			return false
		}
	case "Exists", "DoesNotExist":
		if len(values) > 0 {
			v.error(RuleSelector, get(e, "values"), p.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
			return false
		}
	case "":
		return false // the schema reports a missing operator
	default:
		v.error(RuleSelector, get(e, "operator"), p.child("operator"),
			fmt.Sprintf("%q is not a valid label selector operator (In, NotIn, Exists, DoesNotExist)", op))
		return false
	}
	return true
}

// selectorMismatch says why labels (a mapping) do not satisfy the
// selector, or "".
func selectorMismatch(matchLabels *yaml.Node, exprs []*yaml.Node, labelsNode *yaml.Node) string {
	labels := indexKeys(labelsNode)
	if why := labelsMismatch(matchLabels, labels); why != "" {
		return why
	}
	for _, e := range exprs {
		key, _ := str(get(e, "key"))
		op, _ := str(get(e, "operator"))
		var values []string
		for _, it := range items(get(e, "values")) {
			if s, ok := str(it); ok {
				values = append(values, s)
			}
		}
		got, has := str(labels.value(key))
		switch {
		case op == "In" && !(has && slices.Contains(values, got)):
			return fmt.Sprintf("%s in (%s) does not hold", key, strings.Join(values, ", "))
		case op == "NotIn" && has && slices.Contains(values, got):
			return fmt.Sprintf("%s notin (%s) does not hold", key, strings.Join(values, ", "))
		case op == "Exists" && !has:
			return fmt.Sprintf("label %s is not set", key)
		case op == "DoesNotExist" && has:
			return fmt.Sprintf("label %s is set", key)
		}
	}
	return ""
}

// labelsMismatch names the first pair of want (a map of strings) that
// labels lacks, or "".
func labelsMismatch(want *yaml.Node, labels keyIndex) string {
	ps := pairs(want)
	for i := 0; i+1 < len(ps); i += 2 {
		value, ok := str(resolve(ps[i+1]))
		if !ok {
			continue // the schema walk reports the type
		}
		if got, has := str(labels.value(ps[i].Value)); !has || got != value {
			return fmt.Sprintf("%s=%s is not among them", ps[i].Value, value)
		}
	}
	return ""
}

// emptyMap reports whether m has no pairs of string values.
func emptyMap(m *yaml.Node) bool {
	ps := pairs(m)
	for i := 1; i < len(ps); i += 2 {
		if _, ok := str(resolve(ps[i])); ok {
			return false
		}
	}
	return true
}
