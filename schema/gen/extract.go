package main

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// extractor turns one release's loaded packages into nodes.
type extractor struct {
	decls    map[*types.Var]*ast.Field             // struct fields declared in loaded syntax
	typeDocs map[*types.TypeName]*ast.CommentGroup // doc comments of declared types (+enum)
	named    map[*types.TypeName]*node             // one node per Go type, made before its fields so cycles close
}

func newExtractor() *extractor {
	return &extractor{decls: map[*types.Var]*ast.Field{}, typeDocs: map[*types.TypeName]*ast.CommentGroup{}, named: map[*types.TypeName]*node{}}
}

// extract finds the kinds of every package and describes them as release rel.
func extract(rel string, pkgs []*packages.Package) (*release, error) {
	x := newExtractor()
	for _, p := range pkgs {
		x.indexFields(p)
	}
	out := &release{version: rel, kinds: map[gvk]*node{}, lifecycles: map[gvk]lifecycle{}}
	for _, p := range pkgs {
		if p.PkgPath == metaV1 {
			continue
		}
		gv, kinds, err := registeredKinds(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.PkgPath, err)
		}
		lcs, err := lifecycles(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.PkgPath, err)
		}
		for _, name := range kinds {
			tn, _ := p.Types.Scope().Lookup(name).(*types.TypeName)
			if tn == nil || !isKind(tn.Type()) {
				continue // a List, an Options or a review type without ObjectMeta
			}
			k := gvk{group: gv.group, version: gv.version, kind: name}
			n, err := x.node(tn.Type(), k.String())
			if err != nil {
				return nil, err
			}
			out.kinds[k] = n
			if lc, ok := lcs[name]; ok {
				out.lifecycles[k] = lc
			}
		}
	}
	if len(out.kinds) == 0 {
		return nil, fmt.Errorf("no kinds found")
	}
	return out, nil
}

// indexFields remembers the declaration of every struct field and the doc
// comment of every type in p's syntax, for their comment tags.
func (x *extractor) indexFields(p *packages.Package) {
	for _, f := range p.Syntax {
		ast.Inspect(f, func(n ast.Node) bool {
			if gd, ok := n.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
				for _, spec := range gd.Specs {
					ts := spec.(*ast.TypeSpec)
					doc := ts.Doc
					if doc == nil && len(gd.Specs) == 1 {
						doc = gd.Doc // `// +enum` above `type X string`
					}
					if tn, ok := p.TypesInfo.Defs[ts.Name].(*types.TypeName); ok && doc != nil {
						x.typeDocs[tn] = doc
					}
				}
				return true
			}
			st, ok := n.(*ast.StructType)
			if !ok {
				return true
			}
			for _, fd := range st.Fields.List {
				idents := fd.Names
				if len(idents) == 0 { // embedded: Defs has the type's name
					idents = []*ast.Ident{embeddedIdent(fd.Type)}
				}
				for _, id := range idents {
					if v, ok := p.TypesInfo.Defs[id].(*types.Var); ok {
						x.decls[v] = fd
					}
				}
			}
			return true
		})
	}
}

func embeddedIdent(e ast.Expr) *ast.Ident {
	switch e := e.(type) {
	case *ast.StarExpr:
		return embeddedIdent(e.X)
	case *ast.SelectorExpr:
		return e.Sel
	case *ast.Ident:
		return e
	}
	return nil
}

// registeredKinds reads register.go: the group and version of
// SchemeGroupVersion and the types passed to scheme.AddKnownTypes.
func registeredKinds(p *packages.Package) (gv gvk, kinds []string, err error) {
	var file *ast.File
	for _, f := range p.Syntax {
		if filepath.Base(p.Fset.File(f.Pos()).Name()) == "register.go" {
			file = f
		}
	}
	if file == nil {
		return gv, nil, fmt.Errorf("no register.go")
	}
	found := false
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.ValueSpec:
			for i, name := range n.Names {
				if name.Name != "SchemeGroupVersion" || i >= len(n.Values) {
					continue
				}
				if lit, ok := n.Values[i].(*ast.CompositeLit); ok {
					fields := constantFields(p.TypesInfo, lit)
					gv.group, gv.version, found = fields["Group"], fields["Version"], true
				}
			}
		case *ast.CallExpr:
			if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "AddKnownTypes" && len(n.Args) > 1 {
				for _, a := range n.Args[1:] {
					if u, ok := a.(*ast.UnaryExpr); ok {
						if lit, ok := u.X.(*ast.CompositeLit); ok {
							if id, ok := lit.Type.(*ast.Ident); ok {
								kinds = append(kinds, id.Name)
							}
						}
					}
				}
			}
		}
		return true
	})
	if !found || gv.version == "" {
		return gv, nil, fmt.Errorf("register.go: no SchemeGroupVersion with a constant group and version")
	}
	slices.Sort(kinds)
	return gv, slices.Compact(kinds), nil
}

