#!/usr/bin/env bash
# testenv/slurm.sh - a real, throwaway Slurm cluster on this machine for hybridctl's tests.
#
# Debian bookworm's slurm-wlm (22.05) and munge, daemons started by hand as root, no systemd,
# every file under $HYBRIDCTL_SLURM_DIR: a private munged, slurmctld, and one stock
# `slurmd -N nodeI` per fake node (own port, own UTS namespace so `hostname` in a job says
# nodeI). Every node advertises $HYBRIDCTL_SLURM_GPUS GPUs through gres.conf File= entries that
# are symlinks to /dev/null, so jobs get CUDA_VISIBLE_DEVICES / SLURM_GPUS_ON_NODE and a request
# for one GPU more than a node has is refused at submit. Prolog, Epilog, PrologSlurmctld and
# EpilogSlurmctld are recorder scripts: each writes its environment (*.env) and
# `scontrol show job -o` (*.job) to $HYBRIDCTL_SLURM_DIR/hooks/, appends a line to
# hooks/events.log, then execs an optional user hook. Job history: jobcomp/filetxt (`sacct -c`).
# testenv/README.md says more: the layout, the environments hooks receive, the gotchas.
#
# Usage:
#   testenv/slurm.sh up        install the packages if missing, write the config, start the
#                              daemons, wait until every node is idle; a healthy cluster with
#                              the same settings is left as it is
#   testenv/slurm.sh down      cancel all jobs (so epilogs run), then stop every process of this
#                              cluster by PID; the directory stays for its logs
#   testenv/slurm.sh status    exit 0 iff every daemon is alive and every node is usable
#   testenv/slurm.sh env       prints export lines: eval "$(testenv/slurm.sh env)"
#   testenv/slurm.sh selftest [--quick]   end-to-end checks, ends with "N passed, N failed";
#                              the full run includes a time-limit job (~90 s), --quick skips it
#   testenv/slurm.sh install   only install the Debian packages (idempotent)
#   testenv/slurm.sh lint      bash -n + shellcheck on this script (installs shellcheck)
#
# Settings (environment, all optional). `up` saves them in $HYBRIDCTL_SLURM_DIR/settings, and
# down/status/env/selftest reuse the saved ones, so only HYBRIDCTL_SLURM_DIR must be repeated.
# `up` on a cluster with other settings (or after this script changed) restarts it from scratch.
#   HYBRIDCTL_SLURM_DIR=/tmp/hybridctl-slurm  everything lives here; `up` wipes it (only if it
#                                       is absent, empty, or was made by this script)
#   HYBRIDCTL_SLURM_NODES=2             fake nodes node1..nodeN
#   HYBRIDCTL_SLURM_GPUS=8              GPUs (GRES gpu) per node; 0 = no GRES at all
#   HYBRIDCTL_SLURM_CPUS=16             CPUs per node (config_overrides: may exceed the cores)
#   HYBRIDCTL_SLURM_MEM_MB=64000        RealMemory per node
#   HYBRIDCTL_SLURM_CTLD_PORT=17817     slurmctld port
#   HYBRIDCTL_SLURM_SLURMD_PORT_BASE=17900  slurmd of nodeI listens on base+I
#   HYBRIDCTL_SLURM_UTS=1               0 = slurmds share the host's UTS namespace (hostname)
#   HYBRIDCTL_SLURM_CLUSTER=hybridtest  ClusterName
#   HYBRIDCTL_SLURM_PARTITION=gpu       the default partition, all nodes
#   HYBRIDCTL_SLURM_PARTITION2=debug    a second, non-default partition; empty = none
#   HYBRIDCTL_SLURM_PARTITION2_NODES=node1  its nodes
#   HYBRIDCTL_SLURM_KILL_WAIT=5         KillWait: seconds from SIGTERM to SIGKILL on
#                                       scancel / time limit
#   HYBRIDCTL_SLURM_PROLOG, _EPILOG, _PROLOG_SLURMCTLD, _EPILOG_SLURMCTLD
#                                       an executable the recorder execs after recording; its
#                                       exit status is the hook's (a failing Prolog/Epilog
#                                       DRAINS the node, as on a real cluster). The path is
#                                       fixed at `up`; the file is read at each run.
#   HYBRIDCTL_SLURM_EXTRA_CONF='Key=Val\n...'  lines appended to slurm.conf (printf %b)
#   HYBRIDCTL_SLURM_UP_TIMEOUT=60       seconds `up` waits for the daemons and nodes (not
#                                       counting the package install); not a saved setting
set -euo pipefail

HS_DIR=${HYBRIDCTL_SLURM_DIR:-/tmp/hybridctl-slurm}
HS_NODES=${HYBRIDCTL_SLURM_NODES:-2}
HS_GPUS=${HYBRIDCTL_SLURM_GPUS:-8}
HS_CPUS=${HYBRIDCTL_SLURM_CPUS:-16}
HS_MEM=${HYBRIDCTL_SLURM_MEM_MB:-64000}
HS_CTLD_PORT=${HYBRIDCTL_SLURM_CTLD_PORT:-17817}
HS_SLURMD_PORT_BASE=${HYBRIDCTL_SLURM_SLURMD_PORT_BASE:-17900}
HS_UTS=${HYBRIDCTL_SLURM_UTS:-1}
HS_CLUSTER=${HYBRIDCTL_SLURM_CLUSTER:-hybridtest}
HS_PARTITION=${HYBRIDCTL_SLURM_PARTITION:-gpu}
HS_PARTITION2=${HYBRIDCTL_SLURM_PARTITION2-debug}
HS_PARTITION2_NODES=${HYBRIDCTL_SLURM_PARTITION2_NODES:-node1}
HS_KILL_WAIT=${HYBRIDCTL_SLURM_KILL_WAIT:-5}
HS_PROLOG=${HYBRIDCTL_SLURM_PROLOG:-}
HS_EPILOG=${HYBRIDCTL_SLURM_EPILOG:-}
HS_PROLOG_CTLD=${HYBRIDCTL_SLURM_PROLOG_SLURMCTLD:-}
HS_EPILOG_CTLD=${HYBRIDCTL_SLURM_EPILOG_SLURMCTLD:-}
HS_EXTRA=${HYBRIDCTL_SLURM_EXTRA_CONF:-}
HS_TIMEOUT=${HYBRIDCTL_SLURM_UP_TIMEOUT:-60}
HS_SETTING_VARS=(HS_NODES HS_GPUS HS_CPUS HS_MEM HS_CTLD_PORT HS_SLURMD_PORT_BASE HS_UTS
  HS_CLUSTER HS_PARTITION HS_PARTITION2 HS_PARTITION2_NODES HS_KILL_WAIT HS_PROLOG HS_EPILOG
  HS_PROLOG_CTLD HS_EPILOG_CTLD HS_EXTRA)
