// Package cluster connects eastern to a Kubernetes API server the way
// kubectl does: a kubeconfig (--kubeconfig, KUBECONFIG, ~/.kube/config)
// with its contexts, client certificates, tokens and exec credential
// plugins, or the in-cluster service account when there is none.
//
// It speaks to the server with client-go's dynamic client and unstructured
// objects only. REST mappings come from the server's discovery documents,
// fetched one group/version at a time and only for the kinds a manifest
// uses; client-go's discovery package would link every built-in type of
// k8s.io/api into the binary.
package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/version"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/eastern-k8s/eastern/internal/input"
)

// Options say which cluster to talk to.
type Options struct {
	// Kubeconfig is the kubeconfig file (--kubeconfig); empty means
	// KUBECONFIG, then ~/.kube/config, then the in-cluster configuration.
	Kubeconfig string
	// Context is the kubeconfig context (--context); empty means the
	// current one.
	Context string
	// UserAgent is sent with every request.
	UserAgent string
	// Getenv reads the environment (KUBECONFIG, HOME); nil is os.Getenv.
	Getenv func(string) string
}

// Client is a connection to one API server.
type Client struct {
	// Context and Server name the cluster in messages: the kubeconfig
	// context ("in-cluster" without one) and the server's URL.
	Context string
	Server  string
	// Namespace is the context's namespace, as kubectl takes it when no
	// -n is given: "default" when the context names none.
	Namespace string

	dynamic dynamic.Interface
	rest    rest.Interface

	mu        sync.Mutex
	resources map[schema.GroupVersion]*resourceList
}

// resourceList is one group/version's discovery document, or why it could
// not be read.
type resourceList struct {
	list *metav1.APIResourceList
	err  error
}

// Mapping says how to reach a kind on the server.
type Mapping struct {
	Resource   schema.GroupVersionResource
	Namespaced bool
}

// Connect reads the configuration and prepares a client. It does not
// contact the server: the first request does, and its errors name the
// context and server.
func Connect(opts Options) (*Client, error) {
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.Precedence = filepath.SplitList(getenv(clientcmd.RecommendedConfigPathEnvVar))
	if len(rules.Precedence) == 0 {
		if home := getenv("HOME"); home != "" {
			rules.Precedence = []string{filepath.Join(home, clientcmd.RecommendedHomeDir, clientcmd.RecommendedFileName)}
		}
	}
	rules.ExplicitPath = opts.Kubeconfig
	if err := checkKubeconfigs(rules); err != nil {
		return nil, err
	}
	loader := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: opts.Context})
	cfg, err := loader.ClientConfig()
	if err != nil {
		return nil, configError(err)
	}
	c := &Client{Context: "in-cluster", Server: cfg.Host, Namespace: "default", resources: map[schema.GroupVersion]*resourceList{}}
	if ns, _, err := loader.Namespace(); err == nil && ns != "" {
		c.Namespace = ns
	}
	if raw, err := loader.RawConfig(); err == nil && len(raw.Contexts) > 0 {
		c.Context = raw.CurrentContext
		if opts.Context != "" {
			c.Context = opts.Context
		}
	}
	cfg = rest.CopyConfig(cfg)
	cfg.UserAgent = opts.UserAgent
	// A deploy sends one request per object and watches a few: the
	// default 5 requests per second would make a 50-object manifest wait.
	cfg.QPS, cfg.Burst = 50, 100
	if c.dynamic, err = dynamic.NewForConfig(cfg); err != nil {
		return nil, c.wrap(err)
	}
	raw := rest.CopyConfig(cfg)
	raw.APIPath = "/"
	raw.GroupVersion = &schema.GroupVersion{}
	raw.NegotiatedSerializer = serializer.NewCodecFactory(runtime.NewScheme()).WithoutConversion()
	if c.rest, err = rest.UnversionedRESTClientFor(raw); err != nil {
		return nil, c.wrap(err)
	}
	return c, nil
}

// checkKubeconfigs holds kubeconfig files to the rules every input file
// obeys before client-go reads them: a regular file of at most
// input.ConfigLimit bytes, so that KUBECONFIG=/dev/zero fails at once.
func checkKubeconfigs(rules *clientcmd.ClientConfigLoadingRules) error {
	paths := rules.Precedence
	if rules.ExplicitPath != "" {
		paths = []string{rules.ExplicitPath}
	}
	for _, p := range paths {
		_, err := input.ReadFile("", p, input.ConfigLimit)
		switch {
		case err == nil:
		case errors.Is(err, os.ErrNotExist) && rules.ExplicitPath == "":
			// KUBECONFIG may list files that do not exist; kubectl skips them.
		default:
			return fmt.Errorf("kubeconfig: %w", err)
		}
	}
	return nil
}

// configError shortens clientcmd's advice for a missing configuration.
func configError(err error) error {
	if clientcmd.IsEmptyConfig(err) {
		return errors.New("no cluster configured: no kubeconfig (--kubeconfig, KUBECONFIG, ~/.kube/config) and not running in a cluster")
	}
	return fmt.Errorf("kubeconfig: %w", err)
}

// Where names the cluster for messages: `context "kind-dev" (https://127.0.0.1:6443)`.
func (c *Client) Where() string {
	return fmt.Sprintf("context %q (%s)", c.Context, c.Server)
}

