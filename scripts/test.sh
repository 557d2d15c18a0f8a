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
die() { printf '[test] error: %s\n' "$1" >&2; [ -z "${2:-}" ] || printf '[test]   hint: %s\n' "$2" >&2; exit 1; }

# --- Root -------------------------------------------------------------------------------
# The test Slurm runs slurmctld/slurmd as root (slurmd starts jobs as their users, in UTS
# namespaces), and Debian packages are installed: the suite runs as root (a container, a VM,
# CI). Through sudo: `sudo -E scripts/test.sh` (keeps PATH, CARGO_HOME and RUSTUP_HOME).
[ "$(id -u)" -eq 0 ] ||
  die "scripts/test.sh must run as root: the test Slurm's daemons run as root" \
    "run it as root, or \`sudo -E env PATH=\"\$PATH\" scripts/test.sh\`"

# --- Debian packages -------------------------------------------------------------------
missing=()
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)
# perftest: fabric-check's tests run the real `ib_write_bw` (no RDMA device here: it must fail fast)
command -v ib_write_bw >/dev/null 2>&1 || missing+=(perftest)
# groff: the man-page test renders every page with warnings on
command -v groff >/dev/null 2>&1 || missing+=(groff-base)
# the install tests: `man -M PREFIX/share/man`, bash-completion's loader, Debian's Lmod
command -v man >/dev/null 2>&1 || missing+=(man-db)
[ -f /usr/share/bash-completion/bash_completion ] || missing+=(bash-completion)
[ -f /usr/share/lmod/lmod/init/bash ] || missing+=(lmod)
# the start-up test: cluster-free commands open no kubeconfig, start no runtime (strace)
command -v strace >/dev/null 2>&1 || missing+=(strace)
# scripts/release.sh: aarch64 binary under qemu-user, the Zig/cargo-zigbuild venv
command -v qemu-aarch64 >/dev/null 2>&1 || missing+=(qemu-user)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || missing+=(python3-venv)
# jq: testenv/kube/trainer.sh points the Trainer's and JobSet's webhook configurations at 127.0.0.1
command -v jq >/dev/null 2>&1 || missing+=(jq)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  apt_opts=(-o DPkg::Lock::Timeout=300 -y -q --no-install-recommends)
  if ! apt-get "${apt_opts[@]}" install "${missing[@]}" >/dev/null; then
    apt-get -o DPkg::Lock::Timeout=300 -q update >/dev/null
    apt-get "${apt_opts[@]}" install "${missing[@]}" >/dev/null
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

# --- Go for the test control plane -------------------------------------------------------------
# testenv/kube/build.sh builds it from Go modules and needs the Go of their go.mod (Debian's
# golang-go is older). A Go >= 1.21 fetches the right one itself from the Go module proxy
# (GOTOOLCHAIN, https://go.dev/doc/toolchain) into its module cache; older or no Go: say what to
# install. A warm cache (build.sh --check) needs no Go at all.
if ! testenv/kube/build.sh --check >/dev/null 2>&1; then
  go_want=$(awk '$1 == "go" { print $2; exit }' testenv/kube/go/apiserver/go.mod)
  go_have=$(go env GOVERSION 2>/dev/null | sed 's/^go//') || go_have=''
  older() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" != "$2" ]; }
  if [ -z "$go_have" ] || older "$go_have" 1.21; then
    die "the test control plane is built with Go $go_want; ${go_have:+Go $go_have is too old to fetch it}${go_have:-no \`go\` on PATH}" \
      "install Go >= 1.21 (e.g. the go1.$(cut -d. -f2 <<<"$go_want") tarball from go.dev into /usr/local/go, PATH=/usr/local/go/bin:\$PATH); it fetches Go $go_want itself"
  fi
  if older "$go_have" "$go_want"; then
    log "Go $go_have is older than $go_want: fetching go$go_want through the Go module proxy (GOTOOLCHAIN)"
    GO=$(GOTOOLCHAIN=go$go_want go env GOROOT)/bin/go
    "$GO" version >/dev/null || die "could not get Go $go_want through GOTOOLCHAIN" \
      "check that the Go module proxy is reachable (GOPROXY=$(go env GOPROXY)), or install Go $go_want"
    export GO
  fi
