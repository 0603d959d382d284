//go:build cluster

package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/eastern-k8s/eastern/cluster"
	"github.com/eastern-k8s/eastern/deploy"
	"github.com/eastern-k8s/eastern/diag"
	"github.com/eastern-k8s/eastern/internal/fspath"
	"github.com/eastern-k8s/eastern/schema"
)

// clusterFlags are how deploy, job and diff --live find the cluster, as
// kubectl's flags of the same names do.
type clusterFlags struct {
	kubeconfig string
	context    string
}

func (f *clusterFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.kubeconfig, "kubeconfig", "", "kubeconfig `FILE` (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account)")
	fs.StringVar(&f.context, "context", "", "kubeconfig `CONTEXT` to use (default: the current context)")
}

func (f *clusterFlags) connect(a *app) (*cluster.Client, error) {
	kubeconfig := f.kubeconfig
	if kubeconfig != "" && a.workDir != "" {
		kubeconfig = fspath.Abs(a.workDir, kubeconfig)
	}
	return cluster.Connect(cluster.Options{
		Kubeconfig: kubeconfig, Context: f.context, Getenv: a.getenv,
		UserAgent: "eastern/" + versionNumber(),
	})
}

// lintRelease is the release whose schemas check a render for a cluster
// that runs release: the cluster's own, or eastern's newest when the
// cluster is newer than eastern knows (said in a note).
func lintRelease(release string) (string, *diag.Finding) {
	if schema.Known(release) {
		return release, nil
	}
	if resolved, newer, err := schema.ResolveRelease(release); err == nil && newer {
		return resolved, &diag.Finding{Severity: diag.Info, Rule: deploy.RuleRelease, Message: "the cluster runs " + schema.NewerNote(release)}
	}
	return schema.Releases()[0], &diag.Finding{Severity: diag.Info, Rule: deploy.RuleRelease,
		Message: fmt.Sprintf("the cluster runs Kubernetes %s, older than eastern knows: checking with %s's schemas", release, schema.Releases()[0])}
}

// interruptible is ctx cancelled by Ctrl-C or SIGTERM (Jenkins' abort),
// so that a command can clean up and say what it had done.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// stdoutWidth is the width of the terminal on standard output, 0 when it
// is none or does not say.
func (a *app) stdoutWidth() int {
	if !a.stdoutTerminal {
		return 0
	}
	w, _, err := term.GetSize(int(os.Stdout.Fd()))
	if err != nil {
		return 0
	}
	return w
}

// namespace is the NAMESPACE argument or -n, as for render; without
// either, the kubeconfig context's namespace, as kubectl takes it. The
// client is returned when it had to be made for that, else nil.
func (f *clusterFlags) namespace(a *app, positional, flag []string) (string, *cluster.Client, error) {
	if len(positional) > 0 || len(flag) > 0 {
		ns, err := namespaceArg(positional, flag)
		return ns, nil, err
	}
	client, err := f.connect(a)
	if err != nil {
		return "", nil, err
	}
	return client.Namespace, client, nil
}

// completeElsewhere: this binary completes its cluster commands itself.
func completeElsewhere([]string) (int, bool) { return 0, false }

// celBinary: eastern-cluster hands nothing over; it evaluates CRD rules
// itself unless built with nocel too, and then leaves them with a note.
func celBinary() (string, bool) { return "", false }

// handOverLint is never called: celBinary finds no binary to hand to.
func (a *app) handOverLint(string, []string, []byte) int { return exitUsage }