HS_PKGS=(munge slurmctld slurmd slurm-client)
HS_APT=(apt-get -o DPkg::Lock::Timeout=300 -q)
HS_SELF=$(readlink -f "${BASH_SOURCE[0]}")

hs_log() { printf '[testenv/slurm] %s\n' "$*" >&2; }
hs_die() { hs_log "error: $*"; exit 1; }
hs_now() { date +%s.%N; }
hs_since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
hs_nodes() { local i; for ((i = 1; i <= HS_NODES; i++)); do echo "node$i"; done; }
hs_nodelist() { if ((HS_NODES == 1)); then echo node1; else echo "node[1-$HS_NODES]"; fi; }

# Derived paths; called again after saved settings are loaded.
hs_paths() {
  HS_CONF=$HS_DIR/etc/slurm.conf
  HS_MARK=$HS_DIR/.hybridctl-slurm
}
hs_paths

hs_validate() {
  local v
  for v in HS_NODES HS_CPUS HS_MEM HS_CTLD_PORT HS_SLURMD_PORT_BASE HS_KILL_WAIT HS_TIMEOUT; do
    [[ ${!v} =~ ^[1-9][0-9]*$ ]] || hs_die "${v/HS_/HYBRIDCTL_SLURM_} must be a positive integer, not \`${!v}\`"
  done
  [[ $HS_GPUS =~ ^[0-9]+$ ]] || hs_die "HYBRIDCTL_SLURM_GPUS must be a number, not \`$HS_GPUS\`"
  [[ $HS_UTS == [01] ]] || hs_die "HYBRIDCTL_SLURM_UTS must be 0 or 1"
  [[ $HS_PARTITION =~ ^[A-Za-z0-9_-]+$ ]] || hs_die "bad HYBRIDCTL_SLURM_PARTITION \`$HS_PARTITION\`"
  [[ -z $HS_PARTITION2 || $HS_PARTITION2 =~ ^[A-Za-z0-9_-]+$ ]] ||
    hs_die "bad HYBRIDCTL_SLURM_PARTITION2 \`$HS_PARTITION2\`"
  [[ $HS_PARTITION2 != "$HS_PARTITION" ]] || hs_die "the two partitions need different names"
  [[ $HS_CLUSTER =~ ^[a-z0-9_-]+$ ]] || hs_die "HYBRIDCTL_SLURM_CLUSTER must be lower case"
  [[ $HS_DIR == /?*/* || $HS_DIR == /tmp?* ]] ||
    hs_die "HYBRIDCTL_SLURM_DIR must be an absolute path below a top directory, not \`$HS_DIR\`"
  # the munge socket path must fit in sockaddr_un (108 bytes)
  ((${#HS_DIR} <= 80)) || hs_die "HYBRIDCTL_SLURM_DIR is too long (max 80 characters)"
}

# `up` saves its settings; the other commands reuse them, so only the directory is repeated
hs_settings() {
  local v
  for v in "${HS_SETTING_VARS[@]}"; do printf '%s=%q\n' "$v" "${!v}"; done
  echo "# script $(md5sum <"$HS_SELF" | cut -c1-12)" # an edited script means a restart
}
hs_load_saved_settings() {
  if [[ -r $HS_DIR/settings ]]; then
    # shellcheck source=/dev/null
    source "$HS_DIR/settings"
  fi
  hs_paths
}

# One lock per cluster directory, so parallel tests that all call `up` start it once.
# The fd must not leak into the daemons (hs_spawn closes it), or the lock would outlive `up`.
hs_lock() {
  mkdir -p "$(dirname "$HS_DIR")"
  exec {HS_LOCK_FD}>>"$HS_DIR.lock"
  flock -w 600 "$HS_LOCK_FD" || hs_die "could not lock $HS_DIR.lock within 600 s"
}

# ---------------------------------------------------------------- install
hs_apt_install() { # <package>...: apt-get install those that are missing
  local p missing=() rc=0 own_policy=0 updated=0 aptlog t0
  for p; do
    dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -qx 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0
  [[ $(id -u) == 0 ]] || hs_die "need root to install ${missing[*]}"
  command -v apt-get >/dev/null || hs_die "apt-get not found; install ${missing[*]} by hand"
  t0=$(hs_now)
  hs_log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  aptlog=$(mktemp /tmp/hybridctl-slurm-apt.XXXXXX)
  # maintainer scripts must not start the packaged daemons (sysv init scripts, no systemd)
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && own_policy=1
  fi
  # `apt-get update` only when the package lists do not know a package ...
  for p in "${missing[@]}"; do
    if ! apt-cache show --no-all-versions "$p" >/dev/null 2>&1; then
      "${HS_APT[@]}" update >>"$aptlog" 2>&1 || rc=$?
      updated=1
      break
    fi
  done
  if ((rc == 0)); then
    "${HS_APT[@]}" install -y --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1 || rc=$?
    # ... or when they are stale (a 404 on a superseded version)
    if ((rc != 0 && updated == 0)); then
      rc=0
      "${HS_APT[@]}" update >>"$aptlog" 2>&1 || rc=$?
      if ((rc == 0)); then
        "${HS_APT[@]}" install -y --no-install-recommends "${missing[@]}" >>"$aptlog" 2>&1 || rc=$?
      fi
    fi
  fi
  if ((own_policy)); then rm -f /usr/sbin/policy-rc.d; fi
  if ((rc != 0)); then
    tail -n 30 "$aptlog" >&2
    hs_die "apt-get failed (exit $rc); full log: $aptlog"
  fi
  rm -f "$aptlog"
  hs_log "installed ${missing[*]} in $(hs_since "$t0")s"
}

# ---------------------------------------------------------------- processes
hs_pid() { # <pidfile> <comm>: prints the pid if that process is alive and is that program
  local f=$1 comm=$2 pid actual
  [[ -s $f ]] || return 1
  # `read` rather than `$(<file)`: a failed `$(<file)` can end the script under set -e.
  { read -r pid <"$f" || [[ -n $pid ]]; } 2>/dev/null || return 1
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  { read -r actual <"/proc/$pid/comm"; } 2>/dev/null || return 1
  [[ $actual == "$comm" ]] || return 1
  echo "$pid"
}
hs_all_pids() { # "name pid" for each live daemon of this cluster
  local f pid
  pid=$(hs_pid "$HS_DIR/run/munged.pid" munged) && echo "munged $pid"
  pid=$(hs_pid "$HS_DIR/run/slurmctld.pid" slurmctld) && echo "slurmctld $pid"
  for f in "$HS_DIR"/run/slurmd-*.pid; do
    pid=$(hs_pid "$f" slurmd) && echo "slurmd $pid"
  done
  return 0
}
hs_pids_of() { hs_all_pids | awk -v c="$1" '$1 == c { print $2 }'; }
hs_environ_has() { # <pid> <exact line>
  { tr '\0' '\n' <"/proc/$1/environ"; } 2>/dev/null | grep -qxF -- "$2"
}
# Processes left behind by this cluster, found by the SLURM_CONF in their environment:
# slurmstepd (forked by our slurmds, which have it) and job processes that escaped
# proctrack/linuxproc (jobs inherit it from the submitter). Never this script or its callers.
hs_sid() { # <pid>: its session id (field 6 of /proc/PID/stat; the comm may hold spaces)
  local s
  { read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
  s=${s##*) }
  read -r _ _ _ s _ <<<"$s"
  echo "$s"
}
hs_leftover_pids() {
  local p pid comm keep=" $BASHPID " a=$$ own_sid
  while [[ $a =~ ^[0-9]+$ ]] && ((a > 1)); do
    keep+="$a "
    a=$(awk '/^PPid:/ { print $2 }' "/proc/$a/status" 2>/dev/null || true)
  done
  own_sid=$(hs_sid $$) || own_sid=none
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [[ $keep == *" $pid "* ]] && continue
    hs_environ_has "$pid" "SLURM_CONF=$HS_CONF" || continue
    # `down` run from inside a job of this cluster must not kill its own job
    [[ $(hs_sid "$pid" 2>/dev/null) != "$own_sid" ]] || continue
    { read -r comm <"$p/comm"; } 2>/dev/null || continue
    if [[ $comm == slurmstepd ]] || { tr '\0' '\n' <"$p/environ"; } 2>/dev/null | grep -q '^SLURM_JOB_ID='; then
      echo "$pid"
    fi
  done
  return 0
}
hs_kill_wait() { # <pid>...: SIGTERM, wait up to 15 s, then SIGKILL
  local pid t alive
  (($# == 0)) && return 0
  kill -TERM "$@" 2>/dev/null || true
  for ((t = 0; t < 150; t++)); do
    alive=0
    for pid; do kill -0 "$pid" 2>/dev/null && alive=1; done
    ((alive)) || return 0
    sleep 0.1
  done
  hs_log "escalating to SIGKILL for $*"
  kill -KILL "$@" 2>/dev/null || true
}
hs_port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Start a self-daemonizing program with stdio on <log> and no other inherited descriptor,
# so neither a CI pipe nor our lock is held open by the daemon.
hs_spawn() { # <log> <command>...
  local log=$1 fd
  shift
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd=${fd##*/}
      if ((fd > 2)); then exec {fd}>&-; fi
    done
    exec "$@" </dev/null >>"$log" 2>&1
  )
}

