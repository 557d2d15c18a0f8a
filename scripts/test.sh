#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine or a warm one. Installs what the tests
# need (Debian packages), starts the real test services, then runs formatting, lint and
# every test. CI runs exactly this (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

# `scripts/test.sh --services` only starts the two test clusters (and leaves them running) so
# single tests can be run by hand: eval "$(testenv/kube/kube.sh env)"; eval "$(testenv/slurm.sh env)".
services_only=0
if [ "${1:-}" = --services ]; then services_only=1; export HYBRIDCTL_KEEP_SLURM=1; fi

log() { printf '[test] %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------------
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
# perftest: fabric-check's tests run the real `ib_write_bw` (no RDMA device here: it must fail fast)
command -v ib_write_bw >/dev/null 2>&1 || missing+=(perftest)
# groff: the man-page test renders every page with warnings on
command -v groff >/dev/null 2>&1 || missing+=(groff-base)
# jq: testenv/kube/trainer.sh points the Trainer's and JobSet's webhook configurations at 127.0.0.1
command -v jq >/dev/null 2>&1 || missing+=(jq)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt_opts=(-o DPkg::Lock::Timeout=300 -y -q --no-install-recommends)
  if ! as_root apt-get "${apt_opts[@]}" install "${missing[@]}" >/dev/null; then
    as_root apt-get -o DPkg::Lock::Timeout=300 -q update >/dev/null
    as_root apt-get "${apt_opts[@]}" install "${missing[@]}" >/dev/null
  fi
fi

# --- Rust checks -----------------------------------------------------------------------
if [ "$services_only" = 0 ]; then
log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy"
cargo clippy --quiet --all-targets -- -D warnings
log "shellcheck of the project's scripts"
shellcheck scripts/*.sh benches/*.sh testenv/*.sh testenv/kube/*.sh testenv/kube/go/*.sh tests/fixtures/bin/* tests/fixtures/bin-hostile/* tests/fixtures/fabric/bin/* tests/fixtures/fabric/make-trees.sh tests/fixtures/*/record.sh tests/fixtures/slurm-hooks/hook.sh examples/slurm/*.sh .ci/run
fi

# --- Real services the tests need --------------------------------------------------------
# A real kube-apiserver + etcd + kube-controller-manager + kube-scheduler + the Kubeflow
# training-operator + kwok, built from Go modules into ~/.cache/hybridctl-testenv (a cold build
# takes minutes, see testenv/kube/README.md; later runs skip it). Every node carries the hooks'
# taint (HYBRIDCTL_KUBE_NODE_TAINT), which the site config below names.
log "starting the test Kubernetes control plane (testenv/kube/kube.sh up)"
testenv/kube/kube.sh up
eval "$(testenv/kube/kube.sh env)"
if [ "${HYBRIDCTL_KEEP_SLURM:-0}" != 1 ]; then
  trap 'testenv/slurm.sh down >/dev/null 2>&1 || true; testenv/kube/kube.sh down >/dev/null 2>&1 || true' EXIT
fi

# A real multi-node Slurm (Debian's slurm-wlm + munge), see testenv/README.md. Tests that
# need it fail when it is missing. HYBRIDCTL_KEEP_SLURM=1 leaves both test clusters running afterwards.
# Its PrologSlurmctld/EpilogSlurmctld run `hybridctl hook` (tests/fixtures/slurm-hooks/hook.sh,
# through examples/slurm/hybridctl-hook.sh) against the control plane above, as its restricted
# user, with the binary `cargo test` builds below (hooks only run when jobs run).
log "starting the test Slurm cluster with the hybridctl hooks (testenv/slurm.sh up)"
HYBRIDCTL_SLURM_PROLOG_SLURMCTLD=$PWD/tests/fixtures/slurm-hooks/hook.sh \
  HYBRIDCTL_SLURM_EPILOG_SLURMCTLD=$PWD/tests/fixtures/slurm-hooks/hook.sh \
  testenv/slurm.sh up
eval "$(testenv/slurm.sh env)"
if [ "${HYBRIDCTL_KEEP_SLURM:-0}" != 1 ]; then
  # Slurm first: `down` cancels the jobs, and their epilogs still need the API server.
  trap 'testenv/slurm.sh down >/dev/null 2>&1 || true; testenv/kube/kube.sh down >/dev/null 2>&1 || true' EXIT
fi
hook_dir=$HYBRIDCTL_SLURM_DIR/hybridctl
hook_bin=${CARGO_TARGET_DIR:-$PWD/target}/debug/hybridctl
mkdir -p "$hook_dir"
cat >"$hook_dir/site.yaml" <<EOF
# Written by scripts/test.sh for the test cluster's hooks (tests/fixtures/slurm-hooks/hook.sh).
launcher: $hook_bin
kubeconfig: $HYBRIDCTL_KUBE_USER_KUBECONFIG
defaults:
  kubernetes:
    namespace: $HYBRIDCTL_KUBE_NAMESPACE
hooks:
  partitions: [debug]
  namespaces: [$HYBRIDCTL_KUBE_NAMESPACE]
  taint: ${HYBRIDCTL_KUBE_NODE_TAINT:-hybridctl.io/slurm-managed=true:NoSchedule}
EOF
printf 'HYBRIDCTL_BIN=%q\nHYBRIDCTL_SITE_CONFIG=%q\nHYBRIDCTL_HOOK_TIMEOUT=20\n' \
  "$hook_bin" "$hook_dir/site.yaml" >"$hook_dir/hook.env"

if [ "$services_only" = 1 ]; then
  log "the test clusters are up; stop them with testenv/slurm.sh down; testenv/kube/kube.sh down"
  exit 0
fi

# --- Tests -----------------------------------------------------------------------------
export RUST_BACKTRACE=0
log "cargo test"
cargo test --all-targets -- --include-ignored
