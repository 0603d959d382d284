package validator

import (
	"strconv"
	"strings"

	"github.com/eastern-k8s/eastern/diag"
)

// segment is one step of a field path: an object field, an array index or
// a map key. The walker keeps a stack of them and renders a path only when
// it reports a finding.
type segment struct {
	kind  segmentKind
	name  string // field or key
	index int
}

type segmentKind uint8

const (
	fieldSeg segmentKind = iota
	indexSeg
	keySeg
)

// formatPath renders segments the way kubectl explains fields:
// spec.containers[0].env[1].value, metadata.labels["app.kubernetes.io/name"].
func formatPath(segs []segment) string {
	var b strings.Builder
	for i, s := range segs {
		switch {
		case s.kind == indexSeg:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.index))
			b.WriteByte(']')
		case s.kind == keySeg && !diag.PlainFieldKey(s.name):
			b.WriteByte('[')
			b.WriteString(strconv.Quote(s.name))
			b.WriteByte(']')
		default:
			if i > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		}
	}
	return b.String()
}

// fieldNames returns the object field names of segs, leaving out indices
// and map keys: the form schema.FieldReleases takes.
func fieldNames(segs []segment) []string {
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		if s.kind == fieldSeg {
			out = append(out, s.name)
		}
	}
	return out
}
