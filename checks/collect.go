package checks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/yamlnode"
	"github.com/eastern-k8s/eastern/manifest"
	"github.com/eastern-k8s/eastern/validator"
)

// Collector gathers, object by object, what the checks of one render
// need: its Visit is validator.Options.Visit. It copies out small facts
// with their output positions, so that the validator's nodes can be
// reused for the next document.
type Collector struct {
	namespace string             // the render's: objects without metadata.namespace land there
	practices bool               // whether to collect for the practice checks
	objects   []objectKey        // every object of the render: see defines
	index     map[objectKey]bool // objects, once a large render needs it
	workloads []*workload
	services  []*service
	backends  []backend
	hpas      []*hpa
	pdbs      []*pdb

	spareWorkloads []*workload // for reuse: see Release
	spareServices  []*service
}

// collectors are reused from render to render, with the workloads and
// Services they held: lint makes one per render, thousands a run, and
// the facts' maps and slices would otherwise be garbage each time.
var collectors = sync.Pool{New: func() any { return new(Collector) }}

// NewCollector returns a Collector for one render for namespace, reading
// what the checks that are on in levels need. Release it when its
// findings are made.
func NewCollector(namespace string, levels Levels) *Collector {
	c := collectors.Get().(*Collector)
	c.namespace, c.practices = namespace, false
	for i, s := range levels.sev {
		if s != 0 && all[i].Group == GroupPractices {
			c.practices = true
		}
	}
	return c
}

// Release returns c for reuse; the findings Run made stay valid, c does not.
func (c *Collector) Release() {
	c.objects = c.objects[:0]
	if c.index != nil {
		clear(c.index)
	}
	c.spareWorkloads = append(c.spareWorkloads, c.workloads...)
	c.spareServices = append(c.spareServices, c.services...)
	clear(c.workloads)
	clear(c.services)
	c.workloads, c.services, c.backends, c.hpas, c.pdbs = c.workloads[:0], c.services[:0], c.backends[:0], nil, nil
	collectors.Put(c)
}

// newWorkload returns a workload to fill, a spare one when there is one,
// emptied but with its slices' and map's room kept.
func (c *Collector) newWorkload() *workload {
	n := len(c.spareWorkloads)
	if n == 0 {
		return &workload{}
	}
	w := c.spareWorkloads[n-1]
	c.spareWorkloads = c.spareWorkloads[:n-1]
	clear(w.labels)
	clear(w.containers)
	*w = workload{labels: w.labels[:0], containers: w.containers[:0], refs: w.refs[:0], hostFields: w.hostFields[:0]}
	return w
}

func (c *Collector) newService() *service {
	n := len(c.spareServices)
	if n == 0 {
		return &service{}
	}
	s := c.spareServices[n-1]
	c.spareServices = c.spareServices[:n-1]
	clear(s.selector)
	*s = service{selector: s.selector[:0], ports: s.ports[:0]}
	return s
}

// objectKey names an object of the render as references name it.
type objectKey struct{ kind, namespace, name string }

// defines reports whether the render has the object k. Most renders have
// a handful of objects, which a search finds sooner than a map is built;
// a large one gets a map.
func (c *Collector) defines(k objectKey) bool {
	if len(c.objects) <= 32 {
		return slices.Contains(c.objects, k)
	}
	if len(c.index) == 0 {
		if c.index == nil {
			c.index = make(map[objectKey]bool, len(c.objects))
		}
		for _, o := range c.objects {
			c.index[o] = true
		}
	}
	return c.index[k]
}

// label names the object as findings do, "Deployment/web"; made only
// for a finding.
func (o object) label() string { return manifest.Label(o.kind, o.name) }

// object is what every collected object carries.
type object struct {
	kind string        // as written: label() names the object for findings
	name string        // metadata.name
	ns   string        // effective namespace
	at   diag.Position // metadata.name, else the object's first line
}

type workload struct {
	object
	foreign     bool   // a kind of another API group: only its pod labels are read
	podPath     string // "spec.template.spec"
	replicas    int64
	replicasSet bool
	replicasAt  diag.Position
	specAt      diag.Position // the pod spec, for findings about it as a whole
	labels      labelSet
	spreads     bool // a hostname spread constraint or anti-affinity that selects its own pods
	hostFields  []hostField
	podNonRoot  bool // the pod's runAsNonRoot, when podNonRootSet
	podRootSet  bool
	podUser     int64 // the pod's runAsUser, when podUserSet
	podUserSet  bool
	account     string
	accountAt   diag.Position
	priority    string
	priorityAt  diag.Position
	refs        []configRef
	containers  []container
}

