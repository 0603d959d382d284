package lint

import (
	"github.com/eastern-k8s/eastern/apivalidation"
	"github.com/eastern-k8s/eastern/checks"
	"github.com/eastern-k8s/eastern/crd"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/validator"
)

// RuleDocsURL is docs/rules.md as published, where every rule is
// documented under the heading of its section.
const RuleDocsURL = "https://github.com/eastern-k8s/eastern/blob/main/docs/rules.md"

// RuleDoc is one row of the tables in docs/rules.md, for output formats
// that describe the rules they report (SARIF).
type RuleDoc struct {
	ID string
	// Description is the row's "what" column as plain text: the Markdown
	// of the table without backticks, links reduced to their text.
	Description string
	// Section is the anchor of the heading the row is under, "templates".
	Section string
}

// HelpURI is where d is documented: its section of docs/rules.md.
func (d RuleDoc) HelpURI() string { return RuleDocsURL + "#" + d.Section }

// The sections of docs/rules.md, as GitHub makes anchors of their headings.
const (
	sectionTemplates     = "templates"
	sectionManifests     = "rendered-manifests"
	sectionAPIValidation = "api-server-validation"
	sectionCRDs          = "custom-resources"
	sectionChecks        = "checks"
	sectionDeploys       = "deploys"
	sectionRuns          = "runs"
)

