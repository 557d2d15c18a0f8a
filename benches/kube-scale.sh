#!/usr/bin/env bash
# Scale of the Kubernetes side through the real operator and scheduler: a control plane of
# its own with N kwok nodes (testenv/kube/kube.sh, audit log of the restricted user on), one
# N-node job: the real prolog for all N nodes, `hybridctl launch` until all N pods Running
# (time from the start of launch), the API requests launch made (from the audit log, by verb
# and resource), SIGTERM to zero objects, the epilog; then prolog/epilog latency p50/p99 over
# R one-node jobs.
# Usage: benches/kube-scale.sh [N] [R]   (defaults 128, 100; KEEP_WORK=1 keeps launch's output)
# Its control plane uses HYBRIDCTL_KUBE_DIR (default /tmp/hybridctl-kube-scale) and the
# HYBRIDCTL_KUBE_*_PORT variables: set them to ports that are free (not the test plane's).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-128}
runs=${2:-100}
export HYBRIDCTL_KUBE_DIR=${HYBRIDCTL_KUBE_DIR:-/tmp/hybridctl-kube-scale}
export HYBRIDCTL_KUBE_NODES=$n HYBRIDCTL_KUBE_AUDIT=1 HYBRIDCTL_KUBE_POD_RUN_MS=600000
cargo build --quiet
bin=$PWD/target/debug/hybridctl
kube=testenv/kube/kube.sh
t=$(date +%s.%N)
"$kube" up >/dev/null
echo "up with $n nodes: $(awk -v a="$t" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
trap '"$kube" down >/dev/null 2>&1 || true' EXIT
eval "$("$kube" env)"
k() { "$HYBRIDCTL_KUBE_KUBECTL" --kubeconfig "$HYBRIDCTL_KUBE_ADMIN_KUBECONFIG" "$@"; }
work=$(mktemp -d)
cat >"$work/site.yaml" <<EOF
kubeconfig: $HYBRIDCTL_KUBE_USER_KUBECONFIG
hooks:
  namespaces: [$HYBRIDCTL_KUBE_NAMESPACE]
  taint: $HYBRIDCTL_KUBE_NODE_TAINT
EOF
hook() { # <phase> <job id> <nodelist>
  env -i HYBRIDCTL_SITE_CONFIG="$work/site.yaml" SLURM_JOB_ID="$2" SLURM_JOB_NODELIST="$3" \
    SLURM_JOB_STDOUT=/home/u/hybridctl-scale-%j.out "$bin" hook "$1" --timeout 60 >>"$work/hooks.log"
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }

t=$(now)
hook prolog 700001 "node[1-$n]"
echo "prolog of one $n-node job: $(since "$t") s"
cat >"$work/spec.yaml" <<EOF
apiVersion: hybridctl.io/v1alpha1
kind: TrainingJob
name: scale
slurm: {nodes: $n, gpusPerNode: 8}
kubernetes: {namespace: $HYBRIDCTL_KUBE_NAMESPACE}
container: {image: registry.example/train:1, command: [python, train.py], env: {HYBRIDCTL_TEST_OUTCOME: running}}
network: {fabric: roce, rdmaResource: rdma/rdma_shared_device_a}
EOF
frozen=$(env -i PATH="$PATH" HYBRIDCTL_SITE_CONFIG=/dev/null HYBRIDCTL_CONFIG=/dev/null "$bin" render --only sbatch "$work/spec.yaml" |
  sed -n "/<<'HYBRIDCTL_FROZEN_SPEC'/{n;p;q}")
audit=$HYBRIDCTL_KUBE_DIR/log/audit.log
before=$(wc -l <"$audit")
t=$(now)
env -i PATH="$PATH" HYBRIDCTL_SITE_CONFIG=/dev/null HYBRIDCTL_CONFIG=/dev/null SLURM_JOB_ID=700001 \
  SLURM_JOB_NODELIST="node[1-$n]" SLURM_GPUS_ON_NODE=8 \
  "$bin" launch --kubeconfig "$HYBRIDCTL_KUBE_USER_KUBECONFIG" --frozen-spec=- <<<"$frozen" >"$work/launch.out" 2>&1 &
launch=$!
sel=hybridctl.io/slurm-job-id=700001
until [[ $(k get pods -n "$HYBRIDCTL_KUBE_NAMESPACE" -l "$sel" --field-selector=status.phase=Running -o name | grep -c .) == "$n" ]]; do
  kill -0 "$launch" 2>/dev/null || { cat "$work/launch.out"; exit 1; }
  sleep 0.5
done
echo "launch start to $n pods Running (operator + scheduler + kwok): $(since "$t") s"
sleep 2
echo "API requests of launch (restricted user) until then, by verb and resource:"
tail -n +"$((before + 1))" "$audit" | python3 -c '
import collections, json, sys
c = collections.Counter()
for line in sys.stdin:
    e = json.loads(line)
    r = e.get("objectRef", {})
    c[(e["verb"], r.get("resource", e["requestURI"]), r.get("subresource", ""))] += 1
for (v, r, s), k in sorted(c.items(), key=lambda x: -x[1]):
    sub = "/" + s if s else ""
    print(f"  {k:5d} {v} {r}{sub}")
print(f"  {sum(c.values()):5d} in all")'
t=$(now)
kill -TERM "$launch"
until [[ -z $(k get pods,pytorchjobs -n "$HYBRIDCTL_KUBE_NAMESPACE" -l "$sel" -o name) ]]; do sleep 0.5; done
echo "SIGTERM to zero pods and PyTorchJobs: $(since "$t") s"
kill -KILL "$launch" 2>/dev/null || true
t=$(now)
hook epilog 700001 "node[1-$n]"
echo "epilog of the $n-node job: $(since "$t") s"

for phase in prolog epilog; do : >"$work/$phase.times"; done
for ((i = 1; i <= runs; i++)); do
  node=node$(((i % n) + 1))
  for phase in prolog epilog; do
    t=$(now)
    hook "$phase" "$((710000 + i))" "$node"
    since "$t" >>"$work/$phase.times"
    echo >>"$work/$phase.times"
  done
done
for phase in prolog epilog; do
  sort -n "$work/$phase.times" | grep . | awk -v p="$phase" -v r="$runs" '{ a[NR] = $1 } END {
    printf "%s of a 1-node job, %d runs: p50 %.3f s, p99 %.3f s, max %.3f s\n", p, r, a[int(NR * 0.5 + 0.5)], a[int(NR * 0.99 + 0.5)], a[NR] }'
done
if [[ -n ${KEEP_WORK:-} ]]; then echo "kept $work"; else rm -rf "$work"; fi
