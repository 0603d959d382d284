package report

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
)

// wholeRun is a report as one eastern lint writes it: notes first, then
// four templates' checks by template, some over several namespaces, with
// findings of every severity, and a template without findings.
func wholeRun() *Report {
	skipped := &diag.Finding{Severity: diag.Info, Rule: "lint.skipped", Message: "skipped: a named pipe, not a regular file", Pos: diag.Position{File: "apps/fifo.yaml"}}
	newer := &diag.Finding{Severity: diag.Warning, Rule: "lint.release", Message: "Kubernetes 1.99 is newer than eastern knows", Pos: diag.Position{File: ".eastern.yaml", Line: 1, Col: 14}}
	at := func(sev diag.Severity, rule, tmpl, ns string, line int) *diag.Finding {
		return &diag.Finding{Severity: sev, Rule: rule, Message: rule + " at " + fmt.Sprint(line), Pos: diag.Position{File: tmpl, Line: line, Col: 1}, Template: tmpl, Namespace: ns, Release: "1.37"}
	}
	check := func(tmpl, ns string, objects []string, fs ...*diag.Finding) diag.Check {
		return diag.Check{Template: tmpl, Namespace: ns, Release: "1.37", Objects: objects, Findings: fs}
	}
	r := &Report{FailOn: diag.Error, Checks: []diag.Check{
		check("apps/api.yaml", "staging", []string{"Deployment/api"}, at(diag.Error, "schema.type", "apps/api.yaml", "staging", 4)),
		check("apps/api.yaml", "production", []string{"Deployment/api", "Service/api"}, at(diag.Warning, "render.unset-variable", "apps/api.yaml", "production", 2), at(diag.Error, "schema.required", "apps/api.yaml", "production", 9)),
		check("apps/api.yaml", "default", []string{"Deployment/api"}),
		check("cron.yaml", "default", []string{"CronJob/backup"}, at(diag.Info, "schema.unknown-kind", "cron.yaml", "default", 1)),
		check("ok.yaml", "default", []string{"ConfigMap/ok"}),
		check("web.yaml", "production", nil, at(diag.Error, "render.load-missing", "web.yaml", "production", 3)),
		check("web.yaml", "default", []string{"Deployment/web"}),
	}}
	r.Findings = diag.Findings{skipped, newer}
	for _, c := range r.Checks {
		r.Findings = append(r.Findings, c.Findings...)
	}
	summarize(r)
	return r
}

// summarize counts r's summary as lint does.
func summarize(r *Report) {
	s := &r.Summary
	*s = Summary{Of: s.Of, Selection: s.Selection}
	var namespaces []string
	for i, c := range r.Checks {
		if i == 0 || r.Checks[i-1].Template != c.Template {
			s.Templates++
		}
		if !slices.Contains(namespaces, c.Namespace) {
			namespaces = append(namespaces, c.Namespace)
		}
		s.Objects += len(c.Objects)
	}
	s.Namespaces = len(namespaces)
	s.CountFindings(r.Findings)
}

// shardsOf splits a whole run into n shards as lint --shard would report
// them: every shard has the run's notes; template i goes to shard
// assign(i). Each comes back through JSON, as merge reads it.
func shardsOf(t *testing.T, whole *Report, n int, assign func(template int) int) []*Report {
	t.Helper()
	var templates []string
	for _, c := range whole.Checks {
		if !slices.Contains(templates, c.Template) {
			templates = append(templates, c.Template)
		}
	}
	var notes diag.Findings
	for _, f := range whole.Findings {
		if f.Template == "" {
			notes = append(notes, f)
		}
	}
	shards := make([]*Report, n)
	for i := range shards {
		r := &Report{FailOn: whole.FailOn, Findings: slices.Clone(notes)}
		r.Summary.Of, r.Summary.Selection = len(templates), joinReasons(whole.Summary.Selection, fmt.Sprintf("shard %d/%d", i+1, n))
		if whole.Summary.Of > 0 {
			r.Summary.Of = whole.Summary.Of
		}
		for _, c := range whole.Checks {
			if assign(slices.Index(templates, c.Template))%n == i {
				r.Checks = append(r.Checks, c)
				r.Findings = append(r.Findings, c.Findings...)
			}
		}
		summarize(r)
		shards[i] = roundTrip(t, r)
	}
	return shards
}

