package apivalidation

import (
	"testing"

	k8svalidation "k8s.io/apimachinery/pkg/util/validation"
)

// TestFastNames holds each byte loop to the apimachinery check it stands
// in front of: the loop may accept only what the check accepts.
func TestFastNames(t *testing.T) {
	names := []string{
		"", "a", "web", "web-1", "-web", "web-", "Web", "web_1", "a.b", "1st", "http", "http-metrics",
		"http-metrics-port", "a--b", "123", "8080", "x" + string(make([]byte, 70)), "MY_VAR", "my.var-1",
		"MY VAR", "A=B", "ü", ".", "..", "..a", ".a", "a..", "tls.crt", "with space", "é", "~tilde", "a\tb",
	}
	long := ""
	for range 64 {
		long += "a"
	}
	names = append(names, long, long[:63], long[:15], long[:16])
	for _, n := range names {
		checks := []struct {
			what string
			fast bool
			slow []string
		}{
			{"DNS-1123 label", validDNS1123Label(n), k8svalidation.IsDNS1123Label(n)},
			{"port name", validPortName(n), k8svalidation.IsValidPortName(n)},
			{"env var name", validEnvVarName(n, false), k8svalidation.IsEnvVarName(n)},
			{"relaxed env var name", validEnvVarName(n, true), k8svalidation.IsRelaxedEnvVarName(n)},
			{"config map key", validConfigMapKey(n), k8svalidation.IsConfigMapKey(n)},
		}
		for _, c := range checks {
			if c.fast != (len(c.slow) == 0) {
				t.Errorf("%s %q: fast check says %v, apimachinery %v", c.what, n, c.fast, c.slow)
			}
		}
	}
}

func FuzzFastNames(f *testing.F) {
	for _, s := range []string{"web", "a--b", "MY_VAR", "..", "..a", "http-metrics"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, n string) {
		if validDNS1123Label(n) && len(k8svalidation.IsDNS1123Label(n)) > 0 ||
			validPortName(n) && len(k8svalidation.IsValidPortName(n)) > 0 ||
			validEnvVarName(n, false) && len(k8svalidation.IsEnvVarName(n)) > 0 ||
			validEnvVarName(n, true) && len(k8svalidation.IsRelaxedEnvVarName(n)) > 0 ||
			validConfigMapKey(n) && len(k8svalidation.IsConfigMapKey(n)) > 0 {
			t.Errorf("a fast check accepts %q, which apimachinery rejects", n)
		}
	})
}
