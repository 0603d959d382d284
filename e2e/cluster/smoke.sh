#!/usr/bin/env bash
# Smoke check of a cluster started by `cluster.sh start STATE_DIR`: the
# behaviours the end-to-end tests rely on, driven with kubectl.
#
#   smoke.sh STATE_DIR
#
# Works in a fresh namespace, which it deletes at the end. Prints one line per
# check and closes with "N passed, N failed"; exits non-zero if any failed.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: smoke.sh STATE_DIR" >&2; exit 2; }
state=$(cd "$1" && pwd)
# shellcheck source=/dev/null
. "$state/env.sh"

ns=smoke-$RANDOM
k() { "$EASTERN_E2E_BIN/kubectl" --kubeconfig "$EASTERN_E2E_KUBECONFIG" -n "$ns" "$@"; }
kdev() { "$EASTERN_E2E_BIN/kubectl" --kubeconfig "$EASTERN_E2E_DEV_KUBECONFIG" -n "$ns" "$@"; }

passed=0
failed=0
out=$(mktemp)
trap 'rm -f "$out"; k delete namespace "$ns" --wait=false >/dev/null 2>&1 || true' EXIT

# check NAME CMD...: run CMD, report, keep going.
check() {
	local name=$1 start=$SECONDS
	shift
	if "$@" >"$out" 2>&1; then
		passed=$((passed + 1))
		echo "ok    $name ($((SECONDS - start)) s)"
	else
		failed=$((failed + 1))
		echo "FAIL  $name ($((SECONDS - start)) s)"
		sed 's/^/      /' "$out" | tail -n 20
	fi
}

# eventually SECONDS CMD...: retry CMD every 0.5 s until it succeeds.
eventually() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || { echo "still failing after the deadline: $*"; return 1; }
		sleep 0.5
	done
}

deployment() { # NAME IMAGE [CONTAINER]
	cat <<EOF
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $1
spec:
  replicas: 2
  selector:
    matchLabels: {app: $1}
  template:
    metadata:
      labels: {app: $1}
    spec:
      containers:
      - name: ${3:-app}
        image: $2
EOF
}

job() { # NAME IMAGE
	cat <<EOF
apiVersion: batch/v1
kind: Job
metadata:
  name: $1
spec:
  backoffLimit: 0
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: migrate
        image: $2
EOF
}

logs_contain() { # TEXT KUBECTL-LOGS-ARGS...
	local text=$1 logs
	shift
	logs=$(k logs "$@") || return 1
	echo "$logs"
	grep -qF -- "$text" <<<"$logs"
}

# jsonpath of the first pod with label app=$1
pod_field() { k get pods -l "app=$1" -o "jsonpath={.items[0].$2}"; }

# --- checks ------------------------------------------------------------------------

setup() {
	"$EASTERN_E2E_BIN/kubectl" --kubeconfig "$EASTERN_E2E_KUBECONFIG" create namespace "$ns" &&
		eventually 15 k get serviceaccount default
}
check "namespace $ns gets its default ServiceAccount" setup

rollout() {
	deployment web example.com/app:v1 | k apply -f - &&
		k rollout status deployment/web --timeout=30s &&
		[[ $(k get deployment web -o 'jsonpath={.status.conditions[?(@.type=="Available")].status}') == True ]]
}
check "Deployment (2 replicas) rolls out and is Available" rollout

update() {
	k set image deployment/web app=example.com/app:v2 &&
		k rollout status deployment/web --timeout=30s &&
		eventually 10 only_v2_pods
}
only_v2_pods() {
	local images
	images=$(k get pods -l app=web -o 'jsonpath={range .items[*]}{.spec.containers[0].image}{"\n"}{end}' | sort | uniq -c)
	echo "$images"
	[[ $images =~ ^\ *2\ example.com/app:v2$ ]]
}
check "image update rolls out; old pods are deleted" update

crash_loop() {
	deployment crasher example.com/app:crash | k apply -f - &&
		eventually 20 crash_state
}
crash_state() {
	local s
	s=$(pod_field crasher 'status.containerStatuses[0]')
	echo "$s"
	[[ $(pod_field crasher 'status.containerStatuses[0].state.waiting.reason') == CrashLoopBackOff &&
		$(pod_field crasher 'status.containerStatuses[0].restartCount') -ge 1 &&
		$(pod_field crasher 'status.containerStatuses[0].lastState.terminated.exitCode') == 1 &&
		$(pod_field crasher 'status.containerStatuses[0].ready') == false ]]
}
check "image 'crash': CrashLoopBackOff, restartCount >= 1, lastState exit code 1" crash_loop

crash_rollout_blocks() {
	! k rollout status deployment/crasher --timeout=3s
}
check "image 'crash': rollout status does not succeed" crash_rollout_blocks

crash_restarts() {
	local before
	before=$(pod_field crasher 'status.containerStatuses[0].restartCount')
	eventually 15 restarts_above "$before"
}
restarts_above() { [[ $(pod_field crasher 'status.containerStatuses[0].restartCount') -gt $1 ]]; }
check "image 'crash': restartCount keeps growing" crash_restarts

