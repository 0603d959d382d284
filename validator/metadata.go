package validator

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/validate/content"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/manifest"
	"github.com/eastern-k8s/eastern/schema"
)

// totalAnnotationSizeLimit is k8s.io/apimachinery/pkg/api/validation's
// TotalAnnotationSizeLimitB, copied because that package drags in the
// whole meta/v1 machinery for one constant.
const totalAnnotationSizeLimit = 256 * (1 << 10)

// checkMetadata applies the API server's ObjectMeta checks to m, the
// value of a metadata field whose path is pushed. Names and namespaces
// only matter for the object's own metadata (root); labels and
// annotations are checked in pod templates too.
func (c *checker) checkMetadata(m *yaml.Node, gvk schema.GVK, root bool) {
	pairs := c.pairs(m)
	for i := 0; i+1 < len(pairs); i += 2 {
		k, v := pairs[i], c.resolve(pairs[i+1])
		switch k.Value {
		case "name", "generateName":
			if s, ok := stringValue(v); ok && root && s != "" {
				c.push(segment{name: k.Value})
				for _, msg := range nameErrors(gvk, c.opts.Release, s, k.Value == "generateName") {
					c.add(diag.Error, RuleName, v, fmt.Sprintf("invalid %s %q: %s", k.Value, s, msg))
				}
				c.pop()
			}
		case "namespace":
			if s, ok := stringValue(v); ok && root && s != "" {
				c.push(segment{name: k.Value})
				if !validDNS1123Label(s) { // what CheckNamespace asks, fast
					if err := manifest.CheckNamespace(s); err != nil {
						c.add(diag.Error, RuleNamespace, v, "invalid "+err.Error())
					}
				}
				c.pop()
			}
		case "labels":
			c.push(segment{name: k.Value})
			c.checkLabels(v)
			c.pop()
		case "annotations":
			c.push(segment{name: k.Value})
			c.checkAnnotations(v)
			c.pop()
		}
	}
}

func (c *checker) checkLabels(m *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	pairs := c.pairs(m)
	for i := 0; i+1 < len(pairs); i += 2 {
		k, v := pairs[i], c.resolve(pairs[i+1])
		c.push(segment{kind: keySeg, name: k.Value})
		for _, msg := range labelKeyErrors(k.Value) {
			c.add(diag.Error, RuleLabel, k, fmt.Sprintf("invalid label key %q: %s", k.Value, manifest.PlainMessage(msg)))
		}
		if s, ok := stringValue(v); ok {
			for _, msg := range labelValueErrors(s) {
				c.add(diag.Error, RuleLabel, v, fmt.Sprintf("invalid label value %q: %s", s, manifest.PlainMessage(msg)))
			}
		}
		c.pop()
	}
}

func (c *checker) checkAnnotations(m *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	pairs := c.pairs(m)
	size := 0
	for i := 0; i+1 < len(pairs); i += 2 {
		k, v := pairs[i], c.resolve(pairs[i+1])
		c.push(segment{kind: keySeg, name: k.Value})
		// The API server lower-cases annotation keys before this check.
		for _, msg := range labelKeyErrors(strings.ToLower(k.Value)) {
			c.add(diag.Error, RuleAnnotation, k, fmt.Sprintf("invalid annotation key %q: %s", k.Value, manifest.PlainMessage(msg)))
		}
		c.pop()
		size += len(k.Value)
		if s, ok := stringValue(v); ok {
			size += len(s)
		}
	}
	if size > totalAnnotationSizeLimit {
		c.add(diag.Error, RuleAnnotation, m, fmt.Sprintf("annotations total %d bytes, more than the %d Kubernetes allows", size, totalAnnotationSizeLimit))
	}
}

// nameErrors validates an object name the way the kind's API validation
// does at release; generateName is a prefix, so a trailing dash is
// allowed. Most kinds take DNS-1123 subdomains; these are the exceptions
// that matter for manifests people write.
func nameErrors(gvk schema.GVK, release, name string, prefix bool) []string {
	if prefix && len(name) > 1 && strings.HasSuffix(name, "-") {
		name = name[:len(name)-2] + "a" // apimachinery's maskTrailingDash
	}
	var errs []string
	switch {
	case gvk.Group == "" && gvk.Kind == "Namespace":
		errs = dns1123LabelErrors(name)
	case gvk.Group == "" && gvk.Kind == "Service":
		errs = isDNS1035Label(name)
	case gvk.Group == "apps" && gvk.Kind == "StatefulSet" && schema.CompareReleases(release, "1.27") >= 0:
		// Pods take their hostname from the StatefulSet's name, so dotted
		// names never worked; 1.27 made it official (kubernetes#114172).
		errs = dns1123LabelErrors(name)
	case gvk.Group == "rbac.authorization.k8s.io" && (gvk.Kind == "Role" || gvk.Kind == "ClusterRole" || gvk.Kind == "RoleBinding" || gvk.Kind == "ClusterRoleBinding"):
		// RBAC names only have to survive being a URL path segment, so
		// "system:controller:x" is fine.
		if prefix {
			errs = content.IsPathSegmentPrefix(name)
		} else {
			errs = content.IsPathSegmentName(name)
		}
	case gvk.Group == "batch" && gvk.Kind == "CronJob":
		errs = dns1123SubdomainErrors(name)
		if !prefix && len(name) > 52 {
			// Job names are the CronJob's plus an 11-character "-TIMESTAMP".
			errs = append(errs, "must be no more than 52 characters")
		}
	default:
		errs = dns1123SubdomainErrors(name)
	}
	for i := range errs {
		errs[i] = manifest.PlainMessage(errs[i])
	}
	return errs
}

// isDNS1035Label mirrors k8s.io/apimachinery/pkg/util/validation's
// IsDNS1035Label (Service names), which lives in a package that pulls in
// klog; content has no copy. It matches [a-z]([-a-z0-9]*[a-z0-9])? with a
// loop rather than a regular expression compiled at every start-up.
func isDNS1035Label(value string) []string {
	var errs []string
	if len(value) > 63 {
		errs = append(errs, content.MaxLenError(63))
	}
	if !matchDNS1035(value) {
		errs = append(errs, content.RegexError("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character", "[a-z]([-a-z0-9]*[a-z0-9])?", "my-name", "abc-123"))
	}
	return errs
}

func matchDNS1035(v string) bool {
	if v == "" || v[0] < 'a' || v[0] > 'z' || v[len(v)-1] == '-' {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