func jsonOf(t *testing.T, r *Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := (JSON{}).Write(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestMergeShards: however the templates are spread over shards, and in
// whatever order the shards are given, the merge is the whole run.
func TestMergeShards(t *testing.T) {
	whole := wholeRun()
	want := jsonOf(t, whole)
	spreads := map[string]func(int) int{
		"round robin": func(i int) int { return i },
		"reversed":    func(i int) int { return 3 - i },
		"all in one":  func(int) int { return 0 },
		"pairs":       func(i int) int { return i / 2 },
	}
	for n := 1; n <= 6; n++ {
		for name, assign := range spreads {
			t.Run(fmt.Sprintf("%d/%s", n, name), func(t *testing.T) {
				shards := shardsOf(t, whole, n, assign)
				for _, order := range [][]*Report{shards, reversed(shards)} {
					merged, err := Merge(order...)
					if err != nil {
						t.Fatal(err)
					}
					if got := jsonOf(t, merged); got != want {
						t.Fatalf("merged:\n%s\nwant:\n%s", got, want)
					}
				}
			})
		}
	}
}

func reversed(rs []*Report) []*Report {
	out := slices.Clone(rs)
	slices.Reverse(out)
	return out
}

// TestMergeOne: merging a single report changes nothing, shard or not.
func TestMergeOne(t *testing.T) {
	for _, r := range append([]*Report{wholeRun()}, shardsOf(t, wholeRun(), 3, func(i int) int { return i })...) {
		merged, err := Merge(r)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := jsonOf(t, merged), jsonOf(t, r); got != want {
			t.Errorf("merged:\n%s\nwant:\n%s", got, want)
		}
	}
}

func TestMergeSelection(t *testing.T) {
	changed := wholeRun()
	changed.Summary.Of, changed.Summary.Selection = 9, "partials/probes.yaml changed"
	round := func(i int) int { return i }
	pick := func(rs []*Report, idx ...int) []*Report {
		var out []*Report
		for _, i := range idx {
			out = append(out, rs[i])
		}
		return out
	}
	tests := []struct {
		name      string
		reports   []*Report
		of        int
		selection string
	}{
		{"all shards", shardsOf(t, wholeRun(), 4, round), 0, ""},
		{"some shards", pick(shardsOf(t, wholeRun(), 4, round), 0, 2), 4, "shards 1, 3 of 4"},
		{"one shard", pick(shardsOf(t, wholeRun(), 4, round), 1), 4, "shard 2/4"},
		{"changed, all shards", shardsOf(t, changed, 3, round), 9, "partials/probes.yaml changed"},
		{"changed, one shard", pick(shardsOf(t, changed, 3, round), 2), 9, "partials/probes.yaml changed; shard 3/3"},
		{"two runs of shards", append(pick(shardsOf(t, wholeRun(), 2, func(i int) int { return i / 2 }), 0), shardsOf(t, other(), 3, round)...), 5, "shard 1/2"},
		{"two whole runs", []*Report{wholeRun(), other()}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			merged, err := Merge(tt.reports...)
			if err != nil {
				t.Fatal(err)
			}
			if s := merged.Summary; s.Of != tt.of || s.Selection != tt.selection {
				t.Errorf("of, selection = %d, %q; want %d, %q", s.Of, s.Selection, tt.of, tt.selection)
			}
		})
	}
}

// other is a run over a template that wholeRun does not have.
func other() *Report {
	f := &diag.Finding{Severity: diag.Error, Rule: "schema.type", Message: "m", Pos: diag.Position{File: "other/x.yaml", Line: 1}, Template: "other/x.yaml", Namespace: "default"}
	r := &Report{FailOn: diag.Error, Findings: diag.Findings{f}, Checks: []diag.Check{{Template: "other/x.yaml", Namespace: "default", Findings: diag.Findings{f}}}}
	summarize(r)
	return r
}

// TestMergeNotes: a note that every shard repeats comes once; one that a
// run has twice stays twice; the notes come before every check's findings.
func TestMergeNotes(t *testing.T) {
	whole := wholeRun()
	dup := &diag.Finding{Severity: diag.Info, Rule: "lint.skipped", Message: "twice", Pos: diag.Position{File: "x"}}
	whole.Findings = append(diag.Findings{dup, dup}, whole.Findings...)
	summarize(whole)
	merged, err := Merge(shardsOf(t, whole, 3, func(i int) int { return i })...)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := jsonOf(t, merged), jsonOf(t, whole); got != want {
		t.Errorf("merged:\n%s\nwant:\n%s", got, want)
	}
}

func TestMergeErrors(t *testing.T) {
	warning := wholeRun()
	warning.FailOn = diag.Warning
	shards := shardsOf(t, wholeRun(), 2, func(i int) int { return i })
	tests := []struct {
		name    string
		reports []*Report
		want    string
		a, b    int
	}{
		{"twice the same shard", []*Report{shards[0], shards[1], shards[0]}, "reports 1 and 3: both check apps/api.yaml in staging", 0, 2},
		{"overlapping runs", []*Report{other(), wholeRun(), shards[1]}, "reports 2 and 3: both check cron.yaml in default", 1, 2},
		{"fail-on differs", []*Report{wholeRun(), warning}, "reports 1 and 2: they fail on error and on warning", 0, 1},
		{"within one report", []*Report{{FailOn: diag.Error, Checks: []diag.Check{{Template: "a", Namespace: "x"}, {Template: "a", Namespace: "x"}}}}, "report 1: checks a in x twice", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Merge(tt.reports...)
			me, ok := errors.AsType[*MergeError](err)
			if !ok || err.Error() != tt.want || me.A != tt.a || me.B != tt.b {
				t.Errorf("Merge error = %v (%+v), want %q", err, me, tt.want)
			}
		})
	}
	if _, err := Merge(); err == nil || !strings.Contains(err.Error(), "no reports") {
		t.Errorf("Merge() error = %v", err)
	}
}

func TestSplitShard(t *testing.T) {
	tests := []struct {
		in           string
		other        string
		index, count int
	}{
		{"shard 2/4", "", 2, 4},
		{"a.yaml changed; shard 1/1", "a.yaml changed", 1, 1},
		{"a; b.yaml changed; shard 3/12", "a; b.yaml changed", 3, 12},
		{"", "", 0, 0},
		{"a.yaml changed", "a.yaml changed", 0, 0},
		{"shard 5/4", "shard 5/4", 0, 0},
		{"shard 0/4", "shard 0/4", 0, 0},
		{"shard +1/4", "shard +1/4", 0, 0},
		{"shard 1/4 changed", "shard 1/4 changed", 0, 0},
	}
	for _, tt := range tests {
		other, index, count := splitShard(tt.in)
		if other != tt.other || index != tt.index || count != tt.count {
			t.Errorf("splitShard(%q) = %q, %d, %d; want %q, %d, %d", tt.in, other, index, count, tt.other, tt.index, tt.count)
		}
	}
}