// constantFields evaluates the keyed constant fields of a composite literal.
func constantFields(info *types.Info, lit *ast.CompositeLit) map[string]string {
	out := map[string]string{}
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		key, ok := kv.Key.(*ast.Ident)
		if !ok {
			continue
		}
		if tv, ok := info.Types[kv.Value]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
			out[key.Name] = constant.StringVal(tv.Value)
		}
	}
	return out
}

// isKind reports whether t is an object one can apply: it embeds TypeMeta
// inline and has an ObjectMeta called metadata. Lists, options and review
// requests registered alongside are not.
func isKind(t types.Type) bool {
	st, ok := t.Underlying().(*types.Struct)
	if !ok {
		return false
	}
	var typeMeta, objectMeta bool
	for i := 0; i < st.NumFields(); i++ {
		f := st.Field(i)
		name, _, _ := strings.Cut(reflect.StructTag(st.Tag(i)).Get("json"), ",")
		switch qualifiedName(f.Type()) {
		case metaV1 + ".TypeMeta":
			typeMeta = typeMeta || f.Embedded() && name == ""
		case metaV1 + ".ObjectMeta":
			objectMeta = objectMeta || name == "metadata"
		}
	}
	return typeMeta && objectMeta
}

// node describes the JSON form of t; at says where t was reached, for errors.
func (x *extractor) node(t types.Type, at string) (*node, error) {
	t = types.Unalias(t)
	if named, ok := t.(*types.Named); ok {
		if s, ok := knownEncodings[qualifiedName(named)]; ok {
			return primitive(s), nil
		}
		if m := customEncoding(named); m != "" {
			return nil, fmt.Errorf("%s: %s has its own %s; classify it in knownEncodings", at, qualifiedName(named), m)
		}
		if n, ok := x.named[named.Obj()]; ok {
			return n, nil
		}
		if b, ok := named.Underlying().(*types.Basic); ok && b.Info()&types.IsString != 0 {
			if n := x.enumCandidate(named); n != nil {
				return n, nil
			}
		}
		if st, ok := named.Underlying().(*types.Struct); ok {
			n := &node{shape: object}
			x.named[named.Obj()] = n
			fields, err := x.fields(st, at, named.Obj())
			if err != nil {
				return nil, err
			}
			n.fields = fields
			return n, nil
		}
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		switch {
		case u.Info()&types.IsBoolean != 0:
			return primitive(boolean), nil
		case u.Info()&types.IsInteger != 0:
			return primitive(integer), nil
		case u.Info()&types.IsFloat != 0:
			return primitive(number), nil
		case u.Info()&types.IsString != 0:
			return primitive(str), nil
		}
	case *types.Pointer:
		return x.node(u.Elem(), at)
	case *types.Slice:
		if b, ok := u.Elem().Underlying().(*types.Basic); ok && b.Kind() == types.Byte {
			return primitive(str), nil // encoding/json writes []byte as base64
		}
		elem, err := x.node(u.Elem(), at+"[]")
		if err != nil {
			return nil, err
		}
		return &node{shape: arrayOf, elem: elem}, nil
	case *types.Array:
		elem, err := x.node(u.Elem(), at+"[]")
		if err != nil {
			return nil, err
		}
		return &node{shape: arrayOf, elem: elem}, nil
	case *types.Map:
		if k, ok := u.Key().Underlying().(*types.Basic); !ok || k.Info()&types.IsString == 0 {
			return nil, fmt.Errorf("%s: map key %s is not a string", at, u.Key())
		}
		elem, err := x.node(u.Elem(), at+"{}")
		if err != nil {
			return nil, err
		}
		return &node{shape: mapOf, elem: elem}, nil
	case *types.Struct:
		fields, err := x.fields(u, at, nil)
		if err != nil {
			return nil, err
		}
		return &node{shape: object, fields: fields}, nil
	case *types.Interface:
		if u.Empty() {
			return primitive(anyJSON), nil
		}
	}
	return nil, fmt.Errorf("%s: no JSON form for %s", at, t)
}

