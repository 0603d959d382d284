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

// WriteMonorepo writes below dir a synthetic monorepo of n root templates
// (apps/team-XX/app-NNNN.yaml) spread over 50 teams, each loading shared
// partials and per-namespace overrides, as a large repository would. Every
// third app has an override file of its own per namespace. The output is
// the same for the same n.
func WriteMonorepo(dir string, n int) error {
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
		files[filepath.Join("apps", team, app+".yaml")] = appTemplate(app, team, i)
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
    spec:
      serviceAccountName: APP
      # load! ../../partials/pod-security.yaml
      containers:
        - name: APP
          image: registry.example.com/TEAM/APP:${IMAGE_TAG:-latest}
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
