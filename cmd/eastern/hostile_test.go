package main

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// rawControls returns the control characters in s other than the newlines
// that end its lines: ESC, BEL, CR, C1 and the rest must never reach a
// terminal raw from a file name, a -s value or a message.
func rawControls(s string) []rune {
	var found []rune
	for _, r := range s {
		if r != '\n' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0)) {
			found = append(found, r)
		}
	}
	return found
}

// TestHostileBytesEscaped runs the real binary with terminal escapes and a
// newline in -s values, file names and flags: every message is one line
// with the bytes escaped, never a forged line or a raw escape sequence.
func TestHostileBytesEscaped(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{
		"app.yaml":   "kind: ConfigMap\ndata:\n  # load! ${X}.yaml\n",
		"ok.yaml":    "a: 1\n",
		"no":         "a file, not a directory\n",
		"d\x1b[2J/x": "a directory whose name holds ESC\n",
	})
	tests := []struct {
		name  string
		args  []string
		code  int
		lines int    // on stderr
		want  string // in stderr, escaped
	}{
		{"ESC in a -s value", []string{"render", "app.yaml", "-s", "X=a\x1b[2Jb"}, exitFailed, 1,
			`none of the candidates exist: a\x1b[2Jb.yaml`},
		{"forged line in a -s value", []string{"render", "app.yaml", "-s", "X=a\nx.yaml:1:1: error: forged"}, exitFailed, 1,
			`a\nx.yaml:1:1: error: forged.yaml`},
		{"bell and OSC in a -s value", []string{"render", "app.yaml", "-s", "X=\x1b]0;pwned\a"}, exitFailed, 1,
			`\x1b]0;pwned\a.yaml`},
		{"ESC in the -o path", []string{"render", "ok.yaml", "--output-file", "no/\x1b[2J\n.yaml"}, exitFailed, 1,
			`eastern render: writing no/\x1b[2J\n.yaml: `},
		{"ESC in a missing template's name", []string{"render", "\x1b[31mgone\r.yaml"}, exitFailed, 1,
			`\x1b[31mgone\r.yaml`},
		{"ESC in an unknown flag", []string{"render", "--\x1b[2Jx"}, exitUsage, 2,
			`eastern render: unknown flag: --\x1b[2Jx`},
		{"ESC in lint's --config", []string{"lint", "ok.yaml", "--config", "d\x1b[2J"}, exitUsage, 2,
			`eastern lint: --config: d\x1b[2J is a directory, not a regular file`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runEastern(t, dir, "", tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			if c := rawControls(stderr); len(c) > 0 {
				t.Errorf("stderr holds raw control characters %q: %q", c, stderr)
			}
			if c := rawControls(stdout); len(c) > 0 {
				t.Errorf("stdout holds raw control characters %q: %q", c, stdout)
			}
			if strings.Count(stderr, "\n") != tt.lines {
				t.Errorf("stderr has %d lines, want %d: %q", strings.Count(stderr, "\n"), tt.lines, stderr)
			}
			if !strings.Contains(stderr+stdout, tt.want) {
				t.Errorf("output lacks %q:\nstderr %q\nstdout %q", tt.want, stderr, stdout)
			}
			if strings.Contains(stderr+stdout, "\nx.yaml:1:1: error: forged") {
				t.Errorf("a value forged a finding line:\n%s", stderr)
			}
		})
	}
}

// TestLintHostileFormats: lint's text and GitHub reports give one line per
// finding with nothing raw in them, whatever the values hold.
func TestLintHostileFormats(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{"app.yaml": "kind: ConfigMap\ndata:\n  # load! ${X}.yaml\n"})
	for _, format := range []string{"text", "github"} {
		stdout, stderr, code := runEastern(t, dir, "", "lint", "app.yaml", "-o", format, "-s", "X=a\x1b[2J\nx.yaml:1:1: error: forged\a")
		if code != exitFailed {
			t.Errorf("%s: exit %d, want %d; stderr %q", format, code, exitFailed, stderr)
		}
		if c := rawControls(stdout); len(c) > 0 {
			t.Errorf("%s: stdout holds raw control characters %q: %q", format, c, stdout)
		}
		// One finding (the load) and the summary line.
		if n := strings.Count(stdout, "\n"); n != 2 {
			t.Errorf("%s: %d lines, want the finding and the summary:\n%s", format, n, stdout)
		}
	}
}

// TestWatchHostileBytesEscaped: watch's status lines on standard output and
// its findings on standard error escape what the -o path and values hold.
func TestWatchHostileBytesEscaped(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{"app.yaml": "a: 1\n# load! ${X}.yaml\n"})
	cmd, stdout, stderr := startEastern(t, dir, "watch", "app.yaml", "--no-lint", "-s", "X=a\x1b[2J\nb", "--output-file", "out\x1b]0;t\a.yaml")
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(stdout).ReadString('\n')
		line <- s
	}()
	var status string
	select {
	case status = <-line:
	case <-time.After(watchWait):
		t.Fatalf("no status line within %v", watchWait)
	}
	waitForText(t, stderr, "[render.load-missing]")
	cmd.Process.Signal(syscall.SIGINT)
	cmd.Wait()
	if want := `default failed, 1 error: out\x1b]0;t\a.yaml not written` + "\n"; !strings.HasSuffix(status, want) {
		t.Errorf("status line %q, want it to end with %q", status, want)
	}
	if c := rawControls(status + stderr.String()); len(c) > 0 {
		t.Errorf("raw control characters %q in status %q or stderr %q", c, status, stderr.String())
	}
	if n := strings.Count(stderr.String(), "\n"); n != 1 {
		t.Errorf("stderr has %d lines, want the one finding: %q", n, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "out\x1b]0;t\a.yaml")); !os.IsNotExist(err) {
		t.Errorf("a failed render wrote the output (%v)", err)
	}
}
