#!/usr/bin/env bash
# Builds the binaries of the end-to-end control plane from the Go module proxy:
# etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl and kwok.
#
#   build.sh          build (or reuse) the binaries; the last stdout line is the
#                     bin directory
#   build.sh sync     regenerate go.mod/go.sum from versions.env
#
# Environment:
#   EASTERN_E2E_CACHE  cache root (default ${XDG_CACHE_HOME:-$HOME/.cache}/eastern-e2e)
#
# The binaries go to $EASTERN_E2E_CACHE/k8s-<v>-etcd-<v>-kwok-<v>/bin. They are
# built in a temporary directory that is renamed into place only when all of
# them exist, so an interrupted build never looks complete. A complete
# directory is reused without invoking the Go toolchain.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
. "$here/versions.env"

binaries=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok)
k8s_tools=(kube-apiserver kube-controller-manager kube-scheduler kubectl)

log() { echo "build.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# go.mod is generated from versions.env: kubernetes, etcd, one tool line per
# Kubernetes command, and one replace per staging module of k8s.io/kubernetes
# (its own go.mod points them at ./staging, which a dependency cannot use).
sync_gomod() {
	cd "$here"
	export GOWORK=off GOFLAGS=-mod=mod
	local kmod staging_version
	kmod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",$/\1/p')
	[[ -f $kmod ]] || die "cannot find the go.mod of k8s.io/kubernetes@$K8S_VERSION"
	staging_version=v0.${K8S_VERSION#v1.}
	{
		echo "module github.com/eastern-k8s/eastern/e2e/controlplane"
		echo
		echo "go 1.26.0"
		echo
		echo "require ("
		echo "	go.etcd.io/etcd/server/v3 $ETCD_VERSION"
		echo "	k8s.io/kubernetes $K8S_VERSION"
		echo ")"
		echo
		echo "tool ("
		local t
		for t in "${k8s_tools[@]}"; do echo "	k8s.io/kubernetes/cmd/$t"; done
		echo ")"
		echo
		echo "replace ("
		awk -v v="$staging_version" '$2 == "=>" && $3 ~ /^\.\/staging\// { print "\t" $1 " => " $1 " " v }' "$kmod"
		echo ")"
	} >go.mod
	rm -f go.sum
	go mod tidy
	log "go.mod and go.sum regenerated for kubernetes $K8S_VERSION, etcd $ETCD_VERSION"
}

check_gomod() {
	local k e
	k=$(cd "$here" && GOWORK=off go list -m -f '{{.Version}}' k8s.io/kubernetes)
	e=$(cd "$here" && GOWORK=off go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
	[[ $k == "$K8S_VERSION" && $e == "$ETCD_VERSION" ]] ||
		die "go.mod pins kubernetes $k, etcd $e but versions.env says $K8S_VERSION, $ETCD_VERSION; run: $here/build.sh sync"
}

if [[ ${1-} == sync ]]; then
	sync_gomod
	exit 0
elif [[ $# -gt 0 ]]; then
	die "usage: build.sh [sync]"
fi

cache_root=${EASTERN_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/eastern-e2e}
name=k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION
dest=$cache_root/$name

complete() {
	local b
	for b in "${binaries[@]}"; do [[ -x $1/bin/$b ]] || return 1; done
}

if complete "$dest"; then
	echo "$dest/bin"
	exit 0
fi

command -v go >/dev/null || die "go is not on PATH"
check_gomod

mkdir -p "$cache_root"
# Leftovers of builds that were killed (the EXIT trap did not run).
find "$cache_root" -maxdepth 1 -name ".building-*" -mmin +120 -exec rm -rf {} + 2>/dev/null || true
tmp=$(mktemp -d "$cache_root/.building-$name.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"
mkdir "$tmp/bin"

export CGO_ENABLED=0 GOWORK=off GOFLAGS=-buildvcs=false
start=$SECONDS

# Version stamps as Kubernetes' own build sets them (hack/lib/version.sh), so
# that `kubectl version` and the /version endpoint report the real release.
minor=${K8S_VERSION#v1.}
minor=${minor%%.*}
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
	ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done

log "building kubernetes $K8S_VERSION and etcd $ETCD_VERSION (cold: about 10 minutes on 2 cores)"
(cd "$here" && go build -mod=readonly -trimpath -ldflags="$ldflags" -o "$tmp/bin/" \
	"${k8s_tools[@]/#/k8s.io/kubernetes/cmd/}" ./etcd)

log "building kwok $KWOK_VERSION"
(cd "$tmp" && GOBIN="$tmp/bin" go install -trimpath -ldflags="-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION")

complete "$tmp" || die "build finished without all of: ${binaries[*]}"
"$tmp/bin/kubectl" version --client >/dev/null
"$tmp/bin/etcd" --version >/dev/null

if complete "$dest"; then
	log "another build finished first; keeping $dest"
else
	rm -rf "$dest"
	mv "$tmp" "$dest"
fi
trap - EXIT
rm -rf "$tmp"
log "done in $((SECONDS - start)) s"
echo "$dest/bin"