crash_logs() {
	deployment crashlogs example.com/app:crash crash | k apply -f - &&
		eventually 15 logs_contain "panic: cannot connect" deployment/crashlogs
}
check "container named 'crash': logs show the panic" crash_logs

ready_delay() {
	cat <<EOF | k apply -f - &&
apiVersion: v1
kind: Pod
metadata:
  name: slow
  annotations: {e2e.eastern.dev/ready-delay: 3s}
spec:
  containers:
  - name: app
    image: example.com/app:v1
EOF
		sleep 2 &&
		[[ $(k get pod slow -o jsonpath='{.status.phase}') == Pending ]] &&
		k wait --for=condition=Ready pod/slow --timeout=10s
}
check "annotation e2e.eastern.dev/ready-delay=3s delays the start" ready_delay

pull_backoff() {
	deployment nopull example.com/app:pullfail | k apply -f - &&
		eventually 20 pull_backoff_state
}
pull_backoff_state() {
	[[ $(pod_field nopull 'status.containerStatuses[0].state.waiting.reason') == ImagePullBackOff &&
		$(pod_field nopull status.phase) == Pending &&
		-n $(pod_field nopull 'status.containerStatuses[0].state.waiting.message') ]]
}
check "image 'pullfail': Pending, ImagePullBackOff with a message" pull_backoff

job_complete() {
	job migrate example.com/migrate:v1 | k apply -f - &&
		k wait --for=condition=Complete job/migrate --timeout=30s &&
		logs_contain "migrating... done" job/migrate
}
check "Job completes; kubectl logs job/NAME prints the shipped lines" job_complete

job_failed() {
	job migrate-fail example.com/migrate:fail | k apply -f - &&
		k wait --for=condition=Failed job/migrate-fail --timeout=30s &&
		[[ $(k get job migrate-fail -o 'jsonpath={.status.conditions[?(@.type=="Failed")].reason}') == BackoffLimitExceeded ]] &&
		[[ $(k get pods -l job-name=migrate-fail -o 'jsonpath={.items[0].status.containerStatuses[0].state.terminated.exitCode}') == 1 ]]
}
check "Job with image 'fail' and backoffLimit 0 fails (exit code 1)" job_failed

logs_follow() {
	local name rc=0
	name=$(k get pods -l app=web -o 'jsonpath={.items[0].metadata.name}')
	timeout 3 "$EASTERN_E2E_BIN/kubectl" --kubeconfig "$EASTERN_E2E_KUBECONFIG" -n "$ns" logs -f "$name" >"$out.follow" || rc=$?
	cat "$out.follow"
	grep -q "listening on :8080" "$out.follow" && [[ $rc == 124 ]]
}
check "kubectl logs -f streams the lines and keeps following" logs_follow
rm -f "$out.follow"

dev_forbidden() {
	local o
	if o=$(kdev get pods 2>&1); then
		echo "unexpectedly allowed: $o"
		return 1
	fi
	echo "$o"
	grep -q Forbidden <<<"$o"
}
check "dev.kubeconfig: get pods is Forbidden" dev_forbidden

server_side_apply() {
	cat <<EOF | k apply --server-side --field-manager=smoke -f - &&
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: "1"
EOF
		cat <<EOF | k apply --server-side --field-manager=smoke -f - &&
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: "2"
EOF
		[[ $(k get configmap settings -o 'jsonpath={.data.a}') == 2 ]] &&
		k get configmap settings --show-managed-fields -o yaml | grep -q "manager: smoke"
}
check "kubectl apply --server-side creates and updates" server_side_apply

dry_run() {
	deployment web example.com/app:v3 | k apply --dry-run=server -f - &&
		deployment web example.com/app:v3 | k apply --server-side --force-conflicts --dry-run=server -f - &&
		[[ $(k get deployment web -o 'jsonpath={.spec.template.spec.containers[0].image}') == example.com/app:v2 ]]
}
check "kubectl apply --dry-run=server validates without persisting" dry_run

statefulset() {
	cat <<EOF | k apply -f - &&
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 2
  serviceName: db
  selector:
    matchLabels: {app: db}
  template:
    metadata:
      labels: {app: db}
    spec:
      containers:
      - name: db
        image: example.com/db:v1
EOF
		k rollout status statefulset/db --timeout=30s &&
		k set image statefulset/db db=example.com/db:v2 &&
		k rollout status statefulset/db --timeout=30s
}
check "StatefulSet rolls out and updates" statefulset

daemonset() {
	cat <<EOF | k apply -f - &&
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels: {app: agent}
  template:
    metadata:
      labels: {app: agent}
    spec:
      containers:
      - name: agent
        image: example.com/agent:v1
EOF
		k rollout status daemonset/agent --timeout=30s &&
		k set image daemonset/agent agent=example.com/agent:v2 &&
		k rollout status daemonset/agent --timeout=30s
}
check "DaemonSet rolls out and updates" daemonset

garbage_collection() {
	k delete deployment web --cascade=background &&
		eventually 20 web_gone
}
web_gone() { [[ -z $(k get replicasets,pods -l app=web -o name) ]]; }
check "deleting a Deployment (background) removes its ReplicaSets and pods" garbage_collection

echo "$passed passed, $failed failed"
[[ $failed == 0 ]]
