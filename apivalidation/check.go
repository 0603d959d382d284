package apivalidation

import (
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/schema"
)

// Report receives one finding: f has its Severity, Rule, Message and Field
// (from the object's root) set; at is the node it is about, for the caller
// to turn into a template position. The caller owns f.
type Report func(f *diag.Finding, at *yaml.Node)

// Check applies the API server's validation rules for obj's kind at
// release (a minor release such as "1.29") to obj, the object's mapping.
// Kinds it has no rules for pass untouched.
func Check(obj *yaml.Node, gvk schema.GVK, release string, report Report) {
	obj = resolve(obj)
	if !isMapping(obj) {
		return
	}
	// A value, not a pointer: Check runs for every object, and the
	// checker need not outlive it on the heap.
	c := newChecker(release, report)
	v := &c
	spec := get(obj, "spec")
	switch {
	case gvk.Group == "" && gvk.Kind == "Pod":
		v.podSpec(spec, fieldPath("spec"))
	case gvk.Group == "" && gvk.Kind == "PodTemplate":
		v.podTemplate(get(obj, "template"), fieldPath("template"), podRestartAny)
	case gvk.Group == "" && gvk.Kind == "ReplicationController":
		v.replicationController(spec)
	case gvk.Group == "" && gvk.Kind == "Service":
		v.service(spec)
	case gvk.Group == "" && gvk.Kind == "Secret":
		v.secret(obj)
	case gvk.Group == "" && gvk.Kind == "ConfigMap":
		v.configMap(obj)
	case (gvk.Group == "apps" || gvk.Group == "extensions") && isWorkload(gvk.Kind):
		v.workload(gvk, spec)
	case gvk.Group == "batch" && gvk.Kind == "Job":
		v.jobSpec(spec, fieldPath("spec"))
	case gvk.Group == "batch" && gvk.Kind == "CronJob":
		v.cronJob(spec)
	case (gvk.Group == "networking.k8s.io" || gvk.Group == "extensions") && gvk.Kind == "Ingress":
		v.ingress(gvk, spec)
	case gvk.Group == "autoscaling" && gvk.Kind == "HorizontalPodAutoscaler":
		v.hpa(spec)
	case gvk.Group == "policy" && gvk.Kind == "PodDisruptionBudget":
		v.pdb(spec)
	}
}

// checker is one Check call.
type checker struct {
	release string
	minor   int // of release, for since
	report  Report
}

// error reports an error about node at, the field at path p.
func (v *checker) error(rule string, at *yaml.Node, p path, msg string) {
	v.report(&diag.Finding{Severity: diag.Error, Rule: rule, Message: msg, Field: p.String()}, at)
}

func newChecker(release string, report Report) checker {
	return checker{release: release, minor: minorOf(release), report: report}
}

// since reports whether the release is r ("1.27") or later. It runs for
// every environment variable, so it compares minors parsed without
// allocating rather than calling schema.CompareReleases.
func (v *checker) since(r string) bool { return v.minor >= minorOf(r) }

// minorOf is the minor of a 1.x release, 0 if it is none.
func minorOf(release string) int {
	_, minor, _ := strings.Cut(release, ".")
	n, err := strconv.Atoi(minor)
	if err != nil {
		return 0
	}
	return n
}