hs_healthy() {
  local n
  [[ -f $HS_CONF ]] || return 1
  [[ $(hs_all_pids | wc -l) == $((HS_NODES + 2)) ]] || return 1
  SLURM_CONF=$HS_CONF timeout 10 scontrol ping 2>/dev/null | grep -q 'is UP' || return 1
  n=$(SLURM_CONF=$HS_CONF timeout 10 sinfo -h -N -o '%N %t' 2>/dev/null |
    awk '$2 ~ /^(idle|mix|mixed|alloc|allocated|comp|completing)$/ { print $1 }' | sort -u | wc -l)
  [[ $n == "$HS_NODES" ]]
}

# ---------------------------------------------------------------- config
hs_write_hook() { # <name> <user hook or empty>
  local name=$1 user_hook=$2 f=$HS_DIR/etc/$1.sh
  cat >"$f" <<EOF
#!/bin/bash
# $name recorder, generated by testenv/slurm.sh: records the environment exactly as Slurm
# passed it and the job record, logs an event, then execs the optional user hook.
d=$HS_DIR/hooks
node=\${SLURMD_NODENAME:-ctld}
base="\$d/$name.\${SLURM_JOB_ID:-nojob}.\$node"
tr '\\0' '\\n' </proc/\$\$/environ | LC_ALL=C sort >"\$base.env.tmp" 2>/dev/null
# The slurmctld-side hooks get no SLURM_CONF (the slurmd-side ones inherit slurmd's), and
# there is no /etc/slurm/slurm.conf: set it for scontrol and for the user hook.
export SLURM_CONF=$HS_CONF HYBRIDCTL_SLURM_DIR=$HS_DIR
timeout 10 scontrol show job -o "\${SLURM_JOB_ID:-0}" >"\$base.job.tmp" 2>&1
mv -f "\$base.job.tmp" "\$base.job"
mv -f "\$base.env.tmp" "\$base.env"
printf '%s %s job=%s node=%s\n' "\$(date +%s.%N)" $name "\${SLURM_JOB_ID:-}" "\$node" >>"\$d/events.log"
EOF
  if [[ -n $user_hook ]]; then
    printf 'exec %q "$@"\n' "$user_hook" >>"$f"
  else
    echo 'exit 0' >>"$f"
  fi
  chmod 755 "$f"
}

