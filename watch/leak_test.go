package watch

import (
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestNoLeaks re-renders 1,000 times while a load line that pulls in a
// partial from its own subdirectory comes and goes, so that the watch set
// grows and shrinks on every render. Afterwards the watcher must watch only
// what the template needs, and stopping it must give back every goroutine
// and file descriptor.
// It counts the process's descriptors and goroutines, so it runs alone.
func TestNoLeaks(t *testing.T) {
	const renders = 1000
	dir := setup(t, map[string]string{
		"app.yaml":        "a: 0\n",
		"sub/deep/p.yaml": "p: 1",
	})
	goroutines := runtime.NumGoroutine()
	fds := openFDs(t)

	h := start(t, dir, Options{Template: "app.yaml", Debounce: time.Millisecond})
	r := h.waitOutput("default", "a: 0\n")
	if len(r.Watched) != 1 || r.Watched[0] != dir {
		t.Fatalf("watching %v at start, want only %s", r.Watched, dir)
	}
	for i := 1; i <= renders; i++ {
		if i%2 == 1 {
			write(t, dir, "app.yaml", "a: 1\n# load! sub/deep/p.yaml\n")
			r = h.waitOutput("default", "a: 1\np: 1\n")
			if len(r.Watched) != 2 {
				t.Fatalf("render %d: watching %v, want the root and sub/deep", i, r.Watched)
			}
		} else {
			write(t, dir, "app.yaml", "a: 0\n")
			r = h.waitOutput("default", "a: 0\n")
			if len(r.Watched) != 1 {
				t.Fatalf("render %d: watching %v, want only the root", i, r.Watched)
			}
		}
	}
	h.stop()

	if got := openFDs(t); got != fds {
		t.Errorf("open file descriptors: %d before, %d after %d renders", fds, got, renders)
	}
	// Run has returned, but the goroutine that called it may still be on
	// its way out: give it a bounded time, as goleak does. The total may
	// also drop, as other tests' goroutines finish; it must not grow, and
	// none of the watcher's may remain.
	got, ours := runtime.NumGoroutine(), watcherGoroutines()
	for deadline := time.Now().Add(5 * time.Second); (got > goroutines || ours != "") && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond)
		got, ours = runtime.NumGoroutine(), watcherGoroutines()
	}
	if got > goroutines || ours != "" {
		t.Errorf("goroutines: %d before, %d after %d renders; the watcher's:\n%s", goroutines, got, renders, ours)
	}
}

// watcherGoroutines returns the stacks of goroutines that run the watcher or
// fsnotify, "" when there are none.
func watcherGoroutines() string {
	buf := make([]byte, 1<<20)
	var ours []string
	for _, g := range strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n") {
		if strings.Contains(g, "fsnotify.") || strings.Contains(g, "watch.(*Watcher).Run") || strings.Contains(g, "watch.start.func") {
			ours = append(ours, g)
		}
	}
	return strings.Join(ours, "\n\n")
}

// openFDs counts this process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		entries, err = os.ReadDir("/dev/fd") // macOS, BSD
	}
	if err != nil {
		t.Fatalf("counting file descriptors: %v", err)
	}
	return len(entries)
}
