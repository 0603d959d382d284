package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/eastern-k8s/eastern/internal/textsafe"
)

// Exit codes shared by every command.
const (
	exitOK     = 0
	exitFailed = 1 // render errors, lint findings at the fail level
	exitUsage  = 2 // bad flags or arguments, internal errors
)

// Set by the Makefile with -ldflags "-X main.version=… -X main.commit=…".
var (
	version = ""
	commit  = ""
)

// app carries the process's streams so that commands can be tested without
// a real terminal.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// stdinTerminal, stdoutTerminal and stderrTerminal say whether the
	// streams are terminals; tests set them without one.
	stdinTerminal  bool
	stdoutTerminal bool
	stderrTerminal bool
	getenv         func(string) string
	// workDir is where relative paths start; the process's working
	// directory when empty.
	workDir string
	// colorMode is --color: "auto" (or empty), "always" or "never".
	colorMode string
	// utf8 says the locale shows UTF-8; without, eastern's own text is
	// written with ASCII symbols (see text).
	utf8 bool
	// capture, when set, makes parseFlags hand the command's flag set to
	// captured instead of parsing: shell completion reads the flags so.
	capture  *pflag.FlagSet
	captured *pflag.FlagSet
}

func newApp(stdin *os.File, stdout, stderr *os.File) *app {
	var out io.Writer = stdout
	if closedAtStart(stdout) {
		out = closedStream{stdout}
	}
	a := &app{
		stdin:          stdin,
		stdout:         out,
		stderr:         stderr,
		stdinTerminal:  isTerminal(stdin),
		stdoutTerminal: isTerminal(stdout),
		stderrTerminal: isTerminal(stderr),
		getenv:         os.Getenv,
		utf8:           utf8Locale(os.Getenv),
	}
	// Standard error only ever carries eastern's messages for people.
	a.stderr = a.text(stderr)
	return a
}

// closedStream stands in for a standard output that was closed when the
// process started (see closedAtStart): every write fails as it would on the
// closed descriptor, instead of vanishing into /dev/null.
type closedStream struct {
	devNull *os.File // what the descriptor holds
}

func (closedStream) Write([]byte) (int, error) { return 0, syscall.EBADF }

// verdictByExitCode is for the commands whose verdict is their exit code —
// lint, diff, report merge — as a test's is: their standard output is
// written as it is even when it looks closed. A read-write /dev/null is
// also how Python's subprocess.DEVNULL and other launchers throw output
// away on purpose, and a script that only wants the verdict must get it,
// not "bad file descriptor".
func (a *app) verdictByExitCode() {
	if c, ok := a.stdout.(closedStream); ok {
		a.stdout = c.devNull
	}
}

// isTerminal reports whether f is a terminal. A character device is not
// enough: </dev/null is one, and must not count as an interactive stdin.
func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// color reports whether findings on stderr may be coloured.
func (a *app) color() bool { return a.colorOn(a.stderrTerminal) }

// stdoutColor reports whether findings on stdout (lint's, like kubeconform's)
// may be coloured.
func (a *app) stdoutColor() bool { return a.colorOn(a.stdoutTerminal) }

// colorOn is every command's colour rule for a stream: only on a terminal,
// never under NO_COLOR, and never on a terminal that says it is dumb. TERM
// names are case-sensitive terminfo entries, so only "dumb" is dumb.
//
// --color always and never override all of that: Jenkins' AnsiColor plugin
// shows colours although its log is no terminal.
func (a *app) colorOn(terminal bool) bool {
	switch a.colorMode {
	case "always":
		return true
	case "never":
		return false
	}
	return terminal && a.getenv("NO_COLOR") == "" && a.getenv("TERM") != "dumb"
}

// colorFlag is --color's value: auto, always or never.
type colorFlag struct{ mode *string }

func (f colorFlag) String() string {
	if *f.mode == "" {
		return "auto"
	}
	return *f.mode
}
func (f colorFlag) Type() string { return "WHEN" }

func (f colorFlag) Set(s string) error {
	switch s {
	case "auto", "always", "never":
		*f.mode = s
		return nil
	}
	return fmt.Errorf("want auto, always or never")
}

// command is one subcommand.
type command struct {
	name    string
	aliases []string
	summary string
	run     func(a *app, args []string) int
}

func commands() []command {
	return []command{
		{name: "render", aliases: []string{"generate"}, summary: "render a template for a namespace", run: (*app).render},
		{name: "lint", summary: "check templates against the Kubernetes schemas of each namespace", run: (*app).lint},
		{name: "report", summary: "join the JSON reports of lint shards into one (report merge)", run: (*app).report},
		{name: "watch", summary: "render again whenever the template or a file it loads changes", run: (*app).watch},
		{name: "deploy", summary: "apply a template to a cluster and wait for the rollout", run: (*app).deploy},
		{name: "job", summary: "run a template's Job once for an image tag, stream its log, delete it", run: (*app).job},
		{name: "diff", summary: "show what a change does to the rendered objects (--since, -n, --live)", run: (*app).diff},
		{name: "completion", summary: "print a bash, zsh or fish completion script", run: (*app).completion},
	}
}

// allCommands is commands, for shell completion.
func (a *app) allCommands() []command { return commands() }

const rootUsage = `eastern renders Kubernetes manifests from logicless templates.

Usage:
  eastern <command> [arguments] [flags]

Commands:
%s
Flags:
  -h, --help      show this help
      --version   print the version

Examples:
  eastern render web.yaml production -s IMAGE_TAG=1.4.2 | kubectl apply -f -
  eastern render - staging < web.yaml
  eastern lint web.yaml                 # every namespace, offline; no PATH: the whole tree
  eastern lint -o junit > lint.xml      # for Jenkins' junit step
  eastern watch web.yaml staging --output-file rendered/staging.yaml

Run 'eastern <command> --help' for a command's flags.
`

