package apivalidation

import (
	"fmt"
	"math/big"
	"strings"

	"go.yaml.in/yaml/v3"
)

// restartRule is what a pod template's restartPolicy may be.
type restartRule uint8

const (
	podRestartAny       restartRule = iota // a Pod: any of the three (the enum says which)
	podRestartAlways                       // controllers that keep pods running
	podRestartNotAlways                    // Jobs: OnFailure or Never
)

// podTemplate checks a PodTemplateSpec at p.
func (v *checker) podTemplate(t *yaml.Node, p path, restart restartRule) {
	if !isMapping(t) {
		return
	}
	v.podSpecAt(t, "spec", p.child("spec"), restart)
}

// podSpecAt checks the pod spec in field key of parent, reporting a
// restart policy the API server defaults at the key when it is absent.
func (v *checker) podSpecAt(parent *yaml.Node, key string, p path, restart restartRule) {
	spec := get(parent, key)
	if !isMapping(spec) {
		return
	}
	v.restartPolicy(spec, keyOf(parent, key), p, restart)
	v.podSpecBody(spec, p)
}

// podSpec checks a Pod's own spec, whose restart policy only the enum
// limits.
func (v *checker) podSpec(spec *yaml.Node, p path) {
	if !isMapping(spec) {
		return
	}
	v.podSpecBody(spec, p)
}

// restartPolicy: ValidatePodTemplateSpecForReplicaSet and its kin in
// pkg/apis/apps/validation (and ValidatePodTemplateSpecForRC in core)
// accept only Always; ValidateJobSpec (pkg/apis/batch/validation) only
// OnFailure and Never. The API server defaults an absent policy to Always
// first, so a Job template without one is rejected.
func (v *checker) restartPolicy(spec, key *yaml.Node, p path, restart restartRule) {
	if restart == podRestartAny {
		return
	}
	node := get(spec, "restartPolicy")
	policy, ok := str(node)
	if node != nil && !ok {
		return // the schema reports the type
	}
	if policy == "" {
		policy = "Always"
		node = key
	}
	switch {
	case restart == podRestartAlways && policy != "Always":
		v.error(RuleRestartPolicy, node, p.child("restartPolicy"), fmt.Sprintf("unsupported value %q: only \"Always\" is allowed for pods of this controller", policy))
	case restart == podRestartNotAlways && policy != "OnFailure" && policy != "Never":
		msg := fmt.Sprintf("unsupported value %q: a Job's pods must have restartPolicy \"OnFailure\" or \"Never\"", policy)
		if get(spec, "restartPolicy") == nil {
			msg = "a Job's pods must set restartPolicy to \"OnFailure\" or \"Never\" (it defaults to \"Always\")"
		}
		v.error(RuleRestartPolicy, node, p.child("restartPolicy"), msg)
	}
}

// podSpecBody is ValidatePodSpec (pkg/apis/core/validation) in the parts
// users get wrong: volume names, container names unique across init,
// regular and ephemeral containers (validateInitContainers), and each
// container.
func (v *checker) podSpecBody(spec *yaml.Node, p path) {
	var volumes seenNames[bool]
	for i, vol := range items(get(spec, "volumes")) {
		name, ok := str(get(vol, "name"))
		if !ok || name == "" {
			continue
		}
		volumes.add(name, true)
		// validateVolumes: a volume's name is a DNS-1123 label.
		if errs := dns1123LabelErrors(name); len(errs) > 0 {
			v.error(RuleName, get(vol, "name"), p.child("volumes").index(i).child("name"), fmt.Sprintf("invalid volume name %q: %s", name, errs[0]))
		}
	}
	// Where each container name was first seen, for init and ephemeral
	// containers named like another list's.
	type at struct {
		list  string
		index int
	}
	var names seenNames[at]
	for _, list := range containerLists {
		for i, c := range items(get(spec, list)) {
			if !isMapping(c) {
				continue
			}
			cp := p.child(list).index(i)
			if name, ok := str(get(c, "name")); ok && name != "" {
				first, dup := names.lookup(name)
				switch {
				case !dup:
					names.add(name, at{list, i})
				case first.list != list:
					// Duplicates within one list are the list-map check's.
					v.error(RuleDuplicateName, get(c, "name"), cp.child("name"), fmt.Sprintf("container name %q is already used by %s",
						name, p.child(first.list).index(first.index).String()))
				}
			}
			v.container(c, cp, &volumes)
		}
	}
}

