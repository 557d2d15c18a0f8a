#!/usr/bin/env bash
# `hybridctl status --all` of a queue of N jobs on the local test Slurm (testenv/slurm.sh), next to
# the `squeue` call it makes: wall time (hyperfine) and peak RSS (/usr/bin/time).
# The queue: held job arrays of 1,000 tasks each (Slurm's default MaxArraySize is 1001), so N
# pending jobs cost N/1000 submissions and stay under the default MaxJobCount (10,000: an array
# that has not started is one job record). `squeue --array`, which status runs, lists every task
# as its own line, as it does for N separate jobs. Every task counts against MaxJobCount, so the
# benchmark runs its own Slurm with MaxJobCount=N+5000 beside the test cluster: directory
# $HYBRIDCTL_SLURM_DIR-bench, free ports (testenv/free-ports.sh); it is stopped at the end.
# Usage: benches/status.sh [BINARY] [N]   (default: build target/release/hybridctl; 10000)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-}
n=${2:-10000}
if [[ -z $bin ]]; then
  cargo build --release --quiet --locked --bin hybridctl
  bin=${CARGO_TARGET_DIR:-$PWD/target}/release/hybridctl
fi
bin=$(realpath "$bin")
command -v hyperfine >/dev/null || { echo "benches/status.sh needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
export HYBRIDCTL_SLURM_DIR=${HYBRIDCTL_SLURM_DIR:-/tmp/hybridctl-slurm}-bench
base=$(testenv/free-ports.sh 10)
export HYBRIDCTL_SLURM_CTLD_PORT=$base HYBRIDCTL_SLURM_SLURMD_PORT_BASE=$((base + 1))
export HYBRIDCTL_SLURM_EXTRA_CONF="MaxJobCount=$((n + 5000))"
testenv/slurm.sh up >/dev/null
eval "$(testenv/slurm.sh env)"
work=$(mktemp -d)
trap 'testenv/slurm.sh down >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
t0=$(date +%s.%N)
for ((i = 0; i < n; i += 1000)); do
  last=$((n - i < 1000 ? n - i - 1 : 999))
  sbatch --parsable --hold -J hcbench -p gpu -o /dev/null --array="0-$last" --wrap true >/dev/null
done
t1=$(date +%s.%N)
lines=$(squeue --noheader --array --all | wc -l)
echo "queue: $lines jobs (submitted in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s)" >&2
[[ $lines -ge $n ]] || { echo "the queue has $lines jobs, not $n" >&2; exit 1; }

export HYBRIDCTL_SITE_CONFIG=/dev/null HYBRIDCTL_CONFIG=/dev/null XDG_STATE_HOME=$work/state NO_COLOR=1
hyperfine -N --warmup 2 --runs 10 --export-json "$work/bench.json" \
  -n squeue "squeue --noheader --array --all" \
  -n status "$bin status --all" \
  -n status-json "$bin status --all -o json" >&2
for cmd in "status --all" "status --all -o json"; do
  # shellcheck disable=SC2086 # the words of the command
  /usr/bin/time -f '%M' "$bin" $cmd 2>"$work/rss" >"$work/out"
  awk -v c="$cmd" -v l="$(wc -l <"$work/out")" 'END { printf "%s: peak RSS %.1f MiB, %d lines of output\n", c, $1 / 1024, l }' "$work/rss"
done
python3 - "$work/bench.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
for k in ("squeue", "status", "status-json"):
    print(f"{k}: median {r[k]['median']*1000:.0f} ms (min {r[k]['min']*1000:.0f}, max {r[k]['max']*1000:.0f})")
print(f"status / squeue: {r['status']['median']/r['squeue']['median']:.2f}x")
PY
