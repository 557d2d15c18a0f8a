#!/usr/bin/env bash
# Orchestration overhead of `hybridctl fabric-check --pairwise` on the running test Slurm
# cluster (testenv/slurm.sh up; eval "$(testenv/slurm.sh env)"), with the stand-in perftest of
# tests/fixtures/fabric/bin that takes exactly D seconds per test: the wall time of each
# round minus D is what the orchestration (srun steps, connect, stop) costs per round.
# Usage: benches/fabric-pairwise.sh [NODES] [D] [MODE]   (defaults: all nodes of the cluster, 1, all)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${SLURM_CONF:?start the test cluster and eval \"\$(testenv/slurm.sh env)\" first}"
nodes=${1:-$(sinfo -h -o %D -p gpu | head -n1)}
secs=${2:-1}
mode=${3:-all}
cargo build --quiet
bin=$PWD/target/debug/hybridctl
json=$(mktemp)
trap 'rm -f "$json"' EXIT
start=$(date +%s.%N)
PATH=$PWD/tests/fixtures/fabric/bin:$PATH HYBRIDCTL_SITE_CONFIG=/dev/null HYBRIDCTL_CONFIG=/dev/null \
  HYBRIDCTL_FAKE_PERFTEST_SECONDS=$secs \
  salloc -N "$nodes" --quiet --time=10 "$bin" fabric-check --pairwise --pairs "$mode" --no-local \
  --expected-rate 400 -o json >"$json" || true
end=$(date +%s.%N)
python3 - "$json" "$secs" "$start" "$end" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))["pairwise"]
secs = float(sys.argv[2])
rounds = d["round_seconds"]
over = [r - secs for r in rounds]
print(f"{len(d['nodes'])} nodes, {d['mode']} mode: {d['rounds']} rounds x {secs:.1f} s test = {d['rounds'] * secs:.1f} s ideal; "
      f"pairwise wall {d['total_seconds']:.2f} s; with salloc {float(sys.argv[4]) - float(sys.argv[3]):.2f} s")
print(f"overhead per round: mean {sum(over) / len(over):.3f} s, max {max(over):.3f} s")
print("results:", {r['level'] for r in d["results"]})
PY