// fields lists a struct's JSON fields the way encoding/json sees them:
// json:"-" is skipped and embedded structs without a name (json:",inline",
// as for TypeMeta) are flattened, with outer fields winning. owner is the
// named struct type (nil for an anonymous one), for requiredFixes.
func (x *extractor) fields(st *types.Struct, at string, owner *types.TypeName) ([]field, error) {
	var own, promoted []field
	for i := 0; i < st.NumFields(); i++ {
		v := st.Field(i)
		tag := reflect.StructTag(st.Tag(i)).Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if v.Embedded() && name == "" {
			t := types.Unalias(v.Type())
			if p, ok := t.(*types.Pointer); ok {
				t = p.Elem()
			}
			if st, ok := t.Underlying().(*types.Struct); ok {
				var inner []field
				var err error
				if n, ok := t.(*types.Named); ok {
					inner, err = x.fields(st, at, n.Obj())
				} else {
					inner, err = x.fields(st, at, nil)
				}
				if err != nil {
					return nil, err
				}
				for _, f := range inner {
					if slices.ContainsFunc(promoted, func(p field) bool { return p.name == f.name }) {
						return nil, fmt.Errorf("%s: field %q promoted from two embedded structs", at, f.name)
					}
					promoted = append(promoted, f)
				}
				continue
			}
		}
		if !v.Exported() {
			continue
		}
		if name == "" {
			name = v.Name()
		}
		if strings.ContainsAny(name, " =!\t\n") {
			return nil, fmt.Errorf("%s: JSON name %q cannot be written to the data file", at, name)
		}
		decl := x.decls[v]
		if decl == nil {
			return nil, fmt.Errorf("%s.%s: no source for %s (add its package to extraPackages)", at, name, v.Pkg().Path())
		}
		req, err := isRequired(decl, opts)
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", at, name, err)
		}
		if fix, ok := requiredFixFor(owner, name); ok {
			req = fix.required
		}
		n, err := x.node(v.Type(), at+"."+name)
		if err != nil {
			return nil, err
		}
		if hasOption(opts, "string") && (n.shape == integer || n.shape == number || n.shape == boolean) {
			n = primitive(str)
		}
		if keys := x.listKeys(decl, reflect.StructTag(st.Tag(i)), v.Type()); keys != nil && n.shape == arrayOf {
			// A copy: the array node may be shared with fields that are
			// not list-maps.
			n = &node{shape: arrayOf, elem: n.elem, keys: keys}
		}
		own = append(own, field{name: name, required: req, node: n})
	}
	out := own
	for _, p := range promoted {
		if !slices.ContainsFunc(own, func(o field) bool { return o.name == p.name }) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b field) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(out); i++ {
		if out[i].name == out[i-1].name {
			return nil, fmt.Errorf("%s: two fields called %q", at, out[i].name)
		}
	}
	return out, nil
}

// isRequired applies kube-openapi's rule (isOptional in its openapi-gen):
// a +required comment tag wins, then +optional, otherwise a field without
// omitempty is required.
func isRequired(decl *ast.Field, opts string) (bool, error) {
	var optional, required bool
	if decl.Doc != nil {
		for _, line := range strings.Split(decl.Doc.Text(), "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "+") {
				continue
			}
			key, _, _ := strings.Cut(line[1:], "=")
			switch key {
			case "optional":
				optional = true
			case "required":
				required = true
			}
		}
	}
	switch {
	case optional && required:
		return false, fmt.Errorf("both +optional and +required")
	case required:
		return true, nil
	case optional:
		return false, nil
	}
	return !hasOption(opts, "omitempty"), nil
}

func hasOption(opts, want string) bool {
	for _, o := range strings.Split(opts, ",") {
		if o == want {
			return true
		}
	}
	return false
}
