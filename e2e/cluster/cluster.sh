#!/usr/bin/env bash
# A real Kubernetes control plane for the end-to-end tests: etcd,
# kube-apiserver, kube-controller-manager and kube-scheduler, plus kwok faking
# one node and the lifecycle of the pods on it (see kwok/stages.yaml). All of
# it listens on 127.0.0.1 only.
#
#   cluster.sh start STATE_DIR   generate credentials, start everything, wait
#                                until it is usable (node Ready, default
#                                ServiceAccount present); prints the admin
#                                kubeconfig path as the last stdout line
#   cluster.sh stop STATE_DIR    stop what start started (idempotent)
#
# STATE_DIR afterwards holds:
#   admin.kubeconfig   user "admin", group system:masters
#   dev.kubeconfig     user "dev", no RBAC grants (only what every
#                      authenticated user gets: discovery, `auth can-i`,
#                      `auth whoami`)
#   env.sh             shell exports of paths and ports, for tests to source
#   logs/NAME.log      one log per server; pids/NAME.pid one PID per server
#
# Environment:
#   EASTERN_E2E_BIN                     directory with the binaries (default: the
#                                       output of ../controlplane/build.sh, which
#                                       builds them on first use)
#   EASTERN_E2E_ETCD_PORT               etcd client port        (default 26379)
#   EASTERN_E2E_ETCD_PEER_PORT          etcd peer port          (default 26380)
#   EASTERN_E2E_APISERVER_PORT          kube-apiserver          (default 26443)
#   EASTERN_E2E_CONTROLLER_MANAGER_PORT controller-manager      (default 26257)
#   EASTERN_E2E_SCHEDULER_PORT          kube-scheduler          (default 26259)
#   EASTERN_E2E_KWOK_PORT               kwok, the fake kubelet  (default 26250)
#   EASTERN_E2E_START_TIMEOUT           seconds to wait for each server (default 60)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

usage() {
	echo "usage: cluster.sh start|stop STATE_DIR" >&2
	exit 2
}