type hostField struct {
	name string // hostNetwork, hostPID, hostIPC
	at   diag.Position
}

type configRef struct {
	kind, name, field string // "ConfigMap", "web-config", "spec.template.spec.volumes[0].configMap.name"
	pos               diag.Position
}

type container struct {
	name        string
	list        string // "containers" or "initContainers"
	index       int
	at          diag.Position
	image       string
	imageSet    bool
	imageAt     diag.Position
	pullPolicy  string
	pullAt      diag.Position
	cpuRequest  bool
	memRequest  bool
	memLimit    bool
	resourcesAt diag.Position // the resources key, else the container
	ports       bool
	readiness   bool
	identical   bool // the liveness probe is the readiness probe
	livenessAt  diag.Position
	probes      bool // readiness and liveness apply (not init containers)
	privileged  bool
	privAt      diag.Position
	nonRoot     bool // runAsNonRoot, when nonRootSet
	nonRootSet  bool
	user        int64 // runAsUser, when userSet
	userSet     bool
	securityAt  diag.Position // the securityContext key, else the container
}

type service struct {
	object
	selector   labelSet
	selectorAt diag.Position
	ports      []servicePort
}

type servicePort struct {
	name string
	port int64
}

// backend is one Service an Ingress or HTTPRoute sends traffic to.
type backend struct {
	from     object // the Ingress or HTTPRoute
	service  string
	portName string
	portNum  int64
	field    string
	at       diag.Position
	portAt   diag.Position
}

type hpa struct {
	object
	targetKind, targetName string
	field                  string
	targetAt               diag.Position
	max                    int64
}

type pdb struct {
	object
	sel        *selector
	selectorAt diag.Position
}

// Visit collects one object; it has the signature of validator.Options.Visit.
func (c *Collector) Visit(o validator.Object, m *yaml.Node, at func(*yaml.Node) diag.Position) {
	ns := o.Namespace
	if ns == "" {
		ns = c.namespace
	}
	c.objects = append(c.objects, objectKey{o.GVK.Kind, ns, o.Name})
	base := object{kind: o.GVK.Kind, name: o.Name, ns: ns, at: at(m)}
	if k, _ := field(get(m, "metadata"), "name"); k != nil {
		base.at = at(k)
	}
	group := o.GVK.Group
	switch {
	case (group == "apps" || group == "extensions" || group == "batch" || group == "") && podSpecPath[o.GVK.Kind] != nil:
		c.visitWorkload(o.GVK.Kind, m, base, at)
	case group == "" && o.GVK.Kind == "Service":
		c.visitService(m, base, at)
	case group == "networking.k8s.io" && o.GVK.Kind == "Ingress":
		c.visitIngress(m, base, at)
	case group == "gateway.networking.k8s.io" && (o.GVK.Kind == "HTTPRoute" || o.GVK.Kind == "GRPCRoute"):
		c.visitRoute(m, base, at)
	case group == "autoscaling" && o.GVK.Kind == "HorizontalPodAutoscaler":
		c.visitHPA(m, base, at)
	case group != "" && group != "apps" && group != "batch" && mapping(get(m, "spec", "template", "metadata", "labels")) != nil:
		// A custom workload (an Argo Rollout, an OpenKruise CloneSet)
		// with a pod template: Services and budgets may select its pods,
		// though its own fields are not a Deployment's to judge.
		w := c.newWorkload()
		w.object, w.foreign = base, true
		w.labels = appendLabels(w.labels, get(m, "spec", "template", "metadata", "labels"))
		c.workloads = append(c.workloads, w)
	case group == "policy" && o.GVK.Kind == "PodDisruptionBudget":
		p := &pdb{object: base, selectorAt: base.at}
		k, v := field(get(m, "spec"), "selector")
		p.sel = parseSelector(v)
		if k != nil {
			p.selectorAt = at(k)
		}
		c.pdbs = append(c.pdbs, p)
	}
}

