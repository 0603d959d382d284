package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// openPTY opens a pseudo-terminal pair with plain ioctls (no dependency):
// the child writes to tty, the test reads what a terminal would show from pty.
func openPTY(t *testing.T) (pty, tty *os.File) {
	t.Helper()
	pty, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening /dev/ptmx: %v", err)
	}
	var unlock int32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, pty.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); errno != 0 {
		t.Fatalf("unlocking the pty: %v", errno)
	}
	var n uint32
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, pty.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); errno != 0 {
		t.Fatalf("naming the pty: %v", errno)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatalf("opening the tty: %v", err)
	}
	return pty, tty
}

// TestLintColorOnTerminal runs the binary with standard output on a real
// terminal: findings are coloured, unless NO_COLOR is set.
func TestLintColorOnTerminal(t *testing.T) {
	dir := writeTree(t, t.TempDir(), map[string]string{"app.yaml": "a: ${X}\n"})
	for _, tt := range []struct {
		env   []string
		color bool
	}{
		{[]string{"TERM=xterm"}, true},
		{[]string{"TERM=xterm", "NO_COLOR=1"}, false},
	} {
		pty, tty := openPTY(t)
		cmd := easternCommand(dir, "lint")
		for _, kv := range os.Environ() {
			if !strings.HasPrefix(kv, "NO_COLOR=") && !strings.HasPrefix(kv, "TERM=") {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		cmd.Env = append(cmd.Env, tt.env...)
		cmd.Stdout = tty
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		tty.Close()
		out, _ := io.ReadAll(pty) // ends with EIO once the child has exited
		cmd.Wait()
		pty.Close()
		got := string(out)
		if !strings.Contains(got, "warning") {
			t.Fatalf("%v: terminal shows %q, want the unset-variable warning (stderr %q)", tt.env, got, stderr.String())
		}
		if colored := strings.Contains(got, "\x1b["); colored != tt.color {
			t.Errorf("%v: coloured = %v, want %v: %q", tt.env, colored, tt.color, got)
		}
	}
}
