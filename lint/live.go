package lint

import (
	"errors"
	"fmt"
	"io/fs"

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

// LiveCheck lints each render for a long-running caller, eastern watch: the
// configuration is read again before every check, so that an edit to it
// takes effect, and one broken mid-edit is reported while the last good
// configuration stays in use.
type LiveCheck struct {
	opts LiveOptions
	cfg  *Config
}

// LiveOptions configure a LiveCheck.
type LiveOptions struct {
	// WorkDir, Config and RootDir say where the configuration is, as for
	// ReadConfig.
	WorkDir, Config, RootDir string
	// KubeVersion is the release for every namespace (as ParseRelease
	// returns it); when empty, the configuration decides.
	KubeVersion string
	StrictKinds bool
}

// NewLiveCheck reads the configuration once: a mistake in it now is a
// *diag.UsageError, as for eastern lint.
func NewLiveCheck(opts LiveOptions) (*LiveCheck, error) {
	cfg, err := ReadConfig(opts.WorkDir, opts.Config, opts.RootDir)
	if err != nil {
		return nil, err
	}
	return &LiveCheck{opts: opts, cfg: cfg}, nil
}

// ConfigPath is the absolute path of the configuration file, whether or
// not it exists yet: a watcher watches it so that creating it counts too.
func (l *LiveCheck) ConfigPath() (string, error) {
	cwd, err := engine.WorkDir(l.opts.WorkDir)
	if err != nil {
		return "", err
	}
	path := l.opts.Config
	if path == "" {
		path = ConfigFile
	}
	return fspath.Abs(cwd, path), nil
}

// Check lints one render of template for namespace, as CheckRender does,
// after reading the configuration again.
func (l *LiveCheck) Check(res *engine.Result, renderErr error, template, namespace string) diag.Findings {
	var problems diag.Findings
	if fresh, err := ReadConfig(l.opts.WorkDir, l.opts.Config, l.opts.RootDir); err != nil {
		problems = append(problems, &diag.Finding{
			Severity: diag.Error, Rule: RuleLiveConfig, Namespace: namespace,
			Message: fmt.Sprintf("%v (still using the previous configuration)", err),
		})
	} else {
		l.cfg = fresh
	}
	release := l.cfg.ReleaseFor(namespace, l.opts.KubeVersion)
	return append(problems, CheckRender(res, renderErr, template, namespace, release, l.opts.StrictKinds).Findings...)
}
