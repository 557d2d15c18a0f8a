#!/usr/bin/env bash
# `hybridctl logs -f` over many pods on the test control plane (testenv/kube): peak RSS and
# whether every stream kept up (no starvation).
#
# It creates a PyTorchJob and PODS pods (kwok makes them Running), points every pod's log at
# one file that a writer appends LINES lines to (RATE per second), runs the release binary's
# `logs -f --max-streams PODS` as the restricted user, then marks the job Succeeded. Every pod
# must deliver every line; the report gives lines per pod (min/max), the wall time and the
# peak RSS (/usr/bin/time -v).
#
# Usage: benches/logs.sh [PODS=256] [LINES=200] [RATE=50]
#   needs the control plane: testenv/kube/kube.sh up (scripts/test.sh --services starts it)
set -euo pipefail
cd "$(dirname "$0")/.."
pods=${1:-256}
lines=${2:-200}
rate=${3:-50}
eval "$(testenv/kube/kube.sh env)"
k() { "$HYBRIDCTL_KUBE_KUBECTL" --kubeconfig "$HYBRIDCTL_KUBE_ADMIN_KUBECONFIG" -n "$HYBRIDCTL_KUBE_NAMESPACE" "$@"; }
cargo build --release --quiet
bin=$PWD/target/release/hybridctl
id=907000
name=bench-logs-$id
work=$(mktemp -d)
writer=
cleanup() {
  if [ -n "$writer" ]; then kill "$writer" 2>/dev/null || true; fi
  k delete pytorchjobs,pods -l "hybridctl.io/slurm-job-id=$id" --wait=false >/dev/null 2>&1 || true
  k delete logs.kwok.x-k8s.io --all >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
k delete pytorchjobs,pods -l "hybridctl.io/slurm-job-id=$id" --wait=true >/dev/null 2>&1 || true

# The PyTorchJob, as hybridctl renders it.
cat >"$work/spec.yaml" <<EOF
apiVersion: hybridctl.io/v1alpha1
kind: TrainingJob
name: bench-logs
slurm: {nodes: 2, gpusPerNode: 8}
kubernetes: {namespace: $HYBRIDCTL_KUBE_NAMESPACE}
container: {image: registry.example/train:1, command: [python, train.py]}
network: {fabric: roce, rdmaResource: rdma/rdma_shared_device_a}
EOF
HYBRIDCTL_SITE_CONFIG=/dev/null "$bin" render --only pytorchjob --job-id "$id" --nodelist 'node[1-2]' "$work/spec.yaml" | k create -f - >/dev/null

# One log file for every pod, then the Logs objects and the pods in one request each.
log=$work/shared.log
: >"$log"
{
  for ((i = 0; i < pods; i++)); do
    cat <<EOF
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Logs
metadata: {name: $name-worker-$i}
spec: {logs: [{containers: [pytorch], logsFile: $log, follow: true}]}
EOF
  done
} >"$work/logs.yaml"
{
  for ((i = 0; i < pods; i++)); do
    cat <<EOF
---
apiVersion: v1
kind: Pod
metadata:
  name: $name-worker-$i
  labels: {hybridctl.io/slurm-job-id: "$id", training.kubeflow.org/replica-type: worker, training.kubeflow.org/replica-index: "$i", hybridctl.test/outcome: running}
spec:
  nodeName: node$((i % 3 + 1))
  containers: [{name: pytorch, image: registry.example/train:1}]
EOF
  done
} >"$work/pods.yaml"
k create -f "$work/logs.yaml" >/dev/null
sleep 2 # kwok picks Logs objects up through its own watch
k create -f "$work/pods.yaml" >/dev/null
for _ in $(seq 1 120); do
  running=$(k get pods -l "hybridctl.io/slurm-job-id=$id" --no-headers 2>/dev/null | grep -c Running || true)
  [ "$running" -ge "$pods" ] && break
  sleep 0.5
done
echo "pods running: $running/$pods"

# Follow, while a writer appends the lines.
start=$(date +%s.%N)
/usr/bin/time -v -o "$work/time.txt" env HYBRIDCTL_SITE_CONFIG=/dev/null HYBRIDCTL_CONFIG=/dev/null \
  "$bin" logs -f "$id" --max-streams "$pods" --kubeconfig "$HYBRIDCTL_KUBE_USER_KUBECONFIG" \
  -n "$HYBRIDCTL_KUBE_NAMESPACE" >"$work/out.txt" 2>"$work/err.txt" &
follower=$!
sleep 3 # let the streams open
(
  for ((j = 1; j <= lines; j++)); do
    printf '%s stdout F step %d loss=0.%04d\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)" "$j" "$j" >>"$log"
    sleep "$(awk -v r="$rate" 'BEGIN { printf "%.4f", 1 / r }')"
  done
) &
writer=$!
wait "$writer"
writer=
sleep 3 # the last lines reach every stream
k patch pytorchjob "$name" --subresource=status --type=merge \
  -p '{"status":{"conditions":[{"type":"Succeeded","status":"True","reason":"PyTorchJobSucceeded","message":"bench"}]}}' >/dev/null
wait "$follower" || true
end=$(date +%s.%N)

python3 - "$work/out.txt" "$pods" "$lines" <<'PY'
import collections, sys
out, pods, lines = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
per = collections.Counter()
for l in open(out, errors="replace"):
    if " step " in l:
        per[l.split("]", 1)[0]] += 1
counts = [per.get(f"[worker-{i}", 0) for i in range(pods)]
print(f"pods with output: {sum(1 for c in counts if c)}/{pods}; step lines per pod: min {min(counts)} max {max(counts)} (want {lines})")
print("no stream starved" if min(counts) == lines else "SOME STREAMS MISSED LINES")
PY
awk -F': ' '/Maximum resident set size/ { printf "peak RSS %.1f MiB\n", $2 / 1024 }' "$work/time.txt"
awk -v s="$start" -v e="$end" 'BEGIN { printf "wall %.1f s\n", e - s }'
grep -v "^hybridctl: worker-.*: " "$work/err.txt" | tail -3 || true
