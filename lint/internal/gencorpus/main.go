// Command gencorpus writes the synthetic monorepo that eastern lint's
// performance target is measured on:
//
//	go run ./lint/internal/gencorpus [-n 1000] DIR
//	/usr/bin/time -v eastern lint DIR
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/eastern-k8s/eastern/lint/internal/corpus"
)

func main() {
	n := flag.Int("n", 1000, "number of root templates")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: gencorpus [-n N] DIR")
		os.Exit(2)
	}
	if err := corpus.Generate(flag.Arg(0), *n); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}
