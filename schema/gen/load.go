package main

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Modules read at every release, and the packages of the two that are not
// k8s.io/api. k8s.io/api's packages are found by looking for register.go.
const (
	apiModule           = "k8s.io/api"
	apiextensionsModule = "k8s.io/apiextensions-apiserver"
	aggregatorModule    = "k8s.io/kube-aggregator"
	metaV1              = "k8s.io/apimachinery/pkg/apis/meta/v1"
)

var extraPackages = []string{
	apiextensionsModule + "/pkg/apis/apiextensions/v1",
	apiextensionsModule + "/pkg/apis/apiextensions/v1beta1",
	aggregatorModule + "/pkg/apis/apiregistration/v1",
	aggregatorModule + "/pkg/apis/apiregistration/v1beta1",
	// Not a source of kinds: a root so that ObjectMeta and friends are
	// indexed with their comments (+optional) like the API packages.
	metaV1,
}

// loadMode asks for syntax (comments decide required fields, lifecycle
// methods are read from source) and types (to follow fields across
// packages). NeedDeps makes go/packages type-check dependencies from source
// too: without it, it asks go list for export data, which means compiling
// k8s.io/api (minutes per release on two cores), while type-checking
// declarations without function bodies takes seconds.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedSyntax |
	packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports | packages.NeedDeps

// parseDeclarations parses a file for type-checking declarations only.
// Function bodies are replaced, except where the generator reads them:
// register.go (AddKnownTypes) and the APILifecycle methods, which are
// generated (zz_generated.prerelease-lifecycle.go) or, in core/v1,
// hand-written (lifecycle.go).
func parseDeclarations(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
	f, err := parser.ParseFile(fset, filename, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil || filepath.Base(filename) == "register.go" {
		return f, err
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Body == nil || strings.HasPrefix(fn.Name.Name, "APILifecycle") {
			continue
		}
		// go/types insists on bodies for generic functions and init, and
		// on a terminating statement when there are results.
		fn.Body = &ast.BlockStmt{Lbrace: fn.Body.Lbrace, Rbrace: fn.Body.Rbrace, List: []ast.Stmt{
			&ast.ExprStmt{X: &ast.CallExpr{Fun: ast.NewIdent("panic"), Args: []ast.Expr{ast.NewIdent("nil")}}},
		}}
	}
	return f, nil
}

// bodiesDropped reports a type error that only exists because
// parseDeclarations dropped the code that used an import or variable.
func bodiesDropped(e packages.Error) bool {
	return e.Kind == packages.TypeError && strings.Contains(e.Msg, "not used")
}

// loadRelease makes a throwaway module in dir that requires the pinned
// versions and loads the API packages from it.
func loadRelease(ctx context.Context, dir, version string) ([]*packages.Package, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	// Only the pinned modules are required; minimal version selection picks
	// the rest from their go.mod files, deterministically. No go get: it
	// would also resolve the imports of the apiextensions-apiserver and
	// kube-aggregator commands (etcd, grpc, ...); with -mod=mod, go list
	// downloads only the modules that provide the packages loaded.
	gomod := fmt.Sprintf("module eastern.invalid/schemagen\n\ngo 1.22\n\nrequire (\n\t%s %s\n\t%s %s\n\t%s %s\n)\n",
		apiModule, version, apiextensionsModule, version, aggregatorModule, version)
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		return nil, err
	}
	// No cgo: nothing here needs it and it would make go list run the C
	// toolchain for dependencies.
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off", "CGO_ENABLED=0")

	cfg := &packages.Config{Context: ctx, Dir: dir, Env: env, Mode: packages.NeedName | packages.NeedFiles}
	all, err := packages.Load(cfg, apiModule+"/...")
	if err != nil {
		return nil, fmt.Errorf("listing %s@%s: %w", apiModule, version, err)
	}
	var patterns []string
	for _, p := range all {
		// Only API group packages register kinds; from v0.23 the module
		// root has a doc.go and there are helper packages besides.
		if slices.ContainsFunc(p.GoFiles, func(f string) bool { return filepath.Base(f) == "register.go" }) {
			patterns = append(patterns, p.PkgPath)
		}
	}
	if len(patterns) == 0 {
		return nil, fmt.Errorf("%s@%s: no packages with a register.go", apiModule, version)
	}
	patterns = append(patterns, extraPackages...)

	cfg.Mode = loadMode
	cfg.ParseFile = parseDeclarations
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		return nil, fmt.Errorf("loading %s@%s: %w", apiModule, version, err)
	}
	var errs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			if !bodiesDropped(e) {
				errs = append(errs, e.Error())
			}
		}
	})
	if len(errs) > 0 {
		return nil, fmt.Errorf("loading %s@%s:\n\t%s", apiModule, version, strings.Join(errs, "\n\t"))
	}
	slices.SortFunc(pkgs, func(a, b *packages.Package) int { return strings.Compare(a.PkgPath, b.PkgPath) })
	return pkgs, nil
}
