package validator

import (
	"slices"
	"sort"
	"strconv"

	"github.com/eastern-k8s/eastern/schema"
)

// Hand-made schemas, so every rule can be tested without the generated
// data: a few kinds whose fields and lifecycles mirror real Kubernetes
// facts closely enough to exercise each verdict.

var (
	tString   = &schema.Node{Type: schema.String}
	tInt      = &schema.Node{Type: schema.Integer}
	tNumber   = &schema.Node{Type: schema.Number}
	tBool     = &schema.Node{Type: schema.Boolean}
	tIntOrStr = &schema.Node{Type: schema.IntOrString}
	tQuantity = &schema.Node{Type: schema.Quantity}
	tAny      = &schema.Node{Type: schema.Any}
)

func object(fields ...schema.Field) *schema.Node {
	sort.Slice(fields, func(i, j int) bool { return fields[i].Name < fields[j].Name })
	return &schema.Node{Type: schema.Object, Fields: fields}
}

func opt(name string, n *schema.Node) schema.Field { return schema.Field{Name: name, Node: n} }
func req(name string, n *schema.Node) schema.Field {
	return schema.Field{Name: name, Node: n, Required: true}
}
func arrayOf(n *schema.Node) *schema.Node { return &schema.Node{Type: schema.Array, Elem: n} }
func mapOf(n *schema.Node) *schema.Node   { return &schema.Node{Type: schema.Map, Elem: n} }

var objectMeta = object(
	opt("name", tString), opt("generateName", tString), opt("namespace", tString),
	opt("labels", mapOf(tString)), opt("annotations", mapOf(tString)),
)

// kind builds a root node with the TypeMeta and ObjectMeta fields every kind has.
func kind(fields ...schema.Field) *schema.Node {
	return object(append(fields, opt("apiVersion", tString), opt("kind", tString), opt("metadata", objectMeta))...)
}

var podSpec = object(
	req("containers", arrayOf(object(
		req("name", tString), opt("image", tString), opt("args", arrayOf(tString)),
		opt("env", arrayOf(object(req("name", tString), opt("value", tString)))),
		opt("ports", arrayOf(object(req("containerPort", tInt), opt("name", tString)))),
		opt("resources", object(opt("limits", mapOf(tQuantity)), opt("requests", mapOf(tQuantity)))),
	))),
	opt("hostNetwork", tBool),
)

var podTemplate = object(opt("metadata", objectMeta), opt("spec", podSpec))

func deployment() *schema.Node {
	return kind(opt("spec", object(
		opt("replicas", tInt), opt("selector", tAny), req("template", podTemplate),
	)))
}

func statefulSet(minor int) *schema.Node {
	spec := []schema.Field{opt("replicas", tInt), req("template", podTemplate), opt("serviceName", tString)}
	if minor >= 22 {
		spec = append(spec, opt("minReadySeconds", tInt))
	}
	return kind(opt("spec", object(spec...)))
}

var service = kind(opt("spec", object(
	opt("type", tString),
	opt("ports", arrayOf(object(req("port", tInt), opt("targetPort", tIntOrStr), opt("weight", tNumber)))),
)))

var (
	gvkDeployment  = schema.GVK{Group: "apps", Version: "v1", Kind: "Deployment"}
	gvkStatefulSet = schema.GVK{Group: "apps", Version: "v1", Kind: "StatefulSet"}
	gvkService     = schema.GVK{Version: "v1", Kind: "Service"}
	gvkConfigMap   = schema.GVK{Version: "v1", Kind: "ConfigMap"}
	gvkNamespace   = schema.GVK{Version: "v1", Kind: "Namespace"}
	gvkRole        = schema.GVK{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "Role"}
	gvkIngressV1   = schema.GVK{Group: "networking.k8s.io", Version: "v1", Kind: "Ingress"}
	gvkIngressExt  = schema.GVK{Group: "extensions", Version: "v1beta1", Kind: "Ingress"}
	gvkHPAv2beta2  = schema.GVK{Group: "autoscaling", Version: "v2beta2", Kind: "HorizontalPodAutoscaler"}
	gvkAlpha       = schema.GVK{Group: "storage.k8s.io", Version: "v1alpha1", Kind: "VolumeAttributesClass"}
	gvkNewBeta     = schema.GVK{Group: "networking.k8s.io", Version: "v1beta1", Kind: "IPAddress"}
	gvkFlowBeta2   = schema.GVK{Group: "flowcontrol.apiserver.k8s.io", Version: "v1beta2", Kind: "FlowSchema"}
	gvkFlowBeta3   = schema.GVK{Group: "flowcontrol.apiserver.k8s.io", Version: "v1beta3", Kind: "FlowSchema"}
)

