package validator

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/schema"
)

// formatFinding is the one-line form golden files and tables use:
// "line:col severity rule field: message".
func formatFinding(f *diag.Finding) string {
	head := fmt.Sprintf("%d:%d %s %s", f.Pos.Line, f.Pos.Col, f.Severity, f.Rule)
	if f.Field != "" {
		head += " " + f.Field
	}
	return head + ": " + f.Message
}

func formatFindings(fs diag.Findings) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(formatFinding(f))
		b.WriteByte('\n')
	}
	return b.String()
}

// TestRules pins each rule against the hand-made fixture schemas.
func TestRules(t *testing.T) {
	fx := newFixture()
	tests := []struct {
		name      string
		release   string
		strict    bool
		namespace string // Options.Namespace
		input     string
		want      []string
		checked   string // the release findings name, when not release
	}{
		{
			name:    "valid deployment",
			release: "1.29",
			input: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app.kubernetes.io/name: web}
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: web
        image: nginx
        args: ~
        resources: {limits: {cpu: 500m, memory: 1.5, nvidia.com/gpu: 1}}
`,
		},
		{
			name:    "empty and comment-only documents",
			release: "1.29",
			input:   "---\n# nothing here\n---\n\n--- # trailing comment\n...\n",
		},
		{
			name:    "syntax error does not hide the next document",
			release: "1.29",
			input: `apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data:
  x: [1
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b}
data: {y: 2}
`,
			want: []string{
				"6:0 error yaml.syntax: did not find expected ',' or ']'",
				"11:11 error schema.type data.y: expected string, got number",
			},
		},
		{
			name:    "syntax error on the first line of a document",
			release: "1.29",
			input:   "a: 1\n--- \nkind: a: b\n",
			want: []string{
				// No document is an object: not a manifest, but the syntax error stays.
				"1:1 info object.not-manifest: not a Kubernetes manifest: no document has apiVersion and kind; not checked",
				"3:0 error yaml.syntax: mapping values are not allowed in this context",
			},
		},
		{
			name:    "unknown anchor is found by its text",
			release: "1.29",
			input:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: *nope\n",
			want:    []string{"4:0 error yaml.syntax: unknown anchor 'nope' referenced"},
		},
		{
			name:    "a syntax error quotes a short excerpt of a long line",
			release: "1.29",
			input:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: *" + strings.Repeat("n", 10_000) + "\n",
			want:    []string{"4:0 error yaml.syntax: unknown anchor '" + strings.Repeat("n", 40) + "…' referenced"},
		},
		{
			name:    "a syntax error quotes nothing of a long line with ESC",
			release: "1.29",
			input:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: " + strings.Repeat("x", 5_000) + "\x1b[2J" + strings.Repeat("x", 5_000) + "}\n",
			want:    []string{"1:0 error yaml.syntax: control characters are not allowed"},
		},
		{
			name:    "a stream that is only an end marker",
			release: "1.29",
			input:   "...\n",
		},
		{
			name:    "an end marker with comments and blank lines",
			release: "1.29",
			input:   "# rendered for nothing\n\n  \n... # end\n# after\n",
		},
		{
			name:    "an end marker without a newline",
			release: "1.29",
			input:   "...",
		},
		{
			name:    "start and end markers alone",
			release: "1.29",
			input:   "---\n...\n",
		},
		{
			name:    "end markers after a document",
			release: "1.29",
			input:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n...\n...\r\n# done\n...\n",
		},
		{
			name:    "content after an end marker is still an error",
			release: "1.29",
			input:   "... x\n",
			want:    []string{"1:0 error yaml.syntax: did not find expected node content"},
		},
		{
			name:    "duplicate keys, block and flow",
			release: "1.29",
			input: `apiVersion: v1
kind: ConfigMap
metadata: {name: a, name: b}
data:
  k: "1"
  k: "2"
`,
			want: []string{
				`3:21 error yaml.duplicate-key: key "name" is already defined in this mapping`,
				`6:3 error yaml.duplicate-key: key "k" is already defined in this mapping`,
			},
		},
		{
			name:    "shape: missing everything",
			release: "1.29",
			input:   "metadata: {}\n---\n- a\n---\napiVersion: 1\nkind: ''\nmetadata: {generateName: x-}\n",
			want: []string{
				"1:1 error object.shape apiVersion: missing apiVersion",
				"1:1 error object.shape kind: missing kind",
				"1:1 error object.shape metadata.name: missing metadata.name (or metadata.generateName)",
				"3:1 error object.shape: a manifest must be a mapping of fields, got array",
				"5:13 error object.shape apiVersion: apiVersion must be a string, got number",
				"6:7 error object.shape kind: kind must not be empty",
			},
		},
		{
			name:    "schema: unknown, required and type errors, all reported",
			release: "1.29",
			input: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: "3"
  containers: []
  template:
    spec:
      hostNetwork: "true"
      containers:
      - imagee: nginx
        ports:
        - containerPort: 80.5
        env:
        - {name: A, value: 1}
        - name: B
          value: true
        - name: ~
`,
			want: []string{
				`6:13 error schema.type spec.replicas: expected integer, got string`,
				`7:3 error schema.unknown-field spec.containers: unknown field "containers"`,
				`10:20 error schema.type spec.template.spec.hostNetwork: expected boolean, got string`,
				`12:9 error schema.unknown-field spec.template.spec.containers[0].imagee: unknown field "imagee"`,
				`12:9 error schema.required spec.template.spec.containers[0].name: missing required field "name"`,
				`12:9 error validation.image spec.template.spec.containers[0].image: a container needs an image`,
				`14:26 error schema.type spec.template.spec.containers[0].ports[0].containerPort: expected integer, got number`,
				`16:28 error schema.type spec.template.spec.containers[0].env[0].value: expected string, got number`,
				`18:18 error schema.type spec.template.spec.containers[0].env[1].value: expected string, got boolean`,
				`19:11 error schema.required spec.template.spec.containers[0].env[2].name: missing required field "name"`,
			},
		},
		{
			name:    "required field set to null and required object missing",
			release: "1.29",
			input:   "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 1\n",
			want:    []string{`4:1 error schema.required spec.template: missing required field "template"`},
		},
		{
			name:    "int-or-string, quantities and numbers",
			release: "1.29",
			input: `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports:
  - {port: 80, targetPort: http, weight: 0.5}
  - {port: 81, targetPort: 8080, weight: 2}
  - {port: 82, targetPort: 1.5, weight: "2"}
`,
			want: []string{
				// The API server's rule for Services with several ports.
				`6:5 error validation.name spec.ports[0].name: a port needs a name when the Service has more than one`,
				`7:5 error validation.name spec.ports[1].name: a port needs a name when the Service has more than one`,
				`8:5 error validation.name spec.ports[2].name: a port needs a name when the Service has more than one`,
				`8:28 error schema.type spec.ports[2].targetPort: expected int-or-string, got number`,
				`8:41 error schema.type spec.ports[2].weight: expected number, got string`,
			},
		},
		{
			name:    "quantity strings follow the quantity grammar",
			release: "1.29",
			input: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: web
        image: web
        resources:
          limits: {cpu: 1GB, memory: "1 Gi", hugepages-x: abc, hugepages-y: 1e, hugepages-z: .}
          requests: {cpu: 250m, memory: 64Mi, hugepages-a: "1.5", hugepages-b: 2e3, hugepages-c: "1E-3", hugepages-d: +.5k, hugepages-e: 1., hugepages-f: 3, hugepages-g: 0.5, hugepages-h: " 2Gi "}
`,
			want: []string{
				`11:25 error schema.quantity spec.template.spec.containers[0].resources.limits.cpu: invalid quantity "1GB": use a number with an optional suffix such as 500m, 1.5, 2Gi or 1e3`,
				`11:38 error schema.quantity spec.template.spec.containers[0].resources.limits.memory: invalid quantity "1 Gi": use a number with an optional suffix such as 500m, 1.5, 2Gi or 1e3`,
				`11:59 error schema.quantity spec.template.spec.containers[0].resources.limits.hugepages-x: invalid quantity "abc": use a number with an optional suffix such as 500m, 1.5, 2Gi or 1e3`,
				`11:77 error schema.quantity spec.template.spec.containers[0].resources.limits.hugepages-y: invalid quantity "1e": use a number with an optional suffix such as 500m, 1.5, 2Gi or 1e3`,
				`11:94 error schema.quantity spec.template.spec.containers[0].resources.limits.hugepages-z: invalid quantity ".": use a number with an optional suffix such as 500m, 1.5, 2Gi or 1e3`,
			},
		},
		{
			name:    "merge keys and aliases",
			release: "1.29",
			input: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - &base {name: a, image: x}
      - <<: *base
        name: b
        imagee: y
`,
			want: []string{`11:9 error schema.unknown-field spec.template.spec.containers[1].imagee: unknown field "imagee"`},
		},
		{
			name:    "field added in a later release",
			release: "1.21",
			input:   "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  minReadySeconds: 5\n  template: {}\n",
			want:    []string{"5:3 error schema.field-release spec.minReadySeconds: field minReadySeconds was added in Kubernetes 1.22"},
		},
		{
			name:    "field present in its release",
			release: "1.22",
			input:   "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  minReadySeconds: 5\n  template: {}\n",
		},
		{
			name:    "api deprecated",
			release: "1.18",
			input:   "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec: {rules: [{host: a}]}\n",
			want:    []string{"1:13 warning api.deprecated apiVersion: extensions/v1beta1 Ingress is deprecated since Kubernetes 1.14; use networking.k8s.io/v1 Ingress (from Kubernetes 1.19)"},
		},
		{
			name:    "api deprecated, replacement served",
			release: "1.19",
			input:   "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec: {rules: [{host: a}]}\n",
			want:    []string{"1:13 warning api.deprecated apiVersion: extensions/v1beta1 Ingress is deprecated since Kubernetes 1.14; use networking.k8s.io/v1 Ingress"},
		},
		{
			name:    "api deprecated, replacement not yet served",
			release: "1.16",
			input:   "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec: {rules: [{host: a}]}\n",
			want:    []string{"1:13 warning api.deprecated apiVersion: extensions/v1beta1 Ingress is deprecated since Kubernetes 1.14; use networking.k8s.io/v1 Ingress (from Kubernetes 1.19)"},
		},
		{
			name:    "api removed",
			release: "1.22",
			input:   "apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nspec: {rules: [{host: a}]}\n",
			want:    []string{"1:13 error api.removed apiVersion: extensions/v1beta1 Ingress was removed in Kubernetes 1.22; use networking.k8s.io/v1 Ingress"},
		},
		{
			name:    "api not yet, from presence",
			release: "1.18",
			input:   "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\n",
			want:    []string{"1:13 error api.not-yet apiVersion: networking.k8s.io/v1 Ingress was introduced in Kubernetes 1.19"},
		},
		{
			name:    "api served",
			release: "1.19",
			input:   "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\n",
		},
		{
			name:    "deprecated then removed HPA",
			release: "1.26",
			input:   "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n",
			want:    []string{"1:13 error api.removed apiVersion: autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26; use autoscaling/v2 HorizontalPodAutoscaler"},
		},
		{
			name:    "alpha and new beta are feature-gated",
			release: "1.31",
			input:   "apiVersion: storage.k8s.io/v1alpha1\nkind: VolumeAttributesClass\nmetadata: {name: a}\n---\napiVersion: networking.k8s.io/v1beta1\nkind: IPAddress\nmetadata: {name: 10.0.0.1}\n",
			want: []string{
				"1:13 warning api.feature-gated apiVersion: storage.k8s.io/v1alpha1 VolumeAttributesClass is an alpha API: Kubernetes 1.31 serves it only when its feature gate is enabled",
				"5:13 warning api.feature-gated apiVersion: networking.k8s.io/v1beta1 IPAddress is a beta API introduced in Kubernetes 1.31, off by default: Kubernetes 1.31 serves it only when enabled",
			},
		},
		{
			name:    "a new beta succeeding an enabled beta stays enabled",
			release: "1.26",
			input:   "apiVersion: flowcontrol.apiserver.k8s.io/v1beta3\nkind: FlowSchema\nmetadata: {name: a}\n",
		},
		{
			name:    "custom resource is info, or error when strict",
			release: "1.29",
			input:   "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {anything: [1]}\n",
			want:    []string{"2:7 info schema.unknown-kind kind: no schema for example.com/v1 Widget: skipped"},
		},
		{
			name:    "custom resource strict",
			release: "1.29",
			strict:  true,
			input:   "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n",
			want:    []string{"2:7 error schema.unknown-kind kind: no schema for example.com/v1 Widget, and strict kinds allow only kinds with a schema"},
		},
		{
			name:    "metadata names per kind",
			release: "1.29",
			input: `apiVersion: v1
kind: Service
metadata: {name: 1web}
---
apiVersion: v1
kind: Namespace
metadata: {name: a.b}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a.b, namespace: Prod}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: "system:x", namespace: prod}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: "a/b"}
---
apiVersion: v1
kind: ConfigMap
metadata: {generateName: job-}
`,
			want: []string{
				`3:18 error metadata.name metadata.name: invalid name "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name', or 'abc-123')`,
				`7:18 error metadata.name metadata.name: invalid name "a.b": must not contain dots`,
				`11:34 error metadata.namespace metadata.namespace: invalid namespace "Prod": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')`,
				`19:18 error metadata.name metadata.name: invalid name "a/b": may not contain '/'`,
			},
		},
		{
			name:    "labels and annotations, template labels too",
			release: "1.29",
			input: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: "web server"
    -bad: ok
  annotations:
    Example.com/Ok: yes
    a/b/c: x
spec:
  template:
    metadata:
      labels: {tier: "front end"}
    spec:
      containers: [{name: a, image: a}]
`,
			want: []string{
				`6:29 error metadata.label metadata.labels["app.kubernetes.io/name"]: invalid label value "web server": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')`,
				`7:5 error metadata.label metadata.labels["-bad"]: invalid label key "-bad": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc')`,
				`9:21 error schema.type metadata.annotations["Example.com/Ok"]: expected string, got boolean`,
				`10:5 error metadata.annotation metadata.annotations["a/b/c"]: invalid annotation key "a/b/c": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc')`,
				`14:22 error metadata.label spec.template.metadata.labels.tier: invalid label value "front end": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')`,
			},
		},
		{
			name:    "annotation size",
			release: "1.29",
			input:   "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    big: " + strings.Repeat("x", totalAnnotationSizeLimit) + "\n",
			want:    []string{"6:5 error metadata.annotation metadata.annotations: annotations total 262147 bytes, more than the 262144 Kubernetes allows"},
		},
		{
			name:    "duplicate objects; namespace absent equals empty",
			release: "1.29",
			input: `apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: ""}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: other}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: a}
spec: {template: {spec: {containers: [{name: a, image: a}]}}}
`,
			want: []string{`7:18 error object.duplicate metadata.name: ConfigMap/a is defined twice in this output`},
		},
		{
			name:      "duplicate objects; namespace absent equals the one rendered for",
			release:   "1.29",
			namespace: "default",
			input: `apiVersion: v1
kind: ConfigMap
metadata: {name: a}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: default}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, namespace: default}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, namespace: ""}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: other}
`,
			want: []string{
				`7:18 error object.duplicate metadata.name: ConfigMap/a is defined twice in this output`,
				`15:18 error object.duplicate metadata.name: ConfigMap/b is defined twice in this output`,
			},
		},
		{
			name:      "duplicate objects; namespaces written differ",
			release:   "1.29",
			namespace: "default",
			input:     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: prod}\n",
		},
		{
			name:    "List items are objects of their own",
			release: "1.29",
			input: `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: a}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b}
  data: {x: 1}
- apiVersion: apps/v1
  kind: Deployment
  metadata: {}
`,
			want: []string{
				`10:13 error schema.type items[1].data.x: expected string, got number`,
				`11:3 error object.shape items[2].metadata.name: missing metadata.name (or metadata.generateName)`,
			},
		},
		{
			name:    "typed list items inherit apiVersion and kind",
			release: "1.29",
			input:   "apiVersion: v1\nkind: ConfigMapList\nitems:\n- metadata: {name: a}\n  data: {x: 1}\n",
			want:    []string{"5:13 error schema.type items[0].data.x: expected string, got number"},
		},
		{
			name:    "a release as users write it",
			release: "v1.29.3",
			input:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: 1}\n",
			want:    []string{"4:11 error schema.type data.x: expected string, got number"},
			checked: "1.29",
		},
		{
			name:    "unknown release",
			release: "1.99",
			input:   "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
			want:    []string{`0:0 error schema.release: unknown Kubernetes release "1.99" (eastern knows 1.16 to 1.37)`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, _ := validate([]byte(tt.input), Options{Release: tt.release, StrictKinds: tt.strict, Namespace: tt.namespace}, fx)
			got := formatFindings(fs)
			want := ""
			if len(tt.want) > 0 {
				want = strings.Join(tt.want, "\n") + "\n"
			}
			if got != want {
				t.Errorf("findings:\n%s\nwant:\n%s", got, want)
			}
			for _, f := range fs {
				if want := cmp.Or(tt.checked, tt.release); f.Release != want {
					t.Errorf("%s: Release = %q, want %q", formatFinding(f), f.Release, want)
				}
			}
		})
	}
}

