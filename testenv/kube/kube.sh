#!/usr/bin/env bash
# testenv/kube/kube.sh - a real, throwaway Kubernetes control plane for hybridctl's tests.
#
# etcd + kube-apiserver + kube-controller-manager + kube-scheduler + the Kubeflow
# training-operator v1 + Kubeflow Trainer v2 and JobSet (trainer.sh; all built from Go modules
# by testenv/kube/build.sh) + kwok (fake nodes
# and fake pods), on 127.0.0.1, every file under $HYBRIDCTL_KUBE_DIR. Nodes node1..nodeN
# advertise nvidia.com/gpu, an RDMA resource, CPU and memory, and carry the hooks' taint; the
# upstream PyTorchJob CRD is installed. A PyTorchJob gets its pods and Services from the real
# operator, the real scheduler binds them, kwok runs them Pending -> Running -> Succeeded
# (Failed or kept Running by the label hybridctl.test/outcome or the container env
# HYBRIDCTL_TEST_OUTCOME) and serves `kubectl logs`; the controller-manager's garbage collector
# removes what a deleted PyTorchJob owned, and its PV binder binds the static GPFS claim.
# testenv/kube/README.md says more.
#
# Usage:
#   testenv/kube/kube.sh up        build if needed (cold: ~5-6 min), start etcd, kube-apiserver
#                                  and kwok, install CRDs, RBAC, nodes; a healthy control plane
#                                  with the same settings is left as it is
#   testenv/kube/kube.sh down      stop kwok, kube-apiserver and etcd by PID; the directory stays
#   testenv/kube/kube.sh status    exit 0 iff healthy; prints PIDs, memory and the nodes
#   testenv/kube/kube.sh restart-apiserver   stop and start kube-apiserver alone (same etcd)
#   testenv/kube/kube.sh revive              start the scheduler / controller-manager again if they exited
#   testenv/kube/kube.sh stop-operator|start-operator|restart-operator   the training-operator alone
#   testenv/kube/kube.sh env       prints export lines: eval "$(testenv/kube/kube.sh env)"
#   testenv/kube/kube.sh selftest  end-to-end checks, ends with "N passed, N failed"
#   testenv/kube/kube.sh build     only testenv/kube/build.sh
#   testenv/kube/kube.sh lint      bash -n + shellcheck on the scripts
#
# Settings (environment, all optional). `up` saves them in $HYBRIDCTL_KUBE_DIR/settings, and
# down/status/env/selftest reuse them, so only HYBRIDCTL_KUBE_DIR must be repeated.
#   HYBRIDCTL_KUBE_DIR=/tmp/hybridctl-kube  everything lives here; `up` wipes it (only if it is
#                                   absent, empty, or was made by this script)
#   HYBRIDCTL_KUBE_ETCD_PORT=17379  etcd client port (HYBRIDCTL_KUBE_ETCD_PEER_PORT=17380)
#   HYBRIDCTL_KUBE_API_PORT=17443   kube-apiserver (https)
#   HYBRIDCTL_KUBE_KWOK_PORT=17250  kwok's fake kubelet endpoint (logs), https
#   HYBRIDCTL_KUBE_OPERATOR_HEALTH_PORT=17081  training-operator /healthz, /readyz (127.0.0.1)
#   HYBRIDCTL_KUBE_OPERATOR_WEBHOOK_PORT=17444 training-operator webhook server (all addresses:
#                                   the operator has no flag for its host)
#   HYBRIDCTL_KUBE_NODE_TAINT=hybridctl.io/slurm-managed=true:NoSchedule  on every node at
#                                   `up` (the Slurm hooks' taint; empty: none)
#   HYBRIDCTL_KUBE_AUDIT=0          1: kube-apiserver writes an audit log of the restricted
#                                   user's requests (log/audit.log, one JSON line each), to
#                                   count what hybridctl asks
#   HYBRIDCTL_KUBE_NODES=3          nodes node1..nodeN
#   HYBRIDCTL_KUBE_GPUS=8           nvidia.com/gpu per node
#   HYBRIDCTL_KUBE_RDMA_RESOURCE=rdma/rdma_shared_device_a  HYBRIDCTL_KUBE_RDMA=1000 per node
#   HYBRIDCTL_KUBE_CPUS=16          HYBRIDCTL_KUBE_MEMORY=64000Mi  per node
#   HYBRIDCTL_KUBE_NAMESPACE=training  the namespace of the restricted user's Role
#   HYBRIDCTL_KUBE_USER=hybridctl-user the restricted client-certificate user (group hybridctl-users)
#   HYBRIDCTL_KUBE_POD_RUN_MS=2000  how long a fake pod runs before it Succeeds/Fails
#   HYBRIDCTL_KUBE_POD_LOG=testenv/kube/fixtures/pod.log  what `kubectl logs` returns (CRI format)
#   HYBRIDCTL_KUBE_BIN=             binaries; default: what build.sh prints (it builds if needed)
#   HYBRIDCTL_KUBE_UP_TIMEOUT=90    seconds `up` waits for each daemon (not counting the build);
#                                   not a saved setting
set -euo pipefail

HK_HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
HK_SELF=$HK_HERE/$(basename "${BASH_SOURCE[0]}")
HK_DIR=${HYBRIDCTL_KUBE_DIR:-/tmp/hybridctl-kube}
HK_ETCD_PORT=${HYBRIDCTL_KUBE_ETCD_PORT:-17379}
HK_ETCD_PEER_PORT=${HYBRIDCTL_KUBE_ETCD_PEER_PORT:-17380}
HK_API_PORT=${HYBRIDCTL_KUBE_API_PORT:-17443}
HK_KWOK_PORT=${HYBRIDCTL_KUBE_KWOK_PORT:-17250}
HK_OPERATOR_HEALTH_PORT=${HYBRIDCTL_KUBE_OPERATOR_HEALTH_PORT:-17081}
HK_OPERATOR_WEBHOOK_PORT=${HYBRIDCTL_KUBE_OPERATOR_WEBHOOK_PORT:-17444}
HK_NODE_TAINT=${HYBRIDCTL_KUBE_NODE_TAINT-hybridctl.io/slurm-managed=true:NoSchedule}
HK_AUDIT=${HYBRIDCTL_KUBE_AUDIT:-0}
HK_NODES=${HYBRIDCTL_KUBE_NODES:-3}
HK_GPUS=${HYBRIDCTL_KUBE_GPUS:-8}
HK_RDMA_RESOURCE=${HYBRIDCTL_KUBE_RDMA_RESOURCE:-rdma/rdma_shared_device_a}
HK_RDMA=${HYBRIDCTL_KUBE_RDMA:-1000}
HK_CPUS=${HYBRIDCTL_KUBE_CPUS:-16}
HK_MEMORY=${HYBRIDCTL_KUBE_MEMORY:-64000Mi}
HK_NAMESPACE=${HYBRIDCTL_KUBE_NAMESPACE:-training}
HK_USER=${HYBRIDCTL_KUBE_USER:-hybridctl-user}
HK_POD_RUN_MS=${HYBRIDCTL_KUBE_POD_RUN_MS:-2000}
HK_POD_LOG=${HYBRIDCTL_KUBE_POD_LOG:-$HK_HERE/fixtures/pod.log}
HK_BIN=${HYBRIDCTL_KUBE_BIN:-}
HK_TIMEOUT=${HYBRIDCTL_KUBE_UP_TIMEOUT:-90}
HK_SETTING_VARS=(HK_ETCD_PORT HK_ETCD_PEER_PORT HK_API_PORT HK_KWOK_PORT HK_OPERATOR_HEALTH_PORT
  HK_OPERATOR_WEBHOOK_PORT HK_NODE_TAINT HK_NODES HK_GPUS HK_RDMA_RESOURCE HK_RDMA HK_CPUS HK_MEMORY
  HK_NAMESPACE HK_USER HK_POD_RUN_MS HK_POD_LOG HK_BIN HK_AUDIT)
