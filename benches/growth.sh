#!/usr/bin/env bash
# Growth curves (issue 19): wall time and peak RSS of one hybridctl run at n, 2n, 4n and 8n for
#   - a YAML mapping of n keys in a job spec (`container.env`; parsed with duplicate detection,
#     then refused over the 4096-entry limit), and in the site config (`nodeNames.map`, parsed
#     and decoded entry by entry, limit 100000);
#   - fabric-check (text report) over a generated sysfs tree of n RoCE devices.
# A linear cost doubles from one row to the next; the script fails when the last step grows
# more than 3x in time or memory, so a quadratic regression shows.
# Usage: benches/growth.sh [BIN]   (default: builds and uses target/release/hybridctl)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-}
if [[ -z $bin ]]; then
  cargo build --release --quiet
  bin=target/release/hybridctl
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HYBRIDCTL_SITE_CONFIG=/dev/null HYBRIDCTL_CONFIG=/dev/null

python3 - "$work" <<'PY'
import os, sys
work = sys.argv[1]
head = ("apiVersion: hybridctl.io/v1alpha1\nkind: TrainingJob\nname: t\nslurm:\n  partition: gpu\n"
        "  nodes: 1\n  gpusPerNode: 1\ncontainer:\n  image: x:1\n  command: [a]\n  env:\n")
for n in (10000, 20000, 40000, 80000):
    with open(f"{work}/env-{n}.yaml", "w") as f:
        f.write(head + "".join(f"    K{i}: v\n" for i in range(n)))
for n in (12500, 25000, 50000, 100000):
    with open(f"{work}/site-{n}.yaml", "w") as f:
        f.write("nodeNames:\n  map:\n" + "".join(f"    n{i}: node-{i}.example\n" for i in range(n)))
def w(p, v):
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, "w") as f:
        f.write(v + "\n")
for n in (500, 1000, 2000, 4000):
    root = f"{work}/tree-{n}"
    for i in range(n):
        dev, nd = f"mlx5_{i}", f"ens{i}np0"
        p = f"{root}/sys/class/infiniband/{dev}/ports/1"
        w(p + "/state", "4: ACTIVE"); w(p + "/phys_state", "5: LinkUp")
        w(p + "/rate", "400 Gb/sec (4X NDR)"); w(p + "/link_layer", "Ethernet")
        w(p + "/gids/3", f"0000:0000:0000:0000:0000:ffff:0a{(i >> 8) & 255:02x}:{i & 255:02x}01")
        w(p + "/gid_attrs/types/3", "RoCE v2"); w(p + "/gid_attrs/ndevs/3", nd)
        w(p + "/hw_counters/np_cnp_sent", "0"); w(p + "/counters/port_xmit_wait", "0")
        w(f"{root}/sys/class/infiniband/{dev}/device/net/{nd}/ifindex", str(i + 10))
        w(f"{root}/sys/class/net/{nd}/mtu", "9000"); w(f"{root}/sys/class/net/{nd}/operstate", "up")
PY

# measure N CMD...: the best of 3 runs (after a warm-up for the page cache), "N seconds MiB".
measure() {
  local n=$1 best='' kib=0 secs k i
  shift
  "$@" >/dev/null 2>&1 || true
  for i in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>&1 || true
    read -r secs k < <(tail -n 1 "$work/time")
    if [[ -z $best ]] || awk -v a="$secs" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$secs; fi
    if ((k > kib)); then kib=$k; fi
    : "$i"
  done
  printf '%s %s %s\n' "$n" "$best" "$(awk -v k="$kib" 'BEGIN { printf "%.1f", k / 1024 }')"
}

failed=0
curve() { # TITLE, then "N SECONDS MIB" lines on stdin
  local title=$1 prev_s='' prev_m='' n s m
  printf '\n%s\n%8s %9s %9s %8s %8s\n' "$title" n seconds 'peak MiB' 'x time' 'x mem'
  while read -r n s m; do
    if [[ -n $prev_s ]]; then
      rt=$(awk -v a="$s" -v b="$prev_s" 'BEGIN { printf "%.2f", (b > 0.005 ? a / b : 1) }')
      rm_=$(awk -v a="$m" -v b="$prev_m" 'BEGIN { printf "%.2f", a / b }')
    else
      rt=- rm_=-
    fi
    printf '%8s %9s %9s %8s %8s\n' "$n" "$s" "$m" "$rt" "$rm_"
    prev_s=$s prev_m=$m last_rt=$rt last_rm=$rm_
  done
  if awk -v t="$last_rt" -v m="$last_rm" 'BEGIN { exit !(t > 3 || m > 3) }'; then
    echo "  ^ grows faster than linear" >&2
    failed=1
  fi
}

for n in 10000 20000 40000 80000; do
  measure "$n" "$bin" validate "$work/env-$n.yaml"
done | curve "spec: container.env with n keys (validate)"
for n in 12500 25000 50000 100000; do
  HYBRIDCTL_SITE_CONFIG=$work/site-$n.yaml measure "$n" "$bin" validate examples/single-node.yaml
done | curve "site config: nodeNames.map with n entries (validate)"
for n in 500 1000 2000 4000; do
  PATH=/usr/bin:/bin measure "$n" "$bin" fabric-check --sysfs-root "$work/tree-$n"
done | curve "fabric-check: n RDMA devices (text report)"
exit "$failed"
