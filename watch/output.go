package watch

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/internal/safefile"
	"github.com/eastern-k8s/eastern/internal/textsafe"
	"github.com/eastern-k8s/eastern/report"
)

// streamMarker starts the comment line that separates renders on a
// standard output that is not a terminal, so that a reader of the stream
// can split it: "# eastern watch: 2026-11-23T05:40:01Z production ok".
const streamMarker = "# eastern watch: "

// clearScreen moves the cursor home and clears the terminal.
const clearScreen = "\x1b[H\x1b[2J"

// publish checks one render, writes it where it goes and prints what needs
// printing now (a terminal screen is drawn once per batch, by drawScreen).
func (s *session) publish(t *target, a attempt, trigger, watched []string) {
	now := s.opts.Now()
	var findings diag.Findings
	if s.opts.Check != nil {
		findings = s.opts.Check(a.res, a.err, t.ns)
	} else {
		findings = append(diag.Collect(a.err), a.res.Warnings...)
	}
	findings = inNamespace(findings, t.ns)
	var writeErr error
	r := Render{
		Namespace: t.ns,
		Time:      now,
		OK:        a.err == nil,
		Path:      t.out,
		Watched:   watched,
		Trigger:   trigger,
	}
	for _, f := range a.res.Files {
		r.Files = append(r.Files, fspath.Abs(s.cwd, f))
	}
	text := a.res.Output
	if r.OK && s.opts.Encode != nil {
		var err error
		if text, err = s.opts.Encode(a.res); err != nil {
			r.OK = false
			findings = appendNew(findings, inNamespace(diag.Collect(err), t.ns))
		}
	}
	if r.OK {
		r.Output = text
		if !t.goodAt.IsZero() {
			r.Changes = summarize(t.goodYAML, a.res.Output)
		}
		t.good, t.goodYAML, t.goodAt = text, a.res.Output, now
		r.Written, writeErr = writeOutput(t.out, r.Output)
		if writeErr != nil {
			findings = append(findings, &diag.Finding{
				Severity: diag.Error, Rule: RuleWrite, Namespace: t.ns,
				Message: fmt.Sprintf("writing %s: %v", s.display(t.out), writeErr),
			})
		}
	}
	r.Findings = findings
	t.last = r

	switch {
	case t.out != "":
		// The namespace, the path and object names may hold anything.
		s.writeStdout([]byte(textsafe.Escape(s.statusLine(t, r, writeErr)) + "\n"))
		s.printFindings(findings)
	case s.opts.Screen:
		// drawScreen shows it with the other namespaces.
	default:
		var b bytes.Buffer
		fmt.Fprintf(&b, "%s%s %s %s\n", streamMarker, now.Format(time.RFC3339), textsafe.Escape(t.ns), outcome(r))
		if r.OK {
			b.Write(r.Output)
			if len(r.Output) > 0 && r.Output[len(r.Output)-1] != '\n' {
				b.WriteByte('\n')
			}
		}
		s.writeStdout(b.Bytes())
		s.printFindings(findings)
	}
}

// writeStdout writes p to Stdout and keeps the first error, which ends the
// watch (see Run) when renders go to Stdout: renders that reach no one are
// not worth making. With Output, only status lines are lost, and the files
// are still written.
func (s *session) writeStdout(p []byte) {
	if _, err := s.opts.Stdout.Write(p); err != nil && s.stdoutErr == nil && s.opts.Output == "" {
		s.stdoutErr = err
	}
}

// writeOutput replaces the output file path with out, unless it holds
// exactly that already: a file watched by something else (kubectl, an IDE)
// is not touched by a save that changed nothing in the render, and a file
// deleted behind our back is written again. It reports whether it wrote.
func writeOutput(path string, out []byte) (bool, error) {
	if path == "" {
		return false, nil
	}
	if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, out) {
		return false, nil
	}
	if err := safefile.Write(path, out); err != nil {
		return false, err
	}
	return true, nil
}

// appendNew appends the findings of more that fs does not already hold
// (the lint checks and Encode may both see a YAML syntax error).
func appendNew(fs, more diag.Findings) diag.Findings {
	for _, m := range more {
		if !slices.ContainsFunc(fs, func(f *diag.Finding) bool {
			return f.Rule == m.Rule && f.Pos == m.Pos && f.Message == m.Message
		}) {
			fs = append(fs, m)
		}
	}
	return fs
}

