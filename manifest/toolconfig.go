package manifest

import "strings"

// toolGroups are API groups whose every kind is a file that a tool reads,
// never an object sent to the API server: they look like manifests
// (apiVersion, kind) but have no metadata.name, and kubectl apply rejects
// them.
var toolGroups = map[string]string{
	"kustomize.config.k8s.io":              "kustomize",                // Kustomization, Component
	"kubelet.config.k8s.io":                "the kubelet",              // KubeletConfiguration, CredentialProviderConfig
	"kubeproxy.config.k8s.io":              "kube-proxy",               // KubeProxyConfiguration
	"kubescheduler.config.k8s.io":          "kube-scheduler",           // KubeSchedulerConfiguration
	"kubecontrollermanager.config.k8s.io":  "kube-controller-manager",  // KubeControllerManagerConfiguration
	"controllermanager.config.k8s.io":      "kube-controller-manager",  // LeaderMigrationConfiguration
	"cloudcontrollermanager.config.k8s.io": "cloud-controller-manager", // CloudControllerManagerConfiguration
	"apiserver.config.k8s.io":              "kube-apiserver",           // AdmissionConfiguration, EncryptionConfiguration, …
	"apiserver.k8s.io":                     "kube-apiserver",           // AdmissionConfiguration before apiserver.config.k8s.io
	"audit.k8s.io":                         "kube-apiserver",           // an audit Policy
	"pod-security.admission.config.k8s.io": "kube-apiserver",           // PodSecurityConfiguration
	"eventratelimit.admission.k8s.io":      "kube-apiserver",           // the EventRateLimit admission plugin's Configuration
	"client.authentication.k8s.io":         "kubectl",                  // ExecCredential
	"kubeadm.k8s.io":                       "kubeadm",                  // InitConfiguration, ClusterConfiguration, JoinConfiguration
	"kind.x-k8s.io":                        "kind",                     // Cluster
	"k3d.io":                               "k3d",                      // Simple
	"ctlptl.dev":                           "ctlptl",                   // Registry, Cluster
}

// toolKinds are kinds of other groups that are tool configuration: the
// core group's Config is a kubeconfig, and skaffold's group changes with
// every schema version (skaffold/v4beta11).
var toolKinds = map[[2]string]string{
	{"", "Config"}:         "kubectl (a kubeconfig)",
	{"skaffold", "Config"}: "skaffold",
}

// ToolConfig reports whether apiVersion and kind name a well-known file
// of tool configuration — a Kustomization, a KubeletConfiguration, kind's
// Cluster, a kubeconfig — rather than a Kubernetes object, and which tool
// reads it.
func ToolConfig(apiVersion, kind string) (tool string, ok bool) {
	group, _, found := strings.Cut(apiVersion, "/")
	if !found {
		group = ""
	}
	if tool, ok := toolGroups[group]; ok {
		return tool, true
	}
	tool, ok = toolKinds[[2]string{group, kind}]
	return tool, ok
}
