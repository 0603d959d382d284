package validator

import (
	"errors"
	"fmt"

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
		return fmt.Errorf("namespace %q: %s", name, shorten(msgs[0]))
	}
	return nil
}
