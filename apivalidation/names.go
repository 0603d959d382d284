package apivalidation

import (
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/validate/content"
)

// The name checks of k8s.io/apimachinery/pkg/util/validation that the
// rules use, written with package content, which eastern links anyway:
// util/validation compiles its regular expressions at initialisation and
// brings klog, a cost every eastern process, render's included, would pay.
// TestNamesAgreeWithUtilValidation holds each to its original, messages
// included.

// isQualifiedName is package content's IsLabelKey, which util/validation
// names IsQualifiedName.
var isQualifiedName = content.IsLabelKey

// isDNS1123Label and isDNS1123Subdomain are content's, with the length
// worded as util/validation words it, in characters rather than bytes.
func isDNS1123Label(v string) []string { return inCharacters(content.IsDNS1123Label(v), v, 63) }
func isDNS1123Subdomain(v string) []string {
	return inCharacters(content.IsDNS1123Subdomain(v), v, 253)
}

func inCharacters(errs []string, v string, limit int) []string {
	if len(v) > limit && len(errs) > 0 {
		errs[0] = maxLenError(limit)
	}
	return errs
}

// isValidPortName is IsValidPortName: an IANA service name.
func isValidPortName(port string) []string {
	var errs []string
	if len(port) > 15 {
		errs = append(errs, maxLenError(15))
	}
	if port == "" || strings.Trim(port, "-abcdefghijklmnopqrstuvwxyz0123456789") != "" {
		errs = append(errs, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
	}
	if !strings.ContainsAny(port, "abcdefghijklmnopqrstuvwxyz") {
		errs = append(errs, "must contain at least one letter (a-z)")
	}
	if strings.Contains(port, "--") {
		errs = append(errs, "must not contain consecutive hyphens")
	}
	if len(port) > 0 && (port[0] == '-' || port[len(port)-1] == '-') {
		errs = append(errs, "must not begin or end with a hyphen")
	}
	return errs
}

// isValidPercent is IsValidPercent: digits and a final %.
func isValidPercent(percent string) []string {
	digits, ok := strings.CutSuffix(percent, "%")
	if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return []string{content.RegexError("a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%", "1%", "93%")}
	}
	return nil
}

// isEnvVarName is IsEnvVarName, the rule before Kubernetes 1.32.
func isEnvVarName(value string) []string {
	var errs []string
	const chars = "-._abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	if value == "" || value[0] >= '0' && value[0] <= '9' || strings.Trim(value, chars) != "" {
		errs = append(errs, content.RegexError("a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit",
			"[-._a-zA-Z][-._a-zA-Z0-9]*", "my.env-name", "MY_ENV.NAME", "MyEnvName1"))
	}
	return append(errs, chDirPrefixErrors(value)...)
}

// isRelaxedEnvVarName is IsRelaxedEnvVarName, the rule from 1.32: any
// printable ASCII but '='.
func isRelaxedEnvVarName(value string) []string {
	var errs []string
	if value == "" {
		errs = append(errs, "environment variable name "+content.EmptyError())
	}
	for i := 0; i < len(value); i++ {
		if c := value[i]; c < ' ' || c > '~' || c == '=' {
			errs = append(errs, "a valid environment variable name must consist only of printable ASCII characters other than '='")
			break
		}
	}
	return errs
}

// isConfigMapKey is IsConfigMapKey.
func isConfigMapKey(value string) []string {
	var errs []string
	if len(value) > 253 {
		errs = append(errs, maxLenError(253))
	}
	if value == "" || strings.Trim(value, "-._abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
		errs = append(errs, content.RegexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", "[-._a-zA-Z0-9]+", "key.name", "KEY_NAME", "key-name"))
	}
	return append(errs, chDirPrefixErrors(value)...)
}

// chDirPrefixErrors is hasChDirPrefix: no ".", "..", or "..x".
func chDirPrefixErrors(value string) []string {
	switch {
	case value == ".":
		return []string{`must not be '.'`}
	case value == "..":
		return []string{`must not be '..'`}
	case strings.HasPrefix(value, ".."):
		return []string{`must not start with '..'`}
	}
	return nil
}

// maxLenError is util/validation's MaxLenError, in characters.
func maxLenError(length int) string {
	return "must be no more than " + strconv.Itoa(length) + " characters"
}