hs_write_config() {
  local d=$HS_DIR i n
  mkdir -p "$d"/{etc,run,log,state,spool,hooks,dev,mungekey}
  touch "$HS_MARK"
  # munged: the socket's directory must be world-x, the key's directory private
  chmod 755 "$d" "$d"/{etc,run,log,state,spool,dev}
  chmod 700 "$d/mungekey"
  chmod 1777 "$d/hooks"
  for n in $(hs_nodes); do mkdir -p "$d/spool/$n"; done
  # fake GPUs: a gres.conf File= must be a char/block device; a symlink to /dev/null is one
  for ((i = 0; i < HS_GPUS; i++)); do ln -sfn /dev/null "$d/dev/nvidia$i"; done

  {
    cat <<EOF
# generated by testenv/slurm.sh (hybridctl); see testenv/README.md
ClusterName=$HS_CLUSTER
# slurmctld refuses to start unless this is \`hostname -s\`
SlurmctldHost=$(hostname -s)(127.0.0.1)
SlurmctldPort=$HS_CTLD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/run/munge.socket
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool/%n
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd-%n.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# trust the CPUs/RealMemory below over the real hardware
SlurmdParameters=config_overrides
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SchedulerType=sched/backfill
# the default batch_sched_delay=3 starts back-to-back sbatch jobs ~3 s late
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
# a job that can never run (too many nodes/GPUs) is refused at submit, not left PENDING
EnforcePartLimits=ALL
KillWait=$HS_KILL_WAIT
MinJobAge=86400
InactiveLimit=0
JobCompType=jobcomp/filetxt
JobCompLoc=$d/log/jobcomp.txt
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
Prolog=$d/etc/prolog.sh
Epilog=$d/etc/epilog.sh
PrologSlurmctld=$d/etc/prolog_slurmctld.sh
EpilogSlurmctld=$d/etc/epilog_slurmctld.sh
# Prolog runs on every allocated node at allocation time
PrologFlags=Alloc
EOF
    if ((HS_GPUS > 0)); then echo "GresTypes=gpu"; fi
    for ((i = 1; i <= HS_NODES; i++)); do
      printf 'NodeName=node%d NodeHostname=node%d NodeAddr=127.0.0.1 Port=%d CPUs=%d RealMemory=%d' \
        "$i" "$i" $((HS_SLURMD_PORT_BASE + i)) "$HS_CPUS" "$HS_MEM"
      if ((HS_GPUS > 0)); then printf ' Gres=gpu:%d' "$HS_GPUS"; fi
      printf ' State=UNKNOWN\n'
    done
    echo "PartitionName=$HS_PARTITION Nodes=ALL Default=YES MaxTime=INFINITE State=UP"
    if [[ -n $HS_PARTITION2 ]]; then
      echo "PartitionName=$HS_PARTITION2 Nodes=$HS_PARTITION2_NODES Default=NO MaxTime=INFINITE State=UP"
    fi
    if [[ -n $HS_EXTRA ]]; then printf '%b\n' "$HS_EXTRA"; fi
  } >"$HS_CONF"

  : >"$d/etc/gres.conf"
  if ((HS_GPUS > 0)); then
    echo "NodeName=$(hs_nodelist) Name=gpu File=$d/dev/nvidia[0-$((HS_GPUS - 1))]" >"$d/etc/gres.conf"
  fi

  hs_write_hook prolog "$HS_PROLOG"
  hs_write_hook epilog "$HS_EPILOG"
  hs_write_hook prolog_slurmctld "$HS_PROLOG_CTLD"
  hs_write_hook epilog_slurmctld "$HS_EPILOG_CTLD"
}

# ---------------------------------------------------------------- up / down
HS_STARTED=() # "name pidfile start-second logs" of each daemon started by this `up`
HS_DEADLINE=0

hs_fail() { # <message> <log>...: print the tails of the logs, stop what we started, exit 1
  local msg=$1 f
  shift
  hs_log "error: $msg"
  for f; do
    [[ -s $f ]] || continue
    printf -- '----- last lines of %s (pmix noise left out) -----\n' "$f" >&2
    grep -Ev 'pmix|MPI: Cannot create context' "$f" | tail -n 20 >&2
  done
  if hs_ctld_up >/dev/null 2>&1; then
    printf -- '----- node states (sinfo -N) -----\n' >&2
    SLURM_CONF=$HS_CONF timeout 5 sinfo -h -N -o '%N %T %E' | sort -u >&2 || true
  fi
  hs_log "stopping what was started; all logs are in $HS_DIR/log"
  hs_down >/dev/null 2>&1 || true
  exit 1
}

