package deploy

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	sigsyaml "sigs.k8s.io/yaml"
)

// object reads one object from YAML, as Parse and the dynamic client do;
// every test of the package builds its objects with it.
func object(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	js, err := sigsyaml.YAMLToJSON([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(js); err != nil {
		t.Fatal(err)
	}
	return u
}

// liveDeployment is a Deployment as the server returns it.
const liveDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
  uid: 0b6c1f3e-6a1f-4c55-9d2a-7e1b2c3d4e5f
  resourceVersion: "4711"
  generation: 3
  creationTimestamp: "2026-01-02T03:04:05Z"
  selfLink: /apis/apps/v1/namespaces/prod/deployments/web
  labels:
    app: web
  annotations:
    deployment.kubernetes.io/revision: "3"
    team: payments
  managedFields:
  - manager: eastern
    operation: Apply
    apiVersion: apps/v1
    fieldsType: FieldsV1
    fieldsV1: {"f:spec": {"f:replicas": {}}}
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: example.com/web:1
status:
  observedGeneration: 3
  replicas: 2
  readyReplicas: 2
`

func TestCompareIgnoresWhatTheServerWrites(t *testing.T) {
	live := object(t, liveDeployment)
	// The dry run: another version, generation and revision, no status
	// yet, managed fields of its own, and the fields in another order.
	planned := object(t, `kind: Deployment
apiVersion: apps/v1
spec:
  template:
    spec:
      containers:
      - image: example.com/web:1
        name: web
    metadata:
      labels:
        app: web
  selector:
    matchLabels:
      app: web
  replicas: 2
metadata:
  annotations:
    team: payments
    deployment.kubernetes.io/revision: "4"
  labels:
    app: web
  namespace: prod
  name: web
  uid: 0b6c1f3e-6a1f-4c55-9d2a-7e1b2c3d4e5f
  resourceVersion: "4712"
  generation: 4
  managedFields:
  - manager: kubectl
    operation: Update
`)
	ch, err := Compare(live, planned)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Action != Unchanged {
		t.Errorf("Action = %v, want unchanged; before:\n%s\nafter:\n%s", ch.Action, ch.Before, ch.After)
	}
	for _, gone := range []string{"uid", "resourceVersion", "generation", "creationTimestamp", "selfLink", "managedFields", "status", "observedGeneration", "deployment.kubernetes.io/revision"} {
		if strings.Contains(string(ch.Before), gone) {
			t.Errorf("the YAML keeps %s:\n%s", gone, ch.Before)
		}
	}
	for _, kept := range []string{"team: payments", "namespace: prod", "replicas: 2", "image: example.com/web:1"} {
		if !strings.Contains(string(ch.Before), kept) {
			t.Errorf("the YAML lost %q:\n%s", kept, ch.Before)
		}
	}
}

func TestCompareSortsKeys(t *testing.T) {
	u := object(t, "kind: ConfigMap\napiVersion: v1\nmetadata: {name: c}\ndata: {z: '1', a: '2'}\n")
	ch, err := Compare(nil, u)
	if err != nil {
		t.Fatal(err)
	}
	want := "apiVersion: v1\ndata:\n  a: \"2\"\n  z: \"1\"\nkind: ConfigMap\nmetadata:\n  name: c\n"
	if string(ch.After) != want {
		t.Errorf("After =\n%s\nwant\n%s", ch.After, want)
	}
}

func TestCompareActions(t *testing.T) {
	cm := func(value string) *unstructured.Unstructured {
		return object(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {greeting: "+value+"}\n")
	}
	tests := []struct {
		name          string
		before, after *unstructured.Unstructured
		want          Action
	}{
		{"same", cm("hello"), cm("hello"), Unchanged},
		{"a value", cm("hello"), cm("bye"), Changed},
		{"new", nil, cm("hello"), Created},
		{"gone", cm("hello"), nil, Deleted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, err := Compare(tt.before, tt.after)
			if err != nil {
				t.Fatal(err)
			}
			if ch.Action != tt.want {
				t.Errorf("Action = %v, want %v", ch.Action, tt.want)
			}
			if (ch.Before == nil) != (tt.before == nil) || (ch.After == nil) != (tt.after == nil) {
				t.Errorf("Before %q, After %q for sides %v, %v", ch.Before, ch.After, tt.before != nil, tt.after != nil)
			}
		})
	}
	if _, err := Compare(nil, nil); err == nil {
		t.Error("Compare(nil, nil) is no error")
	}
	if Action(0).String() != "invalid" {
		t.Errorf("the zero Action is %q", Action(0))
	}
}

// TestCompareLeavesObjectsAlone: Compare works on copies; the objects are
// still applied after a deploy --diff.
func TestCompareLeavesObjectsAlone(t *testing.T) {
	live := object(t, liveDeployment)
	secret := object(t, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata: {password: aHVudGVyMg==}\n")
	keepLive, keepSecret := live.DeepCopy(), secret.DeepCopy()
	if _, err := Compare(live, secret); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(live, keepLive) || !reflect.DeepEqual(secret, keepSecret) {
		t.Error("Compare changed its arguments")
	}
}

func TestNormalizeMetadata(t *testing.T) {
	tests := []struct {
		name     string
		metadata string
		want     string
	}{
		{"empty labels and annotations go", "{name: a, labels: {}, annotations: {}}", "{name: a}"},
		{"annotations only the server wrote go with them",
			"{name: a, annotations: {deployment.kubernetes.io/revision: '2', deprecated.daemonset.template.generation: '5'}}", "{name: a}"},
		{"other annotations stay", "{name: a, annotations: {deployment.kubernetes.io/revision: '2', note: x}}", "{name: a, annotations: {note: x}}"},
		{"deletion marks go", "{name: a, deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 30, finalizers: [x]}", "{name: a, finalizers: [x]}"},
		{"owner references stay", "{name: a, ownerReferences: [{kind: K, name: o}]}", "{name: a, ownerReferences: [{kind: K, name: o}]}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := normalize(object(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: "+tt.metadata+"\n").Object)
			want := object(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: "+tt.want+"\n").Object
			if !reflect.DeepEqual(got, want) {
				t.Errorf("normalize = %v, want %v", got, want)
			}
		})
	}
}

func TestCompareMasksSecrets(t *testing.T) {
	before := object(t, `apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"b2xk"}}'
