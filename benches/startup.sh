#!/usr/bin/env bash
# Start-up cost of the cluster-free commands, side by side in one run (hyperfine -N):
#   /bin/true                                    the cost of starting a process (the floor)
#   hybridctl --version                          goal: <= 1.5x the floor
#   hybridctl render examples/llama-8node-roce.yaml --job-id 4242 --nodelist 'gpu[001-008]'
#                                                goal: <= 3x the floor
#   hybridctl validate examples/llama-8node-roce.yaml
#   torchx run --dryrun -s slurm dist.ddp -j 8x8 --script train.py
#                                                TorchX's dry run of the same 8x8 job: render
#                                                should be >= 100x faster
# and the instruction counts of render and validate (valgrind --tool=callgrind: the same count
# on a busy machine, so regressions show in review).
# TorchX comes from PyPI into a virtual environment under $HYBRIDCTL_BENCH_CACHE (installed here).
# Usage: benches/startup.sh [BINARY] [RUNS]   (default: build target/release/hybridctl; 200 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
TORCHX_VERSION=0.7.0
cache=${HYBRIDCTL_BENCH_CACHE:-${HOME:?}/.cache/hybridctl-bench}
bin=${1:-}
runs=${2:-200}
if [[ -z $bin ]]; then
  cargo build --release --quiet --locked --bin hybridctl
  bin=${CARGO_TARGET_DIR:-$PWD/target}/release/hybridctl
fi
bin=$(realpath "$bin")
for tool in hyperfine valgrind python3; do
  command -v "$tool" >/dev/null || { echo "benches/startup.sh needs $tool (apt-get install $tool)" >&2; exit 2; }
done
venv=$cache/torchx
if ! "$venv/bin/torchx" --help >/dev/null 2>&1; then
  echo "installing torchx==$TORCHX_VERSION from PyPI into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check "torchx==$TORCHX_VERSION"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
spec=$PWD/examples/llama-8node-roce.yaml
printf 'print("train")\n' >"$work/train.py"
export HYBRIDCTL_SITE_CONFIG=/dev/null HYBRIDCTL_CONFIG=/dev/null NO_COLOR=1
cd "$work"
render=("$bin" render "$spec" --job-id 4242 --nodelist 'gpu[001-008]')
"${render[@]}" >/dev/null
"$venv/bin/torchx" run --dryrun -s slurm dist.ddp -j 8x8 --script train.py >/dev/null 2>&1 ||
  { echo "torchx's dry run failed:" >&2; "$venv/bin/torchx" run --dryrun -s slurm dist.ddp -j 8x8 --script train.py >&2; exit 1; }

hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/fast.json" \
  -n true /bin/true \
  -n version "$bin --version" \
  -n render "$bin render $spec --job-id 4242 --nodelist gpu[001-008]" \
  -n validate "$bin validate $spec" >&2
# TorchX takes about a second a run: fewer runs, same session
hyperfine -N --warmup 2 --runs 10 --export-json "$work/torchx.json" \
  -n torchx "$venv/bin/torchx run --dryrun -s slurm dist.ddp -j 8x8 --script train.py" >&2

for cmd in render validate; do
  case $cmd in
  render) args=("${render[@]:1}") ;;
  validate) args=(validate "$spec") ;;
  esac
  valgrind --tool=callgrind --callgrind-out-file="$work/cg.$cmd" "$bin" "${args[@]}" >/dev/null 2>"$work/vg.$cmd"
  awk -v c="$cmd" '/Collected :/ { print c, $NF }' "$work/vg.$cmd" >>"$work/instructions"
done
/usr/bin/time -f '%M' "${render[@]}" 2>"$work/rss" >/dev/null

python3 - "$work" "$bin" <<'PY'
import json, os, platform, sys
work, binary = sys.argv[1], sys.argv[2]
med, low = {}, {}
for f in ("fast.json", "torchx.json"):
    for r in json.load(open(os.path.join(work, f)))["results"]:
        med[r["command"]], low[r["command"]] = r["median"], r["min"]
ins = dict(l.split() for l in open(os.path.join(work, "instructions")))
rss = int(open(os.path.join(work, "rss")).read().split()[-1])
print(f"machine: {platform.machine()}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; binary {os.path.getsize(binary)} bytes")
# on a shared, loaded machine the median carries scheduling waits; the minimum is the cost itself
for k in ("true", "version", "render", "validate", "torchx"):
    print(f"{k:9s} median {med[k]*1000:8.2f} ms ({med[k]/med['true']:6.2f}x /bin/true)   min {low[k]*1000:8.2f} ms ({low[k]/low['true']:6.2f}x)")
for name, d in (("median", med), ("min", low)):
    print(f"by {name}: render {d['torchx']/d['render']:.0f}x faster than torchx --dryrun (goal >= 100x), "
          f"{d['render']/d['true']:.2f}x /bin/true (goal <= 3x); --version {d['version']/d['true']:.2f}x (goal <= 1.5x)")
print(f"instructions (callgrind): render {int(ins['render']):,}, validate {int(ins['validate']):,}")
print(f"render peak RSS {rss/1024:.1f} MiB")
PY
