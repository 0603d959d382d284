// Package diag defines the one finding type that every part of eastern shares:
// render problems from the engine, lint findings and watch messages are all
// Findings. Producers return them as data; only package report formats them
// for people and machines. A Findings is also an error, as HCL's
// Diagnostics is: a render returns one list, and its error entries mean
// that it failed (the Error methods are the plain one-line forms).
package diag

import (
	"cmp"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/eastern-k8s/eastern/internal/textsafe"
)

// Severity orders findings from informational to fatal.
type Severity uint8

// The severities, least severe first. The zero value is none of them, so
// that a finding made without one shows as "invalid" instead of passing
// for a note.
const (
	invalidSeverity Severity = iota
	Info
	Warning
	Error
)

// String returns the lower-case name used in every output format.
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "invalid"
}

// ParseSeverity is the inverse of Severity.String.
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "info":
		return Info, nil
	case "warning":
		return Warning, nil
	case "error":
		return Error, nil
	}
	return Error, fmt.Errorf("unknown severity %q (want info, warning or error)", s)
}

// Position is a place in a template file. Line and Col are 1-based; zero
// means unknown (a whole-file problem has no line).
type Position struct {
	File string
	Line int
	Col  int
}

// String formats the position as file:line:col, leaving out unknown parts.
func (p Position) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return p.File + ":" + strconv.Itoa(p.Line)
	default:
		// Joined, not formatted: every line of a text report starts so.
		return p.File + ":" + strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
	}
}

// Finding is one problem (or note) about a template.
type Finding struct {
	Severity Severity
	// Rule is a stable identifier such as "render.load-missing" or "schema.type".
	Rule    string
	Message string
	// Pos is the template line that produced the problem — never a line of
	// the rendered output.
	Pos Position
	// Chain lists the load directives that led to Pos.File, outermost first:
	// the root template's directive, then the partial's, and so on.
	Chain []Position

	// Context filled in by lint; empty for a plain render.
	Template  string // the root template whose render this is
	Namespace string
	// Namespaces, when lint found the same finding (rule, message,
	// position, object, field, release) in the renders of several
	// namespaces of Template, lists them all in the order of its checks,
	// Namespace first; nil for a finding of one render.
	Namespaces []string
	Release    string // Kubernetes minor release, "1.29"
	Object     string // "Deployment/web"
	Field      string // "spec.template.spec.containers[0].image"
}

// ComparePositions orders findings as lint reports them: by template
// position, the more severe first, then by rule, field and message, so
// that the order never depends on which render came first.
func ComparePositions(a, b *Finding) int {
	return cmp.Or(
		cmp.Compare(a.Pos.File, b.Pos.File),
		cmp.Compare(a.Pos.Line, b.Pos.Line),
		cmp.Compare(a.Pos.Col, b.Pos.Col),
		cmp.Compare(b.Severity, a.Severity),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Field, b.Field),
		cmp.Compare(a.Message, b.Message),
	)
}

// PlainFieldKey reports whether a map key reads unambiguously after a dot
// in a Field path ("metadata.labels.app"): letters, digits, '-' and '_',
// not starting with '-'. Any other key is written ["quoted"].
func PlainFieldKey(k string) bool {
	if k == "" || k[0] == '-' {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Error returns the plain one-line form, "file:line:col: field: message",
// leaving out the position and the field when they are unknown, with the
// include chain when the problem lies in a loaded file:
// "p.yaml:3:9: spec.replicas: message (via app.yaml:2 → p.yaml:3)".
// Control characters in any part are escaped (textsafe.Escape), so that the
// form stays one line and safe to print. Package report has the richer forms.
func (f *Finding) Error() string {
	var b strings.Builder
	if f.Pos.File != "" {
		b.WriteString(f.Pos.String())
		b.WriteString(": ")
	}
	if f.Field != "" {
		b.WriteString(f.Field)
		b.WriteString(": ")
	}
	b.WriteString(f.Message)
	if via := f.Via(); via != "" {
		b.WriteString(" (via ")
		b.WriteString(via)
		b.WriteString(")")
	}
	return textsafe.Escape(b.String())
}

// Via is the chain of loads that led to the finding, ending at the
// finding's own line: "app.yaml:2 → p.yaml:3". It is "" for a finding in
// the root template, which no load led to.
func (f *Finding) Via() string {
	if len(f.Chain) == 0 {
		return ""
	}
	return FormatChain(f.Chain) + " → " + Position{File: f.Pos.File, Line: f.Pos.Line}.String()
}

// FormatChain joins include-chain positions with arrows: "app.yaml:2 → sub/p.yaml:3".
func FormatChain(chain []Position) string {
	parts := make([]string, len(chain))
	for i, p := range chain {
		parts[i] = p.String()
	}
	return strings.Join(parts, " → ")
}

// InNamespaces returns the namespaces whose renders gave the finding:
// Namespaces, or Namespace alone; nil when it is about no namespace.
func (f *Finding) InNamespaces() []string {
	switch {
	case len(f.Namespaces) > 0:
		return f.Namespaces
	case f.Namespace != "":
		return []string{f.Namespace}
	}
	return nil
}

// Findings is a list of findings, in the order they were produced.
type Findings []*Finding

// Error lists the findings, one per line, each as Finding.Error writes it.
func (fs Findings) Error() string {
	lines := make([]string, len(fs))
	for i, f := range fs {
		lines[i] = f.Error()
	}
	return strings.Join(lines, "\n")
}

// RuleInternal is the rule of an error that is not a finding, as Collect
// makes it one.
const RuleInternal = "internal"

// Collect returns the findings inside err: a Findings, a single *Finding,
// or any other error as one error-severity finding with rule RuleInternal.
func Collect(err error) Findings {
	if err == nil {
		return nil
	}
	if fs, ok := errors.AsType[Findings](err); ok {
		return fs
	}
	var f *Finding
	if errors.As(err, &f) {
		return Findings{f}
	}
	return Findings{{Severity: Error, Rule: RuleInternal, Message: err.Error()}}
}

// HasErrors reports whether any finding has error severity.
func (fs Findings) HasErrors() bool { return fs.Count(Error) > 0 }

// Count returns how many findings have exactly severity s.
func (fs Findings) Count(s Severity) int {
	n := 0
	for _, f := range fs {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// UsageError is a mistake in what the caller asked for — a path that does
// not exist, a glob that matches nothing, a name that cannot be a
// namespace, a flag out of range — as opposed to a problem in a template (a
// Finding) or in the system: the user fixes it on the command line, and a
// command exits with its usage code.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

// Usagef returns a *UsageError with a message formatted as by fmt.Sprintf.
func Usagef(format string, args ...any) error {
	return &UsageError{fmt.Sprintf(format, args...)}
}

// Check is one root template rendered and checked for one namespace: what
// lint produces for each template × namespace, and what report writers
// that list every check (JUnit) show.
type Check struct {
	Template, Namespace, Release string
	// Objects name the rendered objects, "Deployment/web", in output order.
	Objects []string
	// ByCRD counts the objects checked against a CustomResourceDefinition,
	// Skipped those of a kind with neither a schema nor a CRD.
	ByCRD, Skipped int
	// Findings are sorted by template position.
	Findings Findings
	// Suppressed counts the findings that `# eastern:ignore` comments
	// silenced, which Findings leaves out.
	Suppressed int
}
