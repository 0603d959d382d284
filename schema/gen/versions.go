package main

// pin is one supported release and the module version read for it.
type pin struct{ release, version string }

// pinned maps every supported Kubernetes minor release to the k8s.io/api
// version the generator reads; k8s.io/apiextensions-apiserver and
// k8s.io/kube-aggregator are read at the same version.
//
// Each is the last patch of its minor that all three modules download
// (zip and checksum database) from the module proxy, checked 2026-11-23.
// Pinned rather than looked up because the proxy refuses some tags
// (v0.18.20, v0.16.0), the checksum database lacks others, `go list -m
// -versions` omits some that work, and the data file must be reproducible.
// Adding a release: append it here, bump newestMinor in ../release.go, run
// make schemas.
var pinned = []pin{
	{"1.16", "v0.16.15"},
	{"1.17", "v0.17.17"},
	{"1.18", "v0.18.19"},
	{"1.19", "v0.19.16"},
	{"1.20", "v0.20.15"},
	{"1.21", "v0.21.14"},
	{"1.22", "v0.22.17"},
	{"1.23", "v0.23.17"},
	{"1.24", "v0.24.17"},
	{"1.25", "v0.25.16"},
	{"1.26", "v0.26.15"},
	{"1.27", "v0.27.16"},
	{"1.28", "v0.28.15"},
	{"1.29", "v0.29.15"},
	{"1.30", "v0.30.14"},
	{"1.31", "v0.31.10"}, // v0.31.11–14 of k8s.io/kube-aggregator: not in the proxy or the checksum database
	{"1.32", "v0.32.13"},
	{"1.33", "v0.33.13"},
	{"1.34", "v0.34.13"},
	{"1.35", "v0.35.10"},
	{"1.36", "v0.36.6"},
	{"1.37", "v0.37.2"},
}
