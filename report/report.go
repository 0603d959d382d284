package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
)

// Report is the outcome of a lint run as the writers see it: the findings,
// the template × namespace checks they belong to, and the counts.
type Report struct {
	// Findings in the order they are to be shown.
	Findings diag.Findings
	// Checks are the template × namespace checks, for formats that list
	// every check (JUnit); each holds its share of Findings.
	Checks []diag.Check
	// FailOn is the lowest severity that fails the run: JUnit reports
	// such findings as failures and the rest as output.
	FailOn  diag.Severity
	Summary Summary
}

// Summary counts what a lint run looked at and found.
type Summary struct {
	Templates  int `json:"templates"`
	Namespaces int `json:"namespaces"`
	Objects    int `json:"objects"`
	// ByCRD of the objects were checked against a CustomResourceDefinition;
	// Skipped were of a kind with neither a schema nor a CRD.
	ByCRD    int `json:"byCRD"`
	Skipped  int `json:"skipped"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"infos"`
	// Suppressed counts the findings that `# eastern:ignore` comments
	// silenced; they are not among the findings.
	Suppressed int `json:"suppressed"`
	// Of is how many templates the paths found when --changed-since,
	// --changed or --shard linted only some of them (Templates); 0 when
	// every template was linted. Selection says why, for people:
	// "partials/probes.yaml changed", "shard 2/4".
	Of        int    `json:"of"`
	Selection string `json:"selection"`
}

// CountFindings fills the severity counts of s from fs.
func (s *Summary) CountFindings(fs diag.Findings) {
	s.Errors, s.Warnings, s.Infos = fs.Count(diag.Error), fs.Count(diag.Warning), fs.Count(diag.Info)
}

// Writer writes a whole report in one format.
type Writer interface {
	Write(w io.Writer, r *Report) error
}

// New returns the writer for format. color applies to text only.
func New(format string, color bool) (Writer, error) {
	switch format {
	case "text", "":
		return Text{Color: color}, nil
	case "json":
		return JSON{}, nil
	case "junit":
		return JUnit{}, nil
	case "github":
		return GitHub{}, nil
	case "checkstyle":
		return Checkstyle{}, nil
	case "sarif":
		// Without rule descriptions, which the caller has: see SARIF.Rules.
		return SARIF{}, nil
	}
	return nil, fmt.Errorf("unknown output format %q (want %s or %s)", format, strings.Join(Formats[:len(Formats)-1], ", "), Formats[len(Formats)-1])
}

// Formats are the formats New knows, text first.
var Formats = []string{"text", "json", "junit", "github", "checkstyle", "sarif"}