// TestYAMLDuplicateKeysReachTheWalker pins the yaml.v3 behaviour
// checkDuplicateKeys relies on: decoding into a map rejects a repeated key
// (so a map-based parse would turn it into a syntax error without a
// column), while decoding into a Node keeps both keys with their positions.
func TestYAMLDuplicateKeysReachTheWalker(t *testing.T) {
	src := []byte("a: 1\nb: 2\na: 3\n")
	var m map[string]any
	if err := yaml.Unmarshal(src, &m); err == nil {
		t.Errorf("yaml.v3 accepted a duplicate key when decoding into a map: %v", m)
	}
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		t.Fatalf("yaml.v3 rejected a duplicate key when decoding into a Node: %v", err)
	}
	fs, _ := validate(append([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n  "), bytes.ReplaceAll(src, []byte("\n"), []byte("\n  "))...), Options{Release: "1.29"}, newFixture())
	got := formatFindings(fs)
	if !strings.Contains(got, `7:3 error yaml.duplicate-key: key "a" is already defined in this mapping`) {
		t.Errorf("no duplicate-key finding at the second key:\n%s", got)
	}
}

// TestFindingObjects: every finding names its object as far as the
// document tells: kind and name, the name alone, the kind alone, or
// nothing.
func TestFindingObjects(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string // "rule object" per finding, in order
	}{
		{
			name:  "duplicate key names the object",
			input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata: {a: '1', a: '2'}\n",
			want:  []string{"yaml.duplicate-key ConfigMap/x"},
		},
		{
			name:  "duplicate key before kind and name",
			input: "data: {a: '1', a: '2'}\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
			want:  []string{"yaml.duplicate-key ConfigMap/x"},
		},
		{
			name:  "missing kind names the name",
			input: "apiVersion: v1\nmetadata: {name: x}\n",
			want:  []string{"object.shape x"},
		},
		{
			name:  "missing name names the kind",
			input: "apiVersion: v1\nkind: ConfigMap\nmetadata: {labels: {a: b}}\n",
			want:  []string{"object.shape ConfigMap"},
		},
		{
			name:  "generateName stands in for the name",
			input: "apiVersion: v1\nmetadata: {generateName: x-}\n",
			want:  []string{"object.shape x-"},
		},
		{
			name:  "nothing known: labelled as reports label it",
			input: "apiVersion: v1\ndata: {a: '1', a: '2'}\n",
			want:  []string{"object.shape (unnamed object)", "object.shape (unnamed object)", "yaml.duplicate-key (unnamed object)"},
		},
		{
			name:  "not a mapping, next to an object",
			input: "- {a: 1, a: 2}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
			want:  []string{"object.shape ", "yaml.duplicate-key "},
		},
		{
			name: "List items name themselves; the list names nothing",
			input: `apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {k: '1', k: '2'}}
- {apiVersion: v1, metadata: {name: b}}
- {apiVersion: v1, kind: ConfigMap}
items: []
`,
			want: []string{
				"yaml.duplicate-key ConfigMap/a",
				"object.shape b",
				"object.shape ConfigMap",
				"yaml.duplicate-key ",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, _ := validate([]byte(tt.input), Options{Release: "1.29"}, newFixture())
			var got []string
			for _, f := range fs {
				got = append(got, f.Rule+" "+f.Object)
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("rule and object of each finding:\n%s\nwant:\n%s\nfindings:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"), formatFindings(fs))
			}
		})
	}
}

