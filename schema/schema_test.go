package schema

import (
	"slices"
	"sync"
	"testing"
)

var (
	pod         = GVK{Version: "v1", Kind: "Pod"}
	service     = GVK{Version: "v1", Kind: "Service"}
	secret      = GVK{Version: "v1", Kind: "Secret"}
	deployment  = GVK{Group: "apps", Version: "v1", Kind: "Deployment"}
	statefulSet = GVK{Group: "apps", Version: "v1", Kind: "StatefulSet"}
	ingressV1   = GVK{Group: "networking.k8s.io", Version: "v1", Kind: "Ingress"}
	ingressExt  = GVK{Group: "extensions", Version: "v1beta1", Kind: "Ingress"}
	hpaV2beta2  = GVK{Group: "autoscaling", Version: "v2beta2", Kind: "HorizontalPodAutoscaler"}
	cronJobV1   = GVK{Group: "batch", Version: "v1", Kind: "CronJob"}
	psp         = GVK{Group: "policy", Version: "v1beta1", Kind: "PodSecurityPolicy"}
	crdV1       = GVK{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"}
	crdV1beta1  = GVK{Group: "apiextensions.k8s.io", Version: "v1beta1", Kind: "CustomResourceDefinition"}
	apiService  = GVK{Group: "apiregistration.k8s.io", Version: "v1", Kind: "APIService"}
	ingClassB1  = GVK{Group: "networking.k8s.io", Version: "v1beta1", Kind: "IngressClass"}
)

// releasesFrom returns every supported release from first to last, inclusive.
func releasesFrom(first, last string) []string {
	var out []string
	for _, r := range Releases() {
		if CompareReleases(r, first) >= 0 && CompareReleases(r, last) <= 0 {
			out = append(out, r)
		}
	}
	return out
}

func mustLoad(t testing.TB, release string) *Release {
	t.Helper()
	r, err := Load(release)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReleases(t *testing.T) {
	rs := Releases()
	if rs[0] != "1.16" || rs[len(rs)-1] != "1.37" || Newest() != "1.37" || len(rs) != 22 {
		t.Fatalf("Releases() = %v, Newest() = %s", rs, Newest())
	}
	if !slices.IsSortedFunc(rs, CompareReleases) {
		t.Errorf("Releases() not oldest first: %v", rs)
	}
	rs[0] = "changed"
	if Releases()[0] != "1.16" {
		t.Error("Releases() shares its slice with callers")
	}
	table, err := loadTable()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(table.releases, Releases()) {
		t.Errorf("embedded data has releases %v, package has %v; run make schemas", table.releases, Releases())
	}
	for _, r := range []string{"1.16", "1.24", "1.37"} {
		if !Known(r) {
			t.Errorf("Known(%q) = false", r)
		}
	}
	for _, r := range []string{"1.15", "1.38", "", "1.2x", "v1.24"} {
		if Known(r) {
			t.Errorf("Known(%q) = true", r)
		}
		if _, err := Load(r); err == nil {
			t.Errorf("Load(%q) succeeded", r)
		}
	}
}

func TestCompareReleases(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.9", "1.16", -1},
		{"1.16", "1.9", +1},
		{"1.16", "1.16", 0},
		{"1.37", "1.16", +1},
		{"1.22", "1.22.1", -1},
		{"2.0", "1.99", +1},
		{"1.x", "1.16", +1}, // non-numbers sort after numbers, never panic
	}
	for _, tt := range tests {
		if got := CompareReleases(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareReleases(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

// TestKnownFacts checks the embedded data against facts about Kubernetes.
// When one fails, the generator is wrong, not the fact.
func TestKnownFacts(t *testing.T) {
	presence := []struct {
		gvk     GVK
		release string
		want    bool
	}{
		{ingressV1, "1.18", false},
		{ingressV1, "1.19", true},
		{ingressV1, "1.37", true},
		{hpaV2beta2, "1.22", true},
		{cronJobV1, "1.20", false},
		{cronJobV1, "1.21", true},
		{crdV1, "1.16", true},
		{crdV1, "1.37", true},
		{crdV1beta1, "1.16", true},
		{apiService, "1.16", true},
		{apiService, "1.37", true},
		{pod, "1.16", true},
		{deployment, "1.37", true},
	}
	for _, tt := range presence {
		if got := mustLoad(t, tt.release).Kind(tt.gvk) != nil; got != tt.want {
			t.Errorf("%s: has %s = %v, want %v", tt.release, tt.gvk, got, tt.want)
		}
	}

	lifecycles := []struct {
		gvk  GVK
		want Lifecycle
	}{
		{hpaV2beta2, Lifecycle{Introduced: "1.12", Deprecated: "1.23", Removed: "1.26",
			Replacement: GVK{Group: "autoscaling", Version: "v2", Kind: "HorizontalPodAutoscaler"}}},
		{psp, Lifecycle{Introduced: "1.10", Deprecated: "1.21", Removed: "1.25"}},
		{ingressExt, Lifecycle{Introduced: "1.1", Deprecated: "1.14", Removed: "1.22", Replacement: ingressV1}},
		{crdV1beta1, Lifecycle{Introduced: "1.7", Deprecated: "1.16", Removed: "1.22", Replacement: crdV1}},
		// Upstream names IngressClassList; the generator corrects it.
		{ingClassB1, Lifecycle{Introduced: "1.18", Deprecated: "1.19", Removed: "1.22",
			Replacement: GVK{Group: "networking.k8s.io", Version: "v1", Kind: "IngressClass"}}},
		// GA kinds without lifecycle methods: introduced is derived from
		// the first release with the kind.
		{cronJobV1, Lifecycle{Introduced: "1.21"}},
		{ingressV1, Lifecycle{Introduced: "1.19"}},
	}
	for _, tt := range lifecycles {
		got, ok := LifecycleOf(tt.gvk)
		if !ok || got != tt.want {
			t.Errorf("LifecycleOf(%s) = %+v, %v; want %+v", tt.gvk, got, ok, tt.want)
		}
	}
	if _, ok := LifecycleOf(GVK{Group: "cert-manager.io", Version: "v1", Kind: "Certificate"}); ok {
		t.Error("LifecycleOf(a custom resource) is ok")
	}

	fieldReleases := []struct {
		gvk  GVK
		path []string
		want []string
	}{
		// StatefulSet minReadySeconds arrived (alpha, behind a gate) in 1.22.
		{statefulSet, []string{"spec", "minReadySeconds"}, releasesFrom("1.22", "1.37")},
		{deployment, []string{"spec", "minReadySeconds"}, releasesFrom("1.16", "1.37")},
		{deployment, []string{"spec", "template", "spec", "containers", "image"}, releasesFrom("1.16", "1.37")},
		// Container.resizePolicy: in-place pod resize, added in 1.27.
		{pod, []string{"spec", "containers", "resizePolicy"}, releasesFrom("1.27", "1.37")},
		// Ingress spec.ingressClassName was added in 1.18 to the beta API.
		{ingressExt, []string{"spec", "ingressClassName"}, releasesFrom("1.18", "1.37")},
		{pod, []string{"spec", "os"}, releasesFrom("1.23", "1.37")},
		// Sidecar containers: init containers with restartPolicy, 1.28.
		{pod, []string{"spec", "initContainers", "restartPolicy"}, releasesFrom("1.28", "1.37")},
		{cronJobV1, []string{"spec", "timeZone"}, releasesFrom("1.24", "1.37")},
		// ObjectMeta.clusterName was dropped in 1.25.
		{deployment, []string{"metadata", "clusterName"}, releasesFrom("1.16", "1.24")},
		{deployment, []string{"spec", "noSuchField"}, nil},
		{GVK{Group: "example.com", Version: "v1", Kind: "Widget"}, []string{"spec"}, nil},
	}
	for _, tt := range fieldReleases {
		if got := FieldReleases(tt.gvk, tt.path); !slices.Equal(got, tt.want) {
			t.Errorf("FieldReleases(%s, %v) = %v, want %v", tt.gvk, tt.path, got, tt.want)
		}
	}

	fields := []struct {
		gvk      GVK
		path     []string
		typ      Type
		elem     Type // for Map and Array
		required bool
	}{
		{pod, []string{"spec", "containers"}, Array, Object, true},
		{pod, []string{"spec", "initContainers"}, Array, Object, false},
		{pod, []string{"spec", "containers", "name"}, String, 0, true},
		{pod, []string{"spec", "containers", "ports", "containerPort"}, Integer, 0, true},
		{pod, []string{"spec", "containers", "resources", "limits"}, Map, Quantity, false},
		{pod, []string{"metadata", "labels"}, Map, String, false},
		{pod, []string{"metadata", "creationTimestamp"}, String, 0, false},
		{pod, []string{"apiVersion"}, String, 0, false},
		{deployment, []string{"spec", "replicas"}, Integer, 0, false},
		{deployment, []string{"spec", "selector"}, Object, 0, true},
		{deployment, []string{"spec", "template", "spec", "containers", "ports", "containerPort"}, Integer, 0, true},
		{deployment, []string{"spec", "strategy", "rollingUpdate", "maxSurge"}, IntOrString, 0, false},
		{service, []string{"spec", "ports", "targetPort"}, IntOrString, 0, false},
		{service, []string{"spec", "ports", "port"}, Integer, 0, true},
		{secret, []string{"data"}, Map, String, false}, // []byte values are base64 strings
		{crdV1, []string{"spec", "versions", "schema", "openAPIV3Schema", "x-kubernetes-preserve-unknown-fields"}, Boolean, 0, false},
		{crdV1, []string{"spec", "versions", "schema", "openAPIV3Schema", "default"}, Any, 0, false},
		{apiService, []string{"spec", "groupPriorityMinimum"}, Integer, 0, true},
	}
	for _, release := range []string{"1.16", "1.24", Newest()} {
		r := mustLoad(t, release)
		for _, tt := range fields {
			f := lookupField(r.Kind(tt.gvk), tt.path)
			if f == nil {
				t.Errorf("%s %s: no field %v", release, tt.gvk, tt.path)
				continue
			}
			if f.Node.Type != tt.typ || f.Required != tt.required {
				t.Errorf("%s %s %v: %s required=%v, want %s required=%v", release, tt.gvk, tt.path, f.Node.Type, f.Required, tt.typ, tt.required)
			}
			if tt.elem != 0 && (f.Node.Elem == nil || f.Node.Elem.Type != tt.elem) {
				t.Errorf("%s %s %v: elements are not %s", release, tt.gvk, tt.path, tt.elem)
			}
		}
	}
}

// lookupField is lookupPath that returns the last step's Field.
func lookupField(n *Node, path []string) *Field {
	parent := lookupPath(n, path[:len(path)-1])
	for parent != nil && (parent.Type == Array || parent.Type == Map) {
		parent = parent.Elem
	}
	if parent == nil || parent.Type != Object {
		return nil
	}
	return parent.Field(path[len(path)-1])
}

// TestRecursiveSchema checks that JSONSchemaProps refers to itself rather
// than being unrolled.
func TestRecursiveSchema(t *testing.T) {
	r := mustLoad(t, Newest())
	schema := lookupPath(r.Kind(crdV1), []string{"spec", "versions", "schema", "openAPIV3Schema"})
	if schema == nil {
		t.Fatal("no openAPIV3Schema")
	}
	props := schema.Field("properties")
	if props == nil || props.Node.Type != Map || props.Node.Elem != schema {
		t.Errorf("openAPIV3Schema.properties is not a map of openAPIV3Schema")
	}
}

func TestKindsSortedAndComplete(t *testing.T) {
	for _, release := range Releases() {
		r := mustLoad(t, release)
		if r.Version() != release {
			t.Errorf("Load(%s).Version() = %s", release, r.Version())
		}
		kinds := r.Kinds()
		if len(kinds) < 100 {
			t.Errorf("%s: only %d kinds", release, len(kinds))
		}
		if !slices.IsSortedFunc(kinds, compareGVK) {
			t.Errorf("%s: Kinds() not sorted", release)
		}
		for _, k := range kinds {
			n := r.Kind(k)
			if n == nil || n.Type != Object || n.Field("metadata") == nil || n.Field("kind") == nil || n.Field("apiVersion") == nil {
				t.Errorf("%s %s: root is not an object with apiVersion, kind and metadata", release, k)
			}
			if _, ok := LifecycleOf(k); !ok {
				t.Errorf("%s %s: no lifecycle", release, k)
			}
		}
	}
}

func TestNewRelease(t *testing.T) {
	widget := GVK{Group: "example.com", Version: "v1", Kind: "Widget"}
	root := &Node{Type: Object, Fields: []Field{{Name: "spec", Node: &Node{Type: String}}}}
	r := NewRelease("1.30", map[GVK]*Node{widget: root, pod: root})
	if r.Version() != "1.30" || r.Kind(widget) != root || r.Kind(deployment) != nil {
		t.Errorf("NewRelease: got %s, %v", r.Version(), r.Kinds())
	}
	if want := []GVK{pod, widget}; !slices.Equal(r.Kinds(), want) {
		t.Errorf("Kinds() = %v, want %v", r.Kinds(), want)
	}
}

// TestLoadConcurrent is meant for go test -race: every goroutine must get
// the same *Release, decoded once.
func TestLoadConcurrent(t *testing.T) {
	const workers = 8
	got := make([][]*Release, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rs := Releases()
			// Start each worker at a different release so decodes overlap.
			for i := range rs {
				r, err := Load(rs[(i+w)%len(rs)])
				if err != nil {
					t.Error(err)
					return
				}
				got[w] = append(got[w], r)
				_ = FieldReleases(deployment, []string{"spec", "replicas"})
				_, _ = LifecycleOf(deployment)
			}
		}()
	}
	wg.Wait()
	for w := 1; w < workers; w++ {
		for _, r := range got[w] {
			if mustLoad(t, r.Version()) != r {
				t.Fatalf("Load(%s) returned different values", r.Version())
			}
		}
	}
}

// BenchmarkLoad measures decoding one release from the already
// decompressed data, what each Load of a new release costs.
func BenchmarkLoad(b *testing.B) {
	if _, err := loadTable(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeRelease(Newest()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseTable measures the once-per-process cost paid by the first
// Load: indexing the embedded data's lines.
func BenchmarkParseTable(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseTable(data); err != nil {
			b.Fatal(err)
		}
	}
}

// field follows names from a kind's root, through arrays, to a field.
func field(t *testing.T, rel *Release, gvk GVK, names ...string) *Field {
	t.Helper()
	n := rel.Kind(gvk)
	var f *Field
	for _, name := range names {
		if n == nil {
			t.Fatalf("%s %s: no node before %s", rel.Version(), gvk, name)
		}
		for n.Type == Array {
			n = n.Elem
		}
		if f = n.Field(name); f == nil {
			t.Fatalf("%s %s: no field %s", rel.Version(), gvk, name)
		}
		n = f.Node
	}
	return f
}

// TestEnumsListKeysAndCorrections holds the data to what schema/gen reads
// from k8s.io/api: enums (also before +enum, 1.23), list-map keys with
// defaults, and the required-field corrections.
func TestEnumsListKeysAndCorrections(t *testing.T) {
	networkPolicy := GVK{Group: "networking.k8s.io", Version: "v1", Kind: "NetworkPolicy"}
	for _, r := range []string{"1.16", "1.22", "1.37"} {
		rel := mustLoad(t, r)
		if got := field(t, rel, pod, "spec", "containers", "imagePullPolicy").Node.Enum; !slices.Equal(got, []string{"Always", "IfNotPresent", "Never"}) {
			t.Errorf("%s imagePullPolicy enum = %v", r, got)
		}
		if got := field(t, rel, secret, "type").Node.Enum; got != nil {
			t.Errorf("%s Secret type is open, got enum %v", r, got)
		}
		if got := field(t, rel, pod, "spec", "containers").Node.Keys; !slices.Equal(got, []ListKey{{Name: "name"}}) {
			t.Errorf("%s containers keys = %v", r, got)
		}
		if got := field(t, rel, pod, "spec", "containers", "env").Node.Keys; !slices.Equal(got, []ListKey{{Name: "name"}}) {
			t.Errorf("%s env keys = %v", r, got)
		}
		if got := field(t, rel, pod, "spec", "tolerations").Node.Keys; got != nil {
			t.Errorf("%s tolerations are atomic, got keys %v", r, got)
		}
		if field(t, rel, statefulSet, "spec", "serviceName").Required {
			t.Errorf("%s StatefulSet serviceName is required", r)
		}
		if field(t, rel, networkPolicy, "spec", "podSelector").Required {
			t.Errorf("%s NetworkPolicy podSelector is required", r)
		}
		if !field(t, rel, pod, "spec", "hostAliases", "ip").Required {
			t.Errorf("%s host alias ip is not required", r)
		}
	}
	ports := field(t, mustLoad(t, "1.37"), pod, "spec", "containers", "ports").Node.Keys
	if !slices.Equal(ports, []ListKey{{Name: "containerPort"}, {Name: "protocol", Default: "TCP"}}) {
		t.Errorf("1.37 container ports keys = %v", ports)
	}
	for _, r := range []string{"1.19", "1.21", "1.37"} {
		if !field(t, mustLoad(t, r), ingressV1, "spec", "rules", "http", "paths", "pathType").Required {
			t.Errorf("%s networking.k8s.io/v1 pathType is not required", r)
		}
	}
	if field(t, mustLoad(t, "1.21"), ingressExt, "spec", "rules", "http", "paths", "pathType").Required {
		t.Error("extensions/v1beta1 pathType (defaulted) is required")
	}
}

// TestDecodeEnumAndListMapRefs: the refs of format 2, escapes included.
func TestDecodeEnumAndListMapRefs(t *testing.T) {
	text := dataVersion + "\nrelease 1.16 v0.16.15\n" +
		"o policy=eAlways|Never ports=<containerPort,protocol:TCP>1 usage=ecert%20sign|a%7Cb|100%25\n" +
		"o containerPort!=i protocol=s\n" +
		"k v1 Thing - - - - 1.16=0\n"
	tab, err := parseTable(text)
	if err != nil {
		t.Fatal(err)
	}
	d := &decoder{t: tab, objects: make([]*Node, len(tab.objects)), containers: map[string]*Node{}}
	n, err := d.ref("0")
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Field("policy").Node; got.Type != String || !slices.Equal(got.Enum, []string{"Always", "Never"}) {
		t.Errorf("policy = %+v", got)
	}
	if got := n.Field("usage").Node.Enum; !slices.Equal(got, []string{"cert sign", "a|b", "100%"}) {
		t.Errorf("usage enum = %q", got)
	}
	ports := n.Field("ports").Node
	if ports.Type != Array || ports.Elem.Field("containerPort") == nil ||
		!slices.Equal(ports.Keys, []ListKey{{Name: "containerPort"}, {Name: "protocol", Default: "TCP"}}) {
		t.Errorf("ports = %+v", ports)
	}
	for _, bad := range []string{"e", "<>1", "<name"} {
		if _, err := d.ref(bad); err == nil {
			t.Errorf("ref %q decoded", bad)
		}
	}
}

// TestAllKinds: AllKinds is the union of every release's kinds, read from
// the index without decoding, so it must agree with what Load decodes.
func TestAllKinds(t *testing.T) {
	all := AllKinds()
	if !slices.IsSortedFunc(all, compareGVK) {
		t.Fatal("AllKinds() not sorted")
	}
	union := map[GVK]bool{}
	for _, release := range Releases() {
		for _, k := range mustLoad(t, release).Kinds() {
			union[k] = true
		}
	}
	for _, k := range all {
		if !union[k] {
			t.Errorf("AllKinds has %s, which no release defines", k)
		}
		delete(union, k)
	}
	for k := range union {
		t.Errorf("AllKinds lacks %s", k)
	}
	if !slices.Contains(all, GVK{Group: "apps", Version: "v1", Kind: "Deployment"}) {
		t.Error("AllKinds lacks apps/v1 Deployment")
	}
}