// RuleDocs returns every rule of eastern in the order of docs/rules.md.
// A test holds it to the document row by row, so that the descriptions
// have one source, the document, and cannot drift from it. The deploy and
// watch ids are spelled out rather than taken from their packages, which
// lint must not depend on; the test of docs/rules.md against each
// package's Rules keeps them right.
func RuleDocs() []RuleDoc {
	return []RuleDoc{
		{engine.RuleLoadMissing, "no candidate of a load! exists", sectionTemplates},
		{engine.RuleNoCandidates, "a load! or load? names no file", sectionTemplates},
		{engine.RuleEscape, "a candidate leads outside the root directory (see security.md)", sectionTemplates},
		{engine.RuleNotAFile, "a candidate is a directory, named pipe, device or other special file", sectionTemplates},
		{engine.RuleRead, "a template or partial cannot be read, or is not UTF-8 text (a NUL byte, a carriage return without a line feed)", sectionTemplates},
		{engine.RuleCycle, "a file loads itself, directly or through others", sectionTemplates},
		{engine.RuleDepth, "loads nest deeper than 64 levels", sectionTemplates},
		{engine.RuleLimit, "a render loads more than --max-loads files or writes more than --max-output bytes", sectionTemplates},
		{engine.RuleRoot, "the root or base directory does not exist or is not a directory", sectionTemplates},
		{engine.RuleUnsetVariable, "a variable has no value; one finding per file and variable, with the count of places", sectionTemplates},
		{engine.RuleBlockVariable, "a ${NAME} or ${NAME:-x} inside a YAML block scalar (a shell script, a dashboard) whose NAME no render of the template sets: it is text for another program, to write as $${NAME}", sectionTemplates},

		{validator.RuleSyntax, "a document is not valid YAML; the other documents are still checked", sectionManifests},
		{validator.RuleDuplicateKey, "a mapping repeats a key", sectionManifests},
		{validator.RuleAliasBudget, "aliases and merge keys expand a document past 100,000 nodes; the rest of it is not checked", sectionManifests},
		{validator.RuleDepth, "a document nests deeper than 100 levels; nothing deeper is checked", sectionManifests},
		{validator.RuleTruncated, "a document has more than 100 findings: the first 100 are shown and this one counts the rest", sectionManifests},
		{validator.RuleShape, "apiVersion, kind or metadata.name is missing or not a string, or a document is not a mapping", sectionManifests},
		{validator.RuleNotManifest, "YAML that is not a Kubernetes object, not checked: a render with no document that has apiVersion and kind (docker-compose, a CI workflow), or tool configuration (a Kustomization, a KubeletConfiguration, kind's Cluster, a kubeconfig); one per render", sectionManifests},
		{validator.RuleDuplicateObject, "the same group, kind, namespace and name twice in one render", sectionManifests},
		{validator.RuleUnknownField, "the kind has no such field in any release", sectionManifests},
		{validator.RuleFieldRelease, "the field exists only in later (or only in earlier) releases", sectionManifests},
		{validator.RuleRequired, "a required field is absent or null", sectionManifests},
		{validator.RuleType, "a value has the wrong type", sectionManifests},
		{validator.RuleQuantity, "a string that must be a resource quantity does not parse as one", sectionManifests},
		{validator.RuleEnum, "a value outside the closed set the release accepts for the field (protocol: udp, imagePullPolicy: Alwayss); the message lists the allowed values", sectionManifests},
		{validator.RuleDuplicateItem, "two items of a list the API treats as a map have the same keys (containers by name, ports by containerPort and protocol, volume mounts by mountPath); at the second, naming the first", sectionManifests},
		{validator.RuleUnknownKind, "no release has a schema for the kind, and its group is not one Kubernetes serves itself (a custom resource): its fields are not checked", sectionManifests},
		{validator.RuleRelease, "the release is not one eastern supports", sectionManifests},
		{validator.RuleUnavailable, "the release's schema data could not be loaded", sectionManifests},
		{validator.RuleDeprecated, "the apiVersion is deprecated at the release; the message names the replacement", sectionManifests},
		{validator.RuleRemoved, "the release no longer serves the apiVersion", sectionManifests},
		{validator.RuleNotYet, "the apiVersion arrived in a later release", sectionManifests},
		{validator.RuleFeatureGated, "an alpha (or new beta) version, served only when enabled on the API server", sectionManifests},
		{validator.RuleUnknownVersion, "a group Kubernetes serves itself has no such version at the release (apps/v2); the message names the apiVersion that serves the kind", sectionManifests},
		{validator.RuleUnknownBuiltinKind, "a built-in apiVersion does not serve the kind: the message names the apiVersion that does (Deployment is served by apps/v1) or the kind's spelling (did you mean ConfigMap?)", sectionManifests},
		{validator.RuleName, "the name is not valid for the kind", sectionManifests},
		{validator.RuleNamespace, "metadata.namespace is not a DNS-1123 label", sectionManifests},
		{validator.RuleLabel, "a label key or value is not valid", sectionManifests},
		{validator.RuleAnnotation, "an annotation key is not valid, or the annotations exceed 256 KiB", sectionManifests},

		{apivalidation.RuleSelector, "a Deployment, ReplicaSet, StatefulSet, DaemonSet or ReplicationController selector (a Job's with manualSelector: true) is empty or does not match the pod template's labels, a selector operator or its values are wrong, or a Job sets a selector without manualSelector", sectionAPIValidation},
		{apivalidation.RuleImage, "a container of a pod or pod template has no image", sectionAPIValidation},
		{apivalidation.RuleName, "a container or volume name is not a DNS-1123 label, a container port name not an IANA service name (at most 15 characters), a Service port name not a DNS-1123 label or missing when the Service has several ports", sectionAPIValidation},
		{apivalidation.RuleDuplicateName, "an init or ephemeral container has the name of another container of the pod, or two Service ports have the same name", sectionAPIValidation},
		{apivalidation.RuleVolumeMount, "a volumeMounts or volumeDevices entry names no volume of the pod", sectionAPIValidation},
		{apivalidation.RulePort, "a port number is outside 1–65535 (hostPort and nodePort may be 0), or a named target or probe port is not an IANA service name", sectionAPIValidation},
		{apivalidation.RuleResourceName, "a container resource is neither standard (cpu, memory, ephemeral-storage, hugepages-SIZE) nor domain-qualified: cpuu", sectionAPIValidation},
		{apivalidation.RuleResources, "a request or limit is negative, a request exceeds its limit, or an extended resource has a fraction or a request without an equal limit", sectionAPIValidation},
		{apivalidation.RuleBase64, "a value of a Secret's data or a ConfigMap's binaryData is not base64", sectionAPIValidation},
		{apivalidation.RuleDataKey, "a ConfigMap or Secret key is not made of letters, digits, -, _ and ., or a ConfigMap key is in both data and binaryData", sectionAPIValidation},
		{apivalidation.RuleEnv, "an environment variable name is invalid (a C identifier with - and . before 1.32; any printable ASCII but = from 1.32), or value and valueFrom are both set, or valueFrom has no source or several", sectionAPIValidation},
		{apivalidation.RuleProbe, "a probe or lifecycle hook has no handler or more than one, or a liveness or startup probe's successThreshold is not 1", sectionAPIValidation},
		{apivalidation.RuleRestartPolicy, "a Deployment, ReplicaSet, StatefulSet, DaemonSet or ReplicationController pod template's restartPolicy is not Always, or a Job's (CronJob's) is not OnFailure or Never — absent means Always", sectionAPIValidation},
		{apivalidation.RuleCronSchedule, "a CronJob schedule is not five fields or a descriptor (@hourly, @every 1h), has a value out of range, or starts with TZ= or CRON_TZ= where the release rejects it: up to 1.21 and from 1.27, and with timeZone set from 1.24", sectionAPIValidation},
		{apivalidation.RuleService, "a Service has no ports though it is neither headless nor ExternalName, a clusterIP that is no IP, clusterIP: None with a type other than ClusterIP, an ExternalName without externalName or with a clusterIP, or a nodePort on a ClusterIP Service", sectionAPIValidation},
		{apivalidation.RuleIngress, "an Ingress has neither rules nor a default backend, a path is not absolute (or, for Exact and Prefix, holds //, /./ or /../), or a networking.k8s.io/v1 backend has not exactly one of a service (with a port name or number) and a resource", sectionAPIValidation},
		{apivalidation.RuleHPA, "a HorizontalPodAutoscaler's minReplicas is below 1 or maxReplicas below 1 or below minReplicas", sectionAPIValidation},
		{apivalidation.RulePDB, "a PodDisruptionBudget sets both minAvailable and maxUnavailable, or one is negative, not an integer or percentage, or above 100%", sectionAPIValidation},
		{crd.RuleUnknownField, "the CRD's schema has no such field: the API server would drop it", sectionCRDs},
		{crd.RuleType, "a value has the wrong type for the CRD's schema", sectionCRDs},
		{crd.RuleRequired, "a field the CRD's schema requires is absent or null", sectionCRDs},
		{crd.RuleValue, "a value breaks an enum, format, bound, length, pattern, item or property count of the CRD's schema", sectionCRDs},
		{crd.RuleList, "an item repeats another of an x-kubernetes-list-type set, or its keys of a map", sectionCRDs},
		{crd.RuleEmbedded, "an embedded resource (x-kubernetes-embedded-resource) lacks apiVersion, kind or metadata", sectionCRDs},
		{crd.RuleCEL, "an x-kubernetes-validations rule fails, with its message, or cannot be evaluated", sectionCRDs},
		{crd.RuleVersion, "the CRD does not define or does not serve the object's version", sectionCRDs},
		{crd.RuleDeprecated, "the CRD marks the object's version deprecated; the message is its deprecationWarning", sectionCRDs},
		{crd.RuleScope, "a cluster-scoped kind sets metadata.namespace, which the API server ignores", sectionCRDs},
		{crd.RuleDefinition, "the CRD itself is invalid: a schema that is not structural, not one storage version, inconsistent names, a rule that does not compile", sectionCRDs},
		{crd.RuleConflict, "two CRDs for one group and kind disagree; the message names both", sectionCRDs},
		{crd.RuleRead, "a --crds or crds: file is not valid YAML", sectionCRDs},
		{checks.RuleRequests, "a container has no CPU or no memory request", sectionChecks},
		{checks.RuleMemoryLimit, "a container has no memory limit", sectionChecks},
		{checks.RuleSpread, "a workload runs more than one replica with nothing spreading them over nodes", sectionChecks},
		{checks.RuleReplicasHPA, "a workload sets replicas while an autoscaler of the render scales it", sectionChecks},
		{checks.RuleReadiness, "a container of a Deployment or StatefulSet exposes a port and has no readiness probe", sectionChecks},
		{checks.RuleProbeIdentical, "a container's liveness probe is its readiness probe", sectionChecks},
		{checks.RuleNoTag, "an image has neither a tag nor a digest", sectionChecks},
		{checks.RuleLatestTag, "an image has the tag latest", sectionChecks},
		{checks.RuleFloatingTag, "an image with a tag that moves is pulled IfNotPresent", sectionChecks},
		{checks.RulePrivileged, "a container is privileged", sectionChecks},
		{checks.RuleHostNamespace, "a pod shares the node's network, process or IPC namespace", sectionChecks},
		{checks.RuleRunAsRoot, "a container may run as root", sectionChecks},
		{checks.RuleServiceSelector, "a Service's selector matches no pod template of the render", sectionChecks},
		{checks.RuleBackend, "an Ingress or HTTPRoute backend names a Service or port the render does not define", sectionChecks},
		{checks.RuleHPATarget, "an autoscaler's target is not in the render", sectionChecks},
		{checks.RulePDBSelector, "a PodDisruptionBudget's selector matches no pod template of the render", sectionChecks},
		{checks.RuleConfigMap, "a pod needs a ConfigMap the render does not define", sectionChecks},
		{checks.RuleSecret, "a pod needs a Secret the render does not define", sectionChecks},
		{checks.RuleServiceAccount, "a pod names a ServiceAccount the render does not define", sectionChecks},
		{checks.RulePriorityClass, "a pod names a PriorityClass the render does not define", sectionChecks},
		{checks.RuleIgnore, "an eastern:ignore comment has no reason, names no check, or silences nothing", sectionChecks},

		{"deploy.manifest", "the render cannot be sent as objects: a document that is not a Kubernetes object, an object without metadata.name, an ApplySet label the template sets itself", sectionDeploys},
		{"deploy.namespace", "an object names another namespace than the one deployed to", sectionDeploys},
		{"deploy.server", "the cluster does not serve the kind, or the API server rejected the object (at the field it names)", sectionDeploys},
		{"deploy.release", "the cluster runs a Kubernetes release eastern has no schemas for; the nearest one is used", sectionDeploys},

		{RuleRelease, "--kube-version or .eastern.yaml names a release newer than eastern knows; its newest schemas are used", sectionRuns},
		{RuleSkipped, "a matched file is not read: a named pipe, device or other special file, or, found in a directory or by a glob, a file kustomize or Helm reads (kustomization.yaml, Chart.yaml, values.yaml and values-production.yaml next to a Chart.yaml, a chart's templates/ file with {{)", sectionRuns},
		{RuleLiveConfig, ".eastern.yaml changed and cannot be read; the watch goes on with the previous one", sectionRuns},
		{"watch.vars", "the --values file cannot be read for a render", sectionRuns},
		{"watch.write", "an output file cannot be written; the previous one stays", sectionRuns},
		{"watch.add", "a directory cannot be watched; changes in it are missed", sectionRuns},
		{"watch.events", "the file watcher reported an error; the watch goes on", sectionRuns},
		{diag.RuleInternal, "an error that is not about a template, such as a file that cannot be written", sectionRuns},
	}
}
