package doctest

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/eastern-k8s/eastern/internal/testbin"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/example")

// repoRoot is the repository's top directory, where the worked example,
// README.md and docs/ live; easternBin is the eastern binary TestMain built,
// and binDir the directory that holds it. All are set once by TestMain,
// before any test runs.
var repoRoot, binDir, easternBin string

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	// What eastern prints is checked as a UTF-8 terminal shows it (→, ×),
	// whatever locale runs the tests.
	os.Setenv("LC_ALL", "C.UTF-8")
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	repoRoot = root
	dir, err := os.MkdirTemp("", "eastern-doctest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "creating a directory for the test binary:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	binDir = dir
	// The binary cmd/eastern's tests run, built once for both packages (see
	// testbin): documented commands run `eastern` from binDir, put first on
	// their PATH.
	if easternBin, err = testbin.Build(dir); err != nil {
		fmt.Fprintln(os.Stderr, "building eastern for the doc tests:", err)
		return 1
	}
	if err := cluster.setUp(dir); err != nil {
		fmt.Fprintln(os.Stderr, "the cluster for the doc tests:", err)
		return 1
	}
	return m.Run()
}

// cluster is where documented deploy, job and diff --live commands run.
// Under make e2e (EASTERN_E2E_KUBECONFIG set) it is the end-to-end control
// plane, with the namespaces the docs deploy to; otherwise a kubeconfig
// whose server cannot be reached, so that such commands are checked up to
// the point where they would talk to it.
var cluster docCluster

type docCluster struct {
	live       bool
	kubeconfig string
	mu         sync.Mutex
}

// docNamespaces are the namespaces documented cluster commands use.
var docNamespaces = []string{"staging", "production"}

func (c *docCluster) setUp(dir string) error {
	if c.kubeconfig = os.Getenv("EASTERN_E2E_KUBECONFIG"); c.kubeconfig != "" {
		c.live = true
		kubectl := filepath.Join(os.Getenv("EASTERN_E2E_BIN"), "kubectl")
		for _, ns := range docNamespaces {
			out, err := exec.Command(kubectl, "--kubeconfig", c.kubeconfig, "create", "namespace", ns).CombinedOutput()
			if err != nil && !bytes.Contains(out, []byte("AlreadyExists")) {
				return fmt.Errorf("creating namespace %s: %v: %s", ns, err, out)
			}
		}
		return nil
	}
	c.kubeconfig = filepath.Join(dir, "unreachable.kubeconfig")
	return os.WriteFile(c.kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: none, user: {token: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
`), 0o600)
}

func exeSuffix() string {
	if filepath.Separator == '\\' {
		return ".exe"
	}
	return ""
}

// eastern returns the path of the built binary.
func eastern() string { return easternBin }

// runEastern runs the built binary in dir and returns its standard output,
// standard error and exit code.
func runEastern(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(eastern(), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("running eastern %v: %v", args, err)
	}
	return out.String(), errOut.String(), code
}

// repoFiles are the repository's files as a clone has them — tracked, or
// new and not ignored — read once: every documented command runs in a
// copy of the whole repository, where a user who cloned it would run it,
// so that the repository's own .eastern.yaml (which excludes the test
// fixtures) is part of what the docs show.
var repoFiles = sync.OnceValues(func() (map[string][]byte, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = repoRoot
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("listing the repository's files (git ls-files): %v", err)
	}
	files := map[string][]byte{}
	for name := range strings.SplitSeq(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		data, err := os.ReadFile(filepath.Join(repoRoot, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the working tree
		}
		if err != nil {
			return nil, err
		}
		files[name] = data
	}
	return files, nil
})

// copyRepository copies the repository, as a clone holds it, into dst.
func copyRepository(t *testing.T, dst string) {
	t.Helper()
	files, err := repoFiles()
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range files {
		target := filepath.Join(dst, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// copyTree copies the file or directory src to dst.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
}