// podSpecPath is where each workload kind keeps its pod spec.
var podSpecPath = map[string][]string{
	"Pod":                   {"spec"},
	"Deployment":            {"spec", "template", "spec"},
	"StatefulSet":           {"spec", "template", "spec"},
	"DaemonSet":             {"spec", "template", "spec"},
	"ReplicaSet":            {"spec", "template", "spec"},
	"ReplicationController": {"spec", "template", "spec"},
	"Job":                   {"spec", "template", "spec"},
	"CronJob":               {"spec", "jobTemplate", "spec", "template", "spec"},
}

// podSpecPaths are podSpecPath's, joined.
var podSpecPaths = func() map[string]string {
	out := make(map[string]string, len(podSpecPath))
	for k, p := range podSpecPath {
		out[k] = strings.Join(p, ".")
	}
	return out
}()

func (c *Collector) visitWorkload(kind string, m *yaml.Node, base object, at func(*yaml.Node) diag.Position) {
	path, ok := podSpecPath[kind]
	if !ok {
		return
	}
	parent := get(m, path[:len(path)-1]...)
	specKey, spec := field(parent, "spec")
	if spec = mapping(spec); spec == nil {
		return
	}
	w := c.newWorkload()
	w.object, w.podPath, w.specAt = base, podSpecPaths[kind], at(specKey)
	if kind == "Pod" {
		w.labels = appendLabels(w.labels, get(m, "metadata", "labels"))
	} else {
		w.labels = appendLabels(w.labels, get(parent, "metadata", "labels"))
	}
	if k, v := field(get(m, "spec"), "replicas"); k != nil && kind != "Pod" {
		if n, ok := integer(v); ok {
			w.replicas, w.replicasSet, w.replicasAt = n, true, at(k)
		}
	}
	ps := w.readPodSpec(spec, at)
	w.collectRefs(ps, at)
	if c.practices {
		w.collectPractices(ps, at)
	}
	c.workloads = append(c.workloads, w)
}

// podSpec holds the fields of a pod spec the checks read further.
type podSpec struct {
	volumes, spread, affinity, security *yaml.Node
	containers                          [2]*yaml.Node // initContainers, containers
}

// containerLists name podSpec.containers, with the dot their field paths take.
var containerLists = [2]string{".initContainers", ".containers"}

// readPodSpec reads a pod spec in one pass over its keys, noting the
// plain fields in w: it is read for every workload of every render.
func (w *workload) readPodSpec(spec *yaml.Node, at func(*yaml.Node) diag.Position) podSpec {
	var ps podSpec
	for i := 0; i+1 < len(spec.Content); i += 2 {
		k, v := spec.Content[i], yamlnode.Resolve(spec.Content[i+1])
		switch k.Value {
		case "serviceAccountName":
			w.account, _ = str(v)
			w.accountAt = at(k)
		case "priorityClassName":
			w.priority, _ = str(v)
			w.priorityAt = at(k)
		case "volumes":
			ps.volumes = v
		case "topologySpreadConstraints":
			ps.spread = v
		case "affinity":
			ps.affinity = v
		case "securityContext":
			ps.security = v
		case "initContainers":
			ps.containers[0] = v
		case "containers":
			ps.containers[1] = v
		case "hostNetwork", "hostPID", "hostIPC":
			if on, _ := boolean(v); on {
				w.hostFields = append(w.hostFields, hostField{name: k.Value, at: at(k)})
			}
		}
	}
	return ps
}

// collectRefs notes the ConfigMaps and Secrets the pod spec names:
// volumes (projected ones too), envFrom and env valueFrom of every
// container. Optional references are left out: the pod starts without them.
func (w *workload) collectRefs(ps podSpec, at func(*yaml.Node) diag.Position) {
	add := func(kind string, n *yaml.Node, nameKey string, path refPath) {
		if n = mapping(n); n == nil {
			return
		}
		if optional, _ := boolean(get(n, "optional")); optional {
			return
		}
		k, v := field(n, nameKey)
		name, ok := str(v)
		if !ok || name == "" {
			return
		}
		w.refs = append(w.refs, configRef{kind: kind, name: name, field: w.podPath + path.String() + "." + nameKey, pos: at(k)})
	}
	for i, vol := range items(ps.volumes) {
		add("ConfigMap", get(vol, "configMap"), "name", refPath{".volumes", i, ".configMap", -1, ""})
		add("Secret", get(vol, "secret"), "secretName", refPath{".volumes", i, ".secret", -1, ""})
		for j, src := range items(get(vol, "projected", "sources")) {
			add("ConfigMap", get(src, "configMap"), "name", refPath{".volumes", i, ".projected.sources", j, ".configMap"})
			add("Secret", get(src, "secret"), "name", refPath{".volumes", i, ".projected.sources", j, ".secret"})
		}
	}
	for l, list := range containerLists {
		for i, ctr := range items(ps.containers[l]) {
			for j, from := range items(get(ctr, "envFrom")) {
				add("ConfigMap", get(from, "configMapRef"), "name", refPath{list, i, ".envFrom", j, ".configMapRef"})
				add("Secret", get(from, "secretRef"), "name", refPath{list, i, ".envFrom", j, ".secretRef"})
			}
			for j, env := range items(get(ctr, "env")) {
				from := get(env, "valueFrom")
				if from == nil {
					continue
				}
				add("ConfigMap", get(from, "configMapKeyRef"), "name", refPath{list, i, ".env", j, ".valueFrom.configMapKeyRef"})
				add("Secret", get(from, "secretKeyRef"), "name", refPath{list, i, ".env", j, ".valueFrom.secretKeyRef"})
			}
		}
	}
}

