package checks

import (
	"fmt"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
)

// Level is what a setting asks of a check: a severity, Off, or the
// check's own default severity.
type Level int8

// The levels besides the severities, which convert to a Level as they are
// (Level(diag.Warning)). The zero Level is no setting at all.
const (
	Off     Level = -1
	Default Level = -2 // the rule's built-in severity: +RULE on the command line
)

// ParseLevel reads error, warning, info or off.
func ParseLevel(s string) (Level, error) {
	if s == "off" {
		return Off, nil
	}
	sev, err := diag.ParseSeverity(s)
	if err != nil {
		return 0, fmt.Errorf("unknown level %q (want error, warning, info or off)", s)
	}
	return Level(sev), nil
}

// Block is one layer of settings — .eastern.yaml's checks.default, one of
// its checks.namespaces, or --checks — naming groups and single rules.
type Block struct {
	Groups map[string]Level // GroupPractices, GroupReferences
	Rules  map[string]Level // by rule id; disable: [id] is id: off
}

// Set records name (a group, "all" for both, or a rule id) at level. It
// is an error for a name that is none of those.
func (b *Block) Set(name string, level Level) error {
	switch {
	case name == "all":
		b.set(&b.Groups, GroupPractices, level)
		b.set(&b.Groups, GroupReferences, level)
	case name == GroupPractices || name == GroupReferences:
		b.set(&b.Groups, name, level)
	case IsCheck(name):
		b.set(&b.Rules, name, level)
	default:
		return fmt.Errorf("unknown check %q (want practices, references, all or a rule id of docs/checks.md)", name)
	}
	return nil
}

func (b *Block) set(m *map[string]Level, key string, level Level) {
	if *m == nil {
		*m = map[string]Level{}
	}
	(*m)[key] = level
}

// ParseFlag reads the values of --checks, each a comma-separated list of
// NAME=LEVEL (a group, all, or a rule id at error, warning, info or off),
// -NAME (off) and +NAME (on at the built-in severity). Later entries win.
func ParseFlag(values []string) (Block, error) {
	var b Block
	for _, v := range values {
		for entry := range strings.SplitSeq(v, ",") {
			entry = strings.TrimSpace(entry)
			if entry == "" {
				continue
			}
			name, level, err := parseEntry(entry)
			if err == nil {
				err = b.Set(name, level)
			}
			if err != nil {
				return Block{}, fmt.Errorf("--checks %q: %v", entry, err)
			}
		}
	}
	return b, nil
}

func parseEntry(entry string) (string, Level, error) {
	switch {
	case strings.HasPrefix(entry, "-"):
		return entry[1:], Off, nil
	case strings.HasPrefix(entry, "+"):
		return entry[1:], Default, nil
	}
	name, lv, ok := strings.Cut(entry, "=")
	if !ok {
		return "", 0, fmt.Errorf("want NAME=LEVEL, -NAME or +NAME, such as practices=error or -image.latest-tag")
	}
	level, err := ParseLevel(lv)
	return name, level, err
}

// Levels says at what severity each check reports in one namespace; the
// zero Levels runs no check.
type Levels struct {
	sev []diag.Severity // by index in all; 0: off
}

// Resolve combines layers, least specific first (checks.default, then the
// namespace's block, then --checks), over the built-in severities. A
// setting for a rule beats one for its group; among equals the later
// layer wins. So a rule the default block disables stays off in a
// namespace that sets its whole group, unless the namespace names the
// rule itself.
func Resolve(layers ...Block) Levels {
	l := Levels{sev: make([]diag.Severity, len(all))}
	for i, r := range all {
		level := Default
		if v, ok := pick(layers, func(b Block) map[string]Level { return b.Rules }, r.ID); ok {
			level = v
		} else if v, ok := pick(layers, func(b Block) map[string]Level { return b.Groups }, r.Group); ok {
			level = v
		}
		switch level {
		case Off:
		case Default:
			l.sev[i] = r.Severity
		default:
			l.sev[i] = diag.Severity(level)
		}
	}
	return l
}

// pick returns the setting of key in the last layer that has one.
func pick(layers []Block, of func(Block) map[string]Level, key string) (Level, bool) {
	for i := len(layers) - 1; i >= 0; i-- {
		if v, ok := of(layers[i])[key]; ok && v != 0 {
			return v, true
		}
	}
	return 0, false
}

// Severity returns the severity rule reports at, and false when it is off
// (or no check).
func (l Levels) Severity(rule string) (diag.Severity, bool) {
	i := index(rule)
	if i < 0 || l.sev == nil || l.sev[i] == 0 {
		return 0, false
	}
	return l.sev[i], true
}

// Any reports whether any check is on.
func (l Levels) Any() bool {
	for _, s := range l.sev {
		if s != 0 {
			return true
		}
	}
	return false
}

// String lists the checks that are on with their severities, for tests
// and debugging: "resources.requests=info …".
func (l Levels) String() string {
	var parts []string
	for i, s := range l.sev {
		if s != 0 {
			parts = append(parts, all[i].ID+"="+s.String())
		}
	}
	return strings.Join(parts, " ")
}
