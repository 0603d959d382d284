package main

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/lint"
	"github.com/eastern-k8s/eastern/report"
	"github.com/eastern-k8s/eastern/schema"
)

const completionUsage = `Print a shell completion script.

Usage:
  eastern completion bash|zsh|fish

Completes commands, flags, flag values (namespaces from .eastern.yaml,
formats, releases) and files for template arguments, asking eastern itself
on every Tab, so the completion follows the eastern on PATH.

Examples:
  source <(eastern completion bash)                  # bash, in ~/.bashrc
  source <(eastern completion zsh)                   # zsh, in ~/.zshrc
  eastern completion fish > ~/.config/fish/completions/eastern.fish

Flags:
{{flags}}`

func (a *app) completion(args []string) int {
	fs := pflag.NewFlagSet("completion", pflag.ContinueOnError)
	if done, code := a.parseFlags(fs, completionUsage, args); done {
		return code
	}
	if fs.NArg() != 1 {
		a.usageFailed("completion", fmt.Errorf("want one shell: bash, zsh or fish"))
		return exitUsage
	}
	script, ok := completionScripts[fs.Arg(0)]
	if !ok {
		a.usageFailed("completion", fmt.Errorf("unknown shell %q: want bash, zsh or fish", fs.Arg(0)))
		return exitUsage
	}
	io.WriteString(a.stdout, script)
	return exitOK
}

// The scripts ask `eastern __complete WORD…` (the words after eastern, the
// last one being completed) for candidates, one per line, followed by a
// line that says what the shell adds itself: files, directories or
// nothing.
const (
	completeFiles = ":files"
	completeDirs  = ":dirs"
	completeNone  = ":none"
)

const bashCompletion = `# bash completion for eastern: source <(eastern completion bash)
_eastern() {
	local cur=${COMP_WORDS[$COMP_CWORD]} line IFS=$'\n'
	local -a out=()
	while IFS= read -r line; do
		out+=("$line")
	done < <(eastern __complete "${COMP_WORDS[@]:1:$COMP_CWORD}" 2>/dev/null)
	local n=${#out[@]}
	((n > 0)) || return 0
	local directive=${out[$((n - 1))]}
	COMPREPLY=("${out[@]:0:$((n - 1))}")
	case $directive in
	:files) compopt -o filenames 2>/dev/null; COMPREPLY+=($(compgen -f -- "$cur")) ;;
	:dirs) compopt -o filenames 2>/dev/null; COMPREPLY+=($(compgen -d -- "$cur")) ;;
	esac
}
complete -F _eastern eastern
`

const zshCompletion = `# zsh completion for eastern: source <(eastern completion zsh)
autoload -U +X bashcompinit && bashcompinit
` + bashCompletion

const fishCompletion = `# fish completion for eastern: eastern completion fish > ~/.config/fish/completions/eastern.fish
function __eastern_complete
	set -l words (commandline -opc) (commandline -ct)
	set -l out (eastern __complete $words[2..-1] 2>/dev/null)
	set -l directive $out[-1]
	set -e out[-1]
	switch "$directive"
		case :files
			__fish_complete_path (commandline -ct)
		case :dirs
			__fish_complete_directories (commandline -ct)
	end
	printf '%s\n' $out
end
complete -c eastern -f -a '(__eastern_complete)'
`

var completionScripts = map[string]string{"bash": bashCompletion, "zsh": zshCompletion, "fish": fishCompletion}

