package deploy

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/eastern-k8s/eastern/cluster"
)

// watchObject calls fn with the named object (nil while it does not exist)
// now and on every change, until fn says it is done, fails, or ctx ends.
func watchObject(ctx context.Context, c *cluster.Client, m cluster.Mapping, ns, name string, fn func(*unstructured.Unstructured) (bool, error)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	set := follow(ctx, c, m, ns, metav1.ListOptions{FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String()})
	for {
		items, err := set.snapshot()
		if err != nil {
			return err
		}
		var obj *unstructured.Unstructured
		if len(items) > 0 {
			obj = items[0]
		}
		if done, err := fn(obj); done || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-set.changed:
		}
	}
}

// objectSet is the live state of the objects a list selects, kept current
// by a watch: list, then watch from the list's resourceVersion, and list
// again whenever the watch ends (the server closes watches after a while,
// or says the version is too old).
type objectSet struct {
	changed chan struct{} // receives after each change; never blocks the watcher

	mu     sync.Mutex
	items  map[string]*unstructured.Unstructured
	synced bool
	err    error
}

func follow(ctx context.Context, c *cluster.Client, m cluster.Mapping, ns string, opts metav1.ListOptions) *objectSet {
	return followInto(ctx, c, m, ns, opts, make(chan struct{}, 1))
}

// followInto is follow with a changed channel that several sets share.
func followInto(ctx context.Context, c *cluster.Client, m cluster.Mapping, ns string, opts metav1.ListOptions, changed chan struct{}) *objectSet {
	s := &objectSet{changed: changed, items: map[string]*unstructured.Unstructured{}}
	go s.run(ctx, c, m, ns, opts)
	return s
}

func (s *objectSet) notify() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}

// snapshot returns the objects sorted by name, once the first list
// arrived (waiting for it), or the error that stopped the watch.
func (s *objectSet) snapshot() ([]*unstructured.Unstructured, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	out := make([]*unstructured.Unstructured, 0, len(s.items))
	for _, u := range s.items {
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b *unstructured.Unstructured) int {
		if a.GetName() < b.GetName() {
			return -1
		}
		if a.GetName() > b.GetName() {
			return 1
		}
		return 0
	})
	return out, nil
}

// ready reports whether the first list has arrived.
func (s *objectSet) ready() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.synced || s.err != nil
}

func (s *objectSet) run(ctx context.Context, c *cluster.Client, m cluster.Mapping, ns string, opts metav1.ListOptions) {
	ri := c.Resource(m, ns)
	failures := 0
	for ctx.Err() == nil {
		list, err := ri.List(ctx, opts)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			failures++
			if failures >= 3 || !transient(err) {
				s.mu.Lock()
				s.err = c.Wrap(err)
				s.mu.Unlock()
				s.notify()
				return
			}
			sleep(ctx, time.Second)
			continue
		}
		failures = 0
		s.mu.Lock()
		clear(s.items)
		for i := range list.Items {
			s.items[list.Items[i].GetName()] = &list.Items[i]
		}
		s.synced = true
		s.mu.Unlock()
		s.notify()
		wo := opts
		wo.ResourceVersion = list.GetResourceVersion()
		wo.AllowWatchBookmarks = true
		w, err := ri.Watch(ctx, wo)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			sleep(ctx, time.Second)
			continue
		}
		s.consume(ctx, w)
		w.Stop()
	}
}

// consume applies a watch's events until it ends.
func (s *objectSet) consume(ctx context.Context, w watch.Interface) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.ResultChan():
			if !ok {
				return
			}
			u, isObj := ev.Object.(*unstructured.Unstructured)
			switch {
			case ev.Type == watch.Error:
				return // list again
			case !isObj || ev.Type == watch.Bookmark:
				continue
			}
			s.mu.Lock()
			if ev.Type == watch.Deleted {
				delete(s.items, u.GetName())
			} else {
				s.items[u.GetName()] = u
			}
			s.mu.Unlock()
			s.notify()
		}
	}
}

// transient reports whether a failed list is worth retrying: the
// connection dropped, or the server was busy.
func transient(err error) bool {
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		code := status.Status().Code
		return code == 429 || code >= 500
	}
	return true
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// condition is one entry of an object's status.conditions.
type condition struct {
	Type, Status, Reason, Message string
}

func conditions(u *unstructured.Unstructured) []condition {
	list, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	var out []condition
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		str := func(k string) string { s, _ := m[k].(string); return s }
		out = append(out, condition{Type: str("type"), Status: str("status"), Reason: str("reason"), Message: str("message")})
	}
	return out
}

func findCondition(u *unstructured.Unstructured, typ string) (condition, bool) {
	for _, c := range conditions(u) {
		if c.Type == typ {
			return c, true
		}
	}
	return condition{}, false
}
