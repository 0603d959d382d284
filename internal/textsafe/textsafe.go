// Package textsafe makes untrusted text safe to print on one line of a
// terminal or a CI log. File names, -s values, object names and messages can
// hold any byte: a newline would forge a line of its own, an ESC sequence
// would be obeyed by the terminal.
package textsafe

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Escape returns s with every character that is not graphic written as a Go
// escape, as %q writes it: ESC as \x1b, a newline as \n, a tab as \t, C1
// controls and invisible format characters (bidirectional overrides) as
// \u0085 or \u202e, and bytes that are not UTF-8 as \xff. Printable text,
// spaces and non-ASCII letters and symbols such as → stay as they are.
//
// A backslash is left alone, so the result is for reading, not for
// unquoting: doubling it would garble every Windows path, and a literal
// "\x1b" in the input can only ever look like an escape, never act as one.
func Escape(s string) string {
	return escape(s)
}

// EscapeKeepTabs is Escape but for tabs, which a terminal only moves over:
// for lines shown as they were written, such as logs and diffs, whose
// stack traces and YAML indent with them.
func EscapeKeepTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return escape(s)
	}
	parts := strings.Split(s, "\t")
	for i, p := range parts {
		parts[i] = escape(p)
	}
	return strings.Join(parts, "\t")
}

func escape(s string) string {
	i := firstUnsafe(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteByte(hexDigits[s[i]>>4])
			b.WriteByte(hexDigits[s[i]&0xf])
		case strconv.IsGraphic(r):
			b.WriteString(s[i : i+size])
		default:
			q := strconv.QuoteRune(r) // '\x1b'
			b.WriteString(q[1 : len(q)-1])
		}
		i += size
	}
	return b.String()
}

const hexDigits = "0123456789abcdef"

// firstUnsafe returns the index of the first byte of s that Escape must
// change, or -1; plain ASCII, the common case, is checked byte by byte.
func firstUnsafe(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !strconv.IsGraphic(r) {
			return i
		}
		i += size
	}
	return -1
}
