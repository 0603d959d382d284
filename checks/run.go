package checks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
)

// Run judges the render the collector has seen, with the checks that are
// on in levels. The findings are at output positions, with Object and
// Field set, in no particular order.
func (c *Collector) Run(levels Levels) diag.Findings {
	r := &run{Collector: c, levels: levels}
	if len(c.hpas) > 0 {
		r.hpaMax = map[objectKey]*hpa{}
	}
	for _, h := range c.hpas {
		k := objectKey{h.targetKind, h.ns, h.targetName}
		if prev, ok := r.hpaMax[k]; !ok || h.max > prev.max {
			r.hpaMax[k] = h
		}
	}
	for _, w := range c.workloads {
		r.workload(w)
	}
	r.references()
	return r.out
}

type run struct {
	*Collector
	levels Levels
	hpaMax map[objectKey]*hpa // the HPA allowing the most replicas of each target
	out    diag.Findings
}

// add records a finding of rule about o, if rule is on; the most
// frequent messages are joined rather than formatted.
func (r *run) add(rule string, o object, at diag.Position, field, message string) {
	sev, on := r.levels.Severity(rule)
	if !on {
		return
	}
	r.out = append(r.out, &diag.Finding{Severity: sev, Rule: rule, Message: message,
		Pos: at, Object: o.label(), Field: field})
}

func (r *run) addf(rule string, o object, at diag.Position, field, format string, args ...any) {
	if r.on(rule) {
		r.add(rule, o, at, field, fmt.Sprintf(format, args...))
	}
}

// scalable kinds run replicas of one pod template.
func scalable(kind string) bool {
	return kind == "Deployment" || kind == "StatefulSet" || kind == "ReplicaSet" || kind == "ReplicationController"
}

func (r *run) workload(w *workload) {
	if w.foreign {
		return
	}
	h := r.hpaMax[objectKey{w.kind, w.ns, w.name}]
	if scalable(w.kind) {
		replicas := int64(1)
		if w.replicasSet {
			replicas = w.replicas
		}
		byHPA := h != nil && h.max > replicas
		if byHPA {
			replicas = h.max
		}
		if replicas > 1 && !w.spreads && r.on(RuleSpread) {
			why := strconv.FormatInt(replicas, 10) + " replicas"
			if byHPA {
				why = "up to " + why + " (" + h.label() + ")"
			}
			r.add(RuleSpread, w.object, w.specAt, w.podPath, w.label()+" runs "+why+
				", with neither a topologySpreadConstraint nor a pod anti-affinity on "+hostnameKey+" that selects its pods: they may all land on one node")
		}
		if h != nil && w.replicasSet {
			r.addf(RuleReplicasHPA, w.object, w.replicasAt, "spec.replicas",
				"spec.replicas is set while %s scales %s: every apply resets the count the autoscaler chose", h.label(), w.label())
		}
	}
	for _, f := range w.hostFields {
		r.addf(RuleHostNamespace, w.object, f.at, w.podPath+"."+f.name,
			"%s: true shares the node's %s namespace with the pod", f.name, hostNamespace[f.name])
	}
	for i := range w.containers {
		r.container(w, &w.containers[i])
	}
}

var hostNamespace = map[string]string{"hostNetwork": "network", "hostPID": "process", "hostIPC": "IPC"}

// field is the container's path in its object, for findings.
func (c *container) field(w *workload) string {
	return w.podPath + "." + c.list + "[" + strconv.Itoa(c.index) + "]"
}

// on reports whether rule reports at all here.
func (r *run) on(rule string) bool {
	_, on := r.levels.Severity(rule)
	return on
}