// inNamespace fills in the namespace of findings that lack one, on copies:
// the engine's findings do not know which namespace they were rendered for.
func inNamespace(fs diag.Findings, ns string) diag.Findings {
	out := make(diag.Findings, len(fs))
	for i, f := range fs {
		if f.Namespace == "" {
			c := *f
			c.Namespace = ns
			f = &c
		}
		out[i] = f
	}
	return out
}

// outcome is "ok", "ok, 2 warnings" or "failed, 1 error".
func outcome(r Render) string {
	word := "ok"
	if !r.OK {
		word = "failed"
	}
	var counts []string
	if n := r.Findings.Count(diag.Error); n > 0 {
		counts = append(counts, report.Plural(n, "error"))
	}
	if n := r.Findings.Count(diag.Warning); n > 0 {
		counts = append(counts, report.Plural(n, "warning"))
	}
	if len(counts) == 0 {
		return word
	}
	return word + ", " + strings.Join(counts, ", ")
}

// statusLine is the one line printed per render with an output file.
func (s *session) statusLine(t *target, r Render, writeErr error) string {
	head := fmt.Sprintf("%s %s %s", r.Time.Format(time.TimeOnly), t.ns, outcome(r))
	out := s.display(t.out)
	switch {
	case writeErr != nil:
		return fmt.Sprintf("%s: could not write %s", head, out)
	case !r.OK && t.goodAt.IsZero():
		return fmt.Sprintf("%s: %s not written", head, out)
	case !r.OK:
		return fmt.Sprintf("%s: %s keeps the render from %s", head, out, t.goodAt.Format(time.TimeOnly))
	case r.Written && r.Changes == nil:
		return fmt.Sprintf("%s: wrote %s", head, out)
	case r.Written:
		return fmt.Sprintf("%s: wrote %s: %s", head, out, formatChanges(r.Changes))
	default:
		return fmt.Sprintf("%s: %s unchanged", head, out)
	}
}

// drawScreen redraws the terminal: for each namespace a header, what
// changed, and its latest good render. The headers are repeated at the
// bottom, where a render longer than the terminal leaves them in view.
// Findings follow on Stderr, so that they stay below the screen instead of
// being cleared with it.
func (s *session) drawScreen() {
	var b bytes.Buffer
	var footer []string
	b.WriteString(clearScreen)
	for _, t := range s.targets {
		if t.last.Time.IsZero() {
			continue
		}
		status := s.screenStatus(t)
		footer = append(footer, status...)
		if b.Len() > len(clearScreen) {
			b.WriteByte('\n')
		}
		for _, line := range status {
			b.WriteString(line + "\n")
		}
		if t.goodAt.IsZero() {
			continue
		}
		b.WriteString(screenRule)
		b.Write(t.good)
		if len(t.good) > 0 && t.good[len(t.good)-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	b.WriteString(screenRule)
	for _, line := range footer {
		b.WriteString(line + "\n")
	}
	s.writeStdout(b.Bytes())
}

// screenRule separates headers from renders on the screen.
const screenRule = "# ────────────────────────────────────────────────────────────\n"

// screenStatus is a namespace's header on the screen: time, outcome and
// what the watch covers, then what changed or why the render shown is old.
func (s *session) screenStatus(t *target) []string {
	r := t.last
	lines := []string{fmt.Sprintf("# eastern watch · %s · %s · %s · %s read, %s watched",
		r.Time.Format(time.TimeOnly), t.ns, outcome(r), report.Plural(len(r.Files), "file"), report.Plural(len(r.Watched), "directory"))}
	switch {
	case !r.OK && t.goodAt.IsZero():
		lines = append(lines, "# no good render yet: fix the errors below")
	case !r.OK:
		lines = append(lines, "# errors below; showing the good render from "+t.goodAt.Format(time.TimeOnly))
	case r.Changes != nil || len(r.Trigger) > 0:
		lines = append(lines, "# changed: "+formatChanges(r.Changes))
	}
	for i, line := range lines {
		lines[i] = textsafe.Escape(line)
	}
	return lines
}

// printFindings writes findings to Stderr the way `eastern lint` does.
func (s *session) printFindings(fs diag.Findings) {
	report.WriteText(s.opts.Stderr, fs, s.opts.Color)
}

// display shortens an absolute path to one relative to the working
// directory when it lies below it.
func (w *Watcher) display(p string) string { return fspath.Display(w.cwd, p) }
