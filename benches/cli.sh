#!/usr/bin/env bash
# Whole-process benchmark of `hybridctl render` on the 8-node example: median wall time
# (hyperfine when installed, else a timed loop) and peak RSS (/usr/bin/time -v).
# Usage: benches/cli.sh [RUNS]   (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-300}
cargo build --release --quiet
bin=target/release/hybridctl
spec=examples/llama-8node-roce.yaml
export HYBRIDCTL_SITE_CONFIG=/dev/null HYBRIDCTL_CONFIG=/dev/null
"$bin" render "$spec" >/dev/null

if command -v hyperfine >/dev/null 2>&1; then
  hyperfine -N --warmup 20 --runs "$runs" --export-json /tmp/hybridctl-bench.json \
    "$bin render $spec" "$bin validate $spec" "$bin --version"
  python3 - <<'PY'
import json
d = json.load(open("/tmp/hybridctl-bench.json"))
for r in d["results"]:
    print(f"{r['command']}: median {r['median']*1000:.2f} ms, mean {r['mean']*1000:.2f} ms, max {r['max']*1000:.2f} ms")
PY
else
  python3 - "$bin" "$spec" "$runs" <<'PY'
import statistics, subprocess, sys, time
bin_, spec, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
times = []
for _ in range(runs):
    t = time.perf_counter()
    subprocess.run([bin_, "render", spec], stdout=subprocess.DEVNULL, check=True)
    times.append(time.perf_counter() - t)
print(f"render: median {statistics.median(times)*1000:.2f} ms over {runs} runs (python loop; install hyperfine for a cleaner number)")
PY
fi

if [ -x /usr/bin/time ]; then
  /usr/bin/time -v "$bin" render "$spec" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { printf "render: peak RSS %.1f MiB\n", $2 / 1024 }'
fi
