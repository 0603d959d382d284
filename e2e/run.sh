#!/usr/bin/env bash
# `make e2e`: builds (or reuses) the control plane, starts it once, runs the
# end-to-end tests against it and stops it, whatever happened. Arguments,
# and the words of $E2EFLAGS, go to go test (make e2e E2EFLAGS='-run
# TestDeploy -v').
set -euo pipefail
cd "$(dirname "$0")/.."

bin=$(bash e2e/controlplane/build.sh | tail -n 1)
state=$(mktemp -d "${TMPDIR:-/tmp}/eastern-e2e.XXXXXX")
stop() {
	code=$?
	if [[ $code -ne 0 && -d $state/logs ]]; then
		for f in "$state"/logs/*.log; do
			echo "== last lines of $f" >&2
			tail -n 20 "$f" >&2
		done
	fi
	bash e2e/cluster/cluster.sh stop "$state" || true
	rm -rf "$state"
	exit "$code"
}
trap stop EXIT
EASTERN_E2E_BIN=$bin bash e2e/cluster/cluster.sh start "$state" >/dev/null

export EASTERN_E2E_KUBECONFIG=$state/admin.kubeconfig
export EASTERN_E2E_DEV_KUBECONFIG=$state/dev.kubeconfig
export EASTERN_E2E_BIN=$bin
go vet -tags e2e ./e2e/
read -r -a flags <<<"${E2EFLAGS:-}"
go test -tags e2e -count=1 -timeout 30m ${flags[@]+"${flags[@]}"} "$@" ./e2e/ ./internal/doctest/
