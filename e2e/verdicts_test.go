//go:build e2e

package e2e

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/manifest"
	"github.com/eastern-k8s/eastern/validator"
)

// verdictCases are the golden cases of the API server's rules
// (apivalidation), enums, list-map keys and required-field corrections, in
// validator/testdata/cases.
var verdictCases = []string{
	"api-*.yaml", "issue-examples.yaml", "schema-enum.yaml", "schema-duplicate-item.yaml",
	"schema-required-fixes.yaml", "corpus-api.yaml",
}

// TestVerdictsMatchAPIServer is the differential test of issue 14: every
// object of the golden cases is sent to the real API server with
// --dry-run=server, and eastern lint's verdict at the server's release
// (an error or not) must be the server's (rejected or not). An object
// whose only errors are schema.duplicate-item is judged by server-side
// apply, which is what such a list breaks: the API server's own create
// only warns about duplicate env names and container ports.
func TestVerdictsMatchAPIServer(t *testing.T) {
	release := serverRelease(t)
	ns := namespace(t)
	var files []string
	for _, pattern := range verdictCases {
		m, err := filepath.Glob(filepath.Join("..", "validator", "testdata", "cases", pattern))
		if err != nil || len(m) == 0 {
			t.Fatalf("no cases match %s: %v", pattern, err)
		}
		files = append(files, m...)
	}
	objects, rejected := 0, 0
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		for doc, line := range manifest.Documents(src) {
			if len(bytes.TrimSpace(stripComments(doc))) == 0 {
				continue
			}
			objects++
			fs, _ := validator.Validate(doc, validator.Options{Release: release, Namespace: ns})
			var errs []string
			onlyDuplicates := true
			for _, f := range fs {
				if f.Severity == diag.Error {
					errs = append(errs, f.Rule+" "+f.Field+": "+f.Message)
					onlyDuplicates = onlyDuplicates && f.Rule == validator.RuleDuplicateItem
				}
			}
			args := []string{"apply", "--dry-run=server", "-n", ns, "-f", "-"}
			if len(errs) > 0 && onlyDuplicates {
				args = []string{"apply", "--server-side", "--dry-run=server", "-n", ns, "-f", "-"}
			}
			out, serverErr := kubectlStdin(doc, args...)
			if serverErr != nil {
				rejected++
			}
			where := filepath.Base(file) + ":" + strconv.Itoa(line)
			switch {
			case len(errs) > 0 && serverErr == nil:
				t.Errorf("%s: eastern rejects what Kubernetes %s accepts:\n\t%s\nserver: %s", where, release, strings.Join(errs, "\n\t"), out)
			case len(errs) == 0 && serverErr != nil:
				t.Errorf("%s: Kubernetes %s rejects what eastern accepts:\n%s", where, release, out)
			}
		}
	}
	// Both verdicts must be well represented, or the comparison proves
	// little (a server that rejects everything would agree with half).
	if objects < 80 || rejected < 25 || objects-rejected < 25 {
		t.Errorf("%d objects sent, %d rejected: the cases should hold more of each", objects, rejected)
	}
	t.Logf("%d objects, %d rejected, verdicts compared at Kubernetes %s", objects, rejected, release)
}

// serverRelease is the cluster's minor release, "1.34".
func serverRelease(t *testing.T) string {
	t.Helper()
	var v struct {
		ServerVersion struct{ Major, Minor string } `json:"serverVersion"`
	}
	if err := json.Unmarshal([]byte(kubectl(t, "version", "-o", "json")), &v); err != nil {
		t.Fatal(err)
	}
	return v.ServerVersion.Major + "." + strings.TrimSuffix(v.ServerVersion.Minor, "+")
}

func kubectlStdin(stdin []byte, args ...string) (string, error) {
	cmd := exec.Command(kubectlBin, append([]string{"--kubeconfig", kubeconfig}, args...)...)
	cmd.Stdin = bytes.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// stripComments drops comment lines and document markers, to tell a
// document that is only the case's header from an object.
func stripComments(doc []byte) []byte {
	var b bytes.Buffer
	for _, l := range bytes.Split(doc, []byte("\n")) {
		t := bytes.TrimSpace(l)
		if len(t) == 0 || t[0] == '#' || bytes.Equal(t, []byte("---")) {
			continue
		}
		b.Write(l)
		b.WriteByte('\n')
	}
	return b.Bytes()
}
