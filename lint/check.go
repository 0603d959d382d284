package lint

import (
	"slices"

	"github.com/eastern-k8s/eastern/checks"
	"github.com/eastern-k8s/eastern/crd"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/engine"
	"github.com/eastern-k8s/eastern/validator"
)

// CheckRender runs lint's per template × namespace checks on one render:
// render errors and warnings become findings, sorted by template position,
// and a successful output is validated at release and its objects listed.
// template is the root template's path as shown to users.
// Custom resources are checked against the CRDs that the output itself
// contains.
func CheckRender(res *engine.Result, renderErr error, template, namespace, release string, strictKinds bool) diag.Check {
	t := &Target{Template: template, Namespace: namespace, Release: release}
	return checkRender(res, renderErr, t, strictKinds, (*crd.Set)(nil).Output(crd.NewCache()))
}

// checkRender is CheckRender with the CRDs that apply to the target, and
// the checks of package checks that are on in its levels, run on the
// objects the validator parses.
func checkRender(res *engine.Result, renderErr error, t *Target, strictKinds bool, crds *crd.Output) diag.Check {
	template, namespace, release, levels := t.Template, t.Namespace, t.Release, t.Levels
	var fs diag.Findings
	suppressed := 0
	var objects []validator.Object
	if res != nil {
		// Unset variables are warnings here; under --strict the engine has
		// already made them errors and they arrive with renderErr.
		fs = append(fs, copies(res.Warnings)...)
	}
	if renderErr != nil {
		fs = append(fs, copies(diag.Collect(renderErr))...)
	} else if res != nil {
		var found diag.Findings
		vo := validator.Options{Release: release, StrictKinds: strictKinds, Namespace: namespace, Lines: &res.SourceMap, CRDs: crds}
		var col *checks.Collector
		if levels.Any() {
			col = checks.NewCollector(namespace, levels)
			vo.Visit = col.Visit
		}
		found, objects = validator.Validate(res.Output, vo)
		fs = append(fs, found...)
		if col != nil {
			var more diag.Findings
			more, suppressed = practiceFindings(col, levels, res)
			col.Release()
			fs = append(fs, more...)
		}
	}
	for _, f := range fs {
		if f.Pos.File == "" {
			// A problem with the root template as a whole.
			f.Pos.File = template
		}
		f.Template, f.Namespace = template, namespace
		if f.Release == "" {
			f.Release = release
		}
	}
	slices.SortStableFunc(fs, diag.ComparePositions)
	c := diag.Check{Template: template, Namespace: namespace, Release: release, Findings: fs, Objects: make([]string, len(objects)), Suppressed: suppressed}
	for i, o := range objects {
		c.Objects[i] = o.Label()
		switch o.Coverage {
		case validator.ByCRD:
			c.ByCRD++
		case validator.Skipped:
			c.Skipped++
		}
	}
	return c
}

// copies returns copies of the engine's findings, so that adding lint's
// context leaves the render result the caller holds as it was.
func copies(fs diag.Findings) diag.Findings {
	out := make(diag.Findings, len(fs))
	for i, f := range fs {
		c := *f
		out[i] = &c
	}
	return out
}