HK_DAEMONS=(etcd kube-apiserver kwok kube-controller-manager kube-scheduler training-operator)
# the training-operator's webhook server reads its key pair from this fixed path (no flag)
HK_OPERATOR_CERT_DIR=/tmp/k8s-webhook-server/serving-certs
# the static PersistentVolume + claim of the GPFS fileset (Spectrum Scale CSI driver)
HK_GPFS_CLAIM=gpfs-llm-project
HK_GPFS_STORAGE_CLASS=ibm-spectrum-scale
HK_GPFS_DRIVER=spectrumscale.csi.ibm.com
# Kubeflow Trainer v2 + JobSet (their settings, daemons and steps of `up`/`down`)
# shellcheck source=testenv/kube/trainer.sh
source "$HK_HERE/trainer.sh"

hk_log() { printf '[testenv/kube] %s\n' "$*" >&2; }
hk_die() { hk_log "error: $*"; exit 1; }
hk_now() { date +%s.%N; }
hk_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
hk_nodes() { local i; for ((i = 1; i <= HK_NODES; i++)); do echo "node$i"; done; }

hk_paths() { # derived paths; again after the saved settings are loaded
  HK_MARK=$HK_DIR/.hybridctl-kube
  HK_PKI=$HK_DIR/pki
  HK_ADMIN_KC=$HK_DIR/admin.kubeconfig
  HK_USER_KC=$HK_DIR/user.kubeconfig
  HK_SERVER=https://127.0.0.1:$HK_API_PORT
}
hk_paths

