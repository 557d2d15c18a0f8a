#!/usr/bin/env bash
# testenv/free-ports.sh [COUNT] - print a port P such that P .. P+COUNT-1 (default 40) are free:
# nothing listens on them (ss). Chosen at random in 20000-32767, below Linux's ephemeral range
# (32768-60999), so outgoing connections do not take them while a test cluster starts.
# Used by scripts/test.sh and the benchmarks to give each run its own ports.
set -euo pipefail
count=${1:-40}
[[ $count =~ ^[0-9]+$ && $count -ge 1 && $count -le 1000 ]] || { echo "free-ports.sh: COUNT must be 1-1000, not \`$count\`" >&2; exit 2; }
command -v ss >/dev/null || { echo "free-ports.sh: \`ss\` not found (Debian's iproute2)" >&2; exit 2; }
used=$(ss -Htan | awk '{ n = split($4, a, ":"); print a[n] }' | sort -nu)
for ((try = 0; try < 200; try++)); do
  base=$((20000 + count * (RANDOM % ((12768 - count) / count))))
  if ! awk -v b="$base" -v c="$count" '$1 >= b && $1 < b + c { found = 1 } END { exit !found }' <<<"$used"; then
    echo "$base"
    exit 0
  fi
done
echo "free-ports.sh: found no $count free ports in 20000-32767" >&2
exit 1
