#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine or a warm one. Installs what the tests
# need (Debian packages), starts the real test services, then runs formatting, lint and
# every test. CI runs exactly this (see .ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '[test] %s\n' "$*" >&2; }

# --- Debian packages -------------------------------------------------------------------
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
missing=()
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt_opts=(-o DPkg::Lock::Timeout=300 -y -q --no-install-recommends)
  if ! as_root apt-get "${apt_opts[@]}" install "${missing[@]}" >/dev/null; then
    as_root apt-get -o DPkg::Lock::Timeout=300 -q update >/dev/null
    as_root apt-get "${apt_opts[@]}" install "${missing[@]}" >/dev/null
  fi
fi

# --- Rust checks -----------------------------------------------------------------------
log "cargo fmt --check"
cargo fmt --all -- --check
log "cargo clippy"
cargo clippy --quiet --all-targets -- -D warnings
log "shellcheck of the project's scripts"
shellcheck scripts/*.sh benches/*.sh testenv/*.sh testenv/kube/*.sh testenv/kube/go/*.sh tests/fixtures/bin/* tests/fixtures/*/record.sh .ci/run

# --- Real services the tests need --------------------------------------------------------
# A real multi-node Slurm (Debian's slurm-wlm + munge), see testenv/README.md. Tests that
# need it fail when it is missing. HYBRIDCTL_KEEP_SLURM=1 leaves both test clusters running afterwards.
log "starting the test Slurm cluster (testenv/slurm.sh up)"
testenv/slurm.sh up
eval "$(testenv/slurm.sh env)"
if [ "${HYBRIDCTL_KEEP_SLURM:-0}" != 1 ]; then
  trap 'testenv/slurm.sh down >/dev/null 2>&1 || true' EXIT
fi

# A real kube-apiserver + etcd + kwok with the Kubeflow PyTorchJob CRD, built from Go modules
# into ~/.cache/hybridctl-testenv (a cold build takes 5-7 minutes; later runs skip it), see
# testenv/kube/README.md.
log "starting the test Kubernetes control plane (testenv/kube/kube.sh up)"
testenv/kube/kube.sh up
eval "$(testenv/kube/kube.sh env)"
if [ "${HYBRIDCTL_KEEP_SLURM:-0}" != 1 ]; then
  trap 'testenv/slurm.sh down >/dev/null 2>&1 || true; testenv/kube/kube.sh down >/dev/null 2>&1 || true' EXIT
fi

# --- Tests -----------------------------------------------------------------------------
export RUST_BACKTRACE=0
log "cargo test"
cargo test --all-targets -- --include-ignored
