package report

import (
	"encoding/xml"
	"io"
	"slices"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/textsafe"
	"github.com/eastern-k8s/eastern/validator"
)

// JUnit writes JUnit XML for Jenkins' junit step and similar CI: one
// <testsuite> per root template, and per namespace one <testcase> for the
// render itself plus one for each rendered object. Findings at or above
// Report.FailOn become the <failure> of their test case; lesser ones go to
// its <system-out>.
type JUnit struct{}

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// Write implements Writer.
//
// Jenkins splits a classname at its last dot into package and class, so
// the classname is the namespace (the package) and the template's path
// with its dots made underscores (the class): deploy/web.yaml in
// production shows as production › deploy/web_yaml, not as package
// deploy/web and class yaml. An object that was not checked, a kind
// without a schema, is <skipped/>, so that passing does not claim more
// than lint did.
func (JUnit) Write(w io.Writer, r *Report) error {
	out := junitSuites{Name: "eastern lint"}
	for _, c := range r.Checks {
		if len(out.Suites) == 0 || out.Suites[len(out.Suites)-1].Name != c.Template {
			out.Suites = append(out.Suites, junitSuite{Name: c.Template})
		}
		suite := &out.Suites[len(out.Suites)-1]
		for _, tc := range junitCases(c, r.FailOn) {
			suite.Tests++
			if tc.Failure != nil {
				suite.Failures++
			}
			if tc.Skipped != nil {
				suite.Skipped++
			}
			suite.Cases = append(suite.Cases, tc)
		}
	}
	for _, s := range out.Suites {
		out.Tests += s.Tests
		out.Failures += s.Failures
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitCases turns one template × namespace check into its test cases:
// the render first, then each object, every finding in the case of its
// object (or of the render when it names none).
func junitCases(c diag.Check, failOn diag.Severity) []junitCase {
	title := c.Namespace
	if c.Release != "" {
		title += " (k8s " + c.Release + ")"
	}
	byObject := map[string]diag.Findings{}
	var own diag.Findings
	for _, f := range c.Findings {
		if f.Object != "" && slices.Contains(c.Objects, f.Object) {
			byObject[f.Object] = append(byObject[f.Object], f)
		} else {
			own = append(own, f)
		}
	}
	class := c.Namespace + "." + strings.ReplaceAll(c.Template, ".", "_")
	cases := []junitCase{newJUnitCase(title, class, own, failOn)}
	seen := map[string]bool{}
	for _, obj := range c.Objects {
		if seen[obj] {
			continue
		}
		seen[obj] = true
		cases = append(cases, newJUnitCase(c.Namespace+": "+obj, class, byObject[obj], failOn))
	}
	return cases
}

func newJUnitCase(name, class string, fs diag.Findings, failOn diag.Severity) junitCase {
	tc := junitCase{Name: name, Classname: class}
	var failing, other []string
	var first *diag.Finding
	for _, f := range fs {
		if f.Severity >= failOn {
			if first == nil {
				first = f
			}
			failing = append(failing, textLine(f, false))
		} else {
			other = append(other, textLine(f, false))
		}
	}
	if first != nil {
		// Escaped like the text lines, so that the message is one line too;
		// the XML encoder would only replace what XML forbids with U+FFFD.
		tc.Failure = &junitFailure{Message: textsafe.Escape(message(first)), Type: first.Rule, Text: strings.Join(failing, "\n")}
	}
	if len(other) > 0 {
		tc.SystemOut = strings.Join(other, "\n")
	}
	for _, f := range fs {
		if tc.Failure == nil && f.Rule == validator.RuleUnknownKind && f.Severity == diag.Info {
			tc.Skipped = &junitSkipped{Message: textsafe.Escape(f.Message)}
		}
	}
	return tc
}
