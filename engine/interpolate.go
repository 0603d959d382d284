package engine

import (
	"bytes"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/input"
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

// unset reports a reference to a variable without value, once per file and
// name (a partial loaded twice warns once, a name used on ten lines of a
// file once, with the count), at the first place it is used. A reference
// in a YAML block scalar to a name that no render of the template sets is
// text for another program (a shell script, a dashboard): a note
// suggesting the $${NAME} escape, not a warning. block says whether the
// reference lies in a block scalar; it is asked only when that matters.
func (r *renderer) unset(ref reference, inc *Include, pos diag.Position, block func() bool) {
	name := string(ref.name)
	if !r.opts.Strict && block != nil && !r.setElsewhere(name) && block() {
		r.note(varKey{file: pos.File, name: name, literal: true}, ref, inc, pos, func(written string) *diag.Finding {
			return &diag.Finding{
				Severity: diag.Info, Rule: RuleBlockVariable,
				Message: fmt.Sprintf("%s in a YAML block scalar: no render sets %s, so it stays as written; write $%s if it is meant for a shell or a dashboard", written, name, written),
			}
		})
		return
	}
	r.note(varKey{file: pos.File, name: name}, ref, inc, pos, func(string) *diag.Finding {
		sev := diag.Warning
		if r.opts.Strict {
			sev = diag.Error
		}
		return &diag.Finding{Severity: sev, Rule: RuleUnsetVariable, Message: fmt.Sprintf("variable %s is not set", name)}
	})
}

// fallback notes a ${NAME:-fallback} in a block scalar whose NAME no render
// sets: the engine puts the fallback in, where a shell script meant the
// shell to look NAME up when it runs.
func (r *renderer) fallback(ref reference, inc *Include, pos diag.Position) {
	name := string(ref.name)
	r.note(varKey{file: pos.File, name: name, literal: true}, ref, inc, pos, func(written string) *diag.Finding {
		return &diag.Finding{
			Severity: diag.Info, Rule: RuleBlockVariable,
			Message: fmt.Sprintf("%s in a YAML block scalar: no render sets %s, so it becomes %q; write $%s if it is meant for a shell", written, name, ref.fallback, written),
		}
	})
}

// setElsewhere reports whether name has a value in this render (set
// empty) or in another render of the template (Options.OtherVars).
func (r *renderer) setElsewhere(name string) bool {
	if _, ok := r.vars[name]; ok {
		return true
	}
	return r.opts.OtherVars[name]
}

// note records the finding build returns for key, or counts one more place
// for the one recorded. Places are counted once each: the same line of a
// partial loaded twice is one place.
func (r *renderer) note(key varKey, ref reference, inc *Include, pos diag.Position, build func(written string) *diag.Finding) {
	place := warnKey{pos, key}
	if r.warned[place] {
		return
	}
	r.warned[place] = true
	if n, ok := r.varNotes[key]; ok {
		n.places++
		return
	}
	written := "${" + string(ref.name) + "}"
	if ref.hasFallback {
		written = "${" + string(ref.name) + ":-" + string(ref.fallback) + "}"
	}
	f := build(written)
	f.Pos, f.Chain = pos, inc.Chain()
	if r.varNotes == nil {
		r.varNotes = map[varKey]*varNote{} // most renders have no unset variable
	}
	r.varNotes[key] = &varNote{finding: f, places: 1}
	if f.Severity == diag.Error {
		r.errs = append(r.errs, f)
	} else {
		r.warnings = append(r.warnings, f)
	}
}

// countPlaces ends the messages of variable findings used in several
// places with their count, once the render is over.
func (r *renderer) countPlaces() {
	for _, n := range r.varNotes {
		if n.places > 1 {
			n.finding.Message += fmt.Sprintf(" (%d places in this file)", n.places)
		}
	}
}

// varKey identifies one variable finding: a name in a file, and whether
// it is the block-scalar note rather than the unset warning.
type varKey struct {
	file, name string
	literal    bool
}

type varNote struct {
	finding *diag.Finding
	places  int
}

// emit writes one template line: prefix, then the text with references
// replaced. A value's line breaks start new output lines indented like the
// template line, so multi-line values stay inside block scalars. Values are
// data: they are copied, never scanned for references or directives. When
// trimBlank is set, a line that ends up blank is written empty.
func (r *renderer) emit(line []byte, o Origin, prefix []byte, trimBlank bool) {
	r.startLine(o, prefix, trimBlank)
	if bytes.IndexByte(line, '$') < 0 {
		// Most lines hold no reference at all.
		r.out = append(r.out, line...)
		r.endLine()
		return
	}
	for i := 0; i < len(line); {
		var p piece
		p, i = nextPiece(line, i)
		if !p.isRef {
			r.out = append(r.out, p.text...)
		} else if v, found := r.value(p.ref); found {
			if p.ref.hasFallback && !r.opts.Strict && !r.setElsewhere(string(p.ref.name)) && r.inBlockScalar() {
				r.fallback(p.ref, o.Include, diag.Position{File: o.Include.File, Line: o.Line, Col: p.offset + 1})
			}
			r.writeValue(v, o, prefix, leadingBlanks(line))
		} else {
			r.unset(p.ref, o.Include, diag.Position{File: o.Include.File, Line: o.Line, Col: p.offset + 1}, r.inBlockScalar)
			r.out = append(r.out, p.text...)
		}
	}
	r.endLine()
}

// writeValue copies a variable's value into the current line; each further
// line of the value becomes an output line of its own, indented by prefix
// and indent.
func (r *renderer) writeValue(v string, o Origin, prefix, indent []byte) {
	if r.overflows(len(v), o) {
		return
	}
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
	if len(r.srcmap.lines) == cap(r.srcmap.lines) || cap(r.out)-len(r.out) < 4096 || len(r.out) > r.maxOutput {
		r.grow(o)
	}
	r.srcmap.lines = append(r.srcmap.lines, lineOrigin{o.Include.id, int32(o.Line), int32(o.Indent)})
	r.lineStart = len(r.out)
	r.trimBlank = trimBlank
	r.out = append(r.out, prefix...)
}

// grow doubles the output and the source map when they run short: append
// grows large slices by a quarter at a time, which copies a big render's
// output many times over. Kept out of startLine so that it inlines, and so
// is the check of the output limit. The first sizes fit a typical
// manifest's render: eastern lint makes tens of thousands of renders of a
// few kilobytes each, and a 64 KiB start made their buffers two thirds of
// what a lint run allocated.
func (r *renderer) grow(o Origin) {
	if r.overflows(0, o) {
		return
	}
	if len(r.srcmap.lines) == cap(r.srcmap.lines) {
		r.srcmap.lines = slices.Grow(r.srcmap.lines, max(cap(r.srcmap.lines), 256))
	}
	if cap(r.out)-len(r.out) < 4096 {
		r.out = slices.Grow(r.out, max(cap(r.out), 8*1024))
	}
}

// overflows reports whether adding n bytes to the output would pass the
// output limit, and stops the render at o when it would. The output of a
// stopped render is never shown: what is written meanwhile does not matter.
func (r *renderer) overflows(n int, o Origin) bool {
	if len(r.out)+n <= r.maxOutput {
		return false
	}
	if !r.stopped {
		r.stop(o.Include, diag.Position{File: o.Include.File, Line: o.Line}, fmt.Sprintf("the output passes %s (--max-output raises the limit)", input.Size(int64(r.maxOutput))))
	}
	return true
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
	var b []byte
	for p := range pieces([]byte(s)) {
		if !p.isRef {
			b = append(b, p.text...)
		} else if v, found := r.value(p.ref); found {
			b = append(b, v...)
		} else {
			if onUnset != nil {
				onUnset(p.ref)
			}
			b = append(b, p.text...)
		}
	}
	return string(b)
}

// piece is a run of template text: literal text, or one reference.
type piece struct {
	// text is the literal text to copy; for a reference, the reference as
	// written, which stays when the variable has no value.
	text   []byte
	ref    reference
	isRef  bool
	offset int // of the piece in the scanned text, for columns
}

// nextPiece returns the piece of s that starts at byte i (i < len(s)) and
// where the next one starts. $${NAME} is the escape for the literal text
// ${NAME}; a lone $$ and any other ${…} are literal. This is the one reader
// of the reference syntax: the emitter loops over it directly (the hot
// path), candidate paths and CandidatePattern through pieces.
func nextPiece(s []byte, i int) (p piece, next int) {
	start := i
	for {
		j := bytes.IndexByte(s[i:], '$')
		if j < 0 {
			return piece{text: s[start:], offset: start}, len(s)
		}
		i += j
		rest := s[i:]
		escaped := len(rest) > 1 && rest[1] == '$'
		if escaped {
			rest = rest[1:]
		}
		ref, ok := parseReference(rest)
		switch {
		case !ok:
			i += 1 + boolInt(escaped)
			continue
		case i > start:
			return piece{text: s[start:i], offset: start}, i // the text before the reference
		case escaped:
			return piece{text: rest[:ref.size], offset: i}, i + 1 + ref.size
		default:
			return piece{text: rest[:ref.size], ref: ref, isRef: true, offset: i}, i + ref.size
		}
	}
}

// pieces yields the pieces of s in order.
func pieces(s []byte) iter.Seq[piece] {
	return func(yield func(piece) bool) {
		for i := 0; i < len(s); {
			var p piece
			p, i = nextPiece(s, i)
			if !yield(p) {
				return
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// CheckVarName rejects names that ${…} could never reference, and
// NAMESPACE, which only the namespace a render is for may set.
func CheckVarName(key string) error {
	if key == "NAMESPACE" {
		return fmt.Errorf("NAMESPACE is set by the NAMESPACE argument or -n, not as a variable")
	}
	if !ValidName(key) {
		return fmt.Errorf("%q is not a variable name (a letter or _, then letters, digits, _, . or -)", key)
	}
	return nil
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

// warnKey identifies one place a variable finding counts.
type warnKey struct {
	pos diag.Position
	key varKey
}
