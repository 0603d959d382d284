package lint

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bmatcuk/doublestar/v4"

	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/internal/input"
)

// expandPaths turns PATH|GLOB arguments into template files: a directory is
// walked for .yaml and .yml files, a glob is matched with doublestar, and a
// file is taken as named. Hidden files and directories are skipped unless an
// argument names them literally, and so is the config file (config, when
// not nil): a --config file kept inside the tree is not a template. The
// result is sorted and has no duplicates. Named pipes, devices and other
// special files are never opened: each one matched is left out with a note.
//
// bases maps each file found below a directory argument, or by a glob, to
// that directory or the glob's fixed leading directory: the tree the user
// pointed at, which is where the file's loads may reach when it lies
// outside the working directory.
//
// Relative arguments start from workDir, and the files found keep the
// form the user wrote: "apps/web.yaml", "../other/app.yaml".
//
// walked is what the walks of directory arguments saw, for the load graph
// (walkMap).
func expandPaths(workDir string, args []string, config os.FileInfo) (files []string, bases map[string]string, walked *walkMap, notes diag.Findings, err error) {
	walked = newWalkMap()
	fd := finder{workDir: workDir, regular: walked.templates, walked: walked}
	bases = map[string]string{}
	for _, arg := range args {
		found, base, err := fd.expandPath(arg)
		if err != nil {
			return nil, nil, nil, nil, err
		}
		for _, f := range found {
			if !fspath.IsClean(f) {
				f = filepath.Clean(f)
			}
			if base != "" && fd.isFile(f, config) {
				continue
			}
			if _, seen := bases[f]; !seen {
				bases[f] = base
			}
			files = append(files, f)
		}
	}
	files = uniquePaths(files)
	regular := files[:0]
	for _, f := range files {
		if fd.regular[f] {
			regular = append(regular, f)
			continue
		}
		if info, err := fd.stat(f); err == nil && !info.Mode().IsRegular() {
			notes = append(notes, &diag.Finding{
				Severity: diag.Info, Rule: RuleSkipped, Pos: diag.Position{File: f},
				Message: fmt.Sprintf("skipped: a %s, not a regular file", input.Kind(info.Mode())),
			})
			continue
		}
		regular = append(regular, f)
	}
	return regular, bases, fd.walked, notes, nil
}

// finder looks at the file system from workDir.
type finder struct {
	workDir string
	// regular holds the files a walk found to be regular files, by the
	// type its directory listing gave: they need no stat of their own.
	regular map[string]bool
	walked  *walkMap
	// chartTemplates remembers which directories lie below the
	// templates directory of a Helm chart.
	chartTemplates map[string]bool
}

func (fd finder) abs(p string) string { return fspath.Abs(fd.workDir, p) }

func (fd finder) stat(p string) (os.FileInfo, error) { return os.Stat(fd.abs(p)) }

func (fd finder) expandPath(arg string) (files []string, base string, err error) {
	info, err := fd.stat(arg)
	switch {
	case err == nil && info.IsDir():
		files, err = fd.walkTemplates(arg)
		return files, filepath.Clean(arg), err
	case err == nil:
		return []string{filepath.Clean(arg)}, "", nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, "", err
	case !isGlob(arg):
		return nil, "", diag.Usagef("%s: no such file or directory", arg)
	}
	base, _ = doublestar.SplitPattern(filepath.ToSlash(arg))
	base = filepath.Clean(filepath.FromSlash(base))
	files, err = fd.expandGlob(arg, base)
	return files, base, err
}

// expandGlob matches arg, whose fixed leading directory is base: the rest
// is matched in base, so that no part of workDir is read as a pattern.
func (fd finder) expandGlob(arg, base string) ([]string, error) {
	if !doublestar.ValidatePathPattern(arg) {
		return nil, diag.Usagef("%s: malformed glob pattern", arg)
	}
	_, rest := doublestar.SplitPattern(filepath.ToSlash(arg))
	// WithNoFollow: a symlinked directory inside the tree may lead
	// anywhere, and ** must not walk there (nor loop through "loop -> .");
	// walking a directory argument does not follow them either.
	found, err := doublestar.Glob(os.DirFS(fd.abs(base)), rest, doublestar.WithNoHidden(), doublestar.WithFailOnIOErrors(), doublestar.WithNoFollow())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", arg, err)
	}
	matches := make([]string, len(found))
	for i, m := range found {
		matches[i] = filepath.Join(base, filepath.FromSlash(m))
	}
	// "apps/**" and "apps/*" mean the templates below apps, not its READMEs;
	// a pattern with its own extension ("*.tmpl") picks exactly what it says.
	last := arg[strings.LastIndexByte(arg, '/')+1:]
	anyName := last == "*" || last == "**"
	var files []string
	for _, m := range matches {
		info, err := fd.stat(m)
		if err != nil {
			return nil, err
		}
		switch {
		case info.IsDir():
			found, err := fd.walkTemplates(m)
			if err != nil {
				return nil, err
			}
			files = append(files, found...)
		case !anyName || isTemplateName(m):
			files = append(files, m)
		}
	}
	if len(files) == 0 {
		return nil, diag.Usagef("%s: the pattern matches no template", arg)
	}
	return files, nil
}