hs_check_started() { # fail at once when a daemon we started has died
  local entry name pidfile started logs
  for entry in "${HS_STARTED[@]}"; do
    read -r name pidfile started logs <<<"$entry"
    hs_pid "$pidfile" "${name%%-*}" >/dev/null && continue
    # a daemon writes its pid file once it is set up; give it 5 s to get there
    if [[ -s $pidfile ]] || ((SECONDS - started > 5)); then
      # shellcheck disable=SC2086 # logs is a space-separated list of paths
      hs_fail "$name exited after starting" $logs
    fi
  done
}

hs_wait() { # <what> <logs> <command>...: poll until the command succeeds or the deadline
  local what=$1 logs=$2
  shift 2
  while ((SECONDS < HS_DEADLINE)); do
    "$@" >/dev/null 2>&1 && return 0
    hs_check_started
    sleep 0.1
  done
  # shellcheck disable=SC2086 # logs is a space-separated list of paths
  hs_fail "timed out after ${HS_TIMEOUT}s waiting for $what" $logs
}

hs_start() { # <name> <pidfile> <logs> <command>...: launch a daemon, fail at once if it fails
  local name=$1 pidfile=$2 logs=$3 out=$HS_DIR/log/$1.out
  shift 3
  HS_STARTED+=("$name $pidfile $SECONDS $out $logs")
  # shellcheck disable=SC2086 # logs is a space-separated list of paths
  hs_spawn "$out" "$@" || hs_fail "$name did not start (exit $?)" "$out" $logs
}

hs_ctld_up() { SLURM_CONF=$HS_CONF timeout 5 scontrol ping | grep -q 'is UP'; }
hs_nodes_idle() {
  [[ $(SLURM_CONF=$HS_CONF timeout 5 sinfo -h -N -t idle -o '%N' | sort -u | wc -l) == "$HS_NODES" ]]
}

hs_up() {
  local t0 t1 d=$HS_DIR n p times ports=()
  t0=$(hs_now)
  t1=$t0
  if hs_healthy && [[ $(hs_settings) == "$(cat "$HS_DIR/settings" 2>/dev/null)" ]]; then
    hs_log "already up ($HS_DIR, $HS_NODES nodes)"
    return 0
  fi
  [[ $(id -u) == 0 ]] || hs_die "\`up\` must run as root (slurmd runs jobs as their users)"
  hs_apt_install "${HS_PKGS[@]}"
  times="packages $(hs_since "$t1")s"
  t1=$(hs_now)
  if [[ -e $d && ! -e $HS_MARK && -n $(ls -A "$d" 2>/dev/null) ]]; then
    hs_die "$d exists, is not empty and was not made by testenv/slurm.sh; refusing to wipe it"
  fi
  if [[ -e $HS_MARK ]]; then # an earlier cluster here, perhaps with other settings
    (hs_load_saved_settings && hs_down) >/dev/null 2>&1 || true
    times+=", old cluster stopped $(hs_since "$t1")s"
    t1=$(hs_now)
  fi
  ports=("$HS_CTLD_PORT")
  for ((n = 1; n <= HS_NODES; n++)); do ports+=($((HS_SLURMD_PORT_BASE + n))); done
  for p in "${ports[@]}"; do
    if hs_port_busy "$p"; then
      hs_die "port $p on 127.0.0.1 is in use (another cluster? set HYBRIDCTL_SLURM_CTLD_PORT / _SLURMD_PORT_BASE)"
    fi
  done
  if ((HS_UTS)) && ! unshare --uts true 2>/dev/null; then
    hs_die "\`unshare --uts\` is not allowed here; set HYBRIDCTL_SLURM_UTS=0 (hostname in jobs is then the host's)"
  fi
  rm -rf "$d"
  hs_write_config
  export SLURM_CONF=$HS_CONF
  HS_DEADLINE=$((SECONDS + HS_TIMEOUT))
  times+=", config $(hs_since "$t1")s"
  t1=$(hs_now)

  mungekey -c -k "$d/mungekey/munge.key" >"$d/log/mungekey.out" 2>&1 ||
    hs_fail "mungekey failed" "$d/log/mungekey.out"
  hs_start munged "$d/run/munged.pid" "$d/log/munged.log" \
    munged --key-file="$d/mungekey/munge.key" --socket="$d/run/munge.socket" \
    --pid-file="$d/run/munged.pid" --log-file="$d/log/munged.log" --seed-file="$d/run/munged.seed"
  hs_wait munged "$d/log/munged.log" \
    bash -c "munge -n -S '$d/run/munge.socket' | unmunge -S '$d/run/munge.socket'"
  times+=", munged $(hs_since "$t1")s"
  t1=$(hs_now)

  # -c: start clean, do not recover old jobs
  hs_start slurmctld "$d/run/slurmctld.pid" "$d/log/slurmctld.log" slurmctld -c
  hs_wait slurmctld "$d/log/slurmctld.log" hs_ctld_up
  times+=", slurmctld $(hs_since "$t1")s"
  t1=$(hs_now)

  for n in $(hs_nodes); do
    if ((HS_UTS)); then
      # own UTS namespace: `hostname` in this node's jobs says nodeI
      # shellcheck disable=SC2016 # $1 is expanded by sh
      hs_start "slurmd-$n" "$d/run/slurmd-$n.pid" "$d/log/slurmd-$n.log" \
        unshare --uts sh -c 'hostname "$1" && exec slurmd -N "$1"' sh "$n"
    else
      hs_start "slurmd-$n" "$d/run/slurmd-$n.pid" "$d/log/slurmd-$n.log" slurmd -N "$n"
    fi
  done
  hs_wait "all $HS_NODES nodes to be idle" \
    "$d/log/slurmctld.log $(hs_nodes | sed "s|.*|$d/log/slurmd-&.log|" | tr '\n' ' ')" hs_nodes_idle
  times+=", slurmds idle $(hs_since "$t1")s"
  hs_settings >"$HS_DIR/settings"
  hs_log "up in $(hs_since "$t0")s ($times)"
  SLURM_CONF=$HS_CONF sinfo -o '%P %a %D %t %N %c %G' >&2
  hs_log "use: eval \"\$($HS_SELF env)\""
}