fi

# --- Free ports and fresh directories for this run -------------------------------------------
# Unless the HYBRIDCTL_KUBE_*/HYBRIDCTL_SLURM_* variables say otherwise (testenv/*.sh document
# them), each run gets its own directories and a block of ports nothing listens on, so two runs
# on one machine (two checkouts, CI beside a developer) do not collide.
if [ -z "${HYBRIDCTL_KUBE_DIR:-}${HYBRIDCTL_SLURM_DIR:-}${HYBRIDCTL_KUBE_API_PORT:-}${HYBRIDCTL_SLURM_CTLD_PORT:-}" ]; then
  run_dir=$(mktemp -d /tmp/hybridctl-test.XXXXXX)
  chmod 0755 "$run_dir"
  # kube daemons base+0..5, slurmctld base+6, Trainer and JobSet base+7..10, slurmd of nodeI
  # base+20+I
  base=$(testenv/free-ports.sh 40) || die "found no 40 free ports" "set HYBRIDCTL_KUBE_*_PORT and HYBRIDCTL_SLURM_*_PORT* (testenv/README.md)"
  export HYBRIDCTL_KUBE_DIR=$run_dir/kube HYBRIDCTL_SLURM_DIR=$run_dir/slurm
  export HYBRIDCTL_KUBE_ETCD_PORT=$base HYBRIDCTL_KUBE_ETCD_PEER_PORT=$((base + 1))
  export HYBRIDCTL_KUBE_API_PORT=$((base + 2)) HYBRIDCTL_KUBE_KWOK_PORT=$((base + 3))
  export HYBRIDCTL_KUBE_OPERATOR_HEALTH_PORT=$((base + 4)) HYBRIDCTL_KUBE_OPERATOR_WEBHOOK_PORT=$((base + 5))
  export HYBRIDCTL_SLURM_CTLD_PORT=$((base + 6)) HYBRIDCTL_SLURM_SLURMD_PORT_BASE=$((base + 20))
  export HYBRIDCTL_KUBE_TRAINER_WEBHOOK_PORT=$((base + 7)) HYBRIDCTL_KUBE_JOBSET_WEBHOOK_PORT=$((base + 8))
  export HYBRIDCTL_KUBE_TRAINER_HEALTH_PORT=$((base + 9)) HYBRIDCTL_KUBE_JOBSET_HEALTH_PORT=$((base + 10))
  log "this run's test clusters: $run_dir, ports $base-$((base + 39))"
  if [ "$services_only" = 1 ]; then
    env_file=$run_dir/env.sh
    export -p | grep -E ' HYBRIDCTL_(KUBE|SLURM)_' >"$env_file"
  fi
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
  if [ -n "${env_file:-}" ]; then
    log "the test clusters are up; first: source $env_file"
  fi
  log "the test clusters are up; stop them with testenv/slurm.sh down; testenv/kube/kube.sh down"
  exit 0
fi

# --- Tests -----------------------------------------------------------------------------
export RUST_BACKTRACE=0
log "cargo test"
cargo test --all-targets -- --include-ignored

# --- Static release binaries ---------------------------------------------------------------------
# x86_64 and aarch64 musl binaries, checked: no dynamic section, --version/validate/render in an
# empty chroot, the aarch64 one under qemu-user (scripts/release.sh). CI builds the ci-release
# profile: the release profile's shape without fat LTO, whose build does not fit CI's budget
# next to everything above (README "Releases").
log "static release binaries (scripts/release.sh --profile ci-release)"
scripts/release.sh --profile ci-release --out "${CARGO_TARGET_DIR:-$PWD/target}/dist-check"
# this run's directories (only when this run made them; kept when a step above failed)
if [ -n "${run_dir:-}" ]; then
  testenv/slurm.sh down >/dev/null 2>&1 || true
  testenv/kube/kube.sh down >/dev/null 2>&1 || true
  rm -rf "$run_dir"
fi
