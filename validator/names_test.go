package validator

import (
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/api/validate/content"
)

// The fast name checks say what package content says, message for message.
func FuzzNameChecks(f *testing.F) {
	for _, s := range []string{"", "a", "app", "app.kubernetes.io/part-of", "example.com/MyName", "-a", "a-", "A", "a_b", "a..b", "a.b.", "/a", "a/", "a/b/c", "x/" + string(make([]byte, 70)), "UPPER.example.com/x", "1.2.3.4"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checks := []struct {
			name       string
			fast, slow func(string) []string
		}{
			{"IsLabelKey", labelKeyErrors, content.IsLabelKey},
			{"IsLabelValue", labelValueErrors, content.IsLabelValue},
			{"IsDNS1123Subdomain", dns1123SubdomainErrors, content.IsDNS1123Subdomain},
			{"IsDNS1123Label", dns1123LabelErrors, content.IsDNS1123Label},
		}
		for _, c := range checks {
			if got, want := c.fast(s), c.slow(s); !slices.Equal(got, want) {
				t.Errorf("%s(%q): fast path %q, content %q", c.name, s, got, want)
			}
		}
	})
}