hk_validate() {
  local v
  for v in HK_ETCD_PORT HK_ETCD_PEER_PORT HK_API_PORT HK_KWOK_PORT HK_OPERATOR_HEALTH_PORT \
    HK_OPERATOR_WEBHOOK_PORT HK_NODES HK_CPUS HK_TIMEOUT; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || hk_die "${v/HK_/HYBRIDCTL_KUBE_} must be a positive integer, not \`${!v}\`"
  done
  for v in HK_GPUS HK_RDMA HK_POD_RUN_MS; do
    [[ ${!v} =~ ^[0-9]+$ ]] || hk_die "${v/HK_/HYBRIDCTL_KUBE_} must be a number, not \`${!v}\`"
  done
  hk_kf_validate
  [[ $HK_AUDIT =~ ^[01]$ ]] || hk_die "HYBRIDCTL_KUBE_AUDIT must be 0 or 1, not \`$HK_AUDIT\`"
  [[ $HK_MEMORY =~ ^[0-9]+(Ki|Mi|Gi|Ti)?$ ]] || hk_die "HYBRIDCTL_KUBE_MEMORY must be a quantity like 64000Mi"
  [[ $HK_NAMESPACE =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || hk_die "bad HYBRIDCTL_KUBE_NAMESPACE \`$HK_NAMESPACE\`"
  [[ $HK_USER =~ ^[a-z0-9][-a-z0-9.]*$ ]] || hk_die "bad HYBRIDCTL_KUBE_USER \`$HK_USER\`"
  [[ $HK_RDMA_RESOURCE =~ ^[a-z0-9.-]+/[A-Za-z0-9_.-]+$ ]] || hk_die "bad HYBRIDCTL_KUBE_RDMA_RESOURCE"
  [[ -z $HK_NODE_TAINT || $HK_NODE_TAINT =~ ^[a-z0-9./-]+=[A-Za-z0-9_.-]*:(NoSchedule|PreferNoSchedule|NoExecute)$ ]] ||
    hk_die "HYBRIDCTL_KUBE_NODE_TAINT must be KEY=VALUE:EFFECT, not \`$HK_NODE_TAINT\`"
  [[ $HK_DIR == /?*/* || $HK_DIR == /tmp?* ]] ||
    hk_die "HYBRIDCTL_KUBE_DIR must be an absolute path below a top directory, not \`$HK_DIR\`"
}

hk_settings() {
  local v
  for v in "${HK_SETTING_VARS[@]}"; do printf '%s=%q\n' "$v" "${!v}"; done
  # an edited script, stage file or log fixture means a restart
  echo "# files $(cat "$HK_SELF" "$HK_HERE/trainer.sh" "$HK_HERE/kwok/pod-outcome-stages.yaml" "$HK_POD_LOG" 2>/dev/null | md5sum | cut -c1-12)"
}
hk_load_saved_settings() {
  if [[ -r $HK_DIR/settings ]]; then
    # shellcheck source=/dev/null
    source "$HK_DIR/settings"
  fi
  hk_paths
}

hk_lock() { # one lock per directory: parallel tests that all call `up` start one control plane
  mkdir -p "$(dirname "$HK_DIR")"
  exec {HK_LOCK_FD}>>"$HK_DIR.lock"
  flock -w 900 "$HK_LOCK_FD" || hk_die "could not lock $HK_DIR.lock within 900 s"
}

# ---------------------------------------------------------------- processes
hk_pid() { # <name>: prints the pid if that daemon of this control plane is alive
  local name=$1 pid comm
  [[ -s $HK_DIR/run/$name.pid ]] || return 1
  # `read`, not $(<file): under set -e, bash 5.2 exits on a failed $(<file) even after ||
  { read -r pid <"$HK_DIR/run/$name.pid"; } 2>/dev/null || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  { read -r comm <"/proc/$pid/comm"; } 2>/dev/null || return 1
  # the kernel keeps 15 characters of the name (kube-controller-manager -> kube-controller)
  [[ $comm == "${name:0:15}" ]] || return 1
  # a reused pid of another etcd/kube-apiserver/kwok would not have our directory in its args
  { tr '\0' '\n' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$HK_DIR/" || return 1
  echo "$pid"
}
hk_quantity() { # <integer>: as the apiserver prints it (1000 -> 1k, 2000000 -> 2M, 1500 -> 1500)
  awk -v n="$1" 'BEGIN { split("k M G T P E", s, " "); i = 0
    while (n > 0 && n % 1000 == 0 && i < 6) { n /= 1000; i++ }
    printf "%d%s\n", n, (i ? s[i] : "") }'
}
hk_rss_mb() { awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null; }
hk_alive() { # <pid>: alive and not a zombie (our own children stay zombies until bash reaps them)
  local st
  { read -r st <"/proc/$1/stat"; } 2>/dev/null || return 1
  st=${st##*) }
  [[ ${st%% *} != Z ]]
}
hk_kill_wait() { # <signal> <seconds> <pid>...: signal, wait up to <seconds>, then SIGKILL
  local sig=$1 secs=$2 pid t alive
  shift 2
  (($# == 0)) && return 0
  kill "-$sig" "$@" 2>/dev/null || true
  for ((t = 0; t < secs * 10; t++)); do
    alive=0
    for pid; do hk_alive "$pid" && alive=1; done
    ((alive)) || return 0
    sleep 0.1
  done
  [[ $sig == KILL ]] || hk_log "escalating to SIGKILL for $*"
  kill -KILL "$@" 2>/dev/null || true
  for ((t = 0; t < 50; t++)); do
    alive=0
    for pid; do hk_alive "$pid" && alive=1; done
    ((alive)) || return 0
    sleep 0.1
  done
}
hk_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Start a daemon in the background in its own session, stdio on log/<name>.log and no other
# inherited descriptor, so neither a CI pipe nor our lock is held open by it.
hk_spawn() { # <name> <command>...: <name> must be the basename of the executable (its comm)
  # (an `env VAR=value` prefix is allowed: env execs the daemon in the same process)
  local name=$1 fd pid t
  shift
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then exec {fd}>&-; fi
    done
    # not a process group leader here, so setsid does not fork: $! is the daemon's pid
    exec setsid "$@" </dev/null >>"$HK_DIR/log/$name.log" 2>&1
  ) &
  pid=$!
  echo "$pid" >"$HK_DIR/run/$name.pid"
  HK_STARTED+=("$name $pid")
  # until the exec is done, /proc/PID/comm says kube.sh or setsid: wait for it
  for ((t = 0; t < 100; t++)); do
    hk_pid "$name" >/dev/null && return 0
    hk_alive "$pid" || hk_fail "$name exited at once" "$name"
    sleep 0.05
  done
  hk_fail "$name did not start within 5 s" "$name"
}

HK_STARTED=() # "name pid" of each daemon this `up` started (our children)
HK_DEADLINE=0

hk_stop_started() { # on a failed `up`: stop our own children: clients, then kube-apiserver, then etcd
  local entry name pid ppid st first=() middle=() last=()
  for entry in "${HK_STARTED[@]}"; do
    read -r name pid <<<"$entry"
    { read -r st <"/proc/$pid/stat"; } 2>/dev/null || continue
    st=${st##*) }
    read -r _ ppid _ <<<"$st"
    if [[ $ppid != "$$" ]] || ! hk_alive "$pid"; then continue; fi
    case $name in
    etcd) last+=("$pid") ;;
    kube-apiserver) middle+=("$pid") ;;
    *) first+=("$pid") ;;
    esac
  done
  hk_kill_wait TERM 15 "${first[@]}"
  hk_kill_wait TERM 15 "${middle[@]}"
  hk_kill_wait KILL 5 "${last[@]}"
}

hk_fail() { # <message> <daemon whose log matters>...: log tails, stop what we started, exit 1
  local msg=$1 n
  shift
  hk_log "error: $msg"
  for n; do
    [[ -s $HK_DIR/log/$n.log ]] || continue
    printf -- '----- last lines of %s -----\n' "$HK_DIR/log/$n.log" >&2
    tail -n 25 "$HK_DIR/log/$n.log" >&2
  done
  hk_log "stopping what was started; all logs are in $HK_DIR/log"
  hk_stop_started >/dev/null 2>&1 || true
  hk_down >/dev/null 2>&1 || true
  exit 1
}

hk_check_started() { # fail at once when a daemon we started has died
  local entry name pid
  for entry in "${HK_STARTED[@]}"; do
    read -r name pid <<<"$entry"
    hk_pid "$name" >/dev/null || hk_fail "$name exited after starting" "$name"
  done
}

hk_wait() { # <what> <daemon> <command>...: poll until the command succeeds, a daemon dies, or timeout
  local what=$1 daemon=$2
  shift 2
  HK_DEADLINE=$((SECONDS + HK_TIMEOUT))
  while ((SECONDS < HK_DEADLINE)); do
    "$@" >/dev/null 2>&1 && return 0
    hk_check_started
    sleep 0.2
  done
  hk_fail "timed out after ${HK_TIMEOUT}s waiting for $what" "$daemon"
}

hk_kubectl_path() {
  if [[ -x $HK_BIN/kubectl ]]; then
    echo "$HK_BIN/kubectl"
  else
    command -v kubectl || hk_die "no kubectl in $HK_BIN or on PATH"
  fi
}
hk_k() { "$HK_KUBECTL" --kubeconfig "$HK_ADMIN_KC" --request-timeout=20s "$@"; }
hk_ku() { "$HK_KUBECTL" --kubeconfig "$HK_USER_KC" --request-timeout=20s "$@"; }

hk_readyz() {
  curl --noproxy "*" -fsS --max-time 5 --cacert "$HK_PKI/ca.crt" --cert "$HK_PKI/admin.crt" --key "$HK_PKI/admin.key" \
    "$HK_SERVER/readyz" >/dev/null
}
hk_nodes_ready() { # all nodes node1..N Ready
  local out
  out=$(hk_k get nodes -o jsonpath='{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status}{"\n"}{end}') || return 1
  [[ $(grep -c '=True$' <<<"$out") == "$HK_NODES" ]]
}

hk_operator_ready() {
  curl --noproxy "*" -fsS --max-time 2 "http://127.0.0.1:$HK_OPERATOR_HEALTH_PORT/readyz" >/dev/null
}
hk_claim_bound() { # the controller-manager's PV binder bound the static GPFS claim
  [[ $(hk_k get pvc -n "$HK_NAMESPACE" "$HK_GPFS_CLAIM" -o jsonpath='{.status.phase}') == Bound ]]
}
hk_healthy() {
  local n
  [[ -e $HK_MARK && -s $HK_ADMIN_KC ]] || return 1
  for n in "${HK_DAEMONS[@]}"; do hk_pid "$n" >/dev/null || return 1; done
  hk_readyz || return 1
  hk_operator_ready || return 1
  hk_kf_healthy || return 1
  HK_KUBECTL=$(hk_kubectl_path) && hk_nodes_ready
}

# ---------------------------------------------------------------- files
hk_gen_pki() {
  local d=$HK_PKI client
  mkdir -p "$d"
  (
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=hybridctl-testenv-ca" \
      -keyout ca.key -out ca.crt 2>/dev/null
    sign() { # <name> <subject> <extensions>; X.509 v3 with SANs: what rustls/webpki require
      openssl req -new -newkey rsa:2048 -nodes -sha256 -subj "$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
      printf '%s\n' "$3" >"$1.ext"
      openssl x509 -req -sha256 -days 3650 -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
        -extfile "$1.ext" -out "$1.crt" 2>/dev/null
      rm -f "$1.csr" "$1.ext"
    }
    sign apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
    client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
    sign admin "/O=system:masters/CN=testenv-admin" "$client"
    # the training-operator's webhook server (nothing calls it: no webhook configuration)
    sign operator-webhook "/CN=training-operator.kubeflow.svc" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:training-operator.kubeflow.svc"
    sign user "/O=hybridctl-users/CN=$HK_USER" "$client"
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    chmod 600 ./*.key
  ) || hk_fail "openssl failed to make the certificates in $d"
}

hk_kubeconfig() { # <file> <cert name> <user name>
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: hybridctl-testenv
  cluster:
    server: $HK_SERVER
    certificate-authority-data: $(base64 -w0 "$HK_PKI/ca.crt")
users:
- name: $3
  user:
    client-certificate-data: $(base64 -w0 "$HK_PKI/$2.crt")
    client-key-data: $(base64 -w0 "$HK_PKI/$2.key")
contexts:
- name: $3@hybridctl-testenv
  context:
    cluster: hybridctl-testenv
    user: $3
    namespace: $HK_NAMESPACE
current-context: $3@hybridctl-testenv
EOF
  chmod 600 "$1"
}

hk_write_kwok_config() {
  local s=$HK_BIN/kwok-stages f
  {
    printf '# generated by testenv/kube/kube.sh: kwok stages (stock ones from the kwok module + ours) and logs\n'
    for f in "$s/node_fast_node-initialize.yaml" "$s/pod_fast_pod-ready.yaml" "$s/pod_fast_pod-delete.yaml"; do
      echo "---"
      cat "$f"
    done
    echo "---"
    sed "s/@POD_RUN_MS@/$HK_POD_RUN_MS/g" "$HK_HERE/kwok/pod-outcome-stages.yaml"
    cat <<EOF
---
# every container of every pod: this file (a test may point one pod elsewhere with a
# kwok.x-k8s.io/v1alpha1 Logs object named like the pod, in its namespace)
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: hybridctl-default-logs
spec:
  logs:
  - logsFile: $HK_DIR/kwok/pod.log
EOF
  } >"$HK_DIR/kwok/kwok.yaml"
  cp "$HK_POD_LOG" "$HK_DIR/kwok/pod.log"
}

hk_write_manifests() {
  local n
  {
    cat <<EOF
apiVersion: v1
kind: Namespace
metadata:
  name: $HK_NAMESPACE
---
# the training-operator keeps its webhook certificates in this Secret and exits when it is
# missing; it fills it itself
apiVersion: v1
kind: Namespace
metadata:
  name: kubeflow
---
apiVersion: v1
kind: Secret
metadata:
  name: training-operator-webhook-cert
  namespace: kubeflow
type: Opaque
---
# the GPFS fileset of the examples: a static PersistentVolume of the Spectrum Scale CSI driver
# and its claim, bound by kube-controller-manager's PV binder (no CSI driver runs: kwok's
# pods never mount anything)
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: $HK_GPFS_STORAGE_CLASS
provisioner: $HK_GPFS_DRIVER
reclaimPolicy: Retain
volumeBindingMode: Immediate
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: $HK_GPFS_CLAIM-pv
spec:
  capacity: {storage: 100Ti}
  accessModes: [ReadWriteMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: $HK_GPFS_STORAGE_CLASS
  csi:
    driver: $HK_GPFS_DRIVER
    volumeHandle: "hybridctl-testenv;gpfs01;llm-project;/gpfs/gpfs01/llm-project"
    volumeAttributes: {volBackendFs: gpfs01, existingVolume: "yes"}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: $HK_GPFS_CLAIM
  namespace: $HK_NAMESPACE
spec:
  accessModes: [ReadWriteMany]
  storageClassName: $HK_GPFS_STORAGE_CLASS
  resources:
    requests: {storage: 10Ti}
---
# the restricted user: exactly what hybridctl needs
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: hybridctl-nodes
rules:
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list, watch, patch]
- apiGroups: [storage.k8s.io]
  resources: [storageclasses]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: hybridctl-nodes
subjects:
- {kind: User, name: $HK_USER, apiGroup: rbac.authorization.k8s.io}
roleRef: {kind: ClusterRole, name: hybridctl-nodes, apiGroup: rbac.authorization.k8s.io}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: hybridctl-training
  namespace: $HK_NAMESPACE
rules:
- apiGroups: [kubeflow.org]
  resources: [pytorchjobs]
  verbs: [create, get, list, watch, delete]
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, watch, delete]
- apiGroups: [""]
  resources: [pods/log]
  verbs: [get]
- apiGroups: [""]
  resources: [persistentvolumeclaims]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: hybridctl-training
  namespace: $HK_NAMESPACE
subjects:
- {kind: User, name: $HK_USER, apiGroup: rbac.authorization.k8s.io}
roleRef: {kind: Role, name: hybridctl-training, apiGroup: rbac.authorization.k8s.io}
EOF
    hk_kf_rbac
    local taints=""
    if [[ -n $HK_NODE_TAINT ]]; then
      # KEY=VALUE:EFFECT, as `kubectl taint` writes it
      taints="spec:
  taints:
  - {key: \"${HK_NODE_TAINT%%=*}\", value: \"$(cut -d= -f2 <<<"${HK_NODE_TAINT%:*}")\", effect: ${HK_NODE_TAINT##*:}}"
    fi
    for n in $(hk_nodes); do
      cat <<EOF
---
# kwok manages nodes with this annotation; the status is kept by kwok's node-initialize stage
apiVersion: v1
kind: Node
metadata:
  name: $n
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    type: kwok
    kubernetes.io/hostname: $n
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
$taints
status:
  addresses:
  - {type: InternalIP, address: 127.0.0.1}
  - {type: Hostname, address: $n}
  capacity: &res
    cpu: "$HK_CPUS"
    memory: $HK_MEMORY
    pods: "110"
    ephemeral-storage: 1Ti
    nvidia.com/gpu: "$HK_GPUS"
    $HK_RDMA_RESOURCE: "$HK_RDMA"
  allocatable: *res
EOF
    done
  } >"$HK_DIR/manifests.yaml"
}

# ---------------------------------------------------------------- up / down
hk_start_apiserver() { # the apiserver on the running etcd (also used by restart-apiserver)
  local d=$HK_DIR audit=()
  if [[ $HK_AUDIT == 1 ]]; then
    printf 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n- level: Metadata\n  users: ["%s"]\n- level: None\n' \
      "$HK_USER" >"$d/audit-policy.yaml"
    audit=(--audit-policy-file="$d/audit-policy.yaml" --audit-log-path="$d/log/audit.log" --audit-log-format=json)
  fi
  hk_spawn kube-apiserver "$HK_BIN/kube-apiserver" "${audit[@]}" \
    --etcd-servers="http://127.0.0.1:$HK_ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$HK_API_PORT" \
    --endpoint-reconciler-type=none \
    --tls-cert-file="$HK_PKI/apiserver.crt" --tls-private-key-file="$HK_PKI/apiserver.key" \
    --client-ca-file="$HK_PKI/ca.crt" \
    --authorization-mode=RBAC \
    --service-account-issuer="$HK_SERVER" \
    --service-account-key-file="$HK_PKI/sa.pub" --service-account-signing-key-file="$HK_PKI/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 \
    --disable-admission-plugins=ServiceAccount,TaintNodesByCondition \
    --allow-privileged=true \
    --kubelet-preferred-address-types=InternalIP,Hostname \
    --enable-priority-and-fairness=false --profiling=false \
    --cert-dir="$d/run/apiserver-certs" --v=1
}

hk_start_controller_manager() {
  hk_spawn kube-controller-manager "$HK_BIN/kube-controller-manager" --kubeconfig="$HK_ADMIN_KC" \
    --leader-elect=false --secure-port=0 --use-service-account-credentials=false \
    --controllers=garbage-collector-controller,namespace-controller,serviceaccount-controller,job-controller,endpointslice-controller,persistentvolume-binder-controller,persistentvolumeclaim-protection-controller,persistentvolume-protection-controller \
    --pvclaimbinder-sync-period=2s --v=1
}
hk_start_scheduler() {
  hk_spawn kube-scheduler "$HK_BIN/kube-scheduler" --kubeconfig="$HK_ADMIN_KC" \
    --leader-elect=false --secure-port=0 --v=1
}
hk_operator_certs() { # the fixed path the operator's webhook server reads (shared by every control plane here)
  local d=$HK_OPERATOR_CERT_DIR tmp
  [[ -s $d/tls.crt && -s $d/tls.key ]] && return 0
  mkdir -p "$d"
  tmp=$(mktemp -d "$d/.new.XXXXXX")
  cp "$HK_PKI/operator-webhook.crt" "$tmp/tls.crt"
  cp "$HK_PKI/operator-webhook.key" "$tmp/tls.key"
  # never replace a pair another control plane's operator may be reading
  [[ -s $d/tls.key ]] || mv -n "$tmp/tls.key" "$d/tls.key"
  [[ -s $d/tls.crt ]] || mv -n "$tmp/tls.crt" "$d/tls.crt"
  rm -rf "$tmp"
}
hk_start_operator() {
  hk_operator_certs || hk_fail "could not write the operator's key pair to $HK_OPERATOR_CERT_DIR"
  # only PyTorchJobs, only in the test namespace, no gang scheduling (no --gang-scheduler-name),
  # no metrics, probes on 127.0.0.1
  hk_spawn training-operator "$HK_BIN/training-operator" --kubeconfig="$HK_ADMIN_KC" \
    --enable-scheme=pytorchjob --namespace="$HK_NAMESPACE" --leader-elect=false \
    --metrics-bind-address=0 --health-probe-bind-address="127.0.0.1:$HK_OPERATOR_HEALTH_PORT" \
    --webhook-server-port="$HK_OPERATOR_WEBHOOK_PORT" --zap-log-level=info
}
hk_start_controllers() {
  hk_start_controller_manager
  hk_start_scheduler
  hk_start_operator
}
# The operator panics on SIGTERM (`close of closed channel`: main closes the certificates'
# ready channel that the cert rotator closed already) and exits 2. It has stopped by then;
# the note in its log says that this panic is expected.
hk_stop_operator() {
  local pid
  pid=$(hk_pid training-operator) || return 0
  hk_kill_wait TERM 15 "$pid"
  printf '[testenv/kube] %s: stopped with SIGTERM; a "panic: close of closed channel" above is the operator'"'"'s own (expected)\n' \
    "$(date -u +%FT%TZ)" >>"$HK_DIR/log/training-operator.log"
}

hk_up() {
  local t0 t1 d=$HK_DIR p times bin
  t0=$(hk_now)
  t1=$t0
  for p in openssl curl setsid flock base64 awk; do
    command -v "$p" >/dev/null || hk_die "\`$p\` is needed (Debian: openssl curl util-linux coreutils gawk|mawk)"
  done
  if [[ -z $HK_BIN ]]; then
    bin=$("$HK_HERE/build.sh") || hk_die "testenv/kube/build.sh failed"
    HK_BIN=$bin
  fi
  for p in kube-apiserver kube-controller-manager kube-scheduler training-operator etcd kwok kwok-stages kubeflow.org_pytorchjobs.yaml "${HK_KF_BIN_FILES[@]}"; do
    [[ -e $HK_BIN/$p ]] || hk_die "$HK_BIN/$p is missing (run testenv/kube/build.sh)"
  done
  HK_KUBECTL=$(hk_kubectl_path)
  times="build check $(hk_since "$t1")s"
  t1=$(hk_now)
  if hk_healthy && [[ $(hk_settings) == "$(cat "$HK_DIR/settings" 2>/dev/null)" ]]; then
    hk_log "already up ($HK_DIR, $HK_SERVER)"
    return 0
  fi
  if [[ -e $d && ! -e $HK_MARK && -n $(ls -A "$d" 2>/dev/null) ]]; then
    hk_die "$d exists, is not empty and was not made by testenv/kube/kube.sh; refusing to wipe it"
  fi
  if [[ -e $HK_MARK ]]; then # an earlier control plane here, perhaps with other settings
    (hk_load_saved_settings && hk_down) >/dev/null 2>&1 || true
    times+=", old one stopped $(hk_since "$t1")s"
    t1=$(hk_now)
  fi
  for p in "$HK_ETCD_PORT" "$HK_ETCD_PEER_PORT" "$HK_API_PORT" "$HK_KWOK_PORT" \
    "$HK_OPERATOR_HEALTH_PORT" "$HK_OPERATOR_WEBHOOK_PORT" $(hk_kf_ports); do
    if hk_port_busy "$p"; then
      hk_die "port $p on 127.0.0.1 is in use (another control plane? set HYBRIDCTL_KUBE_*_PORT)"
    fi
  done
  [[ -r $HK_POD_LOG ]] || hk_die "HYBRIDCTL_KUBE_POD_LOG: cannot read $HK_POD_LOG"
  rm -rf "$d"
  mkdir -p "$d"/{run,log,kwok}
  touch "$HK_MARK"
  hk_settings >"$d/settings" # now: `down`/`status` after a failed `up` need the ports too
  hk_gen_pki
  hk_kf_files
  hk_kubeconfig "$HK_ADMIN_KC" admin testenv-admin
  hk_kubeconfig "$HK_USER_KC" user "$HK_USER"
  hk_write_kwok_config
  hk_write_manifests
  times+=", pki+config $(hk_since "$t1")s"
  t1=$(hk_now)

  hk_spawn etcd "$HK_BIN/etcd" --name hybridctl-testenv --data-dir "$d/etcd" \
    --listen-client-urls "http://127.0.0.1:$HK_ETCD_PORT" \
    --advertise-client-urls "http://127.0.0.1:$HK_ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$HK_ETCD_PEER_PORT" \
    --initial-advertise-peer-urls "http://127.0.0.1:$HK_ETCD_PEER_PORT" \
    --initial-cluster "hybridctl-testenv=http://127.0.0.1:$HK_ETCD_PEER_PORT" \
    --unsafe-no-fsync --log-level warn
  hk_wait "etcd (http://127.0.0.1:$HK_ETCD_PORT/health)" etcd \
    curl --noproxy "*" -fsS --max-time 2 "http://127.0.0.1:$HK_ETCD_PORT/health"
  times+=", etcd $(hk_since "$t1")s"
  t1=$(hk_now)

  hk_start_apiserver
  hk_wait "kube-apiserver ($HK_SERVER/readyz)" kube-apiserver hk_readyz
  times+=", kube-apiserver $(hk_since "$t1")s"
  t1=$(hk_now)

  # CRDs (create, not client-side apply: the PyTorchJob CRD is > 256 KiB), RBAC, nodes
  local kf_crds
  mapfile -t kf_crds < <(hk_kf_crd_files)
  hk_k create -f "$HK_BIN/kubeflow.org_pytorchjobs.yaml" -f "$HK_BIN/kwok-stages/crd-logs.yaml" \
    "${kf_crds[@]}" -f "$d/manifests.yaml" >"$d/log/setup.log" 2>&1 ||
    hk_fail "creating the CRDs, RBAC and nodes failed (see $d/log/setup.log)" setup kube-apiserver
  times+=", objects $(hk_since "$t1")s"
  t1=$(hk_now)

  hk_spawn kwok "$HK_BIN/kwok" --kubeconfig "$HK_ADMIN_KC" --config "$d/kwok/kwok.yaml" \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip=127.0.0.1 --node-port="$HK_KWOK_PORT" --server-address="127.0.0.1:$HK_KWOK_PORT" \
    --cidr=10.244.0.0/16 --enable-crds=Logs
  hk_wait "$HK_NODES nodes to be Ready (kwok)" kwok hk_nodes_ready
  times+=", kwok+nodes $(hk_since "$t1")s"
  t1=$(hk_now)
  hk_wait "the CRDs to be Established" kube-apiserver \
    hk_k wait --for=condition=Established --timeout=5s crd/pytorchjobs.kubeflow.org crd/logs.kwok.x-k8s.io "${HK_KF_CRDS[@]}"
  times+=", CRDs $(hk_since "$t1")s"
  t1=$(hk_now)

  hk_start_controllers
  hk_wait "kube-controller-manager's PV binder to bind pvc/$HK_GPFS_CLAIM" kube-controller-manager hk_claim_bound
  hk_wait "the training-operator (http://127.0.0.1:$HK_OPERATOR_HEALTH_PORT/readyz)" training-operator hk_operator_ready
  times+=", controllers $(hk_since "$t1")s"
  t1=$(hk_now)
  hk_kf_up
  times+=", trainer+jobset $(hk_since "$t1")s"

  hk_log "up in $(hk_since "$t0")s ($times)"
  hk_log "use: eval \"\$($HK_SELF env)\"; kubeconfigs: $HK_ADMIN_KC (admin), $HK_USER_KC ($HK_USER)"
}

# Stop and start kube-apiserver alone, on the same etcd and PKI: tests use it to check that
# watchers resume after an API server restart.
hk_restart_apiserver() {
  local pid t0
  t0=$(hk_now)
  hk_healthy || hk_die "the control plane in $HK_DIR is not healthy; run \`up\` first"
  [[ -x $HK_BIN/kube-apiserver ]] || HK_BIN=$("$HK_HERE/build.sh")
  pid=$(hk_pid kube-apiserver) || hk_die "kube-apiserver is not running"
  hk_kill_wait TERM 15 "$pid"
  hk_start_apiserver
  HK_DEADLINE=$((SECONDS + HK_TIMEOUT))
  hk_wait "kube-apiserver ($HK_SERVER/readyz)" kube-apiserver hk_readyz
  # kube-scheduler exits on purpose when its cache and the server disagree ("Scheduler cache
  # is corrupted"), which a binding lost in the restart can cause: give it a fresh cache now,
  # as a real cluster's supervisor would restart it.
  if pid=$(hk_pid kube-scheduler); then
    hk_kill_wait TERM 15 "$pid"
  fi
  hk_revive
  hk_log "kube-apiserver restarted in $(hk_since "$t0")s"
}

# Start again the scheduler and the controller-manager of this control plane when they have
# exited (the scheduler does after a cache inconsistency).
hk_revive() {
  HK_DEADLINE=$((SECONDS + HK_TIMEOUT))
  hk_pid kube-controller-manager >/dev/null || { hk_log "starting kube-controller-manager again"; hk_start_controller_manager; }
  hk_pid kube-scheduler >/dev/null || { hk_log "starting kube-scheduler again"; hk_start_scheduler; }
  # the training-operator is left alone: tests stop and start it on purpose
  hk_kf_revive
}

# The training-operator alone: tests stop it (launch must notice that nothing acts on its
# PyTorchJob) and restart it under a running job.
hk_operator_cmd() { # stop | start | restart
  local t0
  t0=$(hk_now)
  [[ -e $HK_MARK && -s $HK_ADMIN_KC ]] || hk_die "no control plane in $HK_DIR; run \`up\` first"
  hk_pid kube-apiserver >/dev/null || hk_die "kube-apiserver is not running; run \`up\`"
  case $1 in stop | restart) hk_stop_operator ;; esac
  case $1 in
  start | restart)
    if hk_pid training-operator >/dev/null; then
      hk_log "training-operator is running already"
      return 0
    fi
    HK_DEADLINE=$((SECONDS + HK_TIMEOUT))
    hk_start_operator
    hk_wait "the training-operator (http://127.0.0.1:$HK_OPERATOR_HEALTH_PORT/readyz)" training-operator hk_operator_ready
    ;;
  esac
  hk_log "training-operator: $1 done in $(hk_since "$t0")s"
}

hk_down() {
  local t0 n pid pids=() etcd_pid=""
  t0=$(hk_now)
  if [[ ! -e $HK_MARK ]]; then
    hk_log "no control plane in $HK_DIR"
    return 0
  fi
  # the operator alone first: it panics on SIGTERM (see hk_stop_operator)
  if pid=$(hk_pid training-operator); then
    hk_stop_operator
    pids+=("$pid")
  fi
  # then the clients of the API server (no reconnect noise in their logs), then the server
  local clients=()
  for n in kube-scheduler kube-controller-manager kwok; do
    pid=$(hk_pid "$n") && clients+=("$pid")
  done
  mapfile -t -O "${#clients[@]}" clients < <(hk_kf_pids)
  hk_kill_wait TERM 15 "${clients[@]}"
  pids+=("${clients[@]}")
  etcd_pid=$(hk_pid etcd) || etcd_pid=""
  # kube-apiserver before etcd: without etcd its graceful shutdown hangs on storage calls (>15 s);
  # with etcd it takes ~3 s. etcd's data is thrown away by the next `up`, so etcd gets SIGKILL
  # (SIGTERM costs another ~2 s).
  local api=()
  if pid=$(hk_pid kube-apiserver); then api=("$pid"); fi
  hk_kill_wait TERM 15 "${api[@]}"
  pids+=("${api[@]}")
  if [[ -n $etcd_pid ]]; then
    hk_kill_wait KILL 5 "$etcd_pid"
    pids+=("$etcd_pid")
  fi
  hk_log "down in $(hk_since "$t0")s (stopped ${#pids[@]} daemons); $HK_DIR kept for its logs"
}

hk_env() {
  printf 'export HYBRIDCTL_KUBE_DIR=%q\n' "$HK_DIR"
  printf 'export HYBRIDCTL_KUBE_SERVER=%q\n' "$HK_SERVER"
  printf 'export HYBRIDCTL_KUBE_ADMIN_KUBECONFIG=%q\n' "$HK_ADMIN_KC"
  printf 'export HYBRIDCTL_KUBE_USER_KUBECONFIG=%q\n' "$HK_USER_KC"
  printf 'export HYBRIDCTL_KUBE_NAMESPACE=%q\n' "$HK_NAMESPACE"
  printf 'export HYBRIDCTL_KUBE_NODE_TAINT=%q\n' "$HK_NODE_TAINT"
  printf 'export HYBRIDCTL_KUBE_GPFS_CLAIM=%q\n' "$HK_GPFS_CLAIM"
  printf 'export HYBRIDCTL_KUBE_BIN=%q\n' "$HK_BIN"
  printf 'export HYBRIDCTL_KUBE_KUBECTL=%q\n' "$(HK_BIN=$HK_BIN hk_kubectl_path 2>/dev/null || echo kubectl)"
}

hk_status() {
  local n pid total=0 rss
  for n in "${HK_DAEMONS[@]}"; do
    if pid=$(hk_pid "$n"); then
      rss=$(hk_rss_mb "$pid")
      total=$((total + rss))
      printf '  %-24s pid %-7s RSS %s MiB\n' "$n" "$pid" "$rss"
    else
      printf '  %-24s not running\n' "$n"
    fi
  done
  printf '  %-24s RSS %s MiB\n' total "$total"
  if hk_healthy; then
    hk_k get nodes -o custom-columns='NAME:.metadata.name,READY:.status.conditions[?(@.type=="Ready")].status,CPU:.status.allocatable.cpu,MEMORY:.status.allocatable.memory,GPU:.status.allocatable.nvidia\.com/gpu,RDMA:.status.allocatable.'"${HK_RDMA_RESOURCE//./\\.}"',TAINTS:.spec.taints[*].key'
    hk_k get pvc -n "$HK_NAMESPACE" -o custom-columns='PVC:.metadata.name,STATUS:.status.phase,VOLUME:.spec.volumeName,ACCESS:.status.accessModes[*],CLASS:.spec.storageClassName'
    echo "training-operator: ready (http://127.0.0.1:$HK_OPERATOR_HEALTH_PORT/readyz)"
    hk_kf_status
    echo "healthy: $HK_DIR ($HK_SERVER)"
    return 0
  fi
  echo "not healthy: $HK_DIR"
  return 1
}

hk_lint() {
  bash -n "$HK_SELF" && bash -n "$HK_HERE/build.sh" &&
    shellcheck -x "$HK_SELF" "$HK_HERE/trainer.sh" "$HK_HERE/build.sh" && echo "bash -n and shellcheck: clean"
}

# ---------------------------------------------------------------- selftest
hk_selftest() {
  local pass=0 fail=0 t0 ns=$HK_NAMESPACE d=$HK_DIR/selftest out n
  ok() { pass=$((pass + 1)); printf 'ok   %s\n' "$*"; }
  bad() { fail=$((fail + 1)); printf 'FAIL %s\n' "$*"; }
  check() { local what=$1; shift; if "$@" >/dev/null; then ok "$what"; else bad "$what"; fi; }
  refused() { local what=$1; shift; if "$@" >/dev/null 2>&1; then bad "$what"; else ok "$what"; fi; }
  rejected() { # <what> <pattern in the error> <command>...: fails, and says why
    local what=$1 pat=$2 o
    shift 2
    if o=$("$@" 2>&1); then
      bad "$what (it was accepted)"
    elif grep -q -- "$pat" <<<"$o"; then
      ok "$what: $(head -c 300 <<<"${o//$'\n'/ }")"
    else
      bad "$what, but not with \`$pat\`: $o"
    fi
  }
  phase() { hk_k get pod -n "$ns" "$1" -o jsonpath='{.status.phase}' 2>/dev/null; }
  wait_phase() { # <pod> <secs> <phase>
    local k
    for ((k = 0; k < $2 * 5; k++)); do
      [[ $(phase "$1") == "$3" ]] && return 0
      sleep 0.2
    done
    return 1
  }
  gone() { # <pod> <secs>
    local k
    for ((k = 0; k < $2 * 5; k++)); do
      hk_k get pod -n "$ns" "$1" >/dev/null 2>&1 || return 0
      sleep 0.2
    done
    return 1
  }
  can() { [[ $(hk_ku auth can-i "$@" 2>/dev/null) == yes ]]; }
  HK_KUBECTL=$(hk_kubectl_path)
  if ! hk_healthy; then
    echo "control plane in $HK_DIR is not up (run: $HK_SELF up)"
    echo "0 passed, 1 failed"
    return 1
  fi
  rm -rf "$d"
  mkdir -p "$d"
  t0=$(hk_now)

  # nodes
  out=$(hk_k get nodes -o jsonpath='{range .items[*]}{.metadata.name} {.status.conditions[?(@.type=="Ready")].status} {.status.allocatable.nvidia\.com/gpu} {.status.allocatable.'"${HK_RDMA_RESOURCE//./\\.}"'} {.status.allocatable.cpu}{"\n"}{end}')
  for n in $(hk_nodes); do
    # the server prints quantities canonically: 1000 -> 1k
    check "node $n Ready with nvidia.com/gpu=$HK_GPUS $HK_RDMA_RESOURCE=$HK_RDMA cpu=$HK_CPUS" \
      grep -qx "$n True $(hk_quantity "$HK_GPUS") $(hk_quantity "$HK_RDMA") $(hk_quantity "$HK_CPUS")" <<<"$out"
  done
  check "kube-apiserver reports its version ($(hk_k version -o json 2>/dev/null | grep -m1 -o '"gitVersion": *"[^"]*"' | tail -1))" \
    bash -c "'$HK_KUBECTL' --kubeconfig '$HK_ADMIN_KC' get --raw /version | grep -q '\"gitVersion\": *\"v1\.'"
  check "CRD pytorchjobs.kubeflow.org serves kubeflow.org/v1" \
    bash -c "'$HK_KUBECTL' --kubeconfig '$HK_ADMIN_KC' api-resources --api-group=kubeflow.org -o name | grep -qx pytorchjobs.kubeflow.org"

  # PyTorchJob validation against the upstream CRD
  cat >"$d/job-ok.yaml" <<EOF
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: selftest-ok
  namespace: $ns
spec:
  runPolicy:
    cleanPodPolicy: None
    backoffLimit: 0
  pytorchReplicaSpecs:
    Master:
      replicas: 1
      restartPolicy: Never
      template:
        spec:
          containers:
          - name: pytorch
            image: example.invalid/train:1
            command: [torchrun, train.py]
            resources:
              limits: {nvidia.com/gpu: $HK_GPUS, $HK_RDMA_RESOURCE: 1}
EOF
  sed 's/selftest-ok/selftest-typo/; s/runPolicy:/runPolicyy:/' "$d/job-ok.yaml" >"$d/job-typo.yaml"
  sed 's/selftest-ok/selftest-type/; s/backoffLimit: 0/backoffLimit: "three"/' "$d/job-ok.yaml" >"$d/job-type.yaml"
  sed 's/selftest-ok/selftest-user/' "$d/job-ok.yaml" >"$d/job-user.yaml"
  check "admin: a valid PyTorchJob is accepted" hk_k create -f "$d/job-ok.yaml"
  check "... and reads back with its Master replica" bash -c \
    "'$HK_KUBECTL' --kubeconfig '$HK_ADMIN_KC' get pytorchjob -n $ns selftest-ok -o jsonpath='{.spec.pytorchReplicaSpecs.Master.template.spec.containers[0].name}' | grep -qx pytorch"
  rejected "a misspelled field (runPolicyy) is rejected" 'unknown field' hk_k create -f "$d/job-typo.yaml"
  rejected "a wrong type (backoffLimit: \"three\") is rejected" 'Invalid value' hk_k create -f "$d/job-type.yaml"
  hk_k delete pytorchjob -n "$ns" selftest-ok --wait=false >/dev/null 2>&1 || true

  # the restricted identity
  check "user: can create pytorchjobs in $ns" can create pytorchjobs.kubeflow.org -n "$ns"
  check "user: can get/list/watch/delete pytorchjobs" bash -c \
    "for v in get list watch delete; do [ \"\$('$HK_KUBECTL' --kubeconfig '$HK_USER_KC' auth can-i \$v pytorchjobs.kubeflow.org -n $ns 2>/dev/null)\" = yes ] || exit 1; done"
  check "user: can get/list/watch/delete pods and get pods/log" bash -c \
    "for v in 'get pods' 'list pods' 'watch pods' 'delete pods' 'get pods --subresource=log'; do [ \"\$('$HK_KUBECTL' --kubeconfig '$HK_USER_KC' auth can-i \$v -n $ns 2>/dev/null)\" = yes ] || exit 1; done"
  check "user: can get/list/watch/patch nodes" bash -c \
    "for v in get list watch patch; do [ \"\$('$HK_KUBECTL' --kubeconfig '$HK_USER_KC' auth can-i \$v nodes 2>/dev/null)\" = yes ] || exit 1; done"
  refused "user: cannot list secrets" can list secrets -n "$ns"
  refused "user: cannot create namespaces" can create namespaces
  refused "user: cannot create pods" can create pods -n "$ns"
  refused "user: cannot update pytorchjobs" can update pytorchjobs.kubeflow.org -n "$ns"
  refused "user: cannot create pytorchjobs in default" can create pytorchjobs.kubeflow.org -n default
  refused "user: cannot delete nodes" can delete nodes
  check "user: creates a PyTorchJob" hk_ku create -f "$d/job-user.yaml"
  refused "user: a real list of secrets is forbidden" hk_ku get secrets -n "$ns"
  check "user: labels a node (patch)" hk_ku label node node1 hybridctl.test/selftest=1 --overwrite
  check "user: deletes its PyTorchJob" hk_ku delete pytorchjob -n "$ns" selftest-user --wait=false

  # the real controllers: the operator makes the pods and Services, the scheduler binds them,
  # kwok runs them, the operator reports the result, the garbage collector cleans up
  local tol="" tkey="" sel_op="training.kubeflow.org/job-name=selftest-op" k=$HK_KUBECTL kc=$HK_ADMIN_KC
  if [[ -n $HK_NODE_TAINT ]]; then
    tkey=${HK_NODE_TAINT%%=*}
    tol="tolerations: [{key: \"$tkey\", operator: Exists, effect: ${HK_NODE_TAINT##*:}}]"
    check "every node carries the hooks' taint $HK_NODE_TAINT" bash -c \
      "[ \"\$('$k' --kubeconfig '$kc' get nodes -o jsonpath='{range .items[*]}{.spec.taints[*].key}{\"\\n\"}{end}' | grep -cx '$tkey')\" = $HK_NODES ]"
  fi
  check "no node carries node.kubernetes.io/not-ready (TaintNodesByCondition is off)" bash -c \
    "! '$k' --kubeconfig '$kc' get nodes -o jsonpath='{.items[*].spec.taints[*].key}' | grep -q not-ready"
  out=$(hk_k get pvc -n "$ns" "$HK_GPFS_CLAIM" -o jsonpath='{.status.phase} {.spec.volumeName} {.status.accessModes[0]} {.spec.storageClassName}' 2>&1) || true
  check "pvc/$HK_GPFS_CLAIM bound by the PV binder: $out" \
    grep -qx "Bound $HK_GPFS_CLAIM-pv ReadWriteMany $HK_GPFS_STORAGE_CLASS" <<<"$out"
  cat >"$d/job-op.yaml" <<EOF
apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: selftest-op
  namespace: $ns
spec:
  runPolicy: {cleanPodPolicy: None, backoffLimit: 0}
  pytorchReplicaSpecs:
    Master:
      replicas: 1
      restartPolicy: Never
      template:
        spec:
          $tol
          containers:
          - name: pytorch
            image: example.invalid/train:1
            resources:
              limits: {nvidia.com/gpu: $HK_GPUS, $HK_RDMA_RESOURCE: 1}
    Worker:
      replicas: 1
      restartPolicy: Never
      template:
        spec:
          $tol
          containers:
          - name: pytorch
            image: example.invalid/train:1
            resources:
              limits: {nvidia.com/gpu: $HK_GPUS, $HK_RDMA_RESOURCE: 1}
EOF
  check "user: creates a PyTorchJob with a Master and a Worker" hk_ku create -f "$d/job-op.yaml"
  check "training-operator: creates 2 pods owned by the PyTorchJob" bash -c \
    "for i in \$(seq 100); do [ \"\$('$k' --kubeconfig '$kc' get pods -n $ns -l $sel_op -o jsonpath='{range .items[*]}{.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name}{\"\\n\"}{end}' | grep -cx PyTorchJob/selftest-op)\" = 2 ] && exit 0; sleep 0.2; done; exit 1"
  check "... and 2 Services" bash -c "[ \"\$('$k' --kubeconfig '$kc' get services -n $ns -l $sel_op -o name | grep -c .)\" = 2 ]"
  check "kube-scheduler: binds both pods (a Scheduled event from default-scheduler each)" bash -c \
    "for i in \$(seq 100); do [ \"\$('$k' --kubeconfig '$kc' get events -n $ns --field-selector reason=Scheduled -o jsonpath='{range .items[*]}{.involvedObject.name} {.reportingComponent}{\"\\n\"}{end}' | grep -c '^selftest-op-.* default-scheduler\$')\" = 2 ] && exit 0; sleep 0.2; done; exit 1"
  out=$(hk_k get pods -n "$ns" -l "$sel_op" -o jsonpath='{range .items[*]}{.metadata.name}={.spec.nodeName} {end}' 2>&1) || true
  check "... onto kwok nodes: $out" grep -qE '^(selftest-op-[a-z]+-0=node[0-9]+ ){2}$' <<<"$out"
  check "training-operator: the PyTorchJob Succeeded after kwok completed its pods" \
    hk_k wait --for=condition=Succeeded --timeout=60s pytorchjob/selftest-op -n "$ns"
  check "user: deletes the PyTorchJob" hk_ku delete pytorchjob -n "$ns" selftest-op --wait=false
  check "kube-controller-manager: the garbage collector deletes its pods and Services" bash -c \
    "for i in \$(seq 150); do [ -z \"\$('$k' --kubeconfig '$kc' get pods,services -n $ns -l $sel_op -o name)\" ] && exit 0; sleep 0.2; done; exit 1"
  hk_kf_selftest

  # kwok's outcomes, on pods of the test bed's own (not the operator's), bound by the scheduler
  mkpod() { # <name> <outcome label> <exit code annotation> [<env outcome>]
    hk_k create -f - <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $1
  namespace: $ns
  annotations:
    hybridctl.test/exit-code: "$3"
  labels: {${2:+hybridctl.test/outcome: "$2"}}
spec:
  restartPolicy: Never
  $tol
  containers:
  - name: pytorch
    image: example.invalid/train:1
    env: [{name: HYBRIDCTL_TEST_OUTCOME, value: "${4:-}"}, {name: HYBRIDCTL_TEST_EXIT_CODE, value: "4"}]
    resources:
      limits: {nvidia.com/gpu: 1}
EOF
  }
  if mkpod selftest-succeed succeed 1 >/dev/null && mkpod selftest-fail fail 3 >/dev/null &&
    mkpod selftest-running running 1 >/dev/null && mkpod selftest-envfail "" "" fail >/dev/null &&
    mkpod selftest-finish running 1 >/dev/null; then
    ok "admin: creates 5 pods (no spec.nodeName: the scheduler binds them)"
  else
    bad "admin: creating the selftest pods"
  fi
  check "pod -> Running" wait_phase selftest-running 20 Running
  check "pod -> Succeeded after ${HK_POD_RUN_MS} ms" wait_phase selftest-succeed 30 Succeeded
  check "pod labelled hybridctl.test/outcome=fail -> Failed" wait_phase selftest-fail 30 Failed
  check "... with the exit code of its annotation hybridctl.test/exit-code (3)" bash -c \
    "[ \"\$('$k' --kubeconfig '$kc' get pod -n $ns selftest-fail -o jsonpath='{.status.containerStatuses[0].state.terminated.exitCode}')\" = 3 ]"
  check "pod with env HYBRIDCTL_TEST_OUTCOME=fail -> Failed" wait_phase selftest-envfail 30 Failed
  check "... with the exit code of its env HYBRIDCTL_TEST_EXIT_CODE (4)" bash -c \
    "[ \"\$('$k' --kubeconfig '$kc' get pod -n $ns selftest-envfail -o jsonpath='{.status.containerStatuses[0].state.terminated.exitCode}')\" = 4 ]"
  check "pod labelled hybridctl.test/outcome=running is still Running" bash -c "sleep 0.5; [ \"\$('$k' --kubeconfig '$kc' get pod -n $ns selftest-running -o jsonpath='{.status.phase}')\" = Running ]"
  wait_phase selftest-finish 20 Running >/dev/null || true
  check "admin: labels a Running pod hybridctl.test/finish=succeed" \
    hk_k label pod -n "$ns" selftest-finish hybridctl.test/finish=succeed
  check "... and kwok ends it at once: Succeeded" wait_phase selftest-finish 10 Succeeded
  out=$(hk_ku logs -n "$ns" selftest-succeed -c pytorch 2>&1) || true
  printf '%s\n' "$out" >"$d/logs.txt"
  check "user: kubectl logs returns the fixture ($(wc -l <<<"$out") lines)" \
    bash -c "grep -q 'training finished' '$d/logs.txt'"
  printf '2026-01-01T00:00:00.000000000Z stdout F per-pod log of selftest-fail\n' >"$d/fail.log"
  printf 'apiVersion: kwok.x-k8s.io/v1alpha1\nkind: Logs\nmetadata: {name: selftest-fail, namespace: %s}\nspec:\n  logs:\n  - logsFile: %s\n' \
    "$ns" "$d/fail.log" >"$d/logs-fail.yaml"
  check "admin: a kwok Logs object gives one pod a log of its own" hk_k create -f "$d/logs-fail.yaml"
  check "... which kubectl logs returns" bash -c \
    "for i in \$(seq 25); do '$k' --kubeconfig '$HK_USER_KC' logs -n $ns selftest-fail 2>/dev/null | grep -qx 'per-pod log of selftest-fail' && exit 0; sleep 0.2; done; exit 1"
  # -f on a running pod streams until the pod ends (never, here): timeout stops it
  out=$(timeout 3 "$HK_KUBECTL" --kubeconfig "$HK_USER_KC" logs -f --tail=1 -n "$ns" selftest-running 2>&1) || true
  check "user: kubectl logs -f --tail=1 on a running pod streams: ${out//$'\n'/ | }" \
    grep -q 'training finished' <<<"$out"
  check "user: deletes a pod; kwok removes it" bash -c \
    "'$k' --kubeconfig '$HK_USER_KC' delete pod -n $ns selftest-running --wait=false >/dev/null"
  check "... and it is gone" gone selftest-running 20
  hk_k delete pod -n "$ns" selftest-succeed selftest-fail selftest-envfail selftest-finish --wait=false >/dev/null 2>&1 || true
  hk_k delete logs.kwok.x-k8s.io -n "$ns" selftest-fail --wait=false >/dev/null 2>&1 || true
  hk_k label node node1 hybridctl.test/selftest- >/dev/null 2>&1 || true
  echo "selftest took $(hk_since "$t0")s; files in $d"
  echo "$pass passed, $fail failed"
  ((fail == 0))
}

# ---------------------------------------------------------------- main
hk_usage() { sed -n '2,/^set -euo/p' "$HK_SELF" | sed '$d' | sed 's/^# \{0,1\}//'; }

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  cmd=${1:-}
  case $cmd in down | stop | status | env | selftest | restart-apiserver | revive | *-operator) hk_load_saved_settings ;; esac
  case $cmd in up | start | down | stop | status | selftest) hk_validate ;; esac
  case $cmd in
  up | start) hk_lock && hk_up ;;
  down | stop) if [[ -e $HK_DIR ]]; then hk_lock; fi && hk_down ;;
  status) hk_status ;;
  env) hk_env ;;
  selftest) hk_selftest ;;
  restart-apiserver) hk_lock && hk_restart_apiserver ;;
  revive) hk_lock && hk_revive ;;
  stop-operator | start-operator | restart-operator) hk_lock && hk_operator_cmd "${cmd%-operator}" ;;
  build) "$HK_HERE/build.sh" ;;
  lint) hk_lint ;;
  -h | --help | help) hk_usage ;;
  *)
    hk_usage >&2
    exit 2
    ;;
  esac
fi