// refPath is where in a pod spec a reference is, ".volumes[0].configMap"
// or ".containers[1].env[2].valueFrom.secretKeyRef" (j < 0: no second
// index), kept apart so that only a reference found is formatted.
type refPath struct {
	a string
	i int
	b string
	j int
	c string
}

func (p refPath) String() string {
	s := p.a + "[" + strconv.Itoa(p.i) + "]" + p.b
	if p.j >= 0 {
		s += "[" + strconv.Itoa(p.j) + "]" + p.c
	}
	return s
}

// hostnameKey is the topology key of single nodes.
const hostnameKey = "kubernetes.io/hostname"

func (w *workload) collectPractices(ps podSpec, at func(*yaml.Node) diag.Position) {
	for _, c := range items(ps.spread) {
		if key, _ := str(get(c, "topologyKey")); key == hostnameKey && selectorMatches(get(c, "labelSelector"), w.labels) {
			w.spreads = true
		}
	}
	anti := get(ps.affinity, "podAntiAffinity")
	for _, term := range items(get(anti, "requiredDuringSchedulingIgnoredDuringExecution")) {
		w.spreads = w.spreads || spreadsTerm(term, w.labels)
	}
	for _, weighted := range items(get(anti, "preferredDuringSchedulingIgnoredDuringExecution")) {
		w.spreads = w.spreads || spreadsTerm(get(weighted, "podAffinityTerm"), w.labels)
	}
	w.podNonRoot, w.podRootSet = boolean(get(ps.security, "runAsNonRoot"))
	w.podUser, w.podUserSet = integer(get(ps.security, "runAsUser"))
	for l, list := range containerLists {
		for i, n := range items(ps.containers[l]) {
			c := readContainer(n, at)
			c.list, c.index, c.probes = list[1:], i, l == 1
			w.containers = append(w.containers, c)
		}
	}
}

// spreadsTerm reports whether a pod anti-affinity term keeps the
// workload's own pods off one node.
func spreadsTerm(term *yaml.Node, labels labelSet) bool {
	key, _ := str(get(term, "topologyKey"))
	return key == hostnameKey && selectorMatches(get(term, "labelSelector"), labels)
}

func readContainer(n *yaml.Node, at func(*yaml.Node) diag.Position) container {
	c := container{at: at(n)}
	c.resourcesAt, c.securityAt = c.at, c.at
	var readiness, liveness, livenessKey *yaml.Node
	n = mapping(n)
	if n == nil {
		return c
	}
	// One pass over the container's keys: it is read for every container
	// of every render.
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], yamlnode.Resolve(n.Content[i+1])
		switch k.Value {
		case "name":
			c.name, _ = str(v)
		case "image":
			c.image, c.imageSet = str(v)
			c.imageAt = at(v)
		case "imagePullPolicy":
			c.pullPolicy, _ = str(v)
			c.pullAt = at(v)
		case "resources":
			c.resourcesAt = at(k)
			requests, limits := get(v, "requests"), get(v, "limits")
			// Kubernetes takes a request from the limit when only the
			// limit is set.
			c.cpuRequest = get(requests, "cpu") != nil || get(limits, "cpu") != nil
			c.memRequest = get(requests, "memory") != nil || get(limits, "memory") != nil
			c.memLimit = get(limits, "memory") != nil
		case "ports":
			c.ports = len(items(v)) > 0
		case "readinessProbe":
			readiness = mapping(v)
		case "livenessProbe":
			liveness, livenessKey = mapping(v), k
		case "securityContext":
			c.securityAt = at(k)
			if pk, pv := field(v, "privileged"); pk != nil {
				c.privileged, _ = boolean(pv)
				c.privAt = at(pk)
			}
			c.nonRoot, c.nonRootSet = boolean(get(v, "runAsNonRoot"))
			c.user, c.userSet = integer(get(v, "runAsUser"))
		}
	}
	c.readiness = readiness != nil
	if readiness != nil && liveness != nil && sameNode(readiness, liveness, 0) {
		c.identical, c.livenessAt = true, at(livenessKey)
	}
	return c
}