// TestStrictKindsMessage: under StrictKinds an unknown kind is an error,
// not something skipped, and its message must not say it was skipped.
func TestStrictKindsMessage(t *testing.T) {
	input := []byte("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\n")
	tests := []struct {
		strict  bool
		sev     diag.Severity
		skipped bool
	}{
		{strict: false, sev: diag.Info, skipped: true},
		{strict: true, sev: diag.Error, skipped: false},
	}
	for _, tt := range tests {
		fs, _ := validate(input, Options{Release: "1.29", StrictKinds: tt.strict}, newFixture())
		if len(fs) != 1 || fs[0].Rule != "schema.unknown-kind" {
			t.Fatalf("strict=%v: want one schema.unknown-kind finding, got:\n%s", tt.strict, formatFindings(fs))
		}
		f := fs[0]
		if f.Severity != tt.sev || strings.HasSuffix(f.Message, ": skipped") != tt.skipped || f.Object != "Widget/w" {
			t.Errorf("strict=%v: got %s (object %q)", tt.strict, formatFinding(f), f.Object)
		}
	}
}

// TestBuiltinKindsNeverSkipped: built-in groups are closed. For every kind
// of the embedded data at every release the verdict checks the object's
// fields, or is an error or a warning; never "no schema: skipped", which
// is for custom resources alone.
func TestBuiltinKindsNeverSkipped(t *testing.T) {
	cat := embedded{}
	for _, r := range schema.Releases() {
		rel, err := schema.Load(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range schema.AllKinds() {
			v := judgeAPI(cat, rel, k)
			if v.unknown {
				t.Errorf("%s %s: judged a custom resource", r, k)
			}
			for _, n := range v.notes {
				if n.rule == RuleUnknownKind || n.sev == diag.Info {
					t.Errorf("%s %s: %s %s: %s", r, k, n.sev, n.rule, n.msg)
				}
			}
			if v.node == nil && !slices.ContainsFunc(v.notes, func(n apiNote) bool { return n.sev == diag.Error }) {
				t.Errorf("%s %s: neither checked nor an error", r, k)
			}
		}
	}
}

// TestVersionPriority: suggestions name versions in the order the API
// server's discovery prefers them.
func TestVersionPriority(t *testing.T) {
	got := []string{"v1alpha1", "v1beta1", "v2beta2", "v1", "v2", "v1beta2", "v2alpha1", "foo"}
	slices.SortFunc(got, compareVersionPriority)
	want := []string{"v2", "v1", "v2beta2", "v1beta2", "v1beta1", "v2alpha1", "v1alpha1", "foo"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
