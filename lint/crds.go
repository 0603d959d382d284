package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/eastern-k8s/eastern/crd"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/internal/input"
)

// crdFileLimit bounds one CRD file: vendored bundles of an operator's CRDs
// run to a few MiB; a file far larger is not a CRD file.
const crdFileLimit = 64 << 20

// crdSets finds the CRD files that --crds and the crds: of each config name,
// reads each file once per run and makes one crd.Set per config and root
// directory, so that every schema is compiled once.
type crdSets struct {
	cwd     string
	flags   []string // --crds, relative to cwd
	rootDir string   // --root, "" for the engine's default
	cache   *crd.Cache

	files map[string]*crd.File // by absolute path
	sets  map[crdSetKey]*crd.Set
	notes diag.Findings // problems of the files and conflicts, each once
	roots map[string]*input.Dir
}

type crdSetKey struct {
	cfg  *Config
	root string
}

func newCRDSets(cwd string, flags []string, rootDir string) *crdSets {
	return &crdSets{cwd: cwd, flags: flags, rootDir: rootDir, cache: crd.NewCache(),
		files: map[string]*crd.File{}, sets: map[crdSetKey]*crd.Set{}, roots: map[string]*input.Dir{}}
}

func (cs *crdSets) close() {
	for _, d := range cs.roots {
		d.Close()
	}
}

// forTarget returns the CRDs that apply to renders of template with cfg:
// nil when neither --crds nor the config names any.
func (cs *crdSets) forTarget(template string, cfg *Config, rootDir string) (*crd.Set, error) {
	var cfgCRDs []string
	if cfg != nil {
		cfgCRDs = cfg.CRDs
	}
	if len(cs.flags) == 0 && len(cfgCRDs) == 0 {
		return nil, nil
	}
	root := rootDir
	if root == "" {
		root = engine.DefaultRoot(cs.cwd, template)
	}
	root = fspath.Abs(cs.cwd, root)
	key := crdSetKey{cfg, root}
	if s, ok := cs.sets[key]; ok {
		return s, nil
	}
	var files []*crd.File
	flagRoot := cs.cwd
	if cs.rootDir != "" {
		flagRoot = fspath.Abs(cs.cwd, cs.rootDir)
	}
	for _, arg := range cs.flags {
		fs, err := cs.readArg("--crds", arg, cs.cwd, flagRoot)
		if err != nil {
			return nil, err
		}
		files = append(files, fs...)
	}
	if len(cfgCRDs) > 0 {
		base := cfg.Dir
		cfgRoot := root
		if !fspath.Within(root, base) {
			cfgRoot = base // a --config outside the tree: its own directory
		}
		for _, arg := range cfgCRDs {
			fs, err := cs.readArg(cfg.Path+": crds", arg, base, cfgRoot)
			if err != nil {
				return nil, err
			}
			files = append(files, fs...)
		}
	}
	s, conflicts := crd.NewSet(cs.cache, files...)
	for _, f := range conflicts {
		if !slices.ContainsFunc(cs.notes, func(g *diag.Finding) bool { return g.Pos == f.Pos && g.Message == f.Message }) {
			cs.notes = append(cs.notes, f)
		}
	}
	cs.sets[key] = s
	return s, nil
}

