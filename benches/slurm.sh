#!/usr/bin/env bash
# Whole-process overhead of `hybridctl submit` against plain `sbatch` of the same script, on
# the local test cluster (testenv/slurm.sh), side by side with hyperfine. Jobs are submitted
# held (`--hold`) so they never run, and are cancelled at the end.
# Usage: benches/slurm.sh [RUNS]   (builds the release binary, or measures $HYBRIDCTL_BENCH_BIN)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-40}
command -v hyperfine >/dev/null || { echo "benches/slurm.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
bin=${HYBRIDCTL_BENCH_BIN:-}
if [[ -z $bin ]]; then
  cargo build --release --quiet
  bin=$PWD/target/release/hybridctl
fi
bin=$(realpath "$bin")
testenv/slurm.sh up >/dev/null
eval "$(testenv/slurm.sh env)"
work=$(mktemp -d)
trap 'scancel --user "$(id -un)" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
cat > "$work/site.yaml" <<YAML
launcher: /bin/true
defaults:
  slurm: {partition: gpu, output: $work/%x-%j.out, extraOptions: {hold: true}}
  network: {fabric: socket}
YAML
cat > "$work/job.yaml" <<'YAML'
apiVersion: hybridctl.io/v1alpha1
kind: TrainingJob
name: bench
slurm: {nodes: 1, gpusPerNode: 8}
container: {image: registry.example/train:1}
YAML
export HYBRIDCTL_SITE_CONFIG=$work/site.yaml HYBRIDCTL_CONFIG=/dev/null XDG_STATE_HOME=$work/state
"$bin" render --only sbatch "$work/job.yaml" > "$work/job.sbatch"
cd "$work"
hyperfine -N --warmup 3 --runs "$runs" --export-json "$work/bench.json" \
  "sbatch --parsable $work/job.sbatch" \
  "$bin submit $work/job.yaml"
python3 - "$work/bench.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
base, ours = r[0]["median"], r[1]["median"]
print(f"sbatch: median {base*1000:.1f} ms; hybridctl submit: median {ours*1000:.1f} ms; ratio {ours/base:.2f}x")
PY