func (r *run) container(w *workload, c *container) {
	// Formatted only for a finding: most containers have none.
	var path, who string
	name := func() (string, string) {
		if path == "" {
			path, who = c.field(w), "container "+strconv.Quote(c.name)
		}
		return path, who
	}
	if r.on(RuleRequests) && (!c.cpuRequest || !c.memRequest) {
		path, who := name()
		switch {
		case !c.cpuRequest && !c.memRequest:
			r.add(RuleRequests, w.object, c.resourcesAt, path+".resources",
				who+" has no CPU or memory request: the scheduler places it as if it used nothing")
		case !c.cpuRequest:
			r.add(RuleRequests, w.object, c.resourcesAt, path+".resources.requests.cpu",
				who+" has no CPU request: the scheduler places it as if it used no CPU")
		default:
			r.add(RuleRequests, w.object, c.resourcesAt, path+".resources.requests.memory",
				who+" has no memory request: the scheduler places it as if it used no memory")
		}
	}
	if !c.memLimit && r.on(RuleMemoryLimit) {
		path, who := name()
		r.add(RuleMemoryLimit, w.object, c.resourcesAt, path+".resources.limits.memory",
			who+" has no memory limit: it can take the node's memory from its neighbours")
	}
	if c.probes && c.ports && !c.readiness && (w.kind == "Deployment" || w.kind == "StatefulSet") && r.on(RuleReadiness) {
		path, who := name()
		r.add(RuleReadiness, w.object, c.at, path+".readinessProbe",
			who+" exposes a port but has no readinessProbe: it gets traffic before it is ready")
	}
	if c.probes && c.identical && r.on(RuleProbeIdentical) {
		path, who := name()
		r.add(RuleProbeIdentical, w.object, c.livenessAt, path+".livenessProbe",
			who+" has a livenessProbe identical to its readinessProbe: a slow moment restarts it instead of only taking it out of the Service")
	}
	r.image(w, c, name)
	if c.privileged && r.on(RulePrivileged) {
		path, who := name()
		r.add(RulePrivileged, w.object, c.privAt, path+".securityContext.privileged",
			who+" is privileged: it has the access of root on the node")
	}
	if !r.on(RuleRunAsRoot) {
		return
	}
	nonRoot, nonRootSet, user, userSet := w.podNonRoot, w.podRootSet, w.podUser, w.podUserSet
	if c.nonRootSet {
		nonRoot, nonRootSet = c.nonRoot, true
	}
	if c.userSet {
		user, userSet = c.user, true
	}
	switch {
	case userSet && user == 0:
		path, who := name()
		r.add(RuleRunAsRoot, w.object, c.securityAt, path+".securityContext.runAsUser",
			who+" runs as root: runAsUser is 0")
	case !(nonRootSet && nonRoot) && !userSet:
		path, who := name()
		r.add(RuleRunAsRoot, w.object, c.securityAt, path+".securityContext.runAsNonRoot",
			who+" may run as root: neither runAsNonRoot: true nor a non-zero runAsUser applies to it")
	}
}

func (r *run) image(w *workload, c *container, name func() (string, string)) {
	if !c.imageSet || c.image == "" {
		return // schema.required's
	}
	ref := parseImage(c.image)
	if ref.digest {
		return
	}
	switch {
	case ref.tag == "" && r.on(RuleNoTag):
		path, _ := name()
		r.add(RuleNoTag, w.object, c.imageAt, path+".image",
			"image "+strconv.Quote(c.image)+" has no tag or digest: it means latest, whichever image that is when a node pulls")
	case ref.tag == "latest" && r.on(RuleLatestTag):
		path, _ := name()
		r.add(RuleLatestTag, w.object, c.imageAt, path+".image",
			"image "+strconv.Quote(c.image)+" uses the latest tag: which version runs depends on when each node pulled it")
	}
	policy, at := c.pullPolicy, c.pullAt
	if policy == "" {
		// The API server's default.
		policy, at = "IfNotPresent", c.imageAt
		if ref.tag == "" || ref.tag == "latest" {
			policy = "Always"
		}
	}
	if policy == "IfNotPresent" && floating(ref.tag) && r.on(RuleFloatingTag) {
		how := "imagePullPolicy IfNotPresent"
		if c.pullPolicy == "" {
			how += " (the default for a tag other than latest)"
		}
		path, _ := name()
		r.add(RuleFloatingTag, w.object, at, path+".imagePullPolicy",
			"image "+strconv.Quote(c.image)+" has a floating tag and "+how+": each node keeps whichever image it pulled first")
	}
}

// imageRef is what the checks need of an image reference.
type imageRef struct {
	tag    string
	digest bool
}

// parseImage reads [registry[:port]/]path[:tag][@digest].
func parseImage(image string) imageRef {
	var ref imageRef
	if i := strings.IndexByte(image, '@'); i >= 0 {
		ref.digest, image = true, image[:i]
	}
	last := image[strings.LastIndexByte(image, '/')+1:]
	if i := strings.IndexByte(last, ':'); i >= 0 {
		ref.tag = last[i+1:]
	}
	return ref
}

// movingTags are tags that by convention follow a branch or a channel.
var movingTags = map[string]bool{
	"latest": true, "stable": true, "main": true, "master": true, "edge": true, "nightly": true,
	"dev": true, "develop": true, "head": true, "canary": true, "current": true, "lts": true, "release": true,
}

