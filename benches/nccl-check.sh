#!/usr/bin/env bash
# Whole-process benchmark of `hybridctl nccl-check` against `grep -c NCCL` on the same
# generated multi-rank log (16 ranks on 2 nodes: training output with about 1% NCCL lines,
# repeated NCCL inits, warnings and a watchdog timeout), in one run: MB/s of both (best of
# RUNS, page cache warm), their ratio (target: nccl-check at least half of grep's speed),
# and the peak RSS of nccl-check on a 128 MiB and a 1 GiB file (target: the same for both).
# Usage: benches/nccl-check.sh [SIZE_MIB] [RUNS]   (builds the release binary first, or measures
#        $HYBRIDCTL_BENCH_BIN, e.g. a static binary from scripts/release.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mib=${1:-1024}
runs=${2:-3}
small_mib=128
bin=${HYBRIDCTL_BENCH_BIN:-}
if [[ -z $bin ]]; then
  cargo build --release --quiet
  bin=$PWD/target/release/hybridctl
fi
export HYBRIDCTL_SITE_CONFIG=/dev/null HYBRIDCTL_CONFIG=/dev/null
tmp=$(mktemp -d "${TMPDIR:-/tmp}/nccl-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

generate() { # generate FILE MIB
  python3 - "$1" "$2" <<'PY'
import sys
path, mib = sys.argv[1], int(sys.argv[2])
nccl = []
for r in range(16):
    host = "node01" if r < 8 else "node02"
    pid, dev = 4000 + r, r % 8
    p = f"{host}:{pid}:{pid} [{dev}] NCCL INFO "
    nccl += [p + "NCCL version 2.21.5+cuda12.4",
             p + "NCCL_IB_GID_INDEX set by environment to 3.",
             p + "NET/IB : Using [0]mlx5_0:1/RoCE [1]mlx5_1:1/RoCE [RO]; OOB eth0:10.0.0.1<0>",
             p + "Using network IB"]
    for c in range(4):
        nccl.append(p + f"Channel {c:02d}/0 : {r}[{dev}] -> {(r + 8) % 16}[{dev}] [send] via NET/IB/{c % 2}/GDRDMA")
        nccl.append(p + f"Channel {c:02d}/1 : {r}[{dev}] -> {(r + 1) % 16}[{(dev + 1) % 8}] via P2P/CUMEM/read")
    nccl.append(p + f"ncclCommInitRank comm 0x55d0c0a0 rank {r} nranks 16 cudaDev {dev} nvmlDev {dev} busId 1b000 commId 0x6f1e - Init COMPLETE")
nccl.append("[2026-11-29 05:03:12] node02:4010:4110 [2] transport/net_ib.cc:2231 (ncclIbTest) NCCL WARN NET/IB : Got completion with error 12, opcode 0, len 0, vendor err 129")
nccl.append("[rank3]:[E1129 05:40:12.345678901 ProcessGroupNCCL.cpp:616] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=4711, OpType=ALLREDUCE, NumelIn=1, NumelOut=1, Timeout(ms)=600000) ran for 600014 milliseconds before timing out.")
lines, i = [], 0
while sum(map(len, lines)) < (4 << 20):
    for _ in range(100):
        i += 1
        lines.append(f"[rank{i % 16}]:[2026-11-29 05:{i // 60 % 60:02d}:{i % 60:02d},{i % 1000:03d}] train.py:212 INFO step {i} loss 2.{i % 9973:04d} lr 3.0e-04 grad_norm 0.87 tokens/s 412345 mem 61.2GiB\n")
    lines.append(nccl[i // 100 % len(nccl)] + "\n")
chunk = "".join(lines).encode()
with open(path, "wb") as f:
    for _ in range(max(1, (mib << 20) // len(chunk))):
        f.write(chunk)
PY
}

best_seconds() { # best_seconds CMD... : best wall time of $runs runs
  local best="" t0 t1 s
  for _ in $(seq "$runs"); do
    t0=$(date +%s%N)
    # Not /dev/null: GNU grep stops at the first match when its output is /dev/null.
    "$@" >"$tmp/out" || true
    t1=$(date +%s%N)
    s=$(( t1 - t0 ))
    if [ -z "$best" ] || [ "$s" -lt "$best" ]; then best=$s; fi
  done
  awk -v ns="$best" 'BEGIN { printf "%.3f", ns / 1e9 }'
}

peak_rss_mib() { # peak_rss_mib CMD...
  /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { printf "%.1f", $2 / 1024 }'
}

echo "generating ${size_mib} MiB and ${small_mib} MiB logs in $tmp ..."
generate "$tmp/big.log" "$size_mib"
generate "$tmp/small.log" "$small_mib"
bytes=$(stat -c %s "$tmp/big.log")
cat "$tmp/big.log" >/dev/null
echo "file: $bytes bytes, $(grep -c NCCL "$tmp/big.log") NCCL lines of $(wc -l <"$tmp/big.log")"

grep_s=$(best_seconds grep -c NCCL "$tmp/big.log")
check_s=$(best_seconds "$bin" nccl-check --fabric roce "$tmp/big.log")
awk -v b="$bytes" -v g="$grep_s" -v c="$check_s" 'BEGIN {
  printf "grep -c NCCL:        %7.3f s  %8.1f MB/s\n", g, b / g / 1e6
  printf "hybridctl nccl-check: %7.3f s  %8.1f MB/s\n", c, b / c / 1e6
  printf "ratio nccl-check/grep: %.2f (target >= 0.50)\n", g / c
}'
"$bin" nccl-check --fabric roce "$tmp/big.log" | tail -n 12 | cut -c1-160 || true

if [ -x /usr/bin/time ]; then
  echo "peak RSS nccl-check ${small_mib} MiB: $(peak_rss_mib "$bin" nccl-check "$tmp/small.log") MiB"
  echo "peak RSS nccl-check ${size_mib} MiB: $(peak_rss_mib "$bin" nccl-check "$tmp/big.log") MiB"
  echo "peak RSS grep -c    ${size_mib} MiB: $(peak_rss_mib grep -c NCCL "$tmp/big.log") MiB"
else
  echo "peak RSS: /usr/bin/time is not installed (Debian package \`time\`)"
fi
