// Command eastern renders Kubernetes manifests from logicless templates,
// lints them against the schemas of each cluster's Kubernetes release, and
// re-renders them live while you edit.
package main

import "os"

func main() {
	os.Exit(newApp(os.Stdin, os.Stdout, os.Stderr).run(os.Args[1:]))
}
