package main

import (
	"fmt"
	"go/ast"
	"go/constant"
	"strings"

	"golang.org/x/tools/go/packages"
)

// lifecycles reads the APILifecycle* methods that prerelease-lifecycle-gen
// writes (zz_generated.prerelease-lifecycle.go, from Kubernetes 1.19 on),
// keyed by receiver type name. Each method is a single return of constants.
func lifecycles(p *packages.Package) (map[string]lifecycle, error) {
	out := map[string]lifecycle{}
	for _, f := range p.Syntax {
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || len(fn.Recv.List) != 1 || !strings.HasPrefix(fn.Name.Name, "APILifecycle") || fn.Body == nil {
				continue
			}
			recv := embeddedIdent(fn.Recv.List[0].Type)
			if recv == nil || len(fn.Body.List) != 1 {
				return nil, fmt.Errorf("%s: unexpected shape", fn.Name.Name)
			}
			ret, ok := fn.Body.List[0].(*ast.ReturnStmt)
			if !ok {
				return nil, fmt.Errorf("%s.%s: not a single return", recv.Name, fn.Name.Name)
			}
			lc := out[recv.Name]
			var err error
			switch fn.Name.Name {
			case "APILifecycleIntroduced":
				lc.introduced, err = releaseOf(p, ret)
			case "APILifecycleDeprecated":
				lc.deprecated, err = releaseOf(p, ret)
			case "APILifecycleRemoved":
				lc.removed, err = releaseOf(p, ret)
			case "APILifecycleReplacement":
				lit, ok := ret.Results[0].(*ast.CompositeLit)
				if len(ret.Results) != 1 || !ok {
					return nil, fmt.Errorf("%s.%s: not a GroupVersionKind literal", recv.Name, fn.Name.Name)
				}
				fields := constantFields(p.TypesInfo, lit)
				lc.replacement = gvk{group: fields["Group"], version: fields["Version"], kind: fields["Kind"]}
				if lc.replacement.version == "" || lc.replacement.kind == "" {
					err = fmt.Errorf("replacement without version or kind")
				}
			default:
				continue // not one of the four prerelease-lifecycle-gen writes
			}
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", recv.Name, fn.Name.Name, err)
			}
			out[recv.Name] = lc
		}
	}
	return out, nil
}

// releaseOf evaluates `return major, minor` into "major.minor".
func releaseOf(p *packages.Package, ret *ast.ReturnStmt) (string, error) {
	if len(ret.Results) != 2 {
		return "", fmt.Errorf("want return major, minor")
	}
	var parts [2]int64
	for i, e := range ret.Results {
		tv, ok := p.TypesInfo.Types[e]
		if !ok || tv.Value == nil || tv.Value.Kind() != constant.Int {
			return "", fmt.Errorf("result %d is not an integer constant", i+1)
		}
		parts[i], _ = constant.Int64Val(tv.Value)
	}
	return fmt.Sprintf("%d.%d", parts[0], parts[1]), nil
}
