package corpus

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Main is the command gencorpus (gengo) without the process: it
// returns the exit code, 2 for a usage error.
func Main(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("gencorpus", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: gencorpus [-shape monorepo|tree] [-n N] [-shared-by K] [tree flags] DIR")
		flags.PrintDefaults()
	}
	shape := flags.String("shape", "monorepo", "what to write: monorepo (for lint) or tree (for render)")
	n := flags.Int("n", 0, "root templates (monorepo: default 1000) or partials the root loads (tree: default 10)")
	sharedBy := flags.Int("shared-by", 0, "monorepo: give every K consecutive apps a partial of their own (partials/groups/), for lint --changed")
	var spec TreeSpec
	flags.IntVar(&spec.Dirs, "dirs", 2, "tree: subdirectories the partials are spread over")
	flags.IntVar(&spec.LinesPerPartial, "lines", 40, "tree: lines per partial")
	flags.IntVar(&spec.OverrideEvery, "override-every", 3, "tree: give every n-th partial a namespace override")
	flags.StringVar(&spec.Namespace, "namespace", "production", "tree: namespace of the overrides")
	if err := flags.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return 2
	}
	if flags.NArg() != 1 {
		flags.Usage()
		return 2
	}
	// The shapes differ in what -n counts, so each has its own default;
	// every flag but -shape, -n and -shared-by is the tree's.
	nSet, sharedBySet := false, false
	var treeOnly []string
	flags.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "n":
			nSet = true
		case "shape":
		case "shared-by":
			sharedBySet = true
		default:
			treeOnly = append(treeOnly, "-"+f.Name)
		}
	})
	dir := flags.Arg(0)
	switch *shape {
	case "monorepo":
		// Silently ignoring -lines and friends would measure a corpus other
		// than the one asked for.
		if len(treeOnly) > 0 {
			fmt.Fprintf(stderr, "gencorpus: %s only apply to -shape tree\n", strings.Join(treeOnly, ", "))
			return 2
		}
		if !nSet {
			*n = 1000
		}
		if err := WriteMonorepoSpec(dir, MonorepoSpec{Templates: *n, SharedBy: *sharedBy}); err != nil {
			fmt.Fprintln(stderr, "gencorpus:", err)
			return 1
		}
	case "tree":
		if sharedBySet {
			fmt.Fprintln(stderr, "gencorpus: -shared-by only applies to -shape monorepo")
			return 2
		}
		spec.Partials = *n
		if !nSet {
			spec.Partials = 10
		}
		if err := writeTreeCommand(dir, spec, stdout); err != nil {
			fmt.Fprintln(stderr, "gencorpus:", err)
			return 1
		}
	default:
		fmt.Fprintf(stderr, "gencorpus: unknown -shape %q (want monorepo or tree)\n", *shape)
		return 2
	}
	return 0
}

// writeTreeCommand writes the tree and DIR/vars.args, and prints where the root
// template is.
func writeTreeCommand(dir string, spec TreeSpec, stdout io.Writer) error {
	tree, err := WriteTree(dir, spec)
	if err != nil {
		return err
	}
	var args []string
	for k, v := range tree.Vars {
		args = append(args, "-s "+k+"="+v)
	}
	sort.Strings(args)
	if err := os.WriteFile(filepath.Join(dir, "vars.args"), []byte(strings.Join(args, " ")+"\n"), 0o644); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "%s (%d output lines)\n", tree.Template, tree.Lines)
	return err
}