func (c *Collector) visitService(m *yaml.Node, base object, at func(*yaml.Node) diag.Position) {
	spec := get(m, "spec")
	s := c.newService()
	s.object, s.selectorAt = base, base.at
	if k, v := field(spec, "selector"); k != nil {
		s.selector = appendLabels(s.selector, v)
		s.selectorAt = at(k)
	}
	if t, _ := str(get(spec, "type")); t == "ExternalName" {
		s.selector = s.selector[:0] // no pods behind it
	}
	for _, p := range items(get(spec, "ports")) {
		sp := servicePort{}
		sp.name, _ = str(get(p, "name"))
		sp.port, _ = integer(get(p, "port"))
		s.ports = append(s.ports, sp)
	}
	c.services = append(c.services, s)
}

func (c *Collector) visitIngress(m *yaml.Node, base object, at func(*yaml.Node) diag.Position) {
	spec := get(m, "spec")
	add := func(b *yaml.Node, path string) {
		svc := mapping(get(b, "service"))
		if svc == nil {
			return // a resource backend
		}
		k, v := field(svc, "name")
		name, ok := str(v)
		if !ok {
			return
		}
		be := backend{from: base, service: name, field: path + ".service", at: at(k)}
		be.portAt = be.at
		if pk, port := field(svc, "port"); pk != nil {
			be.portAt = at(pk)
			be.portName, _ = str(get(port, "name"))
			be.portNum, _ = integer(get(port, "number"))
		}
		c.backends = append(c.backends, be)
	}
	if b := mapping(get(spec, "defaultBackend")); b != nil {
		add(b, "spec.defaultBackend")
	}
	for i, rule := range items(get(spec, "rules")) {
		for j, p := range items(get(rule, "http", "paths")) {
			add(get(p, "backend"), fmt.Sprintf("spec.rules[%d].http.paths[%d].backend", i, j))
		}
	}
}

// visitRoute reads a Gateway API route's backendRefs that name Services
// of the route's namespace (the default kind and group); other kinds and
// other namespaces are for the cluster to judge.
func (c *Collector) visitRoute(m *yaml.Node, base object, at func(*yaml.Node) diag.Position) {
	for i, rule := range items(get(m, "spec", "rules")) {
		for j, ref := range items(get(rule, "backendRefs")) {
			kind, hasKind := str(get(ref, "kind"))
			group, _ := str(get(ref, "group"))
			if hasKind && kind != "Service" || group != "" {
				continue
			}
			if ns, ok := str(get(ref, "namespace")); ok && ns != base.ns {
				continue
			}
			k, v := field(ref, "name")
			name, ok := str(v)
			if !ok {
				continue
			}
			be := backend{from: base, service: name, field: fmt.Sprintf("spec.rules[%d].backendRefs[%d]", i, j), at: at(k)}
			be.portAt = be.at
			if pk, pv := field(ref, "port"); pk != nil {
				be.portNum, _ = integer(pv)
				be.portAt = at(pk)
			}
			c.backends = append(c.backends, be)
		}
	}
}

func (c *Collector) visitHPA(m *yaml.Node, base object, at func(*yaml.Node) diag.Position) {
	spec := get(m, "spec")
	h := &hpa{object: base, targetAt: base.at, field: "spec.scaleTargetRef"}
	k, ref := field(spec, "scaleTargetRef")
	if k != nil {
		h.targetAt = at(k)
	}
	h.targetKind, _ = str(get(ref, "kind"))
	h.targetName, _ = str(get(ref, "name"))
	h.max, _ = integer(get(spec, "maxReplicas"))
	c.hpas = append(c.hpas, h)
}
