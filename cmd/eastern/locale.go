package main

import (
	"io"
	"strings"
)

// utf8Locale reports whether the locale says the terminal shows UTF-8, as
// the C library decides: the first of LC_ALL, LC_CTYPE and LANG that is
// set names the character set. None set is the C locale, which is ASCII:
// Jenkins agents often run so, and show → as â.
func utf8Locale(getenv func(string) string) bool {
	for _, name := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if v := getenv(name); v != "" {
			v = strings.ToLower(v)
			return strings.Contains(v, "utf-8") || strings.Contains(v, "utf8")
		}
	}
	return false
}

// asciiSymbols is eastern's own symbols in ASCII: the chain of loads and
// the summary's "1 template × 3 namespaces".
var asciiSymbols = strings.NewReplacer("→", "->", "×", "x")

// asciiText writes text for a terminal that cannot show UTF-8, with
// eastern's symbols in ASCII. Each write must hold whole characters, as
// the writes of messages and reports do (it is never put under a
// bufio.Writer, whose flushes may cut one).
type asciiText struct{ w io.Writer }

func (t asciiText) Write(p []byte) (int, error) {
	if _, err := io.WriteString(t.w, asciiSymbols.Replace(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// text is w as eastern's own text for people goes to it: in ASCII unless
// the locale is UTF-8. Manifests and machine-readable reports are written
// to the stream itself, unchanged.
func (a *app) text(w io.Writer) io.Writer {
	if a.utf8 {
		return w
	}
	return asciiText{w}
}
