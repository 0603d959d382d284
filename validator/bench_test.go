package validator

import (
	"os"
	"testing"

	"github.com/eastern-k8s/eastern/schema"
)

// BenchmarkValidate checks a realistic five-object output (Deployment,
// Service, ConfigMap, Ingress, HPA) at the newest release with the
// embedded schemas. Lint runs this once per template and namespace, so
// ns/op ÷ 5 is the per-object cost.
func BenchmarkValidate(b *testing.B) {
	out, err := os.ReadFile("testdata/bench.yaml")
	if err != nil {
		b.Fatal(err)
	}
	opts := Options{Release: schema.Newest()}
	if fs, _ := Validate(out, opts); len(fs) != 0 {
		b.Fatalf("benchmark input should be valid:\n%s", formatFindings(fs))
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(out)))
	for b.Loop() {
		Validate(out, opts)
	}
}