hs_log_leftovers() { # <pids>
  local p
  [[ -n ${1// /} ]] || return 0
  hs_log "stopping leftover processes of this cluster: $(for p in $1; do printf '%s(%s) ' "$p" "$(cat "/proc/$p/comm" 2>/dev/null)"; done)"
}

hs_down() {
  local t jobs t0 t1 times leftovers
  t0=$(hs_now)
  if [[ ! -e $HS_MARK ]]; then
    hs_log "no cluster in $HS_DIR"
    return 0
  fi
  if [[ -f $HS_CONF ]] && hs_pid "$HS_DIR/run/slurmctld.pid" slurmctld >/dev/null; then
    # cancel everything first, so that epilogs run and the slurmstepds exit on their own
    jobs=$(SLURM_CONF=$HS_CONF timeout 10 squeue -h -o %i 2>/dev/null || true)
    if [[ -n $jobs ]]; then
      # shellcheck disable=SC2086 # one argument per job id
      SLURM_CONF=$HS_CONF timeout 10 scancel $jobs 2>/dev/null || true
      for ((t = 0; t < (HS_KILL_WAIT + 15) * 10; t++)); do
        [[ -z $(SLURM_CONF=$HS_CONF timeout 5 squeue -h -o %i 2>/dev/null) ]] && break
        sleep 0.1
      done
    fi
  fi
  times="jobs $(hs_since "$t0")s"
  t1=$(hs_now)
  # every daemon (munged too) takes ~2 s to exit after SIGTERM, so stop them in one wave,
  # together with what jobs left behind; then look once more for stragglers
  leftovers=$(hs_leftover_pids | tr '\n' ' ')
  hs_log_leftovers "$leftovers"
  # shellcheck disable=SC2046,SC2086 # one argument per pid
  hs_kill_wait $(hs_pids_of slurmd) $(hs_pids_of slurmctld) $(hs_pids_of munged) $leftovers
  leftovers=$(hs_leftover_pids | tr '\n' ' ')
  hs_log_leftovers "$leftovers"
  # shellcheck disable=SC2086
  hs_kill_wait $leftovers
  times+=", daemons $(hs_since "$t1")s"
  hs_log "down in $(hs_since "$t0")s ($times); $HS_DIR kept for its logs"
}

hs_env() {
  printf 'export SLURM_CONF=%q\n' "$HS_CONF"
  printf 'export HYBRIDCTL_SLURM_DIR=%q\n' "$HS_DIR"
}

hs_status() {
  local line
  hs_all_pids | while read -r line; do echo "  $line"; done
  if hs_healthy; then
    SLURM_CONF=$HS_CONF sinfo -N -o '%N %P %T %c %m %G'
    echo "healthy: $HS_DIR"
    return 0
  fi
  echo "not healthy: $HS_DIR"
  return 1
}

hs_lint() {
  hs_apt_install shellcheck
  bash -n "$HS_SELF" && shellcheck "$HS_SELF" && echo "bash -n and shellcheck: clean"
}

# ---------------------------------------------------------------- selftest
hs_selftest() {
  export SLURM_CONF=$HS_CONF
  local pass=0 fail=0 t0 d=$HS_DIR/selftest h=$HS_DIR/hooks st gpus_csv="" out
  local jg jm jc jn jf jt="" jp jcpu g1=() g2=()
  if ((HS_GPUS > 0)); then
    g1=(--gres=gpu:"$HS_GPUS")
    g2=(--gpus-per-node="$HS_GPUS")
    gpus_csv=$(seq -s, 0 $((HS_GPUS - 1)))
  fi
  ok() { pass=$((pass + 1)); printf 'ok   %s\n' "$*"; }
  bad() { fail=$((fail + 1)); printf 'FAIL %s\n' "$*"; }
  check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
  refused() { local what=$1; shift; if "$@" >/dev/null 2>&1; then bad "$what"; else ok "$what"; fi; }
  jstate() { scontrol show job -o "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }
  wait_state() { # <job> <secs> <regex>
    local k
    for ((k = 0; k < $2 * 5; k++)); do
      [[ $(jstate "$1") =~ ^($3)$ ]] && return 0
      sleep 0.2
    done
    return 1
  }
  wait_file() { local k; for ((k = 0; k < $2 * 5; k++)); do [[ -s $1 ]] && return 0; sleep 0.2; done; return 1; }
  count_files() { compgen -G "$1" | wc -l; }
  wait_count() { # <glob> <count> <secs>
    local k
    for ((k = 0; k < $3 * 5; k++)); do
      [[ $(count_files "$1") == "$2" ]] && return 0
      sleep 0.2
    done
    return 1
  }
  if ! hs_healthy; then
    echo "cluster in $HS_DIR is not up (run: $HS_SELF up)"
    echo "0 passed, 1 failed"
    return 1
  fi
  rm -rf "$d"
  mkdir -p "$d"
  chmod 1777 "$d"
  t0=$SECONDS
  cd "$d"

  # The time-limit job goes first: limits are whole minutes and slurmctld enforces them
  # from a 30 s periodic check, so TIMEOUT arrives 60-100 s after the start.
  if [[ ${1:-} != --quick ]]; then
    jt=$(sbatch --parsable --time=1 -J tlimit -o "$d/%j.out" \
      --wrap "trap 'echo TRAPPED_TERM; exit 0' TERM; echo started; sleep 600 & wait")
  fi

  # configuration the Rust side relies on
  check "KillWait = $HS_KILL_WAIT sec" bash -c \
    "scontrol show config | grep -Eq '^KillWait +=  *$HS_KILL_WAIT sec'"
  st=$(sinfo -h -N -p "$HS_PARTITION" -o '%N %c %G' | sort -u | tr '\n' ';')
  check "$HS_NODES nodes with $HS_CPUS CPUs and gpu:$HS_GPUS ($st)" bash -c \
    "[ \$(sinfo -h -N -p '$HS_PARTITION' -o '%c' | grep -cx '$HS_CPUS') -eq $HS_NODES ]"
  check "partition $HS_PARTITION is the default" bash -c "sinfo -h -o '%P' | grep -qx '$HS_PARTITION\*'"

  # --test-only: a fitting request is accepted without creating a job, an impossible one not
  check "sbatch --test-only --nodes=$HS_NODES ${g2[*]} is accepted" bash -c \
    "sbatch --test-only --nodes=$HS_NODES ${g2[*]} --wrap true 2>&1 | grep -q ' to start at '"
  refused "sbatch --test-only --nodes=$((HS_NODES + 1)) is refused" \
    sbatch --test-only --nodes=$((HS_NODES + 1)) --wrap true
  if ((HS_GPUS > 0)); then
    refused "--gres=gpu:$((HS_GPUS + 1)) is refused at submit" \
      sbatch --parsable --gres=gpu:$((HS_GPUS + 1)) --nodes=1 -o /dev/null --wrap true
    refused "--gpus-per-node=$((HS_GPUS + 1)) is refused at submit" \
      sbatch --parsable --gpus-per-node=$((HS_GPUS + 1)) -o /dev/null --wrap true
  fi
  refused "--nodes=$((HS_NODES + 1)) is refused at submit (EnforcePartLimits)" \
    sbatch --parsable --nodes=$((HS_NODES + 1)) -o /dev/null --wrap true

  # the multi-node GPU job that hybridctl's rendered scripts look like
  # shellcheck disable=SC2016 # expanded by the job
  jm=$(sbatch --parsable -J multinode --nodes="$HS_NODES" "${g2[@]}" -o "$d/%j.out" \
    --wrap 'env | LC_ALL=C sort; echo HOSTNAME=$(hostname); srun hostname | sort | sed s/^/SRUN=/')
  check "sbatch --parsable prints a bare id ($jm)" bash -c "[[ '$jm' =~ ^[0-9]+\$ ]]"
  check "squeue lists job $jm while it is alive or it already ended" bash -c \
    "squeue -h -t all -j '$jm' -o %i | grep -qx '$jm'"
  check "job $jm (--nodes=$HS_NODES ${g2[*]}) -> COMPLETED" wait_state "$jm" 30 COMPLETED
  out=$d/$jm.out
  check "SLURM_JOB_NODELIST=$(hs_nodelist)" grep -qxF "SLURM_JOB_NODELIST=$(hs_nodelist)" "$out"
  check "SLURM_JOB_NUM_NODES=$HS_NODES" grep -qx "SLURM_JOB_NUM_NODES=$HS_NODES" "$out"
  check "SLURM_JOB_PARTITION=$HS_PARTITION" grep -qx "SLURM_JOB_PARTITION=$HS_PARTITION" "$out"
  if ((HS_GPUS > 0)); then
    check "SLURM_GPUS_ON_NODE=$HS_GPUS" grep -qx "SLURM_GPUS_ON_NODE=$HS_GPUS" "$out"
    check "CUDA_VISIBLE_DEVICES=$gpus_csv" grep -qx "CUDA_VISIBLE_DEVICES=$gpus_csv" "$out"
  fi
  if ((HS_UTS)); then
    check "hostname in the batch step is node1" grep -qx "HOSTNAME=node1" "$out"
    check "srun reaches every node: $(hs_nodes | tr '\n' ' ')" bash -c \
      "[ \"\$(grep '^SRUN=' '$out' | sort)\" = \"$(hs_nodes | sort | sed s/^/SRUN=/)\" ]"
  fi
  check "scontrol show job -o is one line" [ "$(scontrol show job -o "$jm" | wc -l)" = 1 ]
  check "prolog ran on each of the $HS_NODES nodes" wait_count "$h/prolog.$jm.node*.env" "$HS_NODES" 5
  check "epilog ran on each of the $HS_NODES nodes" wait_count "$h/epilog.$jm.node*.env" "$HS_NODES" 10
  check "prolog_slurmctld + epilog_slurmctld ran" bash -c \
    "[ -s '$h/prolog_slurmctld.$jm.ctld.env' ] && for k in \$(seq 50); do [ -s '$h/epilog_slurmctld.$jm.ctld.env' ] && exit 0; sleep 0.2; done; exit 1"
  check "epilog_slurmctld saw the nodelist" grep -qxF "SLURM_JOB_NODELIST=$(hs_nodelist)" \
    "$h/epilog_slurmctld.$jm.ctld.env"

  if ((HS_GPUS > 0)); then
    jg=$(sbatch --parsable -J gres --nodes=1 "${g1[@]}" -o "$d/%j.out" --wrap 'env | LC_ALL=C sort')
    check "a --nodes=1 ${g1[*]} job gets SLURM_JOB_GPUS=$gpus_csv" bash -c \
      "for k in \$(seq 100); do grep -qx 'SLURM_JOB_GPUS=$gpus_csv' '$d/$jg.out' 2>/dev/null && exit 0; sleep 0.2; done; exit 1"
  fi
  # shellcheck disable=SC2016 # expanded by the job
  jcpu=$(sbatch --parsable -J cpus --nodes=1 --cpus-per-task="$HS_CPUS" -o "$d/%j.out" \
    --wrap 'echo CPUS=$SLURM_CPUS_ON_NODE')
  check "a job can use all $HS_CPUS CPUs of a node" bash -c \
    "for k in \$(seq 100); do grep -qx 'CPUS=$HS_CPUS' '$d/$jcpu.out' 2>/dev/null && exit 0; sleep 0.2; done; exit 1"

  if [[ -n $HS_PARTITION2 ]]; then
    # shellcheck disable=SC2016 # expanded by the job
    jp=$(sbatch --parsable -J part2 -p "$HS_PARTITION2" -o "$d/%j.out" \
      --wrap 'echo PARTITION=$SLURM_JOB_PARTITION')
    check "a job in partition $HS_PARTITION2 runs there" bash -c \
      "for k in \$(seq 100); do grep -qx 'PARTITION=$HS_PARTITION2' '$d/$jp.out' 2>/dev/null && exit 0; sleep 0.2; done; exit 1"
  fi

  jc=$(sbatch --parsable -J tocancel -o "$d/%j.out" \
    --wrap "trap 'echo TRAPPED_TERM; exit 0' TERM; echo started; sleep 600 & wait")
  check "job $jc starts running" wait_state "$jc" 30 RUNNING
  check "squeue shows it RUNNING" bash -c "squeue -h -j '$jc' -o %T | grep -qx RUNNING"
  sleep 1
  check "scancel exits 0" scancel "$jc"
  check "scancel -> CANCELLED" wait_state "$jc" 30 CANCELLED
  check "the batch script got SIGTERM (its trap ran)" bash -c \
    "for k in \$(seq 50); do grep -q TRAPPED_TERM '$d/$jc.out' 2>/dev/null && exit 0; sleep 0.2; done; exit 1"
  check "epilog ran for the cancelled job" wait_count "$h/epilog.$jc.node*.env" 1 20
  check "epilog_slurmctld ran for the cancelled job" wait_file "$h/epilog_slurmctld.$jc.ctld.env" 20

  # a non-root submitter (an HPC user); nobody needs a writable output directory ($d is 1777)
  jn=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
    sbatch --parsable -J asnobody -o "$d/%j.out" --wrap 'id -un') || true
  check "a job of user nobody ($jn) completes" wait_state "${jn:-0}" 30 COMPLETED
  check "... and runs as nobody" grep -qx nobody "$d/${jn:-0}.out"

  jf=$(sbatch --parsable -J fails -o "$d/%j.out" --wrap 'exit 3')
  check "a failing job -> FAILED, ExitCode=3:0" bash -c \
    "for k in \$(seq 100); do scontrol show job -o '$jf' | grep -q 'JobState=FAILED .*ExitCode=3:0' && exit 0; sleep 0.2; done; exit 1"
  check "its epilog saw SLURM_JOB_EXIT_CODE2=3:0" bash -c \
    "for k in \$(seq 50); do grep -qx 'SLURM_JOB_EXIT_CODE2=3:0' '$h/epilog_slurmctld.$jf.ctld.env' 2>/dev/null && exit 0; sleep 0.2; done; exit 1"

  check "sacct -c (jobcomp/filetxt) lists $jm COMPLETED, $jc CANCELLED, $jf FAILED" bash -c "
    s=\$(sacct -c -n -o jobid,state)
    grep -Eq '^ *$jm +COMPLETED' <<<\"\$s\" && grep -Eq '^ *$jc +CANCELLED' <<<\"\$s\" &&
      grep -Eq '^ *$jf +FAILED' <<<\"\$s\""

  if [[ -n $jt ]]; then
    check "time-limit job $jt -> TIMEOUT (60-100 s)" wait_state "$jt" 150 TIMEOUT
    check "the timed-out batch script got SIGTERM (its trap ran)" wait_file "$d/$jt.out" 5
    check "... its output says TRAPPED_TERM" grep -q TRAPPED_TERM "$d/$jt.out"
    check "epilog ran for the timed-out job" wait_count "$h/epilog.$jt.node*.env" 1 30
    check "its job record says Reason=TimeLimit" bash -c "grep -q 'Reason=TimeLimit' '$h'/epilog.$jt.node*.job"
  fi
  st=$(sinfo -h -N -o '%t' | sort -u | tr '\n' ' ')
  check "all nodes idle at the end (state: $st)" [ "$st" = "idle " ]
  echo "selftest took $((SECONDS - t0))s; job outputs in $d, hook records in $h"
  echo "$pass passed, $fail failed"
  ((fail == 0))
}

# ---------------------------------------------------------------- main
hs_usage() { sed -n '2,/^set -euo/p' "$HS_SELF" | sed '$d' | sed 's/^# \{0,1\}//'; }

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
  cmd=${1:-}
  case $cmd in down | stop | status | env | selftest) hs_load_saved_settings ;; esac
  case $cmd in up | start | down | stop | status | selftest) hs_validate ;; esac
  case $cmd in
  up | start) hs_lock && hs_up ;;
  down | stop) if [[ -e $HS_DIR ]]; then hs_lock; fi && hs_down ;;
  status) hs_status ;;
  env) hs_env ;;
  selftest) hs_selftest "${2:-}" ;;
  install) hs_apt_install "${HS_PKGS[@]}" ;;
  lint) hs_lint ;;
  -h | --help | help) hs_usage ;;
  *)
    hs_usage >&2
    exit 2
    ;;
  esac
fi
