package corpus

import (
	"fmt"
	"path/filepath"
	"strings"
)

// MonorepoObjectsPerTemplate is how many Kubernetes objects each root
// template of WriteMonorepo renders to.
const MonorepoObjectsPerTemplate = 3

// MonorepoNamespaces returns the namespaces WriteMonorepo's overrides
// imply, besides default. A function, not a variable, so no caller can
// change what later monorepos are written with.
func MonorepoNamespaces() []string { return []string{"production", "staging"} }

// MonorepoSpec says what WriteMonorepoSpec writes.
type MonorepoSpec struct {
	Templates int // root templates
	// SharedBy, when not zero, gives every run of SharedBy consecutive apps
	// a partial of their own, partials/groups/group-NNNN.yaml, that each
	// loads into its pod template's annotations: what a change to one
	// partial used by a few roots among many (lint --changed) is measured on.
	SharedBy int
}

// MonorepoGroupPartial is the partial that app i loads when apps are
// grouped by sharedBy, relative to the monorepo's directory.
func MonorepoGroupPartial(i, sharedBy int) string {
	return filepath.Join("partials", "groups", fmt.Sprintf("group-%04d.yaml", i/sharedBy))
}

// WriteMonorepo writes below dir a synthetic monorepo of n root templates
// (apps/team-XX/app-NNNN.yaml) spread over 50 teams, each loading shared
// partials and per-namespace overrides, as a large repository would. Every
// third app has an override file of its own per namespace. The output is
// the same for the same n.
func WriteMonorepo(dir string, n int) error {
	return WriteMonorepoSpec(dir, MonorepoSpec{Templates: n})
}

// WriteMonorepoSpec is WriteMonorepo with the options of spec; with only
// Templates set, it writes what WriteMonorepo does.
func WriteMonorepoSpec(dir string, spec MonorepoSpec) error {
	if spec.SharedBy < 0 {
		return fmt.Errorf("corpus: SharedBy %d is negative", spec.SharedBy)
	}
	n := spec.Templates
	namespaces := MonorepoNamespaces()
	files := map[string]string{
		"partials/labels.yaml":             labels,
		"partials/container-security.yaml": containerSecurity,
		"partials/pod-security.yaml":       podSecurity,
		"partials/probes.yaml":             probes,
		"partials/resources.yaml":          "# load! ../overrides/resources-${NAMESPACE}.yaml, ../overrides/resources.yaml\n",
		"overrides/resources.yaml":         resources("100m", "128Mi"),
		"overrides/replicas.yaml":          "replicas: 1\n",
		"overrides/env.yaml":               "- name: LOG_LEVEL\n  value: debug\n",
	}
	for i, ns := range namespaces {
		files["overrides/resources-"+ns+".yaml"] = resources(fmt.Sprintf("%dm", 250*(i+1)), fmt.Sprintf("%dMi", 256*(i+1)))
		files["overrides/replicas-"+ns+".yaml"] = fmt.Sprintf("replicas: %d\n", 3-i)
		files["overrides/env-"+ns+".yaml"] = "- name: LOG_LEVEL\n  value: info\n- name: ENVIRONMENT\n  value: " + ns + "\n"
	}
	for i := range n {
		app := fmt.Sprintf("app-%04d", i)
		team := fmt.Sprintf("team-%02d", i%50)
		load := ""
		if spec.SharedBy > 0 {
			group := MonorepoGroupPartial(i, spec.SharedBy)
			load = groupLoad(group)
			files[group] = fmt.Sprintf("eastern.example.com/group: %q\n", strings.TrimSuffix(filepath.Base(group), ".yaml"))
		}
		files[filepath.Join("apps", team, app+".yaml")] = strings.Replace(appTemplate(app, team, i), groupMark, load, 1)
		if i%3 == 0 {
			for _, ns := range namespaces {
				files[filepath.Join("overrides", ns, app+".yaml")] = fmt.Sprintf("- name: FEATURE_%04d\n  value: \"on\"\n", i)
			}
		}
	}
	for name, content := range files {
		if err := writeFile(filepath.Join(dir, name), []byte(content)); err != nil {
			return err
		}
	}
	return nil
}

// groupMark is where in rootTemplate an app loads its group's partial,
// when it has one (in the pod template's annotations); the line goes
// when it has none.
const groupMark = "GROUP\n"

// groupLoad is the directive that loads group (a path from the
// monorepo's directory) from an app's template, two levels down.
func groupLoad(group string) string {
	return "        # load! ../../" + filepath.ToSlash(group) + "\n"
}

// appTemplate is one app's root template: rootTemplate with its names filled in.
func appTemplate(app, team string, i int) string {
	r := strings.NewReplacer("APP", app, "TEAM", team, "PORT", fmt.Sprint(8000+i%1000))
	return r.Replace(rootTemplate)
}

const rootTemplate = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: APP
  namespace: ${NAMESPACE}
  labels:
    app: APP
    team: TEAM
    # load! ../../partials/labels.yaml
spec:
  # load! ../../overrides/replicas-${NAMESPACE}.yaml, ../../overrides/replicas.yaml
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app: APP
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app: APP
        team: TEAM
        # load! ../../partials/labels.yaml
      annotations:
        prometheus.io/scrape: "true"
        prometheus.io/port: "PORT"
GROUP
    spec:
      # load! ../../partials/pod-security.yaml
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              app: APP
      containers:
        - name: APP
          image: registry.example.com/TEAM/APP:${IMAGE_TAG:-1.0.0}
          ports:
            - name: http
              containerPort: PORT
          env:
            - name: APP_NAME
              value: APP
            # load! ../../overrides/env-${NAMESPACE}.yaml, ../../overrides/env.yaml
            # load? ../../overrides/${NAMESPACE}/APP.yaml
          resources:
            # load! ../../partials/resources.yaml
          # load! ../../partials/probes.yaml
          # load! ../../partials/container-security.yaml
          volumeMounts:
            - name: config
              mountPath: /etc/APP
      volumes:
        - name: config
          configMap:
            name: APP-config
---
apiVersion: v1
kind: Service
metadata:
  name: APP
  namespace: ${NAMESPACE}
  labels:
    app: APP
    # load! ../../partials/labels.yaml
spec:
  type: ClusterIP
  selector:
    app: APP
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: APP-config
  namespace: ${NAMESPACE}
data:
  app.properties: |
    name=APP
    team=TEAM
    namespace=${NAMESPACE}
  port: "PORT"
`

const labels = `app.kubernetes.io/part-of: monorepo
app.kubernetes.io/managed-by: eastern
`

const podSecurity = `securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  fsGroup: 10001
  seccompProfile:
    type: RuntimeDefault
`

const containerSecurity = `securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: ["ALL"]
`

const probes = `readinessProbe:
  httpGet:
    path: /healthz
    port: http
  periodSeconds: 10
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  initialDelaySeconds: 15
  failureThreshold: 3
`

func resources(cpu, mem string) string {
	return fmt.Sprintf("requests:\n  cpu: %s\n  memory: %s\nlimits:\n  memory: %s\n", cpu, mem, mem)
}
