package engine

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
)

// reference is one ${NAME} or ${NAME:-fallback} found in a line.
type reference struct {
	name        []byte // slices of the template line: no allocation per reference
	fallback    []byte
	hasFallback bool
	size        int // bytes of the whole reference, "${" to "}"
}

// parseReference reads a reference at the start of s, which begins with "${".
// ok is false for any other ${…} text, which is left alone.
func parseReference(s []byte) (ref reference, ok bool) {
	if len(s) < 4 || s[0] != '$' || s[1] != '{' || !isNameStart(s[2]) {
		return ref, false
	}
	i := 3
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	ref.name = s[2:i]
	if i < len(s) && s[i] == '}' {
		ref.size = i + 1
		return ref, true
	}
	if i+1 < len(s) && s[i] == ':' && s[i+1] == '-' {
		for j := i + 2; j < len(s); j++ {
			if s[j] == '}' {
				ref.fallback = s[i+2 : j]
				ref.hasFallback = true
				ref.size = j + 1
				return ref, true
			}
		}
	}
	return ref, false
}

func isNameStart(c byte) bool {
	return c == '_' || (c|0x20 >= 'a' && c|0x20 <= 'z')
}

func isNameByte(c byte) bool {
	return isNameStart(c) || (c >= '0' && c <= '9') || c == '.' || c == '-'
}

// value looks a reference up. ok is false when the variable is unset and
// there is no fallback: the reference then stays as written.
func (r *renderer) value(ref reference) (string, bool) {
	v, set := r.vars[string(ref.name)] // the conversion does not allocate
	if ref.hasFallback && v == "" {
		return string(ref.fallback), true
	}
	return v, set
}

// unset reports a variable without value, once per template position.
func (r *renderer) unset(ref reference, inc *Include, pos diag.Position) {
	if r.warned[pos] {
		return
	}
	r.warned[pos] = true
	f := &diag.Finding{
		Severity: diag.Warning,
		Rule:     "render.unset-variable",
		Message:  fmt.Sprintf("variable %s is not set", ref.name),
		Pos:      pos,
		Chain:    inc.Chain(),
	}
	if r.opts.Strict {
		f.Severity = diag.Error
		r.errs = append(r.errs, f)
		return
	}
	r.warnings = append(r.warnings, f)
}

// emit writes one template line: prefix, then the text with references
// replaced. A value's line breaks start new output lines indented like the
// template line, so multi-line values stay inside block scalars. Values are
// data: they are copied, never scanned for references or directives. When
// trimBlank is set, a line that ends up blank is written empty.
func (r *renderer) emit(line []byte, o Origin, prefix []byte, trimBlank bool) {
	r.startLine(o, prefix, trimBlank)
	copied := 0 // line[:copied] is already in the output
	for i := 0; ; {
		j := bytes.IndexByte(line[i:], '$')
		if j < 0 {
			break
		}
		i += j
		rest := line[i:]
		if len(rest) > 1 && rest[1] == '$' {
			// $${NAME} is the escape for a literal ${NAME}; a lone $$ stays.
			if ref, ok := parseReference(rest[1:]); ok {
				r.out = append(r.out, line[copied:i]...)
				r.out = append(r.out, rest[1:1+ref.size]...)
				i += 1 + ref.size
				copied = i
			} else {
				i += 2
			}
			continue
		}
		ref, ok := parseReference(rest)
		if !ok {
			i++
			continue
		}
		r.out = append(r.out, line[copied:i]...)
		if v, found := r.value(ref); found {
			r.writeValue(v, o, prefix, leadingBlanks(line))
		} else {
			r.unset(ref, o.Include, diag.Position{File: o.Include.File, Line: o.Line, Col: i + 1})
			r.out = append(r.out, rest[:ref.size]...)
		}
		i += ref.size
		copied = i
	}
	r.out = append(r.out, line[copied:]...)
	r.endLine()
}

// writeValue copies a variable's value into the current line; each further
// line of the value becomes an output line of its own, indented by prefix
// and indent.
func (r *renderer) writeValue(v string, o Origin, prefix, indent []byte) {
	for {
		k := strings.IndexByte(v, '\n')
		if k < 0 {
			r.out = append(r.out, v...)
			return
		}
		r.out = append(r.out, strings.TrimSuffix(v[:k], "\r")...)
		r.endLine()
		r.startLine(o, prefix, true)
		r.out = append(r.out, indent...)
		v = v[k+1:]
	}
}

// startLine begins an output line that came from o.
func (r *renderer) startLine(o Origin, prefix []byte, trimBlank bool) {
	// Grow by doubling: append grows large slices by a quarter at a time,
	// which copies a big render's output many times over.
	if len(r.srcmap.lines) == cap(r.srcmap.lines) {
		r.srcmap.lines = slices.Grow(r.srcmap.lines, max(cap(r.srcmap.lines), 1024))
	}
	if cap(r.out)-len(r.out) < 4096 {
		r.out = slices.Grow(r.out, max(cap(r.out), 64*1024))
	}
	r.srcmap.lines = append(r.srcmap.lines, lineOrigin{o.Include.id, int32(o.Line), int32(o.Indent)})
	r.lineStart = len(r.out)
	r.trimBlank = trimBlank
	r.out = append(r.out, prefix...)
}

// endLine ends the current output line, emptying it if it is blank and
// blank lines are to be trimmed.
func (r *renderer) endLine() {
	if r.trimBlank && isBlankLine(r.out[r.lineStart:]) {
		r.out = r.out[:r.lineStart]
	}
	r.out = append(r.out, '\n')
}

// expandString interpolates s, a candidate path or a message, calling
// onUnset for each reference without a value (which stays as written).
func (r *renderer) expandString(s string, onUnset func(reference)) string {
	if strings.IndexByte(s, '$') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '$' {
			b.WriteByte(s[i])
			i++
			continue
		}
		rest := []byte(s[i:])
		if len(rest) > 1 && rest[1] == '$' {
			if ref, ok := parseReference(rest[1:]); ok {
				b.Write(rest[1 : 1+ref.size])
				i += 1 + ref.size
			} else {
				b.WriteString("$$")
				i += 2
			}
			continue
		}
		ref, ok := parseReference(rest)
		if !ok {
			b.WriteByte('$')
			i++
			continue
		}
		if v, found := r.value(ref); found {
			b.WriteString(v)
		} else {
			if onUnset != nil {
				onUnset(ref)
			}
			b.Write(rest[:ref.size])
		}
		i += ref.size
	}
	return b.String()
}

// ValidName reports whether name can be referenced as ${name}.
func ValidName(name string) bool {
	if name == "" || !isNameStart(name[0]) {
		return false
	}
	for i := 1; i < len(name); i++ {
		if !isNameByte(name[i]) {
			return false
		}
	}
	return true
}
