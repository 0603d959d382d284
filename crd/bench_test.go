package crd_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/eastern-k8s/eastern/crd"
	"github.com/eastern-k8s/eastern/schema"
	"github.com/eastern-k8s/eastern/validator"
)

// BenchmarkValidateCustomResources validates a render of a Deployment's
// companions — a Certificate and a ServiceMonitor, CEL rules and all —
// against the real-world CRDs, compiled once as in a lint run.
func BenchmarkValidateCustomResources(b *testing.B) {
	cache := crd.NewCache()
	var files []*crd.File
	for _, name := range []string{"certificates.yaml", "monitoring.yaml"} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "lint", "crd-realworld", "in", "crds", name))
		if err != nil {
			b.Fatal(err)
		}
		files = append(files, cache.ReadFile(name, data))
	}
	set, _ := crd.NewSet(cache, files...)
	doc := []byte(`apiVersion: tls.example.io/v1
kind: Certificate
metadata:
  name: web
spec:
  secretName: web-tls
  dnsNames: [web.example.com, www.example.com]
  duration: 2160h
  renewBefore: 360h
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
  privateKey: {algorithm: ECDSA, size: 256}
---
apiVersion: monitoring.example.io/v1
kind: ServiceMonitor
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  endpoints:
  - port: http
    path: /metrics
    interval: 30s
`)
	release := schema.Newest()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		fs, _ := validator.Validate(doc, validator.Options{Release: release, CRDs: set.Output(cache)})
		if len(fs) != 0 {
			b.Fatal(fs)
		}
	}
}
