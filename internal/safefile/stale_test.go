package safefile

import (
	"bufio"
	"bytes"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTempWriter(t *testing.T) {
	const prefix = ".out.yaml.eastern-tmp-"
	tests := []struct {
		name string
		pid  int
		ok   bool
	}{
		{prefix + "4242-1x9kq3", 4242, true},
		{prefix + "1-0", 1, true},
		{prefix + "4242-", 0, false},
		{prefix + "-1x9kq3", 0, false},
		{prefix + "04242-1x9kq3", 0, false},
		{prefix + "+4242-1x9kq3", 0, false},
		{prefix + "4242-1X9KQ3", 0, false},
		{prefix + "4242-1x9kq3.bak", 0, false},
		{prefix + "4242-1x9kq3-2", 0, false},
		{prefix + "0-abc", 0, false},
		{prefix + "99999999999999999999-abc", 0, false},
		{".out.yaml.tmp-1x9kq3", 0, false}, // the old form: not ours to judge
		{".other.yaml.eastern-tmp-4242-abc", 0, false},
		{"out.yaml.eastern-tmp-4242-abc", 0, false},
		{".out.yaml.eastern-tmp-4242-abc.eastern-tmp-4243-def", 0, false},
	}
	for _, tt := range tests {
		pid, ok := tempWriter(tt.name, prefix)
		if pid != tt.pid || ok != tt.ok {
			t.Errorf("tempWriter(%q) = %d, %v; want %d, %v", tt.name, pid, ok, tt.pid, tt.ok)
		}
	}
}

// deadPID returns the process id of a process that has exited and been
// waited for.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

// TestWriteRemovesStale: a Write removes the temporary files of its path
// whose writer is gone, and nothing else.
func TestWriteRemovesStale(t *testing.T) {
	dead, alive := strconv.Itoa(deadPID(t)), strconv.Itoa(os.Getpid())
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			dir := t.TempDir()
			stale := []string{
				".out.yaml.eastern-tmp-" + dead + "-1x9kq3",
				".out.yaml.eastern-tmp-" + dead + "-0",
			}
			kept := []string{
				".out.yaml.eastern-tmp-" + alive + "-1x9kq3", // a writer still at work
				".out.yaml.eastern-tmp-" + dead + "-1x9kq3.bak",
				".out.yaml.eastern-tmp-" + dead,
				".out.yaml.tmp-1x9kq3",
				".other.yaml.eastern-tmp-" + dead + "-1x9kq3",
				"notes.txt",
			}
			for _, name := range append(slices.Clone(stale), kept...) {
				if err := os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			// A directory of the right name is not a temporary file.
			dirName := ".out.yaml.eastern-tmp-" + dead + "-dir"
			if err := os.Mkdir(filepath.Join(dir, dirName), 0o755); err != nil {
				t.Fatal(err)
			}
			kept = append(kept, dirName)
			if err := w.write(filepath.Join(dir, "out.yaml"), []byte("new\n")); err != nil {
				t.Fatal(err)
			}
			want := append(kept, "out.yaml")
			slices.Sort(want)
			if got := dirNames(t, dir); !slices.Equal(got, want) {
				t.Errorf("directory holds\n  %v\nwant\n  %v", got, want)
			}
		})
	}
}

// TestRemoveStaleThroughSymlink: the temporary files lie beside the target
// of a symlink, and that is where RemoveStale looks.
func TestRemoveStaleThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "real"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "real", "out.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real/out.yaml", filepath.Join(dir, "out.yaml")); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "real", ".out.yaml.eastern-tmp-"+strconv.Itoa(deadPID(t))+"-abc")
	if err := os.WriteFile(stale, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	RemoveStale(filepath.Join(dir, "out.yaml"))
	if _, err := os.Lstat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file beside the link's target still there (%v)", err)
	}
}

// TestUnnamedOnLinux: where the kernel and file system support O_TMPFILE,
// Write uses it, so that a killed process cannot leave a file behind.
func TestUnnamedOnLinux(t *testing.T) {
	f, err := createUnnamed(t.TempDir())
	if err != nil {
		t.Skipf("no unnamed files here: %v", err)
	}
	f.Close()
	dir := t.TempDir()
	path := filepath.Join(dir, "out.yaml")
	name, err := writeTemp(path, []byte("new\n"), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(name, TempPrefix(path)+strconv.Itoa(os.Getpid())+"-") {
		t.Errorf("linked temporary file %s, want it named for this process", name)
	}
	if got, err := os.ReadFile(name); err != nil || string(got) != "new\n" {
		t.Errorf("linked file holds %q, %v", got, err)
	}
}

// helperEnv makes the test binary a writer that replaces a file over and
// over until it is killed (see TestKilledWriters).
const helperEnv = "SAFEFILE_TEST_KILLED_WRITER"

func TestMain(m *testing.M) {
	if path := os.Getenv(helperEnv); path != "" {
		unnamed := os.Getenv(helperEnv+"_NAMED") == ""
		data := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB
		os.Stdout.WriteString("ready\n")
		for {
			if err := write(path, data, unnamed); err != nil {
				os.Stderr.WriteString(err.Error() + "\n")
				os.Exit(3)
			}
		}
	}
	os.Exit(m.Run())
}

// TestKilledWriters SIGKILLs processes in the middle of writing a large file
// over and over: whatever they leave, the next Write cleans up, so that the
// directory holds only the file.
func TestKilledWriters(t *testing.T) {
	const kills = 50
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.yaml")
			for range kills {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), helperEnv+"="+path)
				if w.name == "named" {
					cmd.Env = append(cmd.Env, helperEnv+"_NAMED=1")
				}
				stdout, err := cmd.StdoutPipe()
				if err != nil {
					t.Fatal(err)
				}
				var stderr strings.Builder
				cmd.Stderr = &stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				if line, err := bufio.NewReader(stdout).ReadString('\n'); line != "ready\n" {
					cmd.Process.Kill()
					cmd.Wait()
					t.Fatalf("writer did not start: %q, %v; stderr %s", line, err, stderr.String())
				}
				// Several writes a millisecond apart: the kill lands anywhere
				// in one, from creating the file to renaming it.
				time.Sleep(time.Duration(rand.IntN(20_000)) * time.Microsecond)
				cmd.Process.Kill()
				cmd.Wait()
				if stderr.Len() > 0 {
					t.Fatalf("writer failed: %s", stderr.String())
				}
			}
			t.Logf("after %d kills: %d entries", kills, len(dirNames(t, dir)))
			if err := w.write(path, []byte("last\n")); err != nil {
				t.Fatal(err)
			}
			if names := dirNames(t, dir); !slices.Equal(names, []string{"out.yaml"}) {
				t.Errorf("after %d killed writers and one that finished, the directory holds %v, want only out.yaml", kills, names)
			}
			if got, err := os.ReadFile(path); err != nil || string(got) != "last\n" {
				t.Errorf("out.yaml holds %.20q, %v; want the last write", got, err)
			}
		})
	}
}
