//go:build ignore

// Command gencorpus writes a synthetic tree of eastern templates for
// measuring eastern as a whole process. By default it writes the monorepo
// that eastern lint's performance target is measured on:
//
//	go run ./internal/corpus/gencorpus.go [-n 1000] [-shared-by K] DIR
//	/usr/bin/time -v eastern lint DIR
//
// With -shared-by K every K consecutive apps also load a partial of their
// own, partials/groups/group-NNNN.yaml: a change that touches K roots of
// many, for eastern lint --changed (run from DIR):
//
//	go run ./internal/corpus/gencorpus.go -n 10000 -shared-by 20 DIR
//	cd DIR && eastern lint --changed partials/groups/group-0250.yaml
//
// With -shape tree it writes one root template loading -n partials (10 by
// default), prints the root template's path and writes DIR/vars.args, the
// -s flags for every variable the tree references:
//
//	go run ./internal/corpus/gencorpus.go -shape tree -n 10 -lines 40 /tmp/app
//	eastern render /tmp/app/app.yaml production $(cat /tmp/app/vars.args)
//
// It is a file of its own, kept out of builds by its build constraint, so
// that `go install ./...` (which the pre-commit framework runs to install
// eastern's hook) installs eastern alone.
package main

import (
	"os"

	"github.com/eastern-k8s/eastern/internal/corpus"
)

func main() {
	os.Exit(corpus.Main(os.Args[1:], os.Stdout, os.Stderr))
}
