package apivalidation

import (
	"fmt"
	"net"
	"strings"

	"go.yaml.in/yaml/v3"
)

// service is ValidateService (pkg/apis/core/validation): ports present
// unless the Service is headless or ExternalName, named (DNS-1123 labels,
// unique) when there are several, with valid numbers and target ports;
// clusterIP a valid IP or None, and None only for type ClusterIP;
// ExternalName Services with an externalName and no clusterIP; node ports
// not on ClusterIP Services. Duplicate port/protocol pairs are the
// list-map check's (schema.duplicate-item).
func (v *checker) service(spec *yaml.Node) {
	if !isMapping(spec) {
		return
	}
	typ, _ := str(get(spec, "type"))
	if typ == "" {
		typ = "ClusterIP"
	}
	clusterIP, _ := str(get(spec, "clusterIP"))
	headless := clusterIP == "None"
	ports := items(get(spec, "ports"))
	if len(ports) == 0 && !headless && typ != "ExternalName" {
		at := keyOf(spec, "ports")
		if at == nil {
			at = spec
		}
		v.error(RuleService, at, fieldPath("spec.ports"), "a Service needs at least one port unless it is headless (clusterIP: None) or of type ExternalName")
	}
	var names seenNames[int] // the index that first used each port name
	for i, port := range ports {
		if !isMapping(port) {
			continue
		}
		pp := fieldPath("spec.ports").index(i)
		name, _ := str(get(port, "name"))
		switch {
		case name == "" && len(ports) > 1:
			v.error(RuleName, port, pp.child("name"), "a port needs a name when the Service has more than one")
		case name != "":
			if errs := dns1123LabelErrors(name); len(errs) > 0 {
				v.error(RuleName, get(port, "name"), pp.child("name"), fmt.Sprintf("invalid port name %q: %s", name, errs[0]))
			} else if first, dup := names.lookup(name); dup {
				v.error(RuleDuplicateName, get(port, "name"), pp.child("name"), fmt.Sprintf("port name %q is already used by spec.ports[%d]", name, first))
			} else {
				names.add(name, i)
			}
		}
		if n, ok := integer(get(port, "port")); ok {
			v.portNumber(get(port, "port"), n, pp.child("port"), false)
		}
		if tp := get(port, "targetPort"); tp != nil {
			// 0 and "" are defaulted to port.
			if n, ok := integer(tp); !ok || n != 0 {
				v.portNumOrName(tp, pp.child("targetPort"))
			}
		}
		if n, ok := integer(get(port, "nodePort")); ok && n != 0 {
			if typ == "ClusterIP" || typ == "ExternalName" {
				v.error(RuleService, get(port, "nodePort"), pp.child("nodePort"), fmt.Sprintf("may not be used when `type` is '%s'", typ))
			} else {
				v.portNumber(get(port, "nodePort"), n, pp.child("nodePort"), true)
			}
		}
	}
	ipNode := get(spec, "clusterIP")
	switch {
	case typ == "ExternalName":
		if clusterIP != "" {
			v.error(RuleService, ipNode, fieldPath("spec.clusterIP"), "must be empty for ExternalName services")
		}
		name, _ := str(get(spec, "externalName"))
		if name == "" {
			at := keyOf(spec, "type")
			v.error(RuleService, at, fieldPath("spec.externalName"), "an ExternalName Service needs externalName")
		} else if errs := isDNS1123Subdomain(strings.ToLower(strings.TrimSuffix(name, "."))); len(errs) > 0 {
			v.error(RuleService, get(spec, "externalName"), fieldPath("spec.externalName"), fmt.Sprintf("invalid externalName %q: %s", name, errs[0]))
		}
	case headless && typ != "ClusterIP":
		v.error(RuleService, ipNode, fieldPath("spec.clusterIP"), fmt.Sprintf("may not be 'None' for a Service of type %s: only ClusterIP Services can be headless", typ))
	case clusterIP != "" && !headless && net.ParseIP(clusterIP) == nil:
		v.error(RuleService, ipNode, fieldPath("spec.clusterIP"), fmt.Sprintf("invalid clusterIP %q: must be a valid IP address or None", clusterIP))
	}
}
