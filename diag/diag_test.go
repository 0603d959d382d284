package diag

import (
	"errors"
	"fmt"
	"testing"
)

func TestSeverityRoundTrip(t *testing.T) {
	for _, s := range []Severity{Info, Warning, Error} {
		got, err := ParseSeverity(s.String())
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%q) = %v, %v; want %v", s.String(), got, err, s)
		}
	}
	names := map[Severity]string{Info: "info", Warning: "warning", Error: "error"}
	for s, want := range names {
		if s.String() != want {
			t.Errorf("Severity(%d).String() = %q, want %q", s, s.String(), want)
		}
	}
}

func TestParseSeverityRejectsUnknown(t *testing.T) {
	for _, in := range []string{"", "Error", "warn", "fatal"} {
		if _, err := ParseSeverity(in); err == nil {
			t.Errorf("ParseSeverity(%q) succeeded, want an error", in)
		}
	}
}

func TestPositionString(t *testing.T) {
	tests := []struct {
		pos  Position
		want string
	}{
		{Position{File: "app.yaml"}, "app.yaml"},
		{Position{File: "app.yaml", Line: 3}, "app.yaml:3"},
		{Position{File: "app.yaml", Line: 3, Col: 9}, "app.yaml:3:9"},
		// A column without a line means nothing: the whole file is meant.
		{Position{File: "app.yaml", Col: 9}, "app.yaml"},
	}
	for _, tt := range tests {
		if got := tt.pos.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.pos, got, tt.want)
		}
	}
}

