//go:build e2e

package e2e

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/eastern-k8s/eastern/internal/testpty"
)

// On a terminal the rollout's progress is a block redrawn in place: each
// line cleared and rewritten, the cursor moved back up between draws.
func TestDeployProgressOnTerminal(t *testing.T) {
	dir, ns := webApp(t), namespace(t)
	pty, tty := testpty.Open(t)
	defer pty.Close()
	cmd := easternCmd(dir, []string{"TERM=xterm"}, "deploy", "app.yaml", ns, "-s", "IMAGE_TAG=1")
	cmd.Stdout = tty
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	shown, _ := io.ReadAll(pty) // ends with EIO once the child has exited
	if err := cmd.Wait(); err != nil {
		t.Fatalf("deploy on a terminal: %v\n%s\n%q", err, stderr.String(), shown)
	}
	screen := string(shown)
	if !strings.Contains(screen, "\x1b[2KDeployment/web: rolled out, 2 of 2 available") {
		t.Errorf("the block does not end rolled out: %q", screen)
	}
	if !strings.Contains(screen, "\x1b[1A") {
		t.Errorf("the block was never redrawn in place: %q", screen)
	}
}
