package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/eastern-k8s/eastern/diag"
)

// hostile are strings that a template tree or a -s value can smuggle into a
// finding: terminal escape sequences, a bell, and a newline that would forge
// a finding of its own.
var hostile = []string{
	"\x1b[31m",
	"\a",
	"\nx.yaml:1:1: error: forged",
	"\x1b]0;title\a\r\x00\x7f\u0085\u009b\u202e\xff",
}

// hostileFindings returns findings that carry s in each field that comes
// from outside eastern, one field at a time and all at once.
func hostileFindings(s string) map[string]*diag.Finding {
	base := func() *diag.Finding {
		return &diag.Finding{Severity: diag.Error, Rule: "render.load-missing", Message: "m",
			Pos: diag.Position{File: "app.yaml", Line: 3, Col: 9}}
	}
	fs := map[string]*diag.Finding{}
	for name, set := range map[string]func(*diag.Finding){
		"message":   func(f *diag.Finding) { f.Message = "bad " + s + " value" },
		"field":     func(f *diag.Finding) { f.Field = "spec." + s },
		"object":    func(f *diag.Finding) { f.Object = "Deployment/" + s },
		"file":      func(f *diag.Finding) { f.Pos.File = "p" + s + ".yaml" },
		"rule":      func(f *diag.Finding) { f.Rule = "r" + s },
		"namespace": func(f *diag.Finding) { f.Namespace = "ns" + s },
		"release":   func(f *diag.Finding) { f.Release = "1.29" + s },
		"chain":     func(f *diag.Finding) { f.Chain = []diag.Position{{File: "root" + s + ".yaml", Line: 2}} },
		"everything": func(f *diag.Finding) {
			f.Message, f.Field, f.Object, f.Pos.File, f.Rule, f.Namespace, f.Release = s, s, s, s, s, s, s
			f.Chain = []diag.Position{{File: s, Line: 1}}
		},
	} {
		f := base()
		set(f)
		fs[name] = f
	}
	return fs
}

// controls returns the control characters in s, other than the newline
// that ends each line.
func controls(s string) []rune {
	var found []rune
	for _, r := range strings.TrimSuffix(s, "\n") {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' || r == utf8.RuneError {
			found = append(found, r)
		}
	}
	return found
}

// TestHostileTextAndGitHub: whatever a finding holds, text and GitHub output
// give exactly one line for it, with no control character in it; in colour,
// the only escape sequences are the two that colour the severity.
func TestHostileTextAndGitHub(t *testing.T) {
	for _, s := range hostile {
		for name, f := range hostileFindings(s) {
			t.Run(name+"/"+strings.ToValidUTF8(s, "?"), func(t *testing.T) {
				lines := map[string]string{
					"text":   textLine(f, false),
					"github": githubLine(f),
				}
				var b strings.Builder
				if err := WriteText(&b, diag.Findings{f}, false); err != nil {
					t.Fatal(err)
				}
				lines["WriteText"] = b.String()
				for format, line := range lines {
					if n := strings.Count(strings.TrimSuffix(line, "\n"), "\n"); n != 0 {
						t.Errorf("%s: %d line breaks in %q, want one line", format, n, line)
					}
					if c := controls(line); len(c) > 0 {
						t.Errorf("%s: control characters %q in %q", format, c, line)
					}
				}
				colored := textLine(f, true)
				if got := strings.Count(colored, "\x1b"); got != 2 {
					t.Errorf("coloured line has %d ESC bytes, want the 2 of the colour: %q", got, colored)
				}
				plain := strings.Replace(strings.Replace(colored, "\x1b[1;31m", "", 1), "\x1b[0m", "", 1)
				if plain != textLine(f, false) {
					t.Errorf("coloured line without its colour = %q, want %q", plain, textLine(f, false))
				}
			})
		}
	}
}

