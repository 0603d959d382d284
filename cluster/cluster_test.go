package cluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const twoContexts = `apiVersion: v1
kind: Config
clusters:
  - name: one
    cluster: {server: "https://one.example:6443"}
  - name: two
    cluster: {server: "https://two.example:6443"}
users:
  - name: me
    user: {token: abc}
contexts:
  - name: first
    context: {cluster: one, user: me}
  - name: second
    context: {cluster: two, user: me}
current-context: first
`

func write(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// env is a fake environment: only what is set here, so that the
// developer's own kubeconfig never leaks into a test.
func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestConnectChoosesContext(t *testing.T) {
	path := write(t, "config", twoContexts)
	c, err := Connect(Options{Kubeconfig: path, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Where(), `context "first" (https://one.example:6443)`; got != want {
		t.Errorf("current context: Where() = %s, want %s", got, want)
	}
	c, err = Connect(Options{Kubeconfig: path, Context: "second", Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Where(), `context "second" (https://two.example:6443)`; got != want {
		t.Errorf("--context second: Where() = %s, want %s", got, want)
	}
	if _, err := Connect(Options{Kubeconfig: path, Context: "third", Getenv: env(nil)}); err == nil || !strings.Contains(err.Error(), `"third"`) {
		t.Errorf("an unknown context: err = %v, want one naming it", err)
	}
}

func TestConnectReadsKUBECONFIG(t *testing.T) {
	path := write(t, "config", twoContexts)
	missing := filepath.Join(t.TempDir(), "missing")
	// kubectl skips files of KUBECONFIG that do not exist.
	c, err := Connect(Options{Getenv: env(map[string]string{"KUBECONFIG": missing + string(os.PathListSeparator) + path})})
	if err != nil {
		t.Fatal(err)
	}
	if c.Server != "https://one.example:6443" {
		t.Errorf("Server = %q", c.Server)
	}
}

func TestConnectErrors(t *testing.T) {
	home := t.TempDir()
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"no configuration", Options{Getenv: env(map[string]string{"HOME": home})}, "no cluster configured"},
		{"missing --kubeconfig", Options{Kubeconfig: filepath.Join(home, "nope"), Getenv: env(nil)}, "kubeconfig: "},
		{"a device", Options{Kubeconfig: "/dev/zero", Getenv: env(nil)}, "not a regular file"},
		{"a directory", Options{Kubeconfig: home, Getenv: env(nil)}, "kubeconfig: "},
		{"not YAML", Options{Kubeconfig: write(t, "bad", "clusters: [\n"), Getenv: env(nil)}, "kubeconfig: "},
	}
	for _, tt := range tests {
		_, err := Connect(tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: err = %v, want one line containing %q", tt.name, err, tt.want)
		}
	}
}