// readArg reads the CRD files that arg names — a file, a directory searched
// recursively, or a doublestar glob — relative to base, beneath root.
func (cs *crdSets) readArg(what, arg, base, root string) ([]*crd.File, error) {
	abs := fspath.Abs(base, arg)
	var names []string // relative to root
	info, err := os.Stat(abs)
	switch {
	case err == nil || !isGlob(arg):
		if !fspath.Within(root, abs) {
			return nil, diag.Usagef("%s %s lies outside the root directory %s: not read", what, arg, fspath.Display(cs.cwd, root))
		}
		if err != nil {
			return nil, diag.Usagef("%s %s: no such file or directory", what, arg)
		}
		rel, _ := filepath.Rel(root, abs)
		if info.IsDir() {
			if names, err = cs.walk(root, rel); err != nil {
				return nil, diag.Usagef("%s %s: %v", what, arg, unwrapPath(err))
			}
		} else {
			names = []string{rel}
		}
	default:
		pattern := filepath.ToSlash(abs)
		fixed, _ := doublestar.SplitPattern(pattern)
		if !fspath.Within(root, filepath.FromSlash(fixed)) {
			return nil, diag.Usagef("%s %s lies outside the root directory %s: not read", what, arg, fspath.Display(cs.cwd, root))
		}
		relPattern := strings.TrimPrefix(strings.TrimPrefix(pattern, filepath.ToSlash(root)), "/")
		if !doublestar.ValidatePattern(relPattern) {
			return nil, diag.Usagef("%s %s: malformed glob pattern", what, arg)
		}
		matches, err := doublestar.Glob(os.DirFS(root), relPattern, doublestar.WithNoFollow(), doublestar.WithFilesOnly())
		if err != nil {
			return nil, diag.Usagef("%s %s: %v", what, arg, err)
		}
		if len(matches) == 0 {
			return nil, diag.Usagef("%s %s: the pattern matches no file", what, arg)
		}
		for _, m := range matches {
			names = append(names, filepath.FromSlash(m))
		}
	}
	var out []*crd.File
	for _, name := range names {
		f, err := cs.readFile(root, name)
		if err != nil {
			return nil, diag.Usagef("%s %s: %v", what, arg, err)
		}
		if f != nil {
			out = append(out, f)
		}
	}
	return out, nil
}

// walk lists the .yaml, .yml and .json files below dir (relative to root),
// beneath root, skipping hidden ones; symbolic links to directories are not
// followed, as a directory of templates is walked.
func (cs *crdSets) walk(root, dir string) ([]string, error) {
	d, err := cs.openRoot(root)
	if err != nil {
		return nil, err
	}
	var out []string
	var visit func(string) error
	visit = func(dir string) error {
		entries, err := d.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".") {
				continue
			}
			name := filepath.Join(dir, e.Name())
			switch ext := path.Ext(e.Name()); {
			case e.IsDir():
				if err := visit(name); err != nil {
					return err
				}
			case ext == ".yaml" || ext == ".yml" || ext == ".json":
				if e.Type().IsRegular() || e.Type()&fs.ModeSymlink != 0 {
					out = append(out, name)
					continue
				}
				// A named pipe or device is never opened, as in discovery.
				cs.notes = append(cs.notes, &diag.Finding{Severity: diag.Info, Rule: RuleSkipped,
					Pos:     diag.Position{File: fspath.Display(cs.cwd, filepath.Join(root, name))},
					Message: fmt.Sprintf("skipped: a %s, not a regular file", input.Kind(e.Type()))})
			}
		}
		return nil
	}
	err = visit(dir)
	slices.Sort(out)
	return out, err
}

func (cs *crdSets) openRoot(root string) (*input.Dir, error) {
	d, ok := cs.roots[root]
	if !ok {
		var err error
		if d, err = input.OpenDir(root); err != nil {
			return nil, err
		}
		cs.roots[root] = d
	}
	return d, nil
}

// readFile reads and compiles one CRD file, once per run; its problems
// become notes of the run.
func (cs *crdSets) readFile(root, name string) (*crd.File, error) {
	abs := filepath.Join(root, name)
	if f, ok := cs.files[abs]; ok {
		return f, nil
	}
	d, err := cs.openRoot(root)
	if err != nil {
		return nil, err
	}
	data, err := d.ReadFile(name, crdFileLimit)
	switch {
	case input.Escapes(err):
		return nil, errors.New(fspath.Display(cs.cwd, abs) + " leads outside the root directory: not read")
	case err != nil:
		return nil, unwrapPath(err)
	}
	f := cs.cache.ReadFile(fspath.Display(cs.cwd, abs), data)
	cs.files[abs] = f
	cs.notes = append(cs.notes, f.Findings...)
	return f, nil
}
