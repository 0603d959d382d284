package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/eastern-k8s/eastern/checks"
	"github.com/eastern-k8s/eastern/crd"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/internal/fspath"
)

// ReadConfig reads the configuration a command uses: the file at path
// (--config) when it is not empty, else ConfigFile in workDir when there is
// one (nil, nil when not), read beneath rootDir as FindConfig reads it.
// Mistakes in the file and a path that names no usable file are
// *diag.UsageError: the user fixes them.
func ReadConfig(workDir, path, rootDir string) (*Config, error) {
	if path == "" {
		cfg, err := FindConfig(workDir, rootDir)
		if _, usage := errors.AsType[*diag.UsageError](err); err != nil && !usage {
			// A .eastern.yaml that is a symlink out of the root or a
			// named pipe is the user's to fix, as a broken one is.
			return nil, diag.Usagef("%v", err)
		}
		return cfg, err
	}
	cfg, err := LoadConfig(workDir, path)
	var usage *diag.UsageError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, diag.Usagef("--config %s: no such file", path)
	case err != nil && !errors.As(err, &usage):
		return nil, diag.Usagef("--config: %v", err)
	}
	return cfg, err
}

// ConfigFor returns the configuration of one template, as lint finds it:
// the file at path (--config) when it is not empty, else the nearest
// ConfigFile from the template's directory up to rootDir (the working
// directory when empty). template "" or engine.StdinName is a template in
// baseDir ("" for the working directory). nil when none applies.
func ConfigFor(workDir, path, template, rootDir, baseDir string) (*Config, error) {
	cs, err := NewConfigs(workDir, path)
	if err != nil {
		return nil, err
	}
	defer cs.Close()
	return cs.For(templatePath(template, baseDir), rootDir)
}

// templatePath is where a template is for the config search: a template
// on standard input lies in its base directory.
func templatePath(template, baseDir string) string {
	if template == "" || template == "-" || template == engine.StdinName {
		if baseDir == "" {
			baseDir = "."
		}
		return filepath.Join(baseDir, engine.StdinName)
	}
	return template
}

// ConfigPaths are the absolute paths of the files that may configure
// template, whether or not they exist yet — the --config file, or a
// ConfigFile in each directory from the template's up to rootDir — for a
// watcher to watch, so that creating one counts too.
func ConfigPaths(workDir, path, template, rootDir string) ([]string, error) {
	cwd, err := engine.WorkDir(workDir)
	if err != nil {
		return nil, err
	}
	if path != "" {
		return []string{fspath.Abs(cwd, path)}, nil
	}
	var paths []string
	eachDir(cwd, template, rootDir, func(_, dir string) bool {
		paths = append(paths, filepath.Join(dir, ConfigFile))
		return false
	})
	return paths, nil
}

// CRDPaths are where the CRDs of template come from — the flags (--crds)
// and its configuration's crds: — as absolute files and directories, a
// glob standing for its fixed leading directory: what eastern watch
// watches, so that an edit to a CRD checks the renders again. The
// configuration is found as ConfigFor finds it.
func CRDPaths(workDir, config, template, rootDir string, flags []string) ([]string, error) {
	cwd, err := engine.WorkDir(workDir)
	if err != nil {
		return nil, err
	}
	cfg, err := ConfigFor(workDir, config, template, rootDir, "")
	if err != nil {
		return nil, err
	}
	var paths []string
	add := func(base, p string) {
		if isGlob(p) {
			fixed, _ := doublestar.SplitPattern(filepath.ToSlash(p))
			p = filepath.FromSlash(fixed)
		}
		paths = append(paths, fspath.Abs(base, p))
	}
	for _, p := range flags {
		add(cwd, p)
	}
	if cfg != nil && cfg.Dir != "" {
		for _, p := range cfg.CRDs {
			add(cfg.Dir, p)
		}
	}
	return paths, nil
}

// LiveCheck lints each render of one template for a long-running caller,
// eastern watch: the configuration is read again before every check, so
// that an edit to it takes effect, and one broken mid-edit is reported
// while the last good configuration stays in use.
type LiveCheck struct {
	opts LiveOptions
	cfg  *Config
}

// LiveOptions configure a LiveCheck.
type LiveOptions struct {
	// WorkDir, Config, Template and RootDir say where the configuration
	// is, as for ConfigFor.
	WorkDir, Config, Template, RootDir string
	// KubeVersion is the release for every namespace (as ParseRelease
	// returns it); when empty, the configuration decides.
	KubeVersion string
	StrictKinds bool
	// CRDs are --crds: files, directories and globs of CRDs, read again
	// for every check, so that an edit to one takes effect.
	CRDs []string
}

// NewLiveCheck reads the configuration once: a mistake in it now is a
// *diag.UsageError, as for eastern lint.
func NewLiveCheck(opts LiveOptions) (*LiveCheck, error) {
	cfg, err := ConfigFor(opts.WorkDir, opts.Config, opts.Template, opts.RootDir, "")
	if err != nil {
		return nil, err
	}
	return &LiveCheck{opts: opts, cfg: cfg}, nil
}

// Check lints one render for namespace, as eastern lint does — the
// validator's checks and those of package checks at the levels the
// configuration sets for namespace — after reading the configuration
// again.
func (l *LiveCheck) Check(res *engine.Result, renderErr error, namespace string) diag.Findings {
	var problems diag.Findings
	if fresh, err := ConfigFor(l.opts.WorkDir, l.opts.Config, l.opts.Template, l.opts.RootDir, ""); err != nil {
		problems = append(problems, &diag.Finding{
			Severity: diag.Error, Rule: RuleLiveConfig, Namespace: namespace,
			Message: fmt.Sprintf("%v (still using the previous configuration)", err),
		})
	} else {
		l.cfg = fresh
	}
	release := l.cfg.ReleaseFor(namespace, l.opts.KubeVersion)
	// The checks of package checks as eastern lint runs them for the
	// namespace, so that a watch shows what the lint in CI will say.
	t := &Target{Template: l.opts.Template, Namespace: namespace, Release: release, Levels: l.cfg.LevelsFor(namespace, checks.Block{})}
	cwd, err := engine.WorkDir(l.opts.WorkDir)
	if err != nil {
		return append(problems, diag.Collect(err)...)
	}
	sets := newCRDSets(cwd, l.opts.CRDs, l.opts.RootDir)
	defer sets.close()
	set, err := sets.forTarget(l.opts.Template, l.cfg, l.opts.RootDir)
	if err != nil {
		// A CRD file removed or broken mid-edit: the watch goes on.
		problems = append(problems, &diag.Finding{Severity: diag.Error, Rule: crd.RuleRead, Namespace: namespace, Message: err.Error()})
	}
	for _, n := range sets.notes {
		c := *n
		c.Namespace = namespace
		problems = append(problems, &c)
	}
	return append(problems, checkRender(res, renderErr, t, l.opts.StrictKinds, set.Output(sets.cache)).Findings...)
}