[[ $# -eq 2 ]] || usage
action=$1
mkdir -p "$2"
state=$(cd "$2" && pwd)

etcd_port=${EASTERN_E2E_ETCD_PORT:-26379}
etcd_peer_port=${EASTERN_E2E_ETCD_PEER_PORT:-26380}
apiserver_port=${EASTERN_E2E_APISERVER_PORT:-26443}
kcm_port=${EASTERN_E2E_CONTROLLER_MANAGER_PORT:-26257}
scheduler_port=${EASTERN_E2E_SCHEDULER_PORT:-26259}
kwok_port=${EASTERN_E2E_KWOK_PORT:-26250}
timeout=${EASTERN_E2E_START_TIMEOUT:-60}

# Start order; stop runs it backwards.
servers=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
node_name=kwok-node-0

log() { echo "cluster.sh: $*" >&2; }

# --- stop ------------------------------------------------------------------------

# pid_of NAME prints the PID of a server of this STATE_DIR that is still
# running; a PID that was reused by an unrelated process does not count.
pid_of() {
	local f=$state/pids/$1.pid pid
	[[ -f $f ]] || return 1
	pid=$(<"$f")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[[ -r /proc/$pid/cmdline ]] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$state/" || return 1
	echo "$pid"
}

stop_server() {
	local name=$1 pid i
	if pid=$(pid_of "$name"); then
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			log "$name (pid $pid) still running after 10 s; sending SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
			for ((i = 0; i < 50; i++)); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
		fi
	fi
	rm -f "$state/pids/$name.pid"
}

stop_all() {
	local i
	for ((i = ${#servers[@]} - 1; i >= 0; i--)); do
		stop_server "${servers[i]}"
	done
}

if [[ $action == stop ]]; then
	stop_all
	log "stopped ($state)"
	exit 0
fi
[[ $action == start ]] || usage

# --- start -----------------------------------------------------------------------

for s in "${servers[@]}"; do
	if pid=$(pid_of "$s"); then
		log "$s is already running (pid $pid) for $state; run: $0 stop $state"
		exit 1
	fi
done

if [[ -n ${EASTERN_E2E_BIN-} ]]; then
	bin=$EASTERN_E2E_BIN
else
	bin=$("$here/../controlplane/build.sh" | tail -n 1)
fi
for b in etcd kube-apiserver kube-controller-manager kube-scheduler kubectl kwok; do
	[[ -x $bin/$b ]] || { log "missing $bin/$b (set EASTERN_E2E_BIN or run e2e/controlplane/build.sh)"; exit 1; }
done

if ! command -v openssl >/dev/null; then
	if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
		log "openssl not found; installing it with apt-get"
		apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >&2
	else
		log "openssl is required (Debian: apt-get install openssl)"
		exit 1
	fi
fi

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$etcd_port" "$etcd_peer_port" "$apiserver_port" "$kcm_port" "$scheduler_port" "$kwok_port"; do
	if port_in_use "$p"; then
		log "port 127.0.0.1:$p is already in use (see the EASTERN_E2E_*_PORT variables in $0)"
		exit 1
	fi
done

t0=$SECONDS
start_time=$EPOCHREALTIME
elapsed() { awk -v now="$EPOCHREALTIME" -v t0="$start_time" 'BEGIN { printf "%5.1fs", now - t0 }'; }
# A fresh cluster every time: only what this script generates is removed.
rm -rf "$state/etcd" "$state/pki" "$state/logs" "$state/pids" "$state/kwok" \
	"$state"/*.kubeconfig "$state/tokens.csv" "$state/env.sh"
mkdir -p "$state/pki" "$state/logs" "$state/pids" "$state/kwok"
chmod 700 "$state/pki"

# Credentials. The CA signs the apiserver's serving certificate; the RSA key
# signs and verifies ServiceAccount tokens.
pki=$state/pki
openssl_quiet() { openssl "$@" 2>>"$state/logs/openssl.log"; }
openssl_quiet req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$pki/ca.key" -out "$pki/ca.crt" -days 3650 -subj "/CN=eastern-e2e-ca" \
	-addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
openssl_quiet req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$pki/apiserver.key" -out "$pki/apiserver.csr" -subj "/CN=kube-apiserver"
cat >"$pki/apiserver.ext" <<EOF
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
EOF
openssl_quiet x509 -req -in "$pki/apiserver.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" \
	-CAcreateserial -days 3650 -extfile "$pki/apiserver.ext" -out "$pki/apiserver.crt"
openssl_quiet genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/sa.key"
openssl_quiet pkey -in "$pki/sa.key" -pubout -out "$pki/sa.pub"

# Static tokens: token,user,uid,"groups". "dev" has no RBAC binding at all.
# The controller-manager runs every controller under its own identity
# (--use-service-account-credentials=false) with system:masters: minting one
# ServiceAccount token per controller made start-up about 6 s slower.
token() { openssl rand -hex 24; }
declare -A tokens
for u in admin dev controller-manager scheduler kwok; do tokens[$u]=$(token); done
cat >"$state/tokens.csv" <<EOF
${tokens[admin]},admin,admin,"system:masters"
${tokens[dev]},dev,dev
${tokens[controller-manager]},system:kube-controller-manager,system:kube-controller-manager,"system:masters"
${tokens[scheduler]},system:kube-scheduler,system:kube-scheduler
${tokens[kwok]},kwok,kwok,"system:masters"
EOF
chmod 600 "$state/tokens.csv"

server=https://127.0.0.1:$apiserver_port
ca_data=$(base64 -w0 <"$pki/ca.crt")
kubeconfig() { # FILE USER TOKEN
	cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: eastern-e2e
  cluster:
    server: $server
    certificate-authority-data: $ca_data
users:
- name: $2
  user:
    token: $3
contexts:
- name: $2@eastern-e2e
  context:
    cluster: eastern-e2e
    user: $2
    namespace: default
current-context: $2@eastern-e2e
EOF
	chmod 600 "$1"
}
kubeconfig "$state/admin.kubeconfig" admin "${tokens[admin]}"
kubeconfig "$state/dev.kubeconfig" dev "${tokens[dev]}"
kubeconfig "$state/controller-manager.kubeconfig" system:kube-controller-manager "${tokens[controller-manager]}"
kubeconfig "$state/scheduler.kubeconfig" system:kube-scheduler "${tokens[scheduler]}"
kubeconfig "$state/kwok.kubeconfig" kwok "${tokens[kwok]}"
# Health probes of servers with self-signed certificates (controller-manager,
# scheduler, kwok) skip verification; --server is given on each call. The
# controller-manager and scheduler check the token with the apiserver.
cat >"$state/probe.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: probe
  cluster:
    server: https://127.0.0.1
    insecure-skip-tls-verify: true
users:
- name: probe
  user:
    token: ${tokens[admin]}
contexts:
- name: probe
  context: {cluster: probe, user: probe}
current-context: probe
EOF
chmod 600 "$state/probe.kubeconfig"

kubectl() { "$bin/kubectl" --kubeconfig "$state/admin.kubeconfig" "$@"; }
probe() { "$bin/kubectl" --kubeconfig "$state/probe.kubeconfig" --server "$1" get --raw "$2" --request-timeout=2s </dev/null >/dev/null 2>&1; }

# --- process handling ------------------------------------------------------------

# launch NAME CMD...: start a server in its own session (so its own process
# group), detached from the terminal, logging to logs/NAME.log.
launch() {
	local name=$1
	shift
	setsid "$@" </dev/null >>"$state/logs/$name.log" 2>&1 &
	echo $! >"$state/pids/$name.pid"
}

fail() { # NAME MESSAGE
	log "$2"
	if [[ -f $state/logs/$1.log ]]; then
		echo "----- last 40 lines of $state/logs/$1.log -----" >&2
		tail -n 40 "$state/logs/$1.log" >&2
		echo "-----" >&2
	fi
	stop_all
	exit 1
}
trap 'stop_all' INT TERM

# wait_for NAME DESCRIPTION CMD...: poll CMD until it succeeds, failing when
# the server NAME exits or after $timeout seconds.
wait_for() {
	local name=$1 what=$2 deadline=$((SECONDS + timeout))
	shift 2
	until "$@"; do
		local s
		for s in "${servers[@]}"; do
			if [[ -f $state/pids/$s.pid ]] && ! pid_of "$s" >/dev/null; then
				fail "$s" "$s exited while waiting for $what"
			fi
		done
		((SECONDS < deadline)) || fail "$name" "timed out after ${timeout}s waiting for $what"
		sleep 0.2
	done
	log "$(elapsed) $what: ok"
}

# --- servers ---------------------------------------------------------------------

# etcd is throwaway: no fsync, short election timeout for a fast start.
launch etcd "$bin/etcd" \
	--name=e2e \
	--data-dir="$state/etcd" \
	--listen-client-urls="http://127.0.0.1:$etcd_port" \
	--advertise-client-urls="http://127.0.0.1:$etcd_port" \
	--listen-peer-urls="http://127.0.0.1:$etcd_peer_port" \
	--initial-advertise-peer-urls="http://127.0.0.1:$etcd_peer_port" \
	--initial-cluster="e2e=http://127.0.0.1:$etcd_peer_port" \
	--initial-cluster-state=new \
	--unsafe-no-fsync \
	--heartbeat-interval=10 \
	--election-timeout=100 \
	--snapshot-count=10000 \
	--log-level=warn
wait_for etcd "etcd" probe "http://127.0.0.1:$etcd_port" /health

# No endpoint reconciler: the "kubernetes" Service would get 127.0.0.1 as an
# endpoint, which Endpoints validation rejects. kwok serves the kubelet API
# with a self-signed certificate; without --kubelet-certificate-authority the
# apiserver does not verify it.
launch kube-apiserver "$bin/kube-apiserver" \
	--etcd-servers="http://127.0.0.1:$etcd_port" \
	--bind-address=127.0.0.1 \
	--advertise-address=127.0.0.1 \
	--secure-port="$apiserver_port" \
	--tls-cert-file="$pki/apiserver.crt" \
	--tls-private-key-file="$pki/apiserver.key" \
	--client-ca-file="$pki/ca.crt" \
	--token-auth-file="$state/tokens.csv" \
	--authorization-mode=Node,RBAC \
	--service-account-issuer=https://kubernetes.default.svc.cluster.local \
	--service-account-key-file="$pki/sa.pub" \
	--service-account-signing-key-file="$pki/sa.key" \
	--service-cluster-ip-range=10.96.0.0/16 \
	--endpoint-reconciler-type=none \
	--kubelet-preferred-address-types=InternalIP \
	--allow-privileged=true \
	--profiling=false \
	--event-ttl=1h
apiserver_ready() { kubectl get --raw /readyz --request-timeout=2s >/dev/null 2>&1; }
wait_for kube-apiserver "kube-apiserver /readyz" apiserver_ready

# Leader election is off (a restarted server would wait out its old lease);
# --node-monitor-period=1s lifts the node's not-ready taint within a second.
launch kube-controller-manager "$bin/kube-controller-manager" \
	--kubeconfig="$state/controller-manager.kubeconfig" \
	--authentication-kubeconfig="$state/controller-manager.kubeconfig" \
	--authorization-kubeconfig="$state/controller-manager.kubeconfig" \
	--authentication-skip-lookup=true \
	--bind-address=127.0.0.1 \
	--secure-port="$kcm_port" \
	--leader-elect=false \
	--use-service-account-credentials=false \
	--service-account-private-key-file="$pki/sa.key" \
	--root-ca-file="$pki/ca.crt" \
	--node-monitor-period=1s \
	--cluster-signing-cert-file="$pki/ca.crt" \
	--cluster-signing-key-file="$pki/ca.key" \
	--profiling=false

launch kube-scheduler "$bin/kube-scheduler" \
	--kubeconfig="$state/scheduler.kubeconfig" \
	--authentication-kubeconfig="$state/scheduler.kubeconfig" \
	--authorization-kubeconfig="$state/scheduler.kubeconfig" \
	--authentication-skip-lookup=true \
	--bind-address=127.0.0.1 \
	--secure-port="$scheduler_port" \
	--leader-elect=false \
	--profiling=false

# kwok reads its configuration from files only (KWOK_WORKDIR keeps it from
# loading ~/.kwok/kwok.yaml). The logs configuration names absolute paths, so
# it is written here; the log files are copied so a test may append to them.
cp "$here/kwok/logs/app.log" "$here/kwok/logs/crash.log" "$state/kwok/"
cat >"$state/kwok/logs.yaml" <<EOF
# Generated by cluster.sh: what \`kubectl logs\` returns for pods on the fake node.
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: e2e-logs
spec:
  logs:
  # Containers named "crash" log a panic, current and previous.
  - containers: [crash]
    logsFile: $state/kwok/crash.log
    previousLogsFile: $state/kwok/crash.log
  # Every other container; --previous shows the panic as well.
  - logsFile: $state/kwok/app.log
    previousLogsFile: $state/kwok/crash.log
EOF
KWOK_WORKDIR=$state/kwok launch kwok "$bin/kwok" \
	--kubeconfig="$state/kwok.kubeconfig" \
	--config="$here/kwok/stages.yaml" \
	--config="$state/kwok/logs.yaml" \
	--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
	--node-ip=127.0.0.1 \
	--node-port="$kwok_port" \
	--server-address="127.0.0.1:$kwok_port" \
	--node-lease-duration-seconds=40 \
	--cidr=10.244.0.0/16

wait_for kube-controller-manager "kube-controller-manager /healthz" probe "https://127.0.0.1:$kcm_port" /healthz
wait_for kube-scheduler "kube-scheduler /healthz" probe "https://127.0.0.1:$scheduler_port" /healthz
wait_for kwok "kwok /healthz" probe "http://127.0.0.1:$kwok_port" /healthz

kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $node_name
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: $node_name
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
EOF

node_ready() {
	local out
	out=$(kubectl get node "$node_name" --request-timeout=2s \
		-o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}/{.spec.taints}' 2>/dev/null) || return 1
	[[ $out == True/ ]]
}
default_sa() { kubectl get serviceaccount default -n default --request-timeout=2s >/dev/null 2>&1; }
wait_for kwok "node $node_name to be Ready without taints" node_ready
wait_for kube-controller-manager "ServiceAccount default/default" default_sa

cat >"$state/env.sh" <<EOF
# Generated by cluster.sh start; source it to reach this cluster.
export EASTERN_E2E_STATE_DIR='$state'
export EASTERN_E2E_BIN='$bin'
export EASTERN_E2E_SERVER='$server'
export EASTERN_E2E_KUBECONFIG='$state/admin.kubeconfig'
export EASTERN_E2E_DEV_KUBECONFIG='$state/dev.kubeconfig'
export EASTERN_E2E_NODE='$node_name'
export EASTERN_E2E_KWOK_PORT='$kwok_port'
EOF

trap - INT TERM
log "ready in $((SECONDS - t0)) s: $server (node $node_name); stop with: $0 stop $state"
echo "$state/admin.kubeconfig"
