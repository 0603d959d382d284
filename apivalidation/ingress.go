package apivalidation

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/schema"
)

// ingress is ValidateIngressSpec (pkg/apis/networking/validation): a
// default backend or rules, every HTTP path absolute — and for the Exact
// and Prefix path types of networking.k8s.io/v1 free of //, /./ and /../
// (validateHTTPIngressRuleValue) — and each v1 backend exactly one of a
// service (with a port name or number) or a resource
// (validateIngressBackend). A missing pathType, required from v1, is the
// schema's.
func (v *checker) ingress(gvk schema.GVK, spec *yaml.Node) {
	if !isMapping(spec) {
		return
	}
	v1 := gvk.Group == "networking.k8s.io" && gvk.Version == "v1"
	backendField := "backend"
	if v1 {
		backendField = "defaultBackend"
	}
	rules := items(get(spec, "rules"))
	if !has(spec, backendField) && len(rules) == 0 {
		at := keyOf(spec, "rules")
		if at == nil {
			at = spec
		}
		v.error(RuleIngress, at, fieldPath("spec"), "either `"+backendField+"` or `rules` must be specified")
	}
	if v1 {
		v.ingressBackend(get(spec, backendField), keyOf(spec, backendField), fieldPath("spec").child(backendField))
	}
	for i, rule := range rules {
		http := get(rule, "http")
		for j, p := range items(get(http, "paths")) {
			if !isMapping(p) {
				continue
			}
			pp := fieldPath("spec.rules").index(i).child("http.paths").index(j)
			value, _ := str(get(p, "path"))
			pathType, _ := str(get(p, "pathType"))
			at := get(p, "path")
			if at == nil {
				at = p
			}
			switch {
			case v1 && (pathType == "Exact" || pathType == "Prefix"):
				if !strings.HasPrefix(value, "/") {
					v.error(RuleIngress, at, pp.child("path"), fmt.Sprintf("%q must be an absolute path for pathType %s", value, pathType))
				} else if bad := invalidPathSequence(value); bad != "" {
					v.error(RuleIngress, at, pp.child("path"), fmt.Sprintf("%q must not contain %q", value, bad))
				}
			case value != "" && !strings.HasPrefix(value, "/"):
				v.error(RuleIngress, at, pp.child("path"), fmt.Sprintf("%q must be an absolute path", value))
			}
			if v1 {
				v.ingressBackend(get(p, "backend"), keyOf(p, "backend"), pp.child("backend"))
			}
		}
	}
}

// invalidPathSequence returns the first sequence the API server forbids
// in an Exact or Prefix path, or "".
func invalidPathSequence(p string) string {
	for _, seq := range []string{"//", "/./", "/../", "%2f", "%2F"} {
		if strings.Contains(p, seq) {
			return seq
		}
	}
	for _, suffix := range []string{"/..", "/."} {
		if strings.HasSuffix(p, suffix) {
			return suffix
		}
	}
	return ""
}

// ingressBackend is validateIngressBackend for networking.k8s.io/v1.
func (v *checker) ingressBackend(b, key *yaml.Node, p path) {
	if !isMapping(b) {
		return
	}
	svc, res := get(b, "service"), get(b, "resource")
	switch {
	case svc != nil && res != nil:
		v.error(RuleIngress, keyOf(b, "resource"), p, "cannot set both service and resource backends")
	case svc == nil && res == nil:
		v.error(RuleIngress, key, p, "a backend needs a service or a resource")
	case isMapping(svc):
		port := get(svc, "port")
		switch {
		case isMapping(port) && has(port, "name") && has(port, "number"):
			v.error(RuleIngress, keyOf(port, "number"), p.child("service.port"), "cannot set both port name and port number")
		case port == nil || isMapping(port) && !has(port, "name") && !has(port, "number"):
			at := keyOf(svc, "port")
			if at == nil {
				at = keyOf(b, "service")
			}
			v.error(RuleIngress, at, p.child("service.port"), "port name or number is required")
		case isMapping(port):
			if n := get(port, "number"); n != nil {
				if num, ok := integer(n); ok {
					v.portNumber(n, num, p.child("service.port.number"), false)
				}
			} else if name := get(port, "name"); name != nil {
				v.portNumOrName(name, p.child("service.port.name"))
			}
		}
	}
}