// wrap gives an error from the server one line that says which cluster
// answered, or could not be reached.
func (c *Client) wrap(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return context.Canceled // interrupted: the caller says so
	}
	if msg := err.Error(); strings.Contains(msg, "getting credentials: ") {
		// An exec credential plugin (aws eks get-token, kubelogin) failed.
		_, why, _ := strings.Cut(msg, "getting credentials: ")
		return &Error{Err: err, msg: fmt.Sprintf("the kubeconfig's credential plugin failed, %s: %s", c.Where(), oneLine(why))}
	}
	if _, ok := errors.AsType[*url.Error](err); ok {
		return &Error{Err: err, msg: fmt.Sprintf("cannot reach the cluster, %s: %s", c.Where(), rootCause(err))}
	}
	return &Error{Err: err, msg: fmt.Sprintf("%s, %s", oneLine(err.Error()), c.Where())}
}

// Error is an error from the API server or on the way to it.
type Error struct {
	Err error
	msg string
}

func (e *Error) Error() string { return e.msg }
func (e *Error) Unwrap() error { return e.Err }

// rootCause is the innermost message of a transport error: "dial tcp
// 127.0.0.1:1: connect: connection refused", not the request's URL thrice.
func rootCause(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return oneLine(err.Error())
		}
		if _, ok := next.(interface{ Timeout() bool }); ok && errors.Unwrap(next) == nil {
			return oneLine(next.Error())
		}
		err = next
	}
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// Release asks the server for its version and returns its Kubernetes
// release, "1.34".
func (c *Client) Release(ctx context.Context) (string, error) {
	data, err := c.rest.Get().AbsPath("/version").DoRaw(ctx)
	if err != nil {
		return "", c.wrap(err)
	}
	var info version.Info
	if err := json.Unmarshal(data, &info); err != nil {
		return "", c.wrap(fmt.Errorf("reading the server's version: %w", err))
	}
	minor := strings.TrimRight(info.Minor, "+")
	if _, err := strconv.Atoi(info.Major); err != nil {
		return "", c.wrap(fmt.Errorf("the server reports version %q", info.GitVersion))
	}
	if _, err := strconv.Atoi(minor); err != nil {
		return "", c.wrap(fmt.Errorf("the server reports version %q", info.GitVersion))
	}
	return info.Major + "." + minor, nil
}

// Mapping finds the resource that serves gvk. A kind the server does not
// serve is an *UnknownKindError.
func (c *Client) Mapping(ctx context.Context, gvk schema.GroupVersionKind) (Mapping, error) {
	list, err := c.resourceList(ctx, gvk.GroupVersion())
	if err != nil {
		return Mapping{}, err
	}
	for _, r := range list.APIResources {
		if r.Kind == gvk.Kind && !strings.Contains(r.Name, "/") {
			return Mapping{Resource: gvk.GroupVersion().WithResource(r.Name), Namespaced: r.Namespaced}, nil
		}
	}
	return Mapping{}, &UnknownKindError{GVK: gvk, Where: c.Where()}
}

// Forget drops what discovery said about gv, so that the next Mapping asks
// again: after a CustomResourceDefinition was established.
func (c *Client) Forget(gv schema.GroupVersion) {
	c.mu.Lock()
	delete(c.resources, gv)
	c.mu.Unlock()
}

func (c *Client) resourceList(ctx context.Context, gv schema.GroupVersion) (*metav1.APIResourceList, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r, ok := c.resources[gv]; ok {
		return r.list, r.err
	}
	path := "/apis/" + gv.Group + "/" + gv.Version
	if gv.Group == "" {
		path = "/api/" + gv.Version
	}
	r := &resourceList{}
	data, err := c.rest.Get().AbsPath(path).DoRaw(ctx)
	switch {
	case apierrors.IsNotFound(err):
		r.list = &metav1.APIResourceList{GroupVersion: gv.String()}
	case err != nil:
		r.err = c.wrap(err)
	default:
		r.list = &metav1.APIResourceList{}
		if err := json.Unmarshal(data, r.list); err != nil {
			r.err = c.wrap(fmt.Errorf("reading the discovery document of %s: %w", gv, err))
		}
	}
	if r.err == nil || ctx.Err() == nil {
		c.resources[gv] = r
	}
	return r.list, r.err
}

// UnknownKindError says the server serves no resource of a kind.
type UnknownKindError struct {
	GVK   schema.GroupVersionKind
	Where string
}

func (e *UnknownKindError) Error() string {
	return fmt.Sprintf("the server does not serve kind %s in %s, %s", e.GVK.Kind, e.GVK.GroupVersion().String(), e.Where)
}

// Resource is the dynamic client for a mapping, in namespace ns when the
// resource is namespaced.
func (c *Client) Resource(m Mapping, ns string) dynamic.ResourceInterface {
	r := c.dynamic.Resource(m.Resource)
	if m.Namespaced {
		return r.Namespace(ns)
	}
	return r
}

// Wrap is wrap for callers that use Resource: their errors name the
// cluster too.
func (c *Client) Wrap(err error) error { return c.wrap(err) }

// LogOptions choose which log lines Logs returns.
type LogOptions struct {
	Container string
	TailLines int  // 0: all
	Previous  bool // the container's previous instance (after a restart)
	Follow    bool // keep the stream open while the container runs
}

// Logs opens a pod's container log.
func (c *Client) Logs(ctx context.Context, ns, pod string, opts LogOptions) (io.ReadCloser, error) {
	req := c.rest.Get().AbsPath("/api/v1/namespaces", ns, "pods", pod, "log")
	if opts.Container != "" {
		req = req.Param("container", opts.Container)
	}
	if opts.TailLines > 0 {
		req = req.Param("tailLines", strconv.Itoa(opts.TailLines))
	}
	if opts.Previous {
		req = req.Param("previous", "true")
	}
	if opts.Follow {
		req = req.Param("follow", "true")
	}
	rc, err := req.Stream(ctx)
	if err != nil {
		return nil, c.wrap(err)
	}
	return rc, nil
}