data:
  password: b2xk
  user: YWRtaW4=
  gone: eA==
`)
	after := object(t, `apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '{"data":{"password":"bmV3"}}'
data:
  password: bmV3
  user: YWRtaW4=
stringData:
  token: plain
`)
	ch, err := Compare(before, after)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Action != Changed {
		t.Errorf("Action = %v, want changed", ch.Action)
	}
	wantBefore := `apiVersion: v1
data:
  gone: '***'
  password: '*** (before)'
  user: '***'
kind: Secret
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '*** (before)'
  name: db
`
	wantAfter := `apiVersion: v1
data:
  password: '*** (after)'
  user: '***'
kind: Secret
metadata:
  annotations:
    kubectl.kubernetes.io/last-applied-configuration: '*** (after)'
  name: db
stringData:
  token: '***'
`
	if string(ch.Before) != wantBefore {
		t.Errorf("Before =\n%s\nwant\n%s", ch.Before, wantBefore)
	}
	if string(ch.After) != wantAfter {
		t.Errorf("After =\n%s\nwant\n%s", ch.After, wantAfter)
	}
	for _, secret := range []string{"b2xk", "bmV3", "YWRtaW4=", "plain"} {
		if bytes.Contains(ch.Before, []byte(secret)) || bytes.Contains(ch.After, []byte(secret)) {
			t.Errorf("a Secret's value %q shows", secret)
		}
	}
	// Equal Secrets stay unchanged, masked or not.
	same, err := Compare(before, before)
	if err != nil {
		t.Fatal(err)
	}
	if same.Action != Unchanged {
		t.Errorf("a Secret against itself: %v", same.Action)
	}
	// A new Secret shows its keys only.
	created, err := Compare(nil, after)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(created.After), "password: '***'") || strings.Contains(string(created.After), "bmV3") {
		t.Errorf("a new Secret:\n%s", created.After)
	}
	// A ConfigMap's data is not secret.
	cm := object(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {password: visible}\n")
	plain, _ := Compare(nil, cm)
	if !strings.Contains(string(plain.After), "visible") {
		t.Errorf("a ConfigMap's data is masked:\n%s", plain.After)
	}
}

func TestDefinedKinds(t *testing.T) {
	crd := &Object{Unstructured: object(t, `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Widget, plural: widgets}
