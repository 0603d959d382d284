package manifest

import (
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/validate/content"
)

// CheckNamespace returns a one-line error when name cannot be a Kubernetes
// namespace (an RFC 1123 label), and nil when it can. render, lint and watch
// all check namespaces with it: kubectl would refuse anything else, and
// ${NAMESPACE} often becomes part of a file name, so "../x" must never pass.
// The empty name is an error too: a caller that wants "default" for an
// absent namespace must say so before checking.
func CheckNamespace(name string) error {
	if name == "" {
		return errors.New("namespace is empty")
	}
	if msgs := content.IsDNS1123Label(name); len(msgs) > 0 {
		return fmt.Errorf("namespace %q: %s", name, PlainMessage(msgs[0]))
	}
	return nil
}

// PlainMessage drops the regular expression that apimachinery appends to
// its validation messages; the examples before it say the same to a person.
func PlainMessage(msg string) string {
	// apimachinery's example lists leave a double space ("'my-name',  or").
	msg = strings.ReplaceAll(msg, ",  ", ", ")
	if i := strings.Index(msg, "regex used for validation is '"); i >= 0 && strings.HasSuffix(msg, "')") {
		head := strings.TrimSuffix(strings.TrimSuffix(msg[:i], " "), ",")
		head = strings.TrimSuffix(head, " (")
		if strings.HasSuffix(msg[:i], " (") {
			return head
		}
		return head + ")"
	}
	return msg
}