// walkTemplates lists the .yaml and .yml files below dir, skipping hidden
// files and directories (.git, .eastern.yaml).
func (fd finder) walkTemplates(dir string) ([]string, error) {
	var files []string
	abs := fd.abs(dir)
	// spelled is path as the templates' paths are spelled: path is
	// abs/rel, as WalkDir joins the names it lists to abs. The names are
	// clean, so "." needs no Join (and no Clean) to stay so.
	spelled := func(path string) string {
		f := strings.TrimPrefix(path[len(abs):], string(filepath.Separator))
		switch {
		case f == "":
			return filepath.Clean(dir)
		case dir != ".":
			return filepath.Join(dir, f)
		}
		return f
	}
	err := filepath.WalkDir(abs, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if path == abs {
			if d.IsDir() {
				fd.walked.dir(spelled(path))
			}
			return nil
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") {
				fd.walked.other(spelled(path), true)
				return filepath.SkipDir
			}
			fd.walked.dir(spelled(path))
			return nil
		}
		f := spelled(path)
		if strings.HasPrefix(d.Name(), ".") || !isTemplateName(path) || !d.Type().IsRegular() {
			// Not a template the walk vouches for: a link may lead to a
			// directory, a hidden file or a README may still be loaded.
			fd.walked.other(f, d.Type()&fs.ModeSymlink != 0)
		}
		if strings.HasPrefix(d.Name(), ".") || !isTemplateName(path) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// A link counts when it leads to a file; expandPaths notes
			// one that leads to a special file.
			if info, err := os.Stat(path); err != nil || info.IsDir() {
				return nil
			}
		}
		if d.Type().IsRegular() {
			fd.regular[f] = true
		}
		files = append(files, f)
		return nil
	})
	return files, err
}

// isFile reports whether path is the file info describes, by identity rather
// than by name, so that "d/c.yaml", "./d/c.yaml", an absolute path and a
// symbolic link all count. info may be nil.
func (fd finder) isFile(path string, info os.FileInfo) bool {
	if info == nil {
		return false
	}
	other, err := fd.stat(path)
	return err == nil && os.SameFile(info, other)
}

func isTemplateName(path string) bool {
	ext := filepath.Ext(path)
	return ext == ".yaml" || ext == ".yml"
}

func isGlob(s string) bool { return strings.ContainsAny(s, "*?[{") }

// uniquePaths cleans, sorts and deduplicates paths.
func uniquePaths(paths []string) []string {
	for i, p := range paths {
		if !fspath.IsClean(p) {
			paths[i] = filepath.Clean(p)
		}
	}
	slices.Sort(paths)
	return slices.Compact(paths)
}

// notTemplate says why a file that a directory walk or a glob found is
// not a template although it is YAML, "skipped: " and the reason, or ""
// when it may be one: files
// that kustomize and Helm read, whose contents are not manifests (a
// Kustomization, a chart's metadata and values) or not YAML until Helm
// renders them (a chart's templates, full of {{ }}). charts remembers
// which directories hold a Chart.yaml.
func (fd finder) notTemplate(file string, charts map[string]bool) string {
	abs := fd.abs(file)
	name := filepath.Base(abs)
	isChart := func(dir string) bool {
		is, ok := charts[dir]
		if !ok {
			info, err := os.Stat(filepath.Join(dir, "Chart.yaml"))
			is = err == nil && info.Mode().IsRegular()
			charts[dir] = is
		}
		return is
	}
	switch {
	case name == "kustomization.yaml" || name == "kustomization.yml":
		return "kustomize's kustomization file, not a template"
	case name == "Chart.yaml":
		return "a Helm chart's Chart.yaml, not a template"
	case strings.HasPrefix(name, "values") && isChart(filepath.Dir(abs)):
		return "the values of the Helm chart in " + filepath.Dir(file) + ", not a template"
	}
	// Only a file that uses Helm's syntax: a plain manifest in a chart is
	// a manifest all the same.
	if fd.inChartTemplates(filepath.Dir(abs), isChart) {
		if data, err := os.ReadFile(abs); err == nil && bytes.Contains(data, []byte("{{")) {
			return "a Helm template ({{ … }} is Helm's syntax), not an eastern one"
		}
	}
	return ""
}

// inChartTemplates reports whether dir, or a directory it lies in, is the
// templates directory of a Helm chart.
func (fd finder) inChartTemplates(dir string, isChart func(string) bool) bool {
	in, ok := fd.chartTemplates[dir]
	if !ok {
		parent := filepath.Dir(dir)
		in = parent != dir && (filepath.Base(dir) == "templates" && isChart(parent) || fd.inChartTemplates(parent, isChart))
		if fd.chartTemplates != nil {
			fd.chartTemplates[dir] = in
		}
	}
	return in
}

// excludeFlag holds --exclude patterns: doublestar globs matched against a
// file's path relative to the working directory, as kubeconform's
// -ignore-filename-pattern matches the path it was given, and against each
// directory it lies in, so that "vendor" leaves out everything below it.
type excludeFlag []string

// newExcludeFlag checks the patterns; a malformed one is a usage error.
func newExcludeFlag(patterns []string) (excludeFlag, error) {
	out := make(excludeFlag, 0, len(patterns))
	for _, p := range patterns {
		pat := path.Clean(filepath.ToSlash(p))
		if pat == "" || !doublestar.ValidatePattern(pat) {
			return nil, diag.Usagef("--exclude %q: malformed glob pattern", p)
		}
		out = append(out, strings.TrimPrefix(pat, "./"))
	}
	return out, nil
}

// matches reports whether file, as found from workDir, is excluded.
func (ex excludeFlag) matches(workDir, file string) bool {
	if len(ex) == 0 {
		return false
	}
	rel := filepath.Clean(file)
	if filepath.IsAbs(rel) {
		if r, err := filepath.Rel(workDir, rel); err == nil && filepath.IsLocal(r) {
			rel = r
		}
	}
	rel = filepath.ToSlash(rel)
	for _, pat := range ex {
		for p := rel; p != "." && p != "/" && p != ".."; p = path.Dir(p) {
			if ok, _ := doublestar.Match(pat, p); ok {
				return true
			}
		}
	}
	return false
}