func TestFindingError(t *testing.T) {
	tests := []struct {
		name string
		f    Finding
		want string
	}{
		{"message only", Finding{Message: "boom"}, "boom"},
		{"position", Finding{Message: "boom", Pos: Position{File: "a.yaml", Line: 2, Col: 5}}, "a.yaml:2:5: boom"},
		{"field", Finding{Message: "want a string", Field: "spec.replicas", Pos: Position{File: "a.yaml", Line: 2}},
			"a.yaml:2: spec.replicas: want a string"},
		{"chain", Finding{
			Message: "variable X is not set",
			Pos:     Position{File: "p/db.yaml", Line: 3, Col: 9},
			Chain:   []Position{{File: "app.yaml", Line: 2}, {File: "p/base.yaml", Line: 7}},
		}, "p/db.yaml:3:9: variable X is not set (via app.yaml:2 → p/base.yaml:7 → p/db.yaml:3)"},
		// Hostile bytes from file names, -s values and messages are escaped:
		// the form stays one line and never drives a terminal.
		{"escape in message", Finding{Message: "none of a\x1b[2Jb.yaml\x1b[31m exist\a"}, `none of a\x1b[2Jb.yaml\x1b[31m exist\a`},
		{"forged line", Finding{Message: "m\nx.yaml:1:1: error: forged", Pos: Position{File: "a.yaml", Line: 1}},
			`a.yaml:1: m\nx.yaml:1:1: error: forged`},
		{"hostile file, field and chain", Finding{
			Message: "m", Field: "spec.\x1b]0;title\a",
			Pos:   Position{File: "p\n.yaml", Line: 3},
			Chain: []Position{{File: "app\r.yaml", Line: 2}},
		}, `p\n.yaml:3: spec.\x1b]0;title\a: m (via app\r.yaml:2 → p\n.yaml:3)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.Error(); got != tt.want {
				t.Errorf("Error() = %q\nwant      %q", got, tt.want)
			}
		})
	}
}

func TestFindingVia(t *testing.T) {
	tests := []struct {
		name string
		f    Finding
		want string
	}{
		{"root template", Finding{Pos: Position{File: "app.yaml", Line: 4, Col: 2}}, ""},
		{"one load, column left out", Finding{Pos: Position{File: "p.yaml", Line: 3, Col: 9}, Chain: []Position{{File: "app.yaml", Line: 2}}},
			"app.yaml:2 → p.yaml:3"},
		{"whole file", Finding{Pos: Position{File: "p.yaml"}, Chain: []Position{{File: "app.yaml", Line: 2}, {File: "q.yaml", Line: 5}}},
			"app.yaml:2 → q.yaml:5 → p.yaml"},
	}
	for _, tt := range tests {
		if got := tt.f.Via(); got != tt.want {
			t.Errorf("%s: Via() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestFormatChain(t *testing.T) {
	tests := []struct {
		chain []Position
		want  string
	}{
		{nil, ""},
		{[]Position{{File: "a.yaml", Line: 1}}, "a.yaml:1"},
		{[]Position{{File: "a.yaml", Line: 1}, {File: "b.yaml", Line: 2, Col: 3}}, "a.yaml:1 → b.yaml:2:3"},
	}
	for _, tt := range tests {
		if got := FormatChain(tt.chain); got != tt.want {
			t.Errorf("FormatChain(%v) = %q, want %q", tt.chain, got, tt.want)
		}
	}
}

func TestFindingsAreAnError(t *testing.T) {
	a := &Finding{Severity: Error, Rule: "render.load-missing", Message: "a", Pos: Position{File: "x.yaml", Line: 1}}
	b := &Finding{Severity: Warning, Rule: "render.unset-variable", Message: "b", Pos: Position{File: "y.yaml", Line: 2}}
	var err error = Findings{a, b}
	if got, want := err.Error(), "x.yaml:1: a\ny.yaml:2: b"; got != want {
		t.Errorf("Findings.Error() = %q, want %q", got, want)
	}
	// Each finding stays on its own line, even one with a newline inside.
	forged := &Finding{Severity: Error, Message: "c\nx.yaml:9:9: error: forged"}
	if got, want := (Findings{a, forged}).Error(), `x.yaml:1: a`+"\n"+`c\nx.yaml:9:9: error: forged`; got != want {
		t.Errorf("Findings{a, forged}.Error() = %q, want %q", got, want)
	}
	got := Collect(fmt.Errorf("rendering: %w", err))
	if len(got) != 2 || got[0] != a || got[1] != b {
		t.Fatalf("Collect(wrapped Findings) = %v, want the same two findings in order", got)
	}
}

// TestZeroSeverityIsInvalid: a finding made without a severity shows as
// such, rather than passing for a note.
func TestZeroSeverityIsInvalid(t *testing.T) {
	var s Severity
	if s.String() != "invalid" || s == Info {
		t.Errorf("zero Severity = %q, want invalid", s)
	}
	if _, err := ParseSeverity("invalid"); err == nil {
		t.Error(`ParseSeverity("invalid") succeeded`)
	}
}

func TestCollect(t *testing.T) {
	f := &Finding{Severity: Error, Rule: "render.cycle", Message: "cycle"}
	g := &Finding{Severity: Warning, Rule: "render.unset-variable", Message: "unset"}
	both := Findings{f, g}
	tests := []struct {
		name      string
		err       error
		wantRules []string
		wantMsgs  []string
	}{
		{"nil", nil, nil, nil},
		{"single finding", f, []string{"render.cycle"}, []string{"cycle"}},
		{"wrapped finding", fmt.Errorf("rendering: %w", f), []string{"render.cycle"}, []string{"cycle"}},
		{"findings", both, []string{"render.cycle", "render.unset-variable"}, []string{"cycle", "unset"}},
		{"plain error", errors.New("disk on fire"), []string{"internal"}, []string{"disk on fire"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Collect(tt.err)
			if len(got) != len(tt.wantRules) {
				t.Fatalf("Collect returned %d findings (%v), want %d", len(got), got, len(tt.wantRules))
			}
			for i, f := range got {
				if f.Rule != tt.wantRules[i] || f.Message != tt.wantMsgs[i] {
					t.Errorf("finding %d = rule %q message %q, want rule %q message %q",
						i, f.Rule, f.Message, tt.wantRules[i], tt.wantMsgs[i])
				}
			}
		})
	}
	// An error that is not a finding still counts as a failure.
	if got := Collect(errors.New("x")); !got.HasErrors() {
		t.Errorf("Collect(plain error).HasErrors() = false, want true")
	}
}

func TestFindingsCount(t *testing.T) {
	fs := Findings{{Severity: Warning}, {Severity: Info}, {Severity: Warning}}
	if got := fs.Count(Warning); got != 2 {
		t.Errorf("Count(Warning) = %d, want 2", got)
	}
	if got := fs.Count(Error); got != 0 {
		t.Errorf("Count(Error) = %d, want 0", got)
	}
	if fs.HasErrors() {
		t.Errorf("HasErrors() = true for warnings and notes only")
	}
	fs = append(fs, &Finding{Severity: Error})
	if !fs.HasErrors() {
		t.Errorf("HasErrors() = false with an error finding")
	}
}

func TestPlainFieldKey(t *testing.T) {
	for k, want := range map[string]bool{"app": true, "app.kubernetes.io/name": false, "a-b_c9": true, "-x": false, "": false, "a b": false} {
		if got := PlainFieldKey(k); got != want {
			t.Errorf("PlainFieldKey(%q) = %v, want %v", k, got, want)
		}
	}
}

func TestComparePositions(t *testing.T) {
	a := &Finding{Pos: Position{File: "a.yaml", Line: 2}, Severity: Warning, Rule: "r"}
	b := &Finding{Pos: Position{File: "a.yaml", Line: 2}, Severity: Error, Rule: "s"}
	c := &Finding{Pos: Position{File: "a.yaml", Line: 10}, Severity: Error}
	if ComparePositions(b, a) >= 0 || ComparePositions(a, c) >= 0 || ComparePositions(a, a) != 0 {
		t.Errorf("want the more severe first at one position, and line 2 before line 10")
	}
}
