#!/usr/bin/env bash
# scripts/release.sh - static Linux binaries of hybridctl, and the checks that prove they are.
#
# Builds hybridctl for x86_64-unknown-linux-musl and aarch64-unknown-linux-musl: statically
# linked against musl, TLS by rustls (no OpenSSL), so one file runs on any Linux login node
# (RHEL/Rocky 8's glibc 2.28, Grace Hopper's aarch64) with nothing else installed. The C parts
# (ring) are compiled and everything is linked by Zig (`cargo zigbuild`), which carries musl for
# both targets; ziglang and cargo-zigbuild come from PyPI into a virtual environment under
# $HYBRIDCTL_RELEASE_TOOLS (installed by this script, pinned below). The Rust standard library
# for the musl targets comes from `rustup target add`.
#
# Then it checks each binary (CI runs this through scripts/test.sh):
#   - no dynamic section and no program interpreter (`readelf`), the expected machine;
#   - x86_64: `--version`, `validate` and `render` of examples/llama-8node-roce.yaml run inside
#     an empty directory used as a chroot (the binary and the spec, no libc, no /etc), and the
#     render there is byte-identical to the render outside it;
#   - aarch64: the same commands under qemu-user (Debian's qemu-user), same comparison with the
#     x86_64 render;
#   - the release profile's binaries are at most 10 MiB (HYBRIDCTL_RELEASE_MAX_BYTES).
# No glibc build is made: the static binary is the one that runs on glibc 2.28 hosts.
#
# Usage: scripts/release.sh [--profile release|ci-release] [--target x86_64|aarch64]...
#                           [--out DIR] [--no-check] [--check-only]
#   --profile     cargo profile (default release: opt-level s, fat LTO, one codegen unit, strip,
#                 panic=abort; ci-release: opt-level 3, no LTO, 16 codegen units, what CI builds)
#   --target      build only this architecture (repeatable; default both)
#   --out         where the binaries and SHA256SUMS go (default dist/)
#   --check-only  check binaries already in --out, build nothing
# Environment: HYBRIDCTL_RELEASE_TOOLS=$HOME/.cache/hybridctl-release, CARGO_TARGET_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."

ZIGLANG_VERSION=0.17.1
ZIGBUILD_VERSION=0.24.1
# the goal for what users download: 10 MiB (README "Releases": 9.67 MiB today)
MAX_BYTES=${HYBRIDCTL_RELEASE_MAX_BYTES:-10485760}
SPEC=examples/llama-8node-roce.yaml
RENDER_ARGS=(--job-id 4242 --nodelist 'gpu[001-008]')

log() { printf '[release] %s\n' "$*" >&2; }
die() {
  printf '[release] error: %s\n' "$1" >&2
  [[ -n ${2:-} ]] && printf '[release]   hint: %s\n' "$2" >&2
  exit 1
}
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
now() { date +%s; }

