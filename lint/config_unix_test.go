//go:build unix

package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConfigFilesObeyTheRules: a discovered .eastern.yaml must be a regular
// file inside the root, and any config is at most 1 MiB; none of the cases
// may block, grow without bound or echo what it points at.
func TestConfigFilesObeyTheRules(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	secret := filepath.Join(outside, "shadow")
	writeFile(t, secret, "root:SECRET-HASH:19000:0:99999:7:::\n")
	tests := []struct {
		name  string
		setup func(t *testing.T, config string)
		want  string
	}{
		{"symlink out of the root", func(t *testing.T, c string) { symlinkTo(t, secret, c) }, "leads outside the root directory"},
		{"device", func(t *testing.T, c string) { symlinkTo(t, "/dev/zero", c) }, "leads outside the root directory"},
		{"named pipe", func(t *testing.T, c string) { mkfifo(t, c) }, "is a named pipe, not a regular file"},
		{"too large", func(t *testing.T, c string) {
			writeFile(t, c, "kubeVersion: \"1.29\"\n"+strings.Repeat("# padding\n", 120_000))
		}, "is larger than 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(t, filepath.Join(dir, ConfigFile))
			done := make(chan error, 1)
			go func() {
				_, err := FindConfig(dir, "")
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("FindConfig: %v, want %q", err, tt.want)
				}
				if err != nil && strings.Contains(err.Error(), "SECRET") {
					t.Errorf("the error quotes the file it must not read: %v", err)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("FindConfig blocked")
			}
		})
	}
	// The same file named with --config is the user's choice of path, but
	// still only a regular file within the limit.
	if _, err := LoadConfig("", "/dev/zero"); err == nil || !strings.Contains(err.Error(), "is a device") {
		t.Errorf("LoadConfig(/dev/zero): %v, want a device error", err)
	}
}

// TestConfigSymlinkInsideTheRoot: a link that stays inside the root is fine.
func TestConfigSymlinkInsideTheRoot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ci", "eastern.yaml"), "kubeVersion: \"1.29\"\n")
	symlinkTo(t, "ci/eastern.yaml", filepath.Join(dir, ConfigFile))
	cfg, err := FindConfig(dir, "")
	if err != nil || cfg == nil || cfg.KubeVersion != "1.29" {
		t.Errorf("FindConfig = %+v, %v", cfg, err)
	}
}

func symlinkTo(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// TestConfigMessagesQuoteExcerpts: a key of 900 bytes with an ESC in it is
// quoted short and escaped.
func TestConfigMessagesQuoteExcerpts(t *testing.T) {
	t.Parallel()
	_, err := ParseConfig("c.yaml", []byte(`"\e[2J`+strings.Repeat("k", 900)+"\": 1\n"))
	if err == nil || len(err.Error()) > 200 || strings.Contains(err.Error(), "\x1b") || !strings.Contains(err.Error(), `\x1b[2Jkkk`) {
		t.Errorf("error %q: want a short, escaped excerpt of the key", err)
	}
}
