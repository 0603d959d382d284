package input

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDirReadFile(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	write := func(p, content string) {
		t.Helper()
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dir, "a.yaml"), "a: 1\n")
	write(filepath.Join(dir, "big.yaml"), strings.Repeat("x", 2000))
	write(filepath.Join(outside, "secret"), "s\n")
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "out.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("a.yaml", filepath.Join(dir, "in.yaml")); err != nil {
		t.Fatal(err)
	}
	kernel, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer kernel.Close()
	// The same directory through os.Root alone, as on other systems and
	// on kernels without openat2.
	portable := &Dir{root: kernel.root}
	tests := []struct {
		name, want, err string
	}{
		{"a.yaml", "a: 1\n", ""},
		{"in.yaml", "a: 1\n", ""},
		{"out.yaml", "", "escapes"},
		{"../" + filepath.Base(outside) + "/secret", "", "escapes"},
		{".", "", "is a directory, not a regular file"},
		{"big.yaml", "", "big.yaml is larger than 1000 bytes (2.0 KiB)"},
	}
	for _, root := range []*Dir{kernel, portable} {
		for _, tt := range tests {
			data, err := root.ReadFile(tt.name, 1000)
			switch {
			case tt.err == "escapes" && !Escapes(err):
				t.Errorf("%s: %v, want an escape", tt.name, err)
			case tt.err != "" && tt.err != "escapes" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("%s: %v, want %q", tt.name, err, tt.err)
			case tt.err == "" && (err != nil || string(data) != tt.want):
				t.Errorf("%s: %q, %v, want %q", tt.name, data, err, tt.want)
			}
		}
		entries, err := root.ReadDir(".")
		if err != nil || len(entries) != 4 {
			t.Errorf("ReadDir: %d entries, %v; want 4", len(entries), err)
		}
		if _, err := root.ReadDir("../" + filepath.Base(outside)); !Escapes(err) {
			t.Errorf("ReadDir outside: %v, want an escape", err)
		}
	}
}

func TestReadFileOfProcReadsToEOF(t *testing.T) {
	// Files of /proc say they are empty; they are read to the end.
	data, err := ReadFile("", "/proc/self/status", 1<<20)
	if err != nil {
		t.Skip("no /proc here")
	}
	if !strings.Contains(string(data), "Name:") {
		t.Errorf("read %q", data)
	}
	if _, err := ReadFile("", "/proc/self/status", 10); err == nil || !strings.Contains(err.Error(), "larger than 10 bytes") {
		t.Errorf("limit of 10 bytes: %v", err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 bytes", 1023: "1023 bytes", 1024: "1 KiB", 1536: "1.5 KiB", 256 << 20: "256 MiB", 3 << 30: "3 GiB"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}

// ReadFileInto reads into the buffer it is given while the file fits,
// and into new memory when it does not, the content whole either way.
func TestDirReadFileInto(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{"small.yaml": "s: 1\n", "big.yaml": strings.Repeat("b", 5000)} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	buf := make([]byte, 0, 64)
	small, err := d.ReadFileInto("small.yaml", 1<<20, buf)
	if err != nil || string(small) != "s: 1\n" || &small[:1][0] != &buf[:1][0] {
		t.Fatalf("small.yaml: %q, %v; read into the buffer: %v", small, err, err == nil && &small[:1][0] == &buf[:1][0])
	}
	big, err := d.ReadFileInto("big.yaml", 1<<20, buf)
	if err != nil || string(big) != strings.Repeat("b", 5000) || &big[:1][0] == &buf[:1][0] {
		t.Fatalf("big.yaml: %d bytes, %v; a buffer too small must not be written past", len(big), err)
	}
	if _, err := d.ReadFileInto("big.yaml", 100, buf); err == nil {
		t.Error("a file past the limit was read")
	}
}
