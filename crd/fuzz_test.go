package crd_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/eastern-k8s/eastern/crd"
	"github.com/eastern-k8s/eastern/schema"
	"github.com/eastern-k8s/eastern/validator"
)

// No stream of CRDs and custom resources makes the checks panic or hang:
// whatever the input, lint ends with findings.
func FuzzValidateWithCRDs(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/cases/*.yaml")
	for _, s := range seeds {
		if data, err := os.ReadFile(s); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cache := crd.NewCache()
		cache.ReadFile("fuzz.yaml", data)
		validator.Validate(data, validator.Options{Release: schema.Newest(), CRDs: (*crd.Set)(nil).Output(cache)})
	})
}