// fixture is a catalog of releases 1.16 … 1.37 built from the nodes above.
type fixture struct {
	rels       map[string]*schema.Release
	order      []string
	lifecycles map[schema.GVK]schema.Lifecycle
}

func newFixture() *fixture {
	fx := &fixture{rels: map[string]*schema.Release{}, lifecycles: map[schema.GVK]schema.Lifecycle{
		gvkIngressExt: {Introduced: "1.1", Deprecated: "1.14", Removed: "1.22", Replacement: gvkIngressV1},
		gvkHPAv2beta2: {Introduced: "1.12", Deprecated: "1.23", Removed: "1.26", Replacement: schema.GVK{Group: "autoscaling", Version: "v2", Kind: "HorizontalPodAutoscaler"}},
		gvkAlpha:      {Introduced: "1.29"},
		gvkNewBeta:    {Introduced: "1.31"},
		gvkFlowBeta2:  {Introduced: "1.23"},
		gvkFlowBeta3:  {Introduced: "1.26"},
	}}
	ingress := kind(opt("spec", object(opt("rules", arrayOf(object(opt("host", tString)))))))
	for m := 16; m <= 37; m++ {
		v := "1." + strconv.Itoa(m)
		kinds := map[schema.GVK]*schema.Node{
			gvkDeployment:  deployment(),
			gvkStatefulSet: statefulSet(m),
			gvkService:     service,
			gvkConfigMap:   kind(opt("data", mapOf(tString))),
			gvkNamespace:   kind(),
			gvkRole:        kind(opt("rules", arrayOf(tAny))),
		}
		if m >= 19 {
			kinds[gvkIngressV1] = ingress
		}
		if m <= 21 {
			kinds[gvkIngressExt] = ingress
		}
		if m <= 25 {
			kinds[gvkHPAv2beta2] = kind(opt("spec", tAny))
		}
		if m >= 29 {
			kinds[gvkAlpha] = kind(opt("driverName", tString))
		}
		if m >= 31 {
			kinds[gvkNewBeta] = kind(opt("spec", tAny))
		}
		if m >= 23 {
			kinds[gvkFlowBeta2] = kind(opt("spec", tAny))
		}
		if m >= 26 {
			kinds[gvkFlowBeta3] = kind(opt("spec", tAny))
		}
		fx.rels[v] = schema.NewRelease(v, kinds)
		fx.order = append(fx.order, v)
	}
	return fx
}

func (fx *fixture) load(v string) (*schema.Release, error) {
	if r, ok := fx.rels[v]; ok {
		return r, nil
	}
	return nil, errNoRelease(v)
}

type errNoRelease string

func (e errNoRelease) Error() string { return "no fixture for " + string(e) }

func (fx *fixture) lifecycle(gvk schema.GVK) (schema.Lifecycle, bool) {
	if lc, ok := fx.lifecycles[gvk]; ok {
		return lc, true
	}
	for _, r := range fx.rels {
		if r.Kind(gvk) != nil {
			return schema.Lifecycle{}, true
		}
	}
	return schema.Lifecycle{}, false
}

func (fx *fixture) fieldReleases(gvk schema.GVK, path []string) []string {
	var out []string
	for _, v := range fx.order {
		n := fx.rels[v].Kind(gvk)
		for _, name := range path {
			for n != nil && (n.Type == schema.Array || n.Type == schema.Map) {
				n = n.Elem
			}
			if n == nil || n.Type != schema.Object {
				n = nil
				break
			}
			f := n.Field(name)
			if f == nil {
				n = nil
				break
			}
			n = f.Node
		}
		if n != nil {
			out = append(out, v)
		}
	}
	return out
}

func (fx *fixture) releases() []string { return slices.Clone(fx.order) }

func (fx *fixture) builtins() *builtinIndex {
	var kinds []schema.GVK
	for _, v := range fx.order {
		kinds = append(kinds, fx.rels[v].Kinds()...)
	}
	return newBuiltinIndex(kinds)
}
