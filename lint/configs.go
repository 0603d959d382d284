package lint

import (
	"errors"
	"io/fs"
	"path/filepath"
	"sync"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/internal/input"
)

// Configs finds the configuration of each template, as .editorconfig and
// golangci-lint find theirs: the nearest ConfigFile in the template's
// directory or an ancestor, up to the template's root directory, applies;
// directories above the root are never looked at. A forced config
// (--config) applies to every template instead. Each directory is looked
// at once. Configs is safe for concurrent use.
type Configs struct {
	cwd        string
	forced     *Config
	force      bool
	forcedPath string // the forced file's absolute path

	mu    sync.Mutex
	dirs  map[string]configEntry // absolute directory → its own ConfigFile
	roots map[string]*input.Dir  // root directories, opened once
	// near holds For's answer by the directory of the file as spelled and
	// its root directory, which are all the answer depends on: the
	// thousands of templates of one directory ask once.
	near map[[2]string]configEntry
	// excludeFree holds the directories (keyed as near) that no config
	// on the way up excludes anything from.
	excludeFree map[[2]string]bool
}

type configEntry struct {
	cfg *Config // nil: the directory has none
	err error
}

// NewConfigs looks for configs from workDir (the process's working
// directory when empty). With a forced path (--config), that file is read
// now and serves every template.
func NewConfigs(workDir, path string) (*Configs, error) {
	cwd, err := engine.WorkDir(workDir)
	if err != nil {
		return nil, err
	}
	cs := &Configs{cwd: cwd, dirs: map[string]configEntry{}, roots: map[string]*input.Dir{}}
	if path != "" {
		cfg, err := ReadConfig(cwd, path, "")
		if err != nil {
			return nil, err
		}
		return forced(cwd, cfg), nil
	}
	return cs, nil
}

// forced is a Configs whose every answer is cfg (nil: no configuration),
// a file read from cwd.
func forced(cwd string, cfg *Config) *Configs {
	cs := &Configs{cwd: cwd, forced: cfg, force: true}
	if cfg != nil && cfg.Path != "" {
		cs.forcedPath = fspath.Abs(cwd, cfg.Path)
		if cfg.Dir == "" {
			cfg.Dir = filepath.Dir(cs.forcedPath)
		}
	}
	return cs
}

// Close releases the directories the lookups opened.
func (cs *Configs) Close() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for _, d := range cs.roots {
		d.Close()
	}
	cs.roots = map[string]*input.Dir{}
}

// For returns the config of the template file (as the user spelled it,
// relative to the working directory) whose renders have rootDir as root
// directory ("" for the engine's default): nil when none applies. A config
// that cannot be read or parsed is a *diag.UsageError naming its file.
func (cs *Configs) For(file, rootDir string) (*Config, error) {
	if cs.force {
		return cs.forced, nil
	}
	key := [2]string{filepath.Dir(file), rootDir}
	cs.mu.Lock()
	e, ok := cs.near[key]
	cs.mu.Unlock()
	if ok {
		return e.cfg, e.err
	}
	var found *Config
	err := cs.walkUp(file, rootDir, func(cfg *Config) bool {
		found = cfg
		return cfg != nil
	})
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.near == nil {
		cs.near = map[[2]string]configEntry{}
	}
	cs.near[key] = configEntry{found, err}
	return found, err
}

// walkUp calls fn with the config of the file's directory, then of each
// ancestor up to its root directory (nil for a directory without one),
// until fn returns true.
func (cs *Configs) walkUp(file, rootDir string, fn func(*Config) bool) error {
	var err error
	eachDir(cs.cwd, file, rootDir, func(root, dir string) bool {
		e := cs.lookup(root, dir)
		if e.err != nil {
			err = e.err
			return true
		}
		return fn(e.cfg)
	})
	return err
}

// eachDir calls fn with the root directory and the file's directory, then
// each ancestor up to the root directory, until fn returns true.
func eachDir(cwd, file, rootDir string, fn func(root, dir string) bool) {
	abs := fspath.Abs(cwd, file)
	root := rootDir
	if root == "" {
		root = engine.DefaultRoot(cwd, file)
	}
	root = fspath.Abs(cwd, root)
	dir := filepath.Dir(abs)
	if !fspath.Within(root, dir) {
		root = dir
	}
	for !fn(root, dir) {
		parent := filepath.Dir(dir)
		if dir == root || parent == dir {
			return
		}
		dir = parent
	}
}

// InDir returns the config in dir itself or the nearest ancestor up to
// the working directory (for commands that take a directory rather than
// a template: completion's namespaces).
func (cs *Configs) InDir(dir string) (*Config, error) {
	return cs.For(filepath.Join(dir, "_"), "")
}

// lookup reads dir's own ConfigFile beneath root, once.
func (cs *Configs) lookup(root, dir string) configEntry {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if e, ok := cs.dirs[dir]; ok {
		return e
	}
	e := cs.read(root, dir)
	cs.dirs[dir] = e
	return e
}

func (cs *Configs) read(root, dir string) configEntry {
	display := fspath.Display(cs.cwd, filepath.Join(dir, ConfigFile))
	d, ok := cs.roots[root]
	if !ok {
		var err error
		if d, err = input.OpenDir(root); err != nil {
			// The render reports a root that cannot be opened.
			return configEntry{}
		}
		cs.roots[root] = d
	}
	rel, err := filepath.Rel(root, filepath.Join(dir, ConfigFile))
	if err != nil {
		return configEntry{err: err}
	}
	data, err := d.ReadFile(rel, input.ConfigLimit)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return configEntry{}
	case input.Escapes(err):
		return configEntry{err: diag.Usagef("%s leads outside the root directory %s: not read", display, root)}
	case err != nil:
		return configEntry{err: diag.Usagef("%s: %v", display, unwrapPath(err))}
	}
	cfg, err := parseConfig(display, data)
	if err != nil {
		return configEntry{err: err}
	}
	cfg.Dir = dir
	return configEntry{cfg: cfg}
}

// Excluded reports whether a config excludes file: the exclude patterns
// of every config from the root directory down to the file's directory
// apply, each relative to its own directory, as .gitignore files do; with
// a forced config, its patterns alone. Configs are read top down, so that
// one inside an excluded directory (a test fixture) is never read.
func (cs *Configs) Excluded(file, rootDir string) (bool, error) {
	if cs.force {
		return cs.forced.Excludes(fspath.Abs(cs.cwd, file)), nil
	}
	key := [2]string{filepath.Dir(file), rootDir}
	cs.mu.Lock()
	free := cs.excludeFree[key]
	cs.mu.Unlock()
	if free {
		return false, nil
	}
	abs := fspath.Abs(cs.cwd, file)
	type level struct{ root, dir string }
	var levels []level
	eachDir(cs.cwd, file, rootDir, func(root, dir string) bool {
		levels = append(levels, level{root, dir})
		return false
	})
	excludes := false
	for i := len(levels) - 1; i >= 0; i-- {
		e := cs.lookup(levels[i].root, levels[i].dir)
		if e.err != nil {
			return false, e.err
		}
		if e.cfg.Excludes(abs) {
			return true, nil
		}
		excludes = excludes || e.cfg != nil && len(e.cfg.Exclude) > 0
	}
	if !excludes {
		cs.mu.Lock()
		defer cs.mu.Unlock()
		if cs.excludeFree == nil {
			cs.excludeFree = map[[2]string]bool{}
		}
		cs.excludeFree[key] = true
	}
	return false, nil
}
