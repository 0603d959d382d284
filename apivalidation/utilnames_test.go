package apivalidation

import (
	"math/rand/v2"
	"slices"
	"testing"

	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

// The name checks written with package content say what
// util/validation's say, for names from the edge cases and from a random
// alphabet of the characters that matter.
func TestNamesAgreeWithUtilValidation(t *testing.T) {
	checks := []struct {
		name       string
		ours, them func(string) []string
	}{
		{"IsValidPortName", isValidPortName, k8svalidation.IsValidPortName},
		{"IsValidPercent", isValidPercent, k8svalidation.IsValidPercent},
		{"IsEnvVarName", isEnvVarName, k8svalidation.IsEnvVarName},
		{"IsRelaxedEnvVarName", isRelaxedEnvVarName, k8svalidation.IsRelaxedEnvVarName},
		{"IsConfigMapKey", isConfigMapKey, k8svalidation.IsConfigMapKey},
		{"IsQualifiedName", isQualifiedName, k8svalidation.IsQualifiedName},
		{"IsDNS1123Label", isDNS1123Label, k8svalidation.IsDNS1123Label},
		{"IsDNS1123Subdomain", isDNS1123Subdomain, k8svalidation.IsDNS1123Subdomain},
	}
	names := []string{"", ".", "..", "..a", "a", "http", "http-2", "-http", "http-", "h--p", "8080", "abcdefghijklmnop", "ABC",
		"50%", "%", "5%%", "x%", "1", "MY_VAR", "my.env-name", "1VAR", "a=b", "tab\there", "ü", "key.name", "a/b", "example.com/x"}
	const alphabet = "aZ09-._=%/ \x7f\xc3"
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, r.IntN(20))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		names = append(names, string(b))
	}
	names = append(names, string(make([]byte, 300)))
	for _, c := range checks {
		for _, n := range names {
			if got, want := c.ours(n), c.them(n); !slices.Equal(got, want) {
				t.Errorf("%s(%q) = %q, util/validation says %q", c.name, n, got, want)
				break
			}
		}
	}
}