// containerLists are the pod spec's lists of containers, in the order
// ValidatePodSpec checks them.
var containerLists = []string{"containers", "initContainers", "ephemeralContainers"}

// container is validateContainerCommon (validateContainers before 1.28):
// image, name, ports, env, volume mounts, resources and probes.
func (v *checker) container(c *yaml.Node, p path, volumes *seenNames[bool]) {
	// The OpenAPI leaves image optional for the sake of higher-level
	// tools; the API server requires it in pods and pod templates.
	if image, ok := str(get(c, "image")); !ok && get(c, "image") == nil || ok && image == "" {
		at := get(c, "image")
		if at == nil {
			at = c
		}
		v.error(RuleImage, at, p.child("image"), "a container needs an image")
	}
	if name, ok := str(get(c, "name")); ok && name != "" && !validDNS1123Label(name) {
		if errs := isDNS1123Label(name); len(errs) > 0 {
			v.error(RuleName, get(c, "name"), p.child("name"), fmt.Sprintf("invalid container name %q: %s", name, errs[0]))
		}
	}
	for i, port := range items(get(c, "ports")) {
		v.containerPort(port, p.child("ports").index(i))
	}
	for i, env := range items(get(c, "env")) {
		v.envVar(env, p.child("env").index(i))
	}
	// validateVolumeMounts and validateVolumeDevices: each names a volume
	// of the pod.
	for _, field := range []string{"volumeMounts", "volumeDevices"} {
		for i, m := range items(get(c, field)) {
			if name, ok := str(get(m, "name")); ok && name != "" && !declared(volumes, name) {
				v.error(RuleVolumeMount, get(m, "name"), p.child(field).index(i).child("name"), fmt.Sprintf("no volume named %q in the pod's volumes", name))
			}
		}
	}
	v.resources(get(c, "resources"), p.child("resources"))
	for _, probe := range []string{"livenessProbe", "readinessProbe", "startupProbe"} {
		pr := get(c, probe)
		if !isMapping(pr) {
			continue
		}
		v.handler(pr, keyOf(c, probe), p.child(probe), probeHandlers)
		// validateLivenessProbe, validateStartupProbe: success is
		// one success.
		if probe != "readinessProbe" {
			if n, ok := integer(get(pr, "successThreshold")); ok && n != 1 {
				v.error(RuleProbe, get(pr, "successThreshold"), p.child(probe).child("successThreshold"), "must be 1")
			}
		}
	}
	if lc := get(c, "lifecycle"); isMapping(lc) {
		for _, hook := range []string{"postStart", "preStop"} {
			if h := get(lc, hook); isMapping(h) {
				v.handler(h, keyOf(lc, hook), p.child("lifecycle").child(hook), lifecycleHandlers)
			}
		}
	}
}

// The handler fields of a probe (validateHandler) and of a lifecycle hook
// (validateLifecycleHandler, where sleep arrived in 1.29).
var (
	probeHandlers     = []string{"exec", "httpGet", "tcpSocket", "grpc"}
	lifecycleHandlers = []string{"exec", "httpGet", "tcpSocket", "sleep"}
)

// handler requires exactly one handler, and checks an HTTP or TCP port.
func (v *checker) handler(h, key *yaml.Node, p path, kinds []string) {
	var set []string
	for _, k := range kinds {
		if has(h, k) {
			set = append(set, k)
		}
	}
	switch {
	case len(set) == 0:
		v.error(RuleProbe, key, p, "must specify a handler type: one of "+strings.Join(kinds, ", "))
	case len(set) > 1:
		v.error(RuleProbe, keyOf(h, set[1]), p.child(set[1]), "may not specify more than 1 handler type: "+strings.Join(set, " and ")+" are set")
	}
	for _, k := range []string{"httpGet", "tcpSocket"} {
		if action := get(h, k); isMapping(action) {
			v.portNumOrName(get(action, "port"), p.child(k).child("port"))
		}
	}
}

