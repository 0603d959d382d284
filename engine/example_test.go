package engine_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/report"
)

// Render a template from a reader, as `eastern render -` does. NAMESPACE is
// always set; other variables come from Options.Vars.
func ExampleRender() {
	tmpl := "image: web:${IMAGE_TAG:-latest}\nnamespace: ${NAMESPACE}\n"
	res, err := engine.Render(strings.NewReader(tmpl), "app.yaml", engine.Options{Namespace: "staging"})
	if err != nil {
		report.WriteText(os.Stderr, diag.Collect(err), false)
		return
	}
	fmt.Print(string(res.Output))
	// Output:
	// image: web:latest
	// namespace: staging
}

// Render the repository's worked example for production and ask the source
// map where an output line came from: the template file and line, and the
// load! directives that led there. Lint points its findings at templates
// this way.
func ExampleRenderFile() {
	res, err := engine.RenderFile("../web.yaml", engine.Options{
		Namespace: "production",
		Vars:      map[string]string{"IMAGE_TAG": "1.4.2"},
	})
	if err != nil {
		// Every problem is a *diag.Finding; report writes them as eastern does.
		report.WriteText(os.Stderr, diag.Collect(err), false)
		return
	}
	for i, line := range strings.Split(string(res.Output), "\n") {
		if strings.TrimSpace(line) != "minReplicas: 4" {
			continue
		}
		origin, _ := res.SourceMap.Origin(i + 1) // output lines are 1-based
		fmt.Printf("output line %d %q\n", i+1, line)
		fmt.Println("comes from", origin.Position(3))
		fmt.Println("loaded by", diag.FormatChain(origin.Include.Chain()))
	}
	// Files and Probes are what a watcher must watch: the files read, and
	// every candidate tried, found or not.
	fmt.Println(len(res.Files), "files read")
	for _, p := range res.Probes {
		if strings.Contains(p.Path, "autoscaling") {
			fmt.Println("tried", p.Path, "exists:", p.Exists)
		}
	}
	// Output:
	// output line 181 "  minReplicas: 4"
	// comes from ../overrides/autoscaling-production.yaml:1:1
	// loaded by ../web.yaml:101
	// 12 files read
	// tried ../overrides/autoscaling-production.yaml exists: true
}

// Directives lists a template's load! and load? lines without rendering it.
func ExampleDirectives() {
	src := []byte("spec:\n  # load! overrides/replicas-${NAMESPACE}.yaml, overrides/replicas.yaml\n  # load? extra.yaml\n")
	for _, d := range engine.Directives(src) {
		fmt.Printf("line %d, indent %q, required %v: %q\n", d.Line, d.Indent, d.Required, d.Candidates)
	}
	// Output:
	// line 2, indent "  ", required true: ["overrides/replicas-${NAMESPACE}.yaml" "overrides/replicas.yaml"]
	// line 3, indent "  ", required false: ["extra.yaml"]
}
