#!/bin/sh
# PrologSlurmctld / EpilogSlurmctld wrapper for hybridctl (see README.md beside this file).
#
# slurmctld runs it as SlurmUser, once per job, with only the job's SLURM_* variables: no
# PATH, no HOME, no SLURM_CONF. It names the site config and runs `hybridctl hook prolog`
# or `hybridctl hook epilog`, chosen by SLURM_SCRIPT_CONTEXT, so one file serves both lines
# of slurm.conf. hybridctl writes one line per action and is bounded by --timeout.
#
# Install: copy to /opt/hybridctl/libexec/hybridctl-hook.sh (mode 0755, owned by root) and
# adjust the defaults below.

# The hybridctl binary.
HYBRIDCTL_BIN=${HYBRIDCTL_BIN:-/opt/hybridctl/bin/hybridctl}
# The site config with `kubeconfig:` and `hooks:` (see config.yaml beside this file).
HYBRIDCTL_SITE_CONFIG=${HYBRIDCTL_SITE_CONFIG:-/etc/hybridctl/config.yaml}
# The hook's own limit in seconds; slurmctld waits for the prolog before the job starts.
HYBRIDCTL_HOOK_TIMEOUT=${HYBRIDCTL_HOOK_TIMEOUT:-30}
# Where the hook's lines go: empty = stdout, which slurmctld logs only when the hook fails;
# or a file SlurmUser can append to, e.g. /var/log/hybridctl/hooks.log.
HYBRIDCTL_HOOK_LOG=${HYBRIDCTL_HOOK_LOG:-}
export HYBRIDCTL_SITE_CONFIG

# A log file that cannot be opened must not fail the hook (a failing PrologSlurmctld
# requeues the job): fall back to stdout.
# (A subshell: a failing redirection on `:` would end a POSIX shell such as dash.)
if [ -n "$HYBRIDCTL_HOOK_LOG" ] && ! (true >>"$HYBRIDCTL_HOOK_LOG") 2>/dev/null; then
  echo "hybridctl-hook.sh: cannot append to \`$HYBRIDCTL_HOOK_LOG\`; logging to stdout"
  HYBRIDCTL_HOOK_LOG=
fi
if [ -n "$HYBRIDCTL_HOOK_LOG" ]; then
  exec >>"$HYBRIDCTL_HOOK_LOG" 2>&1
fi

case ${SLURM_SCRIPT_CONTEXT:-} in
  prolog_slurmctld) phase=prolog ;;
  epilog_slurmctld) phase=epilog ;;
  *)
    echo "hybridctl-hook.sh: SLURM_SCRIPT_CONTEXT is \`${SLURM_SCRIPT_CONTEXT:-}\`, not prolog_slurmctld or epilog_slurmctld; set this script as PrologSlurmctld/EpilogSlurmctld in slurm.conf. Doing nothing."
    exit 0
    ;;
esac

if [ ! -x "$HYBRIDCTL_BIN" ]; then
  # Never fail the job because the binary is missing: a failing PrologSlurmctld requeues it.
  echo "hybridctl-hook.sh: job ${SLURM_JOB_ID:-?}: \`$HYBRIDCTL_BIN\` is not an executable file; set HYBRIDCTL_BIN in this script. Doing nothing."
  exit 0
fi

exec "$HYBRIDCTL_BIN" hook "$phase" --timeout "$HYBRIDCTL_HOOK_TIMEOUT"
