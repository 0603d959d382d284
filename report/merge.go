package report

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
)

// MergeError is a conflict between reports that Merge was given, or
// within one of them.
type MergeError struct {
	// A and B index the reports in Merge's arguments, A ≤ B; A == B
	// when the conflict lies within one report.
	A, B int
	// Conflict says what is wrong: "both check web.yaml in production".
	Conflict string
}

func (e *MergeError) Error() string {
	if e.A == e.B {
		return fmt.Sprintf("report %d: %s", e.A+1, e.Conflict)
	}
	return fmt.Sprintf("reports %d and %d: %s", e.A+1, e.B+1, e.Conflict)
}

// Merge joins reports of disjoint template × namespace checks — the shards
// of an eastern lint --shard run, read with ReadJSON — into the report that
// one run over all of them gives: its checks by root template, each
// template's namespaces in the order its report had them; the run's notes
// first, those that several reports repeat once; then every check's
// findings in check order; the summary counted again. The selection
// forgets the shards when all N of N are there: then the result is the
// unsharded run's. Reports must agree on FailOn.
//
// Notes come report by report, in the order of the reports' first
// templates, each report's in its own order. eastern lint gives every
// shard the whole run's notes (skipped files, the warnings of every config
// the run uses), so they come once and as in the unsharded run.
func Merge(reports ...*Report) (*Report, error) {
	if len(reports) == 0 {
		return nil, errors.New("no reports to merge")
	}
	out := &Report{FailOn: reports[0].FailOn}
	for i, r := range reports[1:] {
		if r.FailOn != out.FailOn {
			return nil, &MergeError{A: 0, B: i + 1, Conflict: fmt.Sprintf("they fail on %s and on %s", out.FailOn, r.FailOn)}
		}
	}

	type placed struct {
		check diag.Check
		from  int // index of the report
	}
	var checks []placed
	owner := map[checkKey]int{}
	for i, r := range reports {
		for _, c := range r.Checks {
			k := checkKey{c.Template, c.Namespace}
			if j, dup := owner[k]; dup {
				what := "checks " + c.Template + " in " + c.Namespace + " twice"
				if j != i {
					what = "both check " + c.Template + " in " + c.Namespace
				}
				return nil, &MergeError{A: j, B: i, Conflict: what}
			}
			owner[k] = i
			checks = append(checks, placed{c, i})
		}
	}
	// Lint orders checks by root template; the stable sort keeps each
	// template's namespaces as its report had them.
	slices.SortStableFunc(checks, func(a, b placed) int { return strings.Compare(a.check.Template, b.check.Template) })

	order := reportOrder(len(reports), func(yield func(int) bool) {
		for _, c := range checks {
			if !yield(c.from) {
				return
			}
		}
	})
	out.Findings = mergeNotes(reports, order, func(i int, f *diag.Finding) bool {
		j, ok := owner[checkKey{f.Template, f.Namespace}]
		return !ok || j != i
	})
	namespaces := map[string]bool{}
	for _, p := range checks {
		c := p.check
		out.Checks = append(out.Checks, c)
		for _, f := range c.Findings {
			// A finding of several namespaces comes once, with its
			// first check, as lint lists it.
			if f.Namespace == c.Namespace {
				out.Findings = append(out.Findings, f)
			}
		}
		out.Summary.Objects += len(c.Objects)
		out.Summary.ByCRD += c.ByCRD
		out.Summary.Skipped += c.Skipped
		out.Summary.Suppressed += c.Suppressed
		if n := len(out.Checks); n == 1 || out.Checks[n-2].Template != c.Template {
			out.Summary.Templates++
		}
		namespaces[c.Namespace] = true
	}
	out.Summary.Namespaces = len(namespaces)
	out.Summary.CountFindings(out.Findings)
	out.Summary.Of, out.Summary.Selection = mergeSelection(reports, order, out.Summary.Templates)
	return out, nil
}

// reportOrder orders the reports by where their first check lands in the
// merged checks (from yields each merged check's report), then those
// without checks, in argument order: the merged report then does not
// depend on the order the reports were given in.
func reportOrder(n int, from func(yield func(int) bool)) []int {
	first := make([]int, n)
	for i := range first {
		first[i] = -1
	}
	pos := 0
	for i := range from {
		if first[i] < 0 {
			first[i] = pos
		}
		pos++
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		fa, fb := first[a], first[b]
		switch {
		case fa < 0 && fb < 0:
			return 0
		case fa < 0:
			return 1
		case fb < 0:
			return -1
		}
		return cmp.Compare(fa, fb)
	})
	return order
}

