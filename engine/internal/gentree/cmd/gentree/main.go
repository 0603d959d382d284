// Command gentree writes a synthetic template tree for measuring eastern as
// a whole process:
//
//	go run ./engine/internal/gentree/cmd/gentree -partials 10 -lines 40 /tmp/app
//	eastern render /tmp/app/app.yaml production $(cat /tmp/app/vars.args)
//
// It prints the root template's path and writes vars.args, the -s flags for
// every variable the tree references.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/eastern-k8s/eastern/engine/internal/gentree"
)

func main() {
	var spec gentree.Spec
	flag.IntVar(&spec.Partials, "partials", 10, "partials the root template loads")
	flag.IntVar(&spec.Dirs, "dirs", 2, "subdirectories the partials are spread over")
	flag.IntVar(&spec.LinesPerPartial, "lines", 40, "lines per partial")
	flag.IntVar(&spec.OverrideEvery, "override-every", 3, "give every n-th partial a namespace override")
	flag.StringVar(&spec.Namespace, "namespace", "production", "namespace of the overrides")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gentree [flags] DIR")
		os.Exit(2)
	}
	dir := flag.Arg(0)
	tree, err := gentree.Write(dir, spec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "gentree:", err)
		os.Exit(1)
	}
	var args []string
	for k, v := range tree.Vars {
		args = append(args, "-s "+k+"="+v)
	}
	sort.Strings(args)
	if err := os.WriteFile(filepath.Join(dir, "vars.args"), []byte(strings.Join(args, " ")+"\n"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "gentree:", err)
		os.Exit(1)
	}
	fmt.Printf("%s (%d output lines)\n", tree.Root, tree.Lines)
}
