package doctest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// flagName matches the long and short names of a flag: --set, -s.
var flagName = regexp.MustCompile(`(?:^|[\s,` + "`" + `])(--?[a-zA-Z][a-zA-Z0-9-]*)`)

// helpFlags returns the flags a --help text lists under "Flags:", and the
// commands it lists under "Commands:".
func helpFlags(help string) (flags, commands []string) {
	section := ""
	for _, line := range strings.Split(help, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "":
			section = ""
			continue
		case !strings.HasPrefix(line, " "):
			section = strings.TrimSuffix(trimmed, ":")
			continue
		}
		switch section {
		case "Flags":
			// "  -s, --set KEY=VALUE   set a variable…": the names come
			// before the first run of two spaces; a wrapped description
			// line starts with many spaces and no dash.
			if !strings.HasPrefix(trimmed, "-") {
				continue
			}
			names, _, _ := strings.Cut(trimmed, "  ")
			for _, m := range flagName.FindAllStringSubmatch(names, -1) {
				flags = append(flags, m[1])
			}
		case "Commands":
			commands = append(commands, strings.Fields(trimmed)[0])
		}
	}
	slices.Sort(flags)
	return slices.Compact(flags), commands
}

// docFlags returns, for each "## eastern COMMAND" section of docs/cli.md
// ("" for "## eastern"), the flags named in the first column of its tables.
func docFlags(doc string) map[string][]string {
	sections := map[string][]string{}
	current, inCommand := "", false
	for _, line := range strings.Split(doc, "\n") {
		if rest, ok := strings.CutPrefix(line, "## "); ok {
			fields := strings.Fields(rest)
			inCommand = len(fields) > 0 && fields[0] == "eastern"
			if inCommand {
				current = strings.Join(fields[1:], " ")
				sections[current] = nil
			}
			continue
		}
		if !inCommand || !strings.HasPrefix(line, "|") {
			continue
		}
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		for _, m := range flagName.FindAllStringSubmatch(cells[1], -1) {
			sections[current] = append(sections[current], m[1])
		}
	}
	for k, v := range sections {
		slices.Sort(v)
		sections[k] = slices.Compact(v)
	}
	return sections
}

// TestCLIReferenceMatchesHelp fails when a flag that a command's --help
// shows is missing from docs/cli.md, or docs/cli.md lists a flag that does
// not exist, so that the reference cannot drift from the binary.
func TestCLIReferenceMatchesHelp(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "cli.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := docFlags(string(doc))

	rootHelp, _, code := runEastern(t, repoRoot, "--help")
	if code != 0 {
		t.Fatalf("eastern --help: exit %d", code)
	}
	rootFlags, commands := helpFlags(rootHelp)
	if len(commands) == 0 || len(rootFlags) == 0 {
		t.Fatalf("found no commands or flags in eastern --help:\n%s", rootHelp)
	}
	help := map[string][]string{"": rootFlags}
	for _, cmd := range commands {
		out, _, code := runEastern(t, repoRoot, cmd, "--help")
		if code != 0 {
			t.Fatalf("eastern %s --help: exit %d", cmd, code)
		}
		flags, _ := helpFlags(out)
		if len(flags) == 0 {
			t.Errorf("found no flags in eastern %s --help", cmd)
		}
		// pflag handles -h/--help itself without listing it; the
		// reference documents it once, under "eastern".
		help[cmd] = flags
	}

	for cmd, flags := range help {
		name := strings.TrimSpace("eastern " + cmd)
		docs, ok := documented[cmd]
		if !ok {
			t.Errorf("docs/cli.md has no section \"## %s\"", name)
			continue
		}
		for _, f := range flags {
			if !slices.Contains(docs, f) {
				t.Errorf("%s --help shows %s, which docs/cli.md does not list under \"## %s\"", name, f, name)
			}
		}
		for _, f := range docs {
			if !slices.Contains(flags, f) {
				t.Errorf("docs/cli.md lists %s under \"## %s\", but %s --help does not show it", f, name, name)
			}
		}
	}
	for cmd := range documented {
		if _, ok := help[cmd]; !ok {
			t.Errorf("docs/cli.md has a section \"## eastern %s\", but eastern --help lists no such command", cmd)
		}
	}
}

// TestFlagParsers checks both parsers on small inputs, so that the
// comparison above cannot pass by parsing nothing.
func TestFlagParsers(t *testing.T) {
	help := "Usage:\n  eastern x\n\nCommands:\n  render (generate)   render\n  lint                check\n\nFlags:\n  -s, --set KEY=VALUE     set a variable: KEY=VALUE (repeatable;\n                          KEY= sets it empty, see --values)\n      --strict[=true|false]   strict\n\nExamples:\n  eastern render --root x\n"
	flags, commands := helpFlags(help)
	if want := []string{"--set", "--strict", "-s"}; !slices.Equal(flags, want) {
		t.Errorf("helpFlags flags = %q, want %q", flags, want)
	}
	if want := []string{"render", "lint"}; !slices.Equal(commands, want) {
		t.Errorf("helpFlags commands = %q, want %q", commands, want)
	}
	doc := "# Ref\n\n## eastern\n\n| flag | |\n| --- | --- |\n| `--version` | print |\n\n## eastern render\n\n| `-s`, `--set KEY=VALUE` | see `--values` |\n| `--root DIR` | x |\n\n## Exit codes\n\n| `--nope` | |\n"
	got := docFlags(doc)
	want := map[string][]string{"": {"--version"}, "render": {"--root", "--set", "-s"}}
	if len(got) != len(want) {
		t.Fatalf("docFlags = %q, want %q", got, want)
	}
	for k, v := range want {
		if !slices.Equal(got[k], v) {
			t.Errorf("docFlags[%q] = %q, want %q", k, got[k], v)
		}
	}
}