// containerPort is validateContainerPorts: containerPort 1–65535, hostPort
// 0 (unset) or 1–65535, a name that is an IANA service name.
func (v *checker) containerPort(port *yaml.Node, p path) {
	if !isMapping(port) {
		return
	}
	if n, ok := integer(get(port, "containerPort")); ok {
		v.portNumber(get(port, "containerPort"), n, p.child("containerPort"), false)
	}
	if n, ok := integer(get(port, "hostPort")); ok {
		v.portNumber(get(port, "hostPort"), n, p.child("hostPort"), true)
	}
	if name, ok := str(get(port, "name")); ok && name != "" && !validPortName(name) {
		if errs := isValidPortName(name); len(errs) > 0 {
			v.error(RuleName, get(port, "name"), p.child("name"), fmt.Sprintf("invalid port name %q: %s", name, errs[0]))
		}
	}
}

// portNumber reports a port outside 1–65535 (0 allowed when zeroOK).
func (v *checker) portNumber(at *yaml.Node, n int64, p path, zeroOK bool) {
	if zeroOK && n == 0 {
		return
	}
	if n < 1 || n > 65535 {
		v.error(RulePort, at, p, fmt.Sprintf("invalid port %d: must be between 1 and 65535, inclusive", n))
	}
}

// portNumOrName is ValidatePortNumOrName: a number 1–65535 or an IANA
// service name.
func (v *checker) portNumOrName(at *yaml.Node, p path) {
	if n, ok := integer(at); ok {
		v.portNumber(at, n, p, false)
		return
	}
	if name, ok := str(at); ok {
		if name == "" || validPortName(name) {
			return
		}
		if errs := isValidPortName(name); len(errs) > 0 {
			v.error(RulePort, at, p, fmt.Sprintf("invalid port name %q: %s", name, errs[0]))
		}
	}
}

// envVar is validateEnv: a valid name (a C identifier with '-' and '.'
// before 1.32; any printable ASCII but '=' from 1.32, when
// RelaxedEnvironmentVariableValidation became beta), and value and
// valueFrom exclusive, with exactly one source (validateEnvVarValueFrom).
func (v *checker) envVar(env *yaml.Node, p path) {
	if !isMapping(env) {
		return
	}
	if name, ok := str(get(env, "name")); ok && name != "" && !validEnvVarName(name, v.since("1.32")) {
		var errs []string
		if v.since("1.32") {
			errs = isRelaxedEnvVarName(name)
		} else {
			errs = isEnvVarName(name)
		}
		if len(errs) > 0 {
			v.error(RuleEnv, get(env, "name"), p.child("name"), fmt.Sprintf("invalid environment variable name %q: %s", name, errs[0]))
		}
	}
	from := get(env, "valueFrom")
	if !isMapping(from) {
		return
	}
	if value, ok := str(get(env, "value")); ok && value != "" {
		v.error(RuleEnv, keyOf(env, "valueFrom"), p.child("valueFrom"), "may not be specified when `value` is not empty")
	}
	sources := []string{"fieldRef", "resourceFieldRef", "configMapKeyRef", "secretKeyRef", "fileKeyRef"}
	var set []string
	for _, s := range sources {
		if has(from, s) {
			set = append(set, s)
		}
	}
	switch {
	case len(set) == 0:
		v.error(RuleEnv, keyOf(env, "valueFrom"), p.child("valueFrom"), "must specify one of: fieldRef, resourceFieldRef, configMapKeyRef or secretKeyRef")
	case len(set) > 1:
		v.error(RuleEnv, keyOf(from, set[1]), p.child("valueFrom"), "may not have more than one field specified at a time: "+strings.Join(set, " and ")+" are set")
	}
}