// mergeNotes returns the notes of the reports, taken in order: a note that
// several reports have is there as often as the report with the most
// copies has it, since each shard of a run repeats the run's notes.
func mergeNotes(reports []*Report, order []int, isNote func(report int, f *diag.Finding) bool) diag.Findings {
	var notes diag.Findings
	have := map[string]int{} // how many of a note notes holds
	for _, i := range order {
		mine := map[string]int{}
		for _, f := range reports[i].Findings {
			if !isNote(i, f) {
				continue
			}
			k := fmt.Sprintf("%#v", *f) // every field, the chain included
			mine[k]++
			if mine[k] > have[k] {
				have[k]++
				notes = append(notes, f)
			}
		}
	}
	return notes
}

// mergeSelection is the Of and Selection of the merged summary. Reports
// with the same Of, the same reason besides the shard and the same shard
// count are shards of one run: when all of its shards are there, the shard
// drops out of the reason. Of is the reports' when they agree, else the
// sum over the runs; with no reason left and every template found linted,
// the merged run is a whole one: Of 0.
func mergeSelection(reports []*Report, order []int, templates int) (int, string) {
	type run struct {
		of, count int
		other     string
	}
	var runs []run
	shards := map[run][]bool{} // by index, 1-based
	found := map[run]int{}     // templates that the run's paths found
	sameOf := true
	for _, i := range order {
		s := reports[i].Summary
		other, index, count := splitShard(s.Selection)
		k := run{s.Of, count, other}
		if _, ok := shards[k]; !ok {
			runs = append(runs, k)
			shards[k] = make([]bool, count+1)
		}
		switch {
		case count > 0:
			shards[k][index] = true
			found[k] = max(s.Of, found[k]) // the shards of a run share Of
		case s.Of > 0:
			found[k] += s.Of
		default:
			found[k] += s.Templates
		}
		sameOf = sameOf && s.Of == reports[0].Summary.Of
	}
	var reasons []string
	of := 0
	for _, k := range runs {
		reason := k.other
		if k.count > 0 && slices.Contains(shards[k][1:], false) {
			reason = joinReasons(k.other, shardsReason(shards[k]))
		}
		if reason != "" && !slices.Contains(reasons, reason) {
			reasons = append(reasons, reason)
		}
		of += found[k]
	}
	if sameOf {
		of = reports[0].Summary.Of
	}
	selection := strings.Join(reasons, "; ")
	if selection == "" && of == templates {
		of = 0
	}
	return of, selection
}

// MissingShards names the shards that the reports of a sharded run lack,
// "shard 3/4": the reports whose selection ends in a shard, with the same
// other reasons and the same count of templates found, are the shards of
// one run. A merge that lacks one covers part of the run, and must not
// pass for the whole of it.
func MissingShards(reports ...*Report) []string {
	type run struct {
		of, count int
		other     string
	}
	var runs []run
	have := map[run][]bool{}
	for _, r := range reports {
		other, index, count := splitShard(r.Summary.Selection)
		if count == 0 {
			continue
		}
		k := run{r.Summary.Of, count, other}
		if have[k] == nil {
			runs = append(runs, k)
			have[k] = make([]bool, count+1)
		}
		have[k][index] = true
	}
	var missing []string
	for _, k := range runs {
		for i := 1; i <= k.count; i++ {
			if !have[k][i] {
				missing = append(missing, fmt.Sprintf("shard %d/%d", i, k.count))
			}
		}
	}
	return missing
}

// maxShards is lint.MaxShards, which report does not import: a report
// claiming more shards is no shard of a lint run, and the merge does not
// count a billion of them.
const maxShards = 10000

// splitShard splits a Selection into its reasons besides the shard and
// the shard, which lint puts last: "a.yaml changed; shard 2/4" is
// "a.yaml changed", 2, 4. Without a shard, count is 0.
func splitShard(selection string) (other string, index, count int) {
	other, last := "", selection
	if i := strings.LastIndex(selection, "; "); i >= 0 {
		other, last = selection[:i], selection[i+len("; "):]
	}
	rest, ok := strings.CutPrefix(last, "shard ")
	is, ns, ok2 := strings.Cut(rest, "/")
	index, err1 := strconv.Atoi(is)
	count, err2 := strconv.Atoi(ns)
	if !ok || !ok2 || err1 != nil || err2 != nil || index < 1 || index > count || count > maxShards || strconv.Itoa(index) != is || strconv.Itoa(count) != ns {
		return selection, 0, 0
	}
	return other, index, count
}

// shardsReason says which shards of a run a merge has: "shard 2/4",
// "shards 1, 3 of 4".
func shardsReason(have []bool) string {
	var indexes []string
	for i, ok := range have {
		if ok {
			indexes = append(indexes, strconv.Itoa(i))
		}
	}
	count := len(have) - 1
	if len(indexes) == 1 {
		return fmt.Sprintf("shard %s/%d", indexes[0], count)
	}
	return fmt.Sprintf("shards %s of %d", strings.Join(indexes, ", "), count)
}

func joinReasons(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