func (a *app) run(args []string) int {
	if len(args) == 0 {
		a.rootUsage(a.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			return a.run([]string{args[1], "--help"}) // eastern help render
		}
		a.rootUsage(a.stdout)
		return exitOK
	case "--version", "version":
		fmt.Fprintln(a.stdout, versionString())
		return exitOK
	case "__complete":
		return a.complete(args[1:])
	}
	for _, c := range commands() {
		if args[0] == c.name || slices.Contains(c.aliases, args[0]) {
			return c.run(a, args[1:])
		}
	}
	what := "command"
	if strings.HasPrefix(args[0], "-") {
		what = "flag"
	}
	fmt.Fprintf(a.stderr, "eastern: unknown %s %q\nRun 'eastern --help' for usage.\n", what, args[0])
	return exitUsage
}

func (a *app) rootUsage(w io.Writer) {
	var b strings.Builder
	for _, c := range commands() {
		name := c.name
		if len(c.aliases) > 0 {
			name += " (" + strings.Join(c.aliases, ", ") + ")"
		}
		fmt.Fprintf(&b, "  %-22s %s\n", name, c.summary)
	}
	fmt.Fprintf(w, rootUsage, b.String())
}

// versionString is "eastern VERSION (commit COMMIT, GOVERSION)". Without
// ldflags it falls back to what the Go toolchain recorded: the module
// version under go install, the VCS revision under go build.
// versionNumber is the version alone, "v0.1.0" or "dev", for user agents and reports.
func versionNumber() string {
	if f := strings.Fields(versionString()); len(f) > 1 {
		return f[1]
	}
	return "dev"
}

func versionString() string {
	info, _ := debug.ReadBuildInfo()
	return formatVersion(version, commit, info, runtime.Version())
}

// formatVersion puts versionString together; info may be nil. Under
// `go install …@<commit>` the toolchain records only a pseudo-version
// (v0.0.0-20260102150405-abcdef123456), whose last part is the commit.
func formatVersion(v, c string, info *debug.BuildInfo, goVersion string) string {
	if info != nil {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && c == "" {
				c = s.Value
			}
		}
		if c == "" {
			c = pseudoVersionCommit(info.Main.Version)
		}
	}
	if v == "" {
		v = "dev"
	}
	if c == "" {
		c = "unknown"
	}
	if len(c) > 12 {
		c = c[:12]
	}
	return fmt.Sprintf("eastern %s (commit %s, %s)", v, c, goVersion)
}

// pseudoVersionCommit returns the 12-digit commit of a Go pseudo-version
// such as v0.0.0-20260102150405-abcdef123456 (or …+dirty), else "".
func pseudoVersionCommit(v string) string {
	v, _, _ = strings.Cut(v, "+")
	i := strings.LastIndexByte(v, '-')
	if i < 0 || len(v)-i-1 != 12 || strings.Count(v, "-") < 2 {
		return ""
	}
	rev := v[i+1:]
	for _, r := range rev {
		if (r < '0' || r > '9') && (r < 'a' || r > 'f') {
			return ""
		}
	}
	// The part before the revision is a 14-digit UTC timestamp.
	ts := v[:i]
	if j := strings.LastIndexAny(ts, "-."); j < 0 || len(ts)-j-1 != 14 {
		return ""
	}
	return rev
}

// parseFlags parses args with fs. It returns done=true with the exit code
// when the command should stop: after --help, or on a usage error.
func (a *app) parseFlags(fs *pflag.FlagSet, usage string, args []string) (done bool, code int) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	// --version works after any command too; it is documented once, as a
	// global flag, so it stays out of each command's flag table.
	showVersion := fs.Bool("version", false, "print the version")
	fs.MarkHidden("version")
	fs.Var(colorFlag{&a.colorMode}, "color", "colour the findings: `WHEN` is auto (on a terminal, unless NO_COLOR is set), always or never")
	if a.capture != nil {
		a.captured = fs
		return true, exitOK
	}
	err := fs.Parse(args)
	if errors.Is(err, pflag.ErrHelp) {
		fmt.Fprint(a.text(a.stdout), commandHelp(fs, usage))
		return true, exitOK
	}
	if err != nil {
		a.usageFailed(fs.Name(), err)
		return true, exitUsage
	}
	if *showVersion {
		fmt.Fprintln(a.stdout, versionString())
		return true, exitOK
	}
	return false, exitOK
}

// usageFailed prints a usage error in one line plus a pointer to --help.
func (a *app) usageFailed(cmd string, err error) {
	fmt.Fprintf(a.stderr, "eastern %s: %s\nRun 'eastern %s --help' for usage.\n", cmd, textsafe.Escape(err.Error()), cmd)
}

// failed prints an error that ends a command, "eastern render: …", in one
// line: file names and values in it are escaped, so that they can neither
// forge a line nor send escape sequences to the terminal.
func (a *app) failed(cmd string, err error) {
	fmt.Fprintf(a.stderr, "eastern %s: %s\n", cmd, textsafe.Escape(err.Error()))
}

// commandHelp puts a command's usage text and its flag table together.
func commandHelp(fs *pflag.FlagSet, usage string) string {
	return strings.Replace(usage, "{{flags}}", fs.FlagUsagesWrapped(100), 1)
}