// resources is ValidateResourceRequirements (pkg/apis/core/validation):
// resource names standard or domain-qualified (validateContainerResourceName),
// quantities not negative (ValidateResourceQuantityValue), requests not
// above limits, and extended resources, which cannot be overcommitted,
// with equal requests and limits.
func (v *checker) resources(r *yaml.Node, p path) {
	if !isMapping(r) {
		return
	}
	limits := indexKeys(get(r, "limits"))
	for _, part := range []string{"limits", "requests"} {
		ps := pairs(get(r, part))
		for i := 0; i+1 < len(ps); i += 2 {
			k, value := ps[i], resolve(ps[i+1])
			name := k.Value
			kp := p.child(part).key(name)
			if msg := containerResourceNameError(name); msg != "" {
				v.error(RuleResourceName, k, kp, fmt.Sprintf("invalid resource name %q: %s", name, msg))
				continue
			}
			extended := isExtendedResource(name)
			limitNode := limits.value(name)
			if !extended && !negative(value) && (part == "limits" || limitNode == nil) {
				continue // nothing to judge without parsing, which costs
			}
			q, ok := quantity(value)
			if !ok {
				continue // the schema walk reports what does not parse
			}
			if q.Sign() < 0 {
				v.error(RuleResources, value, kp, "must be greater than or equal to 0")
				continue
			}
			if extended && !q.IsInt() {
				v.error(RuleResources, value, kp, "must be an integer")
				continue
			}
			if part == "limits" {
				continue
			}
			limit, hasLimit := quantity(limitNode)
			hasLimit = hasLimit && limit.Sign() >= 0
			switch {
			case hasLimit && q.Cmp(limit) > 0:
				v.error(RuleResources, value, kp, fmt.Sprintf("must be less than or equal to %s limit of %s", name, strings.TrimSpace(limitNode.Value)))
			case extended && !hasLimit:
				v.error(RuleResources, k, kp, fmt.Sprintf("%s cannot be overcommitted: set a limit equal to the request", name))
			case extended && q.Cmp(limit) != 0:
				v.error(RuleResources, value, kp, fmt.Sprintf("must be equal to %s limit of %s", name, strings.TrimSpace(limitNode.Value)))
			}
		}
	}
}

// negative reports whether a quantity's text has a minus sign.
func negative(n *yaml.Node) bool {
	return n != nil && n.Kind == yaml.ScalarNode && strings.HasPrefix(strings.TrimSpace(n.Value), "-")
}

// quantity parses a quantity written as a string or a number.
func quantity(n *yaml.Node) (*big.Rat, bool) {
	if n == nil || n.Kind != yaml.ScalarNode {
		return nil, false
	}
	switch n.Tag {
	case "!!null", "!!bool":
		return nil, false
	}
	return parseQuantity(n.Value)
}

// containerResourceNameError is validateContainerResourceName: a name
// without a domain is one of the standard container resources (cpu,
// memory, ephemeral-storage, hugepages-<size>); one with a domain is
// native (kubernetes.io) or a valid extended resource name.
func containerResourceNameError(name string) string {
	switch {
	case name == "cpu", name == "memory", name == "ephemeral-storage":
		return "" // nearly every name, spared the qualified-name check
	}
	if errs := isQualifiedName(name); len(errs) > 0 {
		return errs[0]
	}
	if !strings.Contains(name, "/") {
		if strings.HasPrefix(name, "hugepages-") {
			return ""
		}
		return "must be a standard resource for containers (cpu, memory, ephemeral-storage, hugepages-<size>) or a domain-qualified extended resource"
	}
	if isNativeResource(name) {
		return ""
	}
	if strings.HasPrefix(name, "requests.") {
		return "doesn't follow extended resource name standard"
	}
	return ""
}

// isNativeResource: no domain, or a kubernetes.io one.
func isNativeResource(name string) bool {
	domain, _, found := strings.Cut(name, "/")
	return !found || domain == "kubernetes.io" || strings.HasSuffix(domain, ".kubernetes.io")
}

// isExtendedResource is IsExtendedResourceName: domain-qualified, not
// native, not a quota's requests. prefix.
func isExtendedResource(name string) bool {
	return strings.Contains(name, "/") && !isNativeResource(name) && !strings.HasPrefix(name, "requests.")
}
