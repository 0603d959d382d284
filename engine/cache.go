package engine

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/eastern-k8s/eastern/internal/input"
)

// Cache shares file-system answers between renders: the contents of
// template files, directory listings, the symlink-free form of directories
// and where each candidate path leads. eastern lint renders thousands of
// templates that load the same partials; with one Cache for the run each
// partial is read once instead of once per render. Files must not change
// while a Cache is in use, so a watcher gives every render a fresh one (as
// RenderFile does when Options.Cache is nil). It is safe for concurrent use
// by renders on several goroutines.
type Cache struct {
	checked memo[string, *checkedFile] // real path → contents, checked
	lists   memo[string, listing]      // real directory → its entries
	dirs    memo[string, string]       // absolute directory → real directory
	paths   memo[pathKey, located]     // root and display path → locate's answer
	roots   memo[string, *input.Dir]   // real root directory → opened for reading beneath it
	joins   memo[joinKey, string]      // directory and candidate as written → the path they join to
	// held counts the bytes of files: past MaxCached, files are read
	// again by each render instead, so that a tree of huge files costs
	// time, not memory without bound.
	held    atomic.Int64
	maxHeld int64 // MaxCached; smaller in tests
}

// MaxCached is how many bytes of file contents a Cache keeps: far more
// than the templates of a large repository, far less than memory.
const MaxCached = 128 << 20

// hold reports whether n more bytes of contents fit, and counts them.
func (c *Cache) hold(n int) bool {
	if c.held.Add(int64(n)) <= c.maxHeld {
		return true
	}
	c.held.Add(-int64(n))
	return false
}

// pathKey is a display path under a root: two roots may name different
// files by the same display path. A struct, not the two joined, so that
// asking costs no allocation.
type pathKey struct{ root, display string }

// joinKey is a candidate as written in a file in dir.
type joinKey struct{ dir, candidate string }

// located is what resolver.locate found for one candidate.
type located struct {
	real string
	err  error
}

// NewCache returns an empty Cache.
func NewCache() *Cache { return &Cache{maxHeld: MaxCached} }

// Expect sizes the Cache for about n files before renders start, so that
// it does not grow a map at a time while thousands of files are read.
func (c *Cache) Expect(n int) {
	c.checked.reserve(n)
	c.paths.reserve(n)
}

// Close releases the root directories the Cache holds open. Renders and
// Trees that use it must be done.
func (c *Cache) Close() error {
	c.roots.mu.Lock()
	defer c.roots.mu.Unlock()
	var errs []error
	for _, d := range c.roots.m {
		errs = append(errs, d.Close())
	}
	c.roots.m = nil
	return errors.Join(errs...)
}

// memo is a map filled on first use, safe for concurrent use.
type memo[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

func (m *memo[K, V]) get(key K) (V, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	v, ok := m.m[key]
	return v, ok
}

// reserve makes room for n entries, when the memo is still empty.
func (m *memo[K, V]) reserve(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.m) == 0 {
		m.m = make(map[K]V, n)
	}
}

func (m *memo[K, V]) put(key K, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[K]V{}
	}
	m.m[key] = v
}

// do returns the value for key, computing and remembering it on first use.
// Errors are not remembered.
func (m *memo[K, V]) do(key K, compute func() (V, error)) (V, error) {
	if v, ok := m.get(key); ok {
		return v, nil
	}
	v, err := compute()
	if err == nil {
		m.put(key, v)
	}
	return v, err
}
