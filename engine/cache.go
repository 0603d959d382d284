package engine

import "sync"

// Cache shares file reads between renders: the contents of template files,
// where each candidate path leads, directory listings, and the symlink-free
// form of directories. eastern lint renders thousands
// of templates that load the same partials; with a Cache each partial is
// read once per run instead of once per render. Files must not change while
// a Cache is in use, so a watcher never uses one. It is safe for concurrent
// use by renders on several goroutines.
type Cache struct {
	mu    sync.RWMutex
	files map[string][]byte  // real path → contents
	dirs  map[string]string  // absolute directory → real directory
	paths map[string]located // root + NUL + display path → locate's answer
	lists map[string]listing // real directory → its entries
}

// located is what resolver.locate found for one candidate.
type located struct {
	real string
	err  error
}

// NewCache returns an empty Cache.
func NewCache() *Cache {
	return &Cache{files: map[string][]byte{}, dirs: map[string]string{}, paths: map[string]located{}, lists: map[string]listing{}}
}

func (c *Cache) file(real string) ([]byte, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	data, ok := c.files[real]
	return data, ok
}

func (c *Cache) storeFile(real string, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.files[real] = data
}

func (c *Cache) dir(dir string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	real, ok := c.dirs[dir]
	return real, ok
}

func (c *Cache) storeDir(dir, real string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dirs[dir] = real
}

func (c *Cache) located(key string) (located, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	l, ok := c.paths[key]
	return l, ok
}

func (c *Cache) storeLocated(key string, l located) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.paths[key] = l
}

func (c *Cache) listing(dir string) (listing, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	ls, ok := c.lists[dir]
	return ls, ok
}

func (c *Cache) storeListing(dir string, ls listing) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lists[dir] = ls
}