// floating reports whether a tag moves: a moving name, or a version
// without a patch number ("1", "1.25", "v2", "3.12-slim"), which follows
// the newest patch release. Numbers of more than three digits are build
// numbers or dates ("1234", "20240101"), which do not move.
func floating(tag string) bool {
	if tag == "" || movingTags[strings.ToLower(tag)] {
		return true
	}
	v := strings.TrimPrefix(tag, "v")
	end := strings.IndexFunc(v, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if end == 0 {
		return false // not a version: a commit, a date, a name
	}
	if end > 0 {
		if v[end] != '-' {
			return false
		}
		v = v[:end]
	}
	parts, digits := 1, 0
	for i := 0; i < len(v); i++ {
		if v[i] == '.' {
			if digits == 0 {
				return false
			}
			parts, digits = parts+1, 0
			continue
		}
		if digits++; digits > 3 {
			return false
		}
	}
	return digits > 0 && parts < 3
}

// builtinPriorityClasses exist in every cluster.
var builtinPriorityClasses = map[string]bool{"system-cluster-critical": true, "system-node-critical": true}

func (r *run) references() {
	// What Services and PDBs select: the pod templates of their namespace.
	selects := func(ns string, match func(labels labelSet) bool) bool {
		return slices.ContainsFunc(r.workloads, func(w *workload) bool { return w.ns == ns && match(w.labels) })
	}
	for _, s := range r.services {
		if len(s.selector) == 0 {
			continue // endpoints managed by hand, or an ExternalName
		}
		if !selects(s.ns, func(labels labelSet) bool { return setMatches(s.selector, labels) }) {
			r.addf(RuleServiceSelector, s.object, s.selectorAt, "spec.selector",
				"%s selects %s, which no pod template of this render carries", s.label(), formatLabels(s.selector))
		}
	}
	for _, b := range r.backends {
		// A render has a few Services: a search costs less than a map.
		var s *service
		if i := slices.IndexFunc(r.services, func(s *service) bool { return s.ns == b.from.ns && s.name == b.service }); i >= 0 {
			s = r.services[i]
		}
		switch {
		case s == nil:
			r.addf(RuleBackend, b.from, b.at, b.field+".name", "backend Service %q is not defined in this render", b.service)
		case b.portName != "" && !slices.ContainsFunc(s.ports, func(p servicePort) bool { return p.name == b.portName }):
			r.addf(RuleBackend, b.from, b.portAt, b.field+".port.name", "%s has no port named %q", s.label(), b.portName)
		case b.portNum != 0 && !slices.ContainsFunc(s.ports, func(p servicePort) bool { return p.port == b.portNum }):
			r.addf(RuleBackend, b.from, b.portAt, b.field+".port", "%s has no port %d", s.label(), b.portNum)
		}
	}
	for _, h := range r.hpas {
		if h.targetKind != "" && h.targetName != "" && !r.defines(objectKey{h.targetKind, h.ns, h.targetName}) {
			r.addf(RuleHPATarget, h.object, h.targetAt, h.field,
				"scaleTargetRef names %s/%s, which this render does not define", h.targetKind, h.targetName)
		}
	}
	for _, p := range r.pdbs {
		if p.sel != nil && !p.sel.invalid && !selects(p.ns, p.sel.matches) {
			r.addf(RulePDBSelector, p.object, p.selectorAt, "spec.selector",
				"%s's selector matches no pod template of this render", p.label())
		}
	}
	for _, w := range r.workloads {
		for _, ref := range w.refs {
			rule := RuleConfigMap
			if ref.kind == "Secret" {
				rule = RuleSecret
			}
			if !r.defines(objectKey{ref.kind, w.ns, ref.name}) {
				r.addf(rule, w.object, ref.pos, ref.field, "%s %q is not defined in this render (it may exist in the cluster)", ref.kind, ref.name)
			}
		}
		if w.account != "" && w.account != "default" && r.on(RuleServiceAccount) && !r.defines(objectKey{"ServiceAccount", w.ns, w.account}) {
			r.add(RuleServiceAccount, w.object, w.accountAt, w.podPath+".serviceAccountName",
				"ServiceAccount "+strconv.Quote(w.account)+" is not defined in this render (it may exist in the cluster)")
		}
		if w.priority != "" && !builtinPriorityClasses[w.priority] && !r.definedAnywhere("PriorityClass", w.priority) {
			r.addf(RulePriorityClass, w.object, w.priorityAt, w.podPath+".priorityClassName",
				"PriorityClass %q is not defined in this render (it may exist in the cluster)", w.priority)
		}
	}
}

// definedAnywhere looks for a cluster-scoped object, whatever namespace
// the render gave it.
func (r *run) definedAnywhere(kind, name string) bool {
	for _, k := range r.objects {
		if k.kind == kind && k.name == name {
			return true
		}
	}
	return false
}

// formatLabels writes a selector as kubectl does: "app=web,tier=front".
func formatLabels(l labelSet) string {
	pairs := make([]string, 0, len(l)/2)
	for i := 0; i+1 < len(l); i += 2 {
		pairs = append(pairs, l[i]+"="+l[i+1])
	}
	slices.Sort(pairs)
	return strings.Join(pairs, ",")
}