`)}
	namespaced := &Object{Unstructured: object(t, `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gadgets.example.com}
spec:
  group: example.com
  scope: Namespaced
  names: {kind: Gadget}
`)}
	got := definedKinds([]*Object{crd, namespaced})
	want := map[schema.GroupKind]crdNames{
		{Group: "example.com", Kind: "Widget"}: {namespaced: false},
		{Group: "example.com", Kind: "Gadget"}: {namespaced: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("definedKinds = %v, want %v", got, want)
	}
}

func TestWriteDiff(t *testing.T) {
	cm := func(value string) *unstructured.Unstructured {
		return object(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\ndata: {greeting: "+value+", other: x}\n")
	}
	change := func(label, note string, before, after *unstructured.Unstructured) Change {
		ch, err := Compare(before, after)
		if err != nil {
			t.Fatal(err)
		}
		ch.Namespace, ch.Label, ch.Note, ch.From, ch.To = "prod", label, note, "live", "eastern"
		return ch
	}
	widget := object(t, "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")
	changes := []Change{
		change("configmap/web", "", cm("hello"), cm("bye")),
		change("configmap/same", "", cm("hello"), cm("hello")),
		change("widget.example.com/w", "its CustomResourceDefinition is created by this deploy", nil, widget),
	}
	var buf bytes.Buffer
	if err := WriteDiff(&buf, changes, false); err != nil {
		t.Fatal(err)
	}
	want := `--- live configmap/web
+++ eastern configmap/web
@@ -1,6 +1,6 @@
 apiVersion: v1
 data:
-  greeting: hello
+  greeting: bye
   other: x
 kind: ConfigMap
 metadata:
--- live widget.example.com/w (does not exist)
+++ eastern widget.example.com/w (new: its CustomResourceDefinition is created by this deploy)
@@ -0,0 +1,4 @@
+apiVersion: example.com/v1
+kind: Widget
+metadata:
+  name: w
namespace prod: 3 objects: 1 changed, 1 new, 1 unchanged
`
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if strings.Contains(buf.String(), "\x1b") {
		t.Error("colour without color")
	}
	buf.Reset()
	WriteDiff(&buf, changes, true)
	if !strings.Contains(buf.String(), "\x1b[31m-  greeting: hello\x1b[0m") || !strings.Contains(buf.String(), "\x1b[32m+  greeting: bye\x1b[0m") {
		t.Errorf("no colour with color:\n%q", buf.String())
	}

	buf.Reset()
	WriteDiff(&buf, []Change{changes[1], change("configmap/one", "", cm("a"), cm("a"))}, false)
	if want := "namespace prod: 2 objects: 0 changed, 0 new, 2 unchanged\n"; buf.String() != want {
		t.Errorf("nothing changed: %q, want %q", buf.String(), want)
	}
	buf.Reset()
	WriteDiff(&buf, nil, false)
	if buf.Len() != 0 {
		t.Errorf("no changes at all: %q", buf.String())
	}
}

// TestWriteDiffEscapes: what a live object holds reaches the terminal
// escaped, whatever the YAML encoder does with it.
func TestWriteDiffEscapes(t *testing.T) {
	cm := object(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \"x\"}\ndata: {a: \"\\e[2J\\r\\u202e\"}\n")
	ch, err := Compare(nil, cm)
	if err != nil {
		t.Fatal(err)
	}
	ch.Label, ch.From, ch.To = "configmap/x\x1b[31m", "live", "eastern"
	var buf bytes.Buffer
	WriteDiff(&buf, []Change{ch}, false)
	for _, c := range []string{"\x1b", "\r", "\u202e"} {
		if strings.Contains(buf.String(), c) {
			t.Errorf("%q reaches the terminal:\n%q", c, buf.String())
		}
	}
}
