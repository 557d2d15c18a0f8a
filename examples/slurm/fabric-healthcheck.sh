#!/usr/bin/env bash
# Slurm HealthCheckProgram wrapper for `hybridctl fabric-check --health-check`.
# slurm.conf:
#   HealthCheckProgram=/opt/hybridctl/libexec/fabric-healthcheck.sh
#   HealthCheckInterval=300
#   HealthCheckNodeState=ANY
# Slurm ignores the exit status of HealthCheckProgram, so this script drains the node
# itself when a check fails (exit 1), with the failing check as the reason. It leaves the node
# alone when fabric-check could not run (exit 2): a broken setup is not a broken node.
set -uo pipefail
hybridctl=${HYBRIDCTL_BIN:-/opt/hybridctl/bin/hybridctl}
node=${SLURMD_NODENAME:-$(hostname -s)}
line=$(timeout 60 "$hybridctl" fabric-check --health-check 2>/dev/null)
rc=$?
if [ "$rc" -eq 1 ]; then
  reason=${line#ERROR: hybridctl }
  scontrol update nodename="$node" state=drain reason="${reason:0:200}"
  printf '%s\n' "$line" >&2
elif [ "$rc" -ne 0 ]; then
  printf 'fabric-check could not run (exit %s): %s\n' "$rc" "$line" >&2
fi
exit 0
