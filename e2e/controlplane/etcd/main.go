// Command etcd is the etcd server, built from go.etcd.io/etcd/server/v3 so the
// end-to-end control plane does not depend on a distribution package.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
