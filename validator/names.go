package validator

import (
	"strings"

	"k8s.io/apimachinery/pkg/api/validate/content"
)

// The API server's name checks, as package content makes them, with a
// fast path: content matches each name against a regular expression,
// which was a fifth of lint's validation time, while nearly every name in
// real manifests is valid and a loop over its bytes says so. Only a name
// the loop does not accept goes to content, which then words the error;
// FuzzNameChecks holds the loops to accepting exactly what content does.

// labelKeyErrors is content.IsLabelKey.
func labelKeyErrors(key string) []string {
	if validLabelKey(key) {
		return nil
	}
	return content.IsLabelKey(key)
}

// labelValueErrors is content.IsLabelValue.
func labelValueErrors(value string) []string {
	if value == "" || validLabelName(value) {
		return nil
	}
	return content.IsLabelValue(value)
}

// dns1123SubdomainErrors is content.IsDNS1123Subdomain.
func dns1123SubdomainErrors(name string) []string {
	if validDNS1123Subdomain(name) {
		return nil
	}
	return content.IsDNS1123Subdomain(name)
}

// dns1123LabelErrors is content.IsDNS1123Label.
func dns1123LabelErrors(name string) []string {
	if validDNS1123Label(name) {
		return nil
	}
	return content.IsDNS1123Label(name)
}

// validLabelKey: an optional DNS-1123 subdomain and '/', then a label name.
func validLabelKey(key string) bool {
	prefix, name, found := strings.Cut(key, "/")
	if !found {
		return validLabelName(key)
	}
	return validDNS1123Subdomain(prefix) && validLabelName(name)
}

// validLabelName: at most 63 of [-A-Za-z0-9_.], alphanumeric at both ends.
func validLabelName(name string) bool {
	n := len(name)
	if n == 0 || n > 63 || !isAlnum(name[0]) || !isAlnum(name[n-1]) {
		return false
	}
	for i := 1; i < n-1; i++ {
		if c := name[i]; !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// validDNS1123Subdomain: at most 253 characters of dot-separated
// DNS-1123 labels, which here have no length limit of their own.
func validDNS1123Subdomain(name string) bool {
	if len(name) == 0 || len(name) > 253 {
		return false
	}
	for label := range strings.SplitSeq(name, ".") {
		if !dns1123LabelChars(label) {
			return false
		}
	}
	return true
}

// validDNS1123Label: at most 63 characters of [-a-z0-9], alphanumeric at
// both ends.
func validDNS1123Label(name string) bool { return len(name) <= 63 && dns1123LabelChars(name) }

func dns1123LabelChars(s string) bool {
	n := len(s)
	if n == 0 || !isLowerAlnum(s[0]) || !isLowerAlnum(s[n-1]) {
		return false
	}
	for i := 1; i < n-1; i++ {
		if c := s[i]; !isLowerAlnum(c) && c != '-' {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool      { return isLowerAlnum(c) || c >= 'A' && c <= 'Z' }
func isLowerAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