profile=release out=dist check=1 build=1 arches=()
while [[ $# -gt 0 ]]; do
  case $1 in
  --profile) profile=${2:?--profile needs a value}; shift 2 ;;
  --target) arches+=("${2:?--target needs x86_64 or aarch64}"); shift 2 ;;
  --out) out=${2:?--out needs a directory}; shift 2 ;;
  --no-check) check=0; shift ;;
  --check-only) build=0; shift ;;
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument \`$1\`" "see \`scripts/release.sh --help\`" ;;
  esac
done
[[ ${#arches[@]} -gt 0 ]] || arches=(x86_64 aarch64)
for a in "${arches[@]}"; do
  [[ $a == x86_64 || $a == aarch64 ]] || die "unknown --target \`$a\`" "use x86_64 or aarch64"
done
case $profile in release | ci-release) ;; *) die "unknown --profile \`$profile\`" "use release or ci-release" ;; esac

version=$(awk -F'"' '/^version = / { print $2; exit }' Cargo.toml)
[[ -n $version ]] || die "could not read the version from Cargo.toml"
mkdir -p "$out"
out=$(cd "$out" && pwd)
target_dir=${CARGO_TARGET_DIR:-$PWD/target}
artifact() { echo "$out/hybridctl-$version-$1-linux-musl"; }

# --- Debian packages: readelf (binutils) and qemu-user for the checks -------------------------
need=()
command -v readelf >/dev/null 2>&1 || need+=(binutils)
if [[ $check == 1 ]] && [[ " ${arches[*]} " == *" aarch64 "* ]]; then
  command -v qemu-aarch64 >/dev/null 2>&1 || need+=(qemu-user)
fi
if [[ ${#need[@]} -gt 0 ]]; then
  log "installing Debian packages: ${need[*]}"
  apt_opts=(-o DPkg::Lock::Timeout=300 -y -q --no-install-recommends)
  if ! as_root apt-get "${apt_opts[@]}" install "${need[@]}" >/dev/null; then
    as_root apt-get -o DPkg::Lock::Timeout=300 -q update >/dev/null
    as_root apt-get "${apt_opts[@]}" install "${need[@]}" >/dev/null
  fi
fi

# --- Build --------------------------------------------------------------------------------------
if [[ $build == 1 ]]; then
  tools=${HYBRIDCTL_RELEASE_TOOLS:-${HOME:?}/.cache/hybridctl-release}
  venv=$tools/venv
  if ! "$venv/bin/cargo-zigbuild" --version 2>/dev/null | grep -qF "$ZIGBUILD_VERSION" ||
    ! "$venv/bin/python" -m ziglang version 2>/dev/null | grep -qF "$ZIGLANG_VERSION"; then
    log "installing ziglang $ZIGLANG_VERSION and cargo-zigbuild $ZIGBUILD_VERSION from PyPI into $venv"
    command -v python3 >/dev/null || die "python3 not found" "install Debian's python3 and python3-venv"
    python3 -m venv "$venv" ||
      die "could not create a Python virtual environment in $venv" "install Debian's python3-venv"
    "$venv/bin/pip" install -q --disable-pip-version-check \
      "ziglang==$ZIGLANG_VERSION" "cargo-zigbuild==$ZIGBUILD_VERSION" ||
      die "pip could not install ziglang/cargo-zigbuild" "check that PyPI is reachable (pip's error above)"
  fi
  export PATH="$venv/bin:$PATH"
  for a in "${arches[@]}"; do
    triple=$a-unknown-linux-musl
    if [[ ! -d $(rustc --print sysroot)/lib/rustlib/$triple ]]; then
      command -v rustup >/dev/null ||
        die "the Rust standard library for $triple is missing and rustup is not installed" \
          "install the $triple target of your Rust toolchain"
      log "rustup target add $triple"
      rustup target add "$triple" >&2 ||
        die "rustup could not add the $triple target" "check that rustup reaches its distribution server"
    fi
    log "building $triple (profile $profile)"
    t0=$(now)
    cargo zigbuild --quiet --locked --profile "$profile" --target "$triple" --bin hybridctl
    log "built $triple in $(($(now) - t0)) s"
    install -m 0755 "$target_dir/$triple/$profile/hybridctl" "$(artifact "$a")"
  done
  (cd "$out" && sha256sum hybridctl-"$version"-*-linux-musl >SHA256SUMS)
fi

[[ $check == 1 ]] || exit 0

# --- Checks ---------------------------------------------------------------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { die "$(artifact "$1"): $2" "${3:-}"; }

static_checks() { # <arch> <readelf machine>
  local bin size
  bin=$(artifact "$1")
  [[ -x $bin ]] || fail "$1" "missing" "build it: scripts/release.sh --target $1"
  readelf -h "$bin" | grep -q "Machine: *$2" || fail "$1" "is not an $2 executable"
  readelf -d "$bin" | grep -q 'There is no dynamic section' ||
    fail "$1" "has a dynamic section: it is not static" "$(readelf -d "$bin" | grep NEEDED | tr -s ' ')"
  if readelf -l "$bin" | grep -q INTERP; then fail "$1" "names a program interpreter"; fi
  size=$(stat -c %s "$bin")
  # the size goal is the shipped profile's; ci-release (no LTO) is larger by design
  if [[ $profile == release && $size -gt $MAX_BYTES ]]; then
    fail "$1" "is $size bytes, more than $MAX_BYTES"
  fi
  log "$1: static, no interpreter, $size bytes (profile $profile)"
}

# run_all <arch> <how...>: --version, validate and render of the example (as `spec.yaml`, from the
# current directory); the render goes to $work/render-<arch>
run_all() {
  local arch=$1
  shift
  "$@" --version | grep -qx "hybridctl $version" || fail "$arch" "\`--version\` did not print \`hybridctl $version\`"
  "$@" validate spec.yaml >/dev/null || fail "$arch" "\`validate\` of $SPEC failed"
  "$@" render spec.yaml "${RENDER_ARGS[@]}" >"$work/render-$arch" ||
    fail "$arch" "\`render\` of $SPEC failed"
  grep -q '^#SBATCH --nodes=8' "$work/render-$arch" || fail "$arch" "the render has no \`#SBATCH --nodes=8\`"
}

for a in "${arches[@]}"; do
  case $a in
  x86_64)
    static_checks x86_64 'Advanced Micro Devices X86-64'
    root=$work/root
    mkdir -p "$root"
    install -m 0755 "$(artifact x86_64)" "$root/hybridctl"
    cp "$SPEC" "$root/spec.yaml"
    # an empty tree: nothing but the binary and the spec; no libc, no /etc, no /tmp
    # absolute paths: `env -i` leaves no PATH to find them (chroot is in /usr/sbin)
    chroot_bin=$(command -v chroot) || die "chroot not found" "install Debian's coreutils"
    if [[ $(id -u) -eq 0 ]]; then
      jail=("$chroot_bin" "$root")
    else
      jail=("$(command -v unshare)" --map-root-user "$chroot_bin" "$root")
    fi
    # chroot starts in the new root, where spec.yaml is
    run_all x86_64 env -i "${jail[@]}" /hybridctl
    # outside the chroot, with this machine's environment: the same bytes
    (cd "$root" && ./hybridctl render spec.yaml "${RENDER_ARGS[@]}") >"$work/render-host"
    cmp -s "$work/render-x86_64" "$work/render-host" ||
      fail x86_64 "renders differently inside the empty chroot" "diff the two renders of $SPEC"
    log "x86_64: --version, validate, render in an empty chroot: ok"
    ;;
  aarch64)
    static_checks aarch64 AArch64
    mkdir -p "$work/arm/empty"
    cp "$SPEC" "$work/arm/spec.yaml"
    # qemu-user emulates the binary here; -L: an empty tree as its ELF interpreter prefix
    qemu=$(command -v qemu-aarch64) || die "qemu-aarch64 not found" "install Debian's qemu-user"
    (cd "$work/arm" && run_all aarch64 env -i "$qemu" -L "$work/arm/empty" "$(artifact aarch64)")
    log "aarch64: --version, validate, render under qemu-user: ok"
    ;;
  esac
done
if [[ -s $work/render-x86_64 && -s $work/render-aarch64 ]]; then
  cmp -s "$work/render-x86_64" "$work/render-aarch64" ||
    fail aarch64 "renders differently from the x86_64 binary" "diff the two renders of $SPEC"
  log "aarch64 and x86_64 render the same bytes"
fi
log "all checks passed: $out"