// TestHostileMachineFormats: JSON and SARIF stay valid, JUnit and Checkstyle
// well-formed XML 1.0, whose character range excludes ESC and NUL even as
// &#x1b; references.
func TestHostileMachineFormats(t *testing.T) {
	for _, s := range append(hostile, "\x00", "\ufffe", "\xc3(") {
		var fs diag.Findings
		for _, f := range hostileFindings(s) {
			fs = append(fs, f)
		}
		r := &Report{Findings: fs, FailOn: diag.Warning, Checks: []diag.Check{
			{Template: "app" + s + ".yaml", Namespace: "ns" + s, Release: "1.29" + s, Objects: []string{"Deployment/" + s}, Findings: fs},
		}}
		var js bytes.Buffer
		if err := (JSON{}).Write(&js, r); err != nil {
			t.Fatal(err)
		}
		if !json.Valid(js.Bytes()) {
			t.Errorf("%q: JSON output is not valid:\n%s", s, js.String())
		}
		if c := controls(strings.ReplaceAll(js.String(), "\n", "")); len(c) > 0 {
			t.Errorf("%q: JSON output holds raw control characters %q", s, c)
		}
		// The escapes are JSON's own: the data decodes as it was.
		var decoded struct {
			Findings []struct{ Message, File string }
		}
		if err := json.Unmarshal(js.Bytes(), &decoded); err != nil {
			t.Fatal(err)
		}
		for i, f := range decoded.Findings {
			if want := strings.ToValidUTF8(fs[i].Message, "\ufffd"); f.Message != want {
				t.Errorf("%q: JSON message decodes as %q, want %q", s, f.Message, want)
			}
			if want := strings.ToValidUTF8(fs[i].Pos.File, "\ufffd"); f.File != want {
				t.Errorf("%q: JSON file decodes as %q, want %q", s, f.File, want)
			}
		}
		checkHostileSARIF(t, s, r)
		for name, w := range map[string]Writer{"JUnit": JUnit{}, "Checkstyle": Checkstyle{}} {
			var x bytes.Buffer
			if err := w.Write(&x, r); err != nil {
				t.Fatal(err)
			}
			for i, r := range x.String() {
				if !xmlChar(r) || (r == utf8.RuneError && !strings.HasPrefix(x.String()[i:], "\ufffd")) {
					t.Errorf("%q: %s output holds %U, which XML 1.0 forbids", s, name, r)
				}
			}
			for _, ref := range []string{"&#x0;", "&#x1B;", "&#x1b;", "&#x7;", "&#xFFFE;"} {
				if strings.Contains(x.String(), ref) {
					t.Errorf("%q: %s output holds %s, which XML 1.0 forbids", s, name, ref)
				}
			}
			dec := xml.NewDecoder(&x)
			for {
				if _, err := dec.Token(); err != nil {
					if err.Error() != "EOF" {
						t.Errorf("%q: %s output is not well-formed: %v", s, name, err)
					}
					break
				}
			}
		}
	}
}

// checkHostileSARIF: SARIF output is valid JSON without raw control
// characters; what viewers show (messages, rule ids) holds none even
// decoded, the properties decode as they were, and every URI is a URI.
func checkHostileSARIF(t *testing.T, s string, r *Report) {
	t.Helper()
	var out bytes.Buffer
	if err := (SARIF{}).Write(&out, r); err != nil {
		t.Fatal(err)
	}
	if !json.Valid(out.Bytes()) {
		t.Fatalf("%q: SARIF output is not valid JSON:\n%s", s, out.String())
	}
	if c := controls(strings.ReplaceAll(out.String(), "\n", "")); len(c) > 0 {
		t.Errorf("%q: SARIF output holds raw control characters %q", s, c)
	}
	var doc sarifDoc
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]
	for i, res := range run.Results {
		f := r.Findings[i]
		shown := []string{res.Message.Text, res.RuleID}
		for _, loc := range res.RelatedLocations {
			shown = append(shown, loc.Message.Text)
		}
		for _, text := range shown {
			if c := controls(text); len(c) > 0 {
				t.Errorf("%q: SARIF text %q decodes with control characters %q", s, text, c)
			}
		}
		if res.RuleIndex == nil || run.Tool.Driver.Rules[*res.RuleIndex].ID != res.RuleID {
			t.Errorf("%q: ruleIndex %v does not point at rule %q", s, res.RuleIndex, res.RuleID)
		}
		for k, v := range map[string]string{"root": f.Template, "namespace": f.Namespace, "release": f.Release, "object": f.Object, "field": f.Field} {
			if want := strings.ToValidUTF8(v, "\ufffd"); res.Properties[k] != want {
				t.Errorf("%q: SARIF property %s decodes as %q, want %q", s, k, res.Properties[k], want)
			}
		}
		for _, loc := range append(res.Locations, res.RelatedLocations...) {
			if uri := loc.PhysicalLocation.ArtifactLocation.URI; !strictURIReference.MatchString(uri) {
				t.Errorf("%q: SARIF uri %q is not a URI reference", s, uri)
			}
		}
	}
}

// xmlChar reports whether XML 1.0 allows r in a document (its Char production).
func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' ||
		(r >= 0x20 && r <= 0xd7ff) || (r >= 0xe000 && r <= 0xfffd) || (r >= 0x10000 && r <= 0x10ffff)
}