// complete answers a completion script: words are the command line after
// eastern, the last one the word being completed.
func (a *app) complete(words []string) int {
	if len(words) == 0 {
		words = []string{""}
	}
	cur := words[len(words)-1]
	out := a.text(a.stdout)
	say := func(candidates []string, directive string) int {
		for _, c := range candidates {
			if strings.HasPrefix(c, cur) {
				fmt.Fprintln(out, c)
			}
		}
		fmt.Fprintln(out, directive)
		return exitOK
	}
	if len(words) == 1 {
		var names []string
		for _, c := range a.allCommands() {
			names = append(names, c.name)
			names = append(names, c.aliases...)
		}
		return say(names, completeNone)
	}
	name := words[0]
	if code, handed := completeElsewhere(words); handed {
		return code
	}
	fs := a.flagsOf(name)
	if fs == nil {
		return say(nil, completeNone)
	}
	// The value of the flag before, if it takes one.
	prev := words[len(words)-2]
	if f := lookupFlag(fs, prev); f != nil && f.NoOptDefVal == "" {
		return say(a.flagValues(name, f.Name))
	}
	if strings.HasPrefix(cur, "-") {
		var flags []string
		fs.VisitAll(func(f *pflag.Flag) {
			if f.Hidden {
				return
			}
			flags = append(flags, "--"+f.Name)
			if f.Shorthand != "" {
				flags = append(flags, "-"+f.Shorthand)
			}
		})
		return say(flags, completeNone)
	}
	// Which positional argument this is.
	n := 0
	for i := 1; i < len(words)-1; i++ {
		w := words[i]
		if f := lookupFlag(fs, w); f != nil {
			if f.NoOptDefVal == "" && !strings.Contains(w, "=") {
				i++ // its value
			}
			continue
		}
		n++
	}
	switch {
	case name == "report":
		if n == 0 {
			return say([]string{"merge"}, completeNone)
		}
		return say(nil, completeFiles) // the JSON reports
	case name == "lint" || name == "completion" && n == 0:
		if name == "completion" {
			return say([]string{"bash", "zsh", "fish"}, completeNone)
		}
		return say(nil, completeFiles)
	case n == 0:
		return say(nil, completeFiles) // TEMPLATE
	case n == 1 && name != "completion":
		return say(a.namespaces(), completeNone) // NAMESPACE
	}
	return say(nil, completeNone)
}

// lookupFlag is the flag word names ("--namespace", "-n", "--output=x").
func lookupFlag(fs *pflag.FlagSet, word string) *pflag.Flag {
	switch {
	case strings.HasPrefix(word, "--") && len(word) > 2:
		name, _, _ := strings.Cut(word[2:], "=")
		return fs.Lookup(name)
	case strings.HasPrefix(word, "-") && len(word) == 2:
		return fs.ShorthandLookup(word[1:])
	}
	return nil
}

// flagValues are the candidates for a flag's value, and what the shell
// adds.
func (a *app) flagValues(command, flag string) ([]string, string) {
	switch flag {
	case "namespace":
		return a.namespaces(), completeNone
	case "output":
		if command == "lint" || command == "report" {
			return report.Formats, completeNone
		}
		if command == "diff" {
			return diffFormats, completeNone
		}
		return renderFormats, completeNone
	case "color":
		return []string{"auto", "always", "never"}, completeNone
	case "fail-on":
		return []string{"error", "warning"}, completeNone
	case "kube-version":
		return schema.Releases(), completeNone
	case "dry-run":
		return []string{"server"}, completeNone
	case "report":
		var specs []string
		for _, f := range report.Formats {
			specs = append(specs, f+"=")
		}
		return specs, completeNone
	case "root", "base-dir":
		return nil, completeDirs
	case "values", "config", "kubeconfig", "template", "output-file":
		return nil, completeFiles
	}
	return nil, completeNone
}

// namespaces are the namespaces .eastern.yaml in the working directory
// lists, and the default one.
func (a *app) namespaces() []string {
	names := []string{engine.DefaultNamespace}
	if c, err := lint.FindConfig(a.workDir, ""); err == nil && c != nil {
		for _, ns := range c.Namespaces {
			if !slices.Contains(names, ns.Name) {
				names = append(names, ns.Name)
			}
		}
	}
	return names
}

// flagsOf is the flag set a command parses, captured by running it with
// parseFlags told to hand the set over instead of parsing.
func (a *app) flagsOf(name string) *pflag.FlagSet {
	for _, c := range a.allCommands() {
		if c.name == name || slices.Contains(c.aliases, name) {
			a.capture = &pflag.FlagSet{}
			defer func() { a.capture = nil }()
			saved := a.stdout
			a.stdout = io.Discard
			c.run(a, nil)
			a.stdout = saved
			return a.captured
		}
	}
	return nil
}
