#!/usr/bin/env bash
# testenv/kube/build.sh - build the Kubernetes test control plane from Go modules.
#
# Builds kube-apiserver, kube-controller-manager, kube-scheduler and kubectl
# (k8s.io/kubernetes, wrapper module go/apiserver: one `go build` for all four, so the common
# k8s.io packages compile once), etcd (go.etcd.io/etcd/server/v3, go/etcd), the kwok
# controller (sigs.k8s.io/kwok, go/kwok), the Kubeflow training-operator v1
# (github.com/kubeflow/training-operator, go/operator), and the Kubeflow Trainer v2 controller
# manager with the JobSet controller (github.com/kubeflow/trainer/v2 and sigs.k8s.io/jobset,
# go/trainer: one module, one `go build`) with `go build` against the Go module
# proxy: no prebuilt binary is downloaded. It also takes two kinds of YAML out of Go modules
# that the go command downloads: the upstream Kubeflow PyTorchJob CRD (training-operator,
# manifests/base/crds/, the version of go/operator), kwok's stock stages (kustomize/stage/),
# and the Trainer's and JobSet's CRDs, webhook configurations and the Trainer's
# `torch-distributed` ClusterTrainingRuntime (the versions of go/trainer).
#
# Each component goes to its own directory, keyed by version:
#   $HYBRIDCTL_KUBE_CACHE/kube-apiserver-v1.36.3/kube-apiserver
#   $HYBRIDCTL_KUBE_CACHE/kube-controller-manager-v1.36.3/kube-controller-manager
#   $HYBRIDCTL_KUBE_CACHE/kube-scheduler-v1.36.3/kube-scheduler
#   $HYBRIDCTL_KUBE_CACHE/kubectl-v1.36.3/kubectl
#   $HYBRIDCTL_KUBE_CACHE/etcd-v3.6.16/etcd
#   $HYBRIDCTL_KUBE_CACHE/kwok-v0.8.0/kwok            (+ stages/: stock stages, Logs CRD)
#   $HYBRIDCTL_KUBE_CACHE/training-operator-v1.9.4/training-operator (+ kubeflow.org_pytorchjobs.yaml)
#   $HYBRIDCTL_KUBE_CACHE/trainer-controller-manager-v2.3.0/trainer-controller-manager (+ manifests/)
#   $HYBRIDCTL_KUBE_CACHE/jobset-v0.12.0/jobset       (+ manifests/)
# and a directory that links them all together, which is what this script prints on stdout:
#   $HYBRIDCTL_KUBE_CACHE/bin-k8s-v1.36.3-etcd-v3.6.16-kwok-v0.8.0/
# A component is rebuilt only if its binary is missing or its stamp (the wrapper's go.sum,
# the Go version, the build flags) differs, so a warm run does no Go work at all and needs
# neither `go` nor the network. Progress and timings go to stderr.
#
# Environment (all optional):
#   HYBRIDCTL_KUBE_CACHE=$HOME/.cache/hybridctl-testenv   where the binaries go (a second
#                                  cache lets a developer build new binaries while a control
#                                  plane runs on the old ones)
#   HYBRIDCTL_KUBE_BUILD_JOBS=     `go build -p N` (default: go's own, the number of CPUs)
#   HYBRIDCTL_KUBE_BUILD_KUBECTL=1 0 = do not build kubectl (kube.sh then uses kubectl from PATH)
#   GO=go                          the go command
# Usage: testenv/kube/build.sh [--check]   (--check: exit 0 iff everything is built; build nothing)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=${HYBRIDCTL_KUBE_CACHE:-${HOME:?}/.cache/hybridctl-testenv}
JOBS=${HYBRIDCTL_KUBE_BUILD_JOBS:-}
WITH_KUBECTL=${HYBRIDCTL_KUBE_BUILD_KUBECTL:-1}
GO=${GO:-go}
# sha256 of manifests/base/crds/kubeflow.org_pytorchjobs.yaml per training-operator version
declare -A CRD_SHA256=(
  [v1.9.4]=8b8a8a719cc94173169290251e817f7ac2bb425c20b6c2fa813397bcf4e932ed
)
CHECK_ONLY=0
[[ ${1:-} == --check ]] && CHECK_ONLY=1

log() { printf '[testenv/kube build] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
# version of module <mod> required by wrapper go.mod <file>
modver() { awk -v m="$2" '$1 == m && $2 ~ /^v/ { print $2; exit } $1 == "require" && $2 == m { print $3; exit }' "$1"; }

K8S=$(modver "$HERE/go/apiserver/go.mod" k8s.io/kubernetes)
ETCD=$(modver "$HERE/go/etcd/go.mod" go.etcd.io/etcd/server/v3)
KWOK=$(modver "$HERE/go/kwok/go.mod" sigs.k8s.io/kwok)
# the operator binary and the PyTorchJob CRD come from the same module version
TO_VERSION=$(modver "$HERE/go/operator/go.mod" github.com/kubeflow/training-operator)
# Trainer v2 and JobSet: one wrapper module (the JobSet version is the one the Trainer requires)
TRAINER=$(modver "$HERE/go/trainer/go.mod" github.com/kubeflow/trainer/v2)
JOBSET=$(modver "$HERE/go/trainer/go.mod" sigs.k8s.io/jobset)
[[ -n $K8S && -n $ETCD && -n $KWOK && -n $TO_VERSION && -n $TRAINER && -n $JOBSET ]] || die "could not read the versions from $HERE/go/*/go.mod"
BIN=$CACHE/bin-k8s-$K8S-etcd-$ETCD-kwok-$KWOK

gosetup() {
  command -v "$GO" >/dev/null || die "\`$GO\` not found (Go >= $(awk '$1 == "go" { print $2 }' "$HERE/go/apiserver/go.mod") is needed for a cold build; try PATH=/usr/local/go/bin:\$PATH)"
  export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0
  # -mod=readonly: the committed go.mod/go.sum are the pins; a mismatch is an error, not an edit
  GOFLAGS="${GOFLAGS:-} -trimpath -mod=readonly${JOBS:+ -p=$JOBS}"
  export GOFLAGS
}

# the stamp of a component: what its binary was built from
stamp() { # <wrapper dir> <ldflags>
  printf 'go.sum %s\n%s\nldflags %s\nGOFLAGS-less-p %s\n' \
    "$(sha256sum <"$1/go.sum" | cut -c1-16)" "$("$GO" version 2>/dev/null || echo go-unknown)" \
    "$2" "$(sed -E 's/ -p=[0-9]+//' <<<"${GOFLAGS:-}")"
}
# warm check without go: the binary exists and the go.sum it was built from is unchanged
fresh() { # <dir> <binary> <wrapper dir>
  [[ -x $1/$2 && -f $1/.stamp ]] &&
    grep -qxF "go.sum $(sha256sum <"$3/go.sum" | cut -c1-16)" "$1/.stamp"
}

build_go() { # <version> <wrapper dir> <ldflags> <name>[:<version>]=<package>...: one `go build` for the stale ones
  local ver=$1 wrapper=$2 ldf=$3 spec name pkg t0 tmp out i stale=() pkgs=() vers=() v
  shift 3
  for spec; do
    name=${spec%%=*}
    v=$ver
    # a command of another module of the same wrapper carries its own version (JobSet)
    if [[ $name == *:* ]]; then v=${name#*:} name=${name%%:*}; fi
    if fresh "$CACHE/$name-$v" "$name" "$wrapper"; then
      log "$name $v: up to date in $CACHE/$name-$v"
    else
      ((CHECK_ONLY)) && die "$name $v is not built (run $HERE/build.sh)"
      stale+=("$name")
      vers+=("$v")
      pkgs+=("${spec#*=}")
    fi
  done
  ((${#stale[@]})) || return 0
  gosetup
  t0=$(now)
  log "${stale[*]} $ver: building ${pkgs[*]} (cold: minutes) ..."
  mkdir -p "$CACHE"
  tmp=$(mktemp -d "$CACHE/.build.XXXXXX")
  # with several packages, -o DIR/ writes one binary per package, named as `go build` names
  # it (the last path element, or the one before a /vN); one package goes to its own name
  out=$tmp/
  ((${#pkgs[@]} == 1)) && out=$tmp/${stale[0]}
  if ! (cd "$wrapper" && "$GO" build -ldflags "$ldf" -o "$out" "${pkgs[@]}") >&2; then
    rm -rf "$tmp"
    die "go build of ${pkgs[*]} failed"
  fi
  for ((i = 0; i < ${#stale[@]}; i++)); do
    name=${stale[i]}
    pkg=$name
    if ((${#pkgs[@]} > 1)); then
      pkg=${pkgs[i]##*/}
      [[ $pkg =~ ^v[0-9]+$ ]] && pkg=$(basename "$(dirname "${pkgs[i]}")")
    fi
    [[ -x $tmp/$pkg ]] || { rm -rf "$tmp"; die "go build wrote no $tmp/$pkg"; }
    v=${vers[i]}
    mkdir -p "$CACHE/$name-$v"
    mv -f "$tmp/$pkg" "$CACHE/$name-$v/$name"
    stamp "$wrapper" "$ldf" >"$CACHE/$name-$v/.stamp"
    log "$name $v: $(du -h "$CACHE/$name-$v/$name" | cut -f1)"
  done
  rm -rf "$tmp"
  log "${stale[*]} $ver: built in $(since "$t0")s"
}

moddir() { # <module@version>: download it (checksum-verified) and print its directory
  local json
  json=$(cd "$HERE/go/kwok" && GOFLAGS=-mod=mod "$GO" mod download -json "$1") ||
    die "go mod download $1 failed: $json"
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",*$/\1/p' <<<"$json"
}

stages() { # kwok's stock stages and its Logs CRD, out of the kwok module
  local dir=$CACHE/kwok-$KWOK/stages src f
  [[ -s $dir/.done && -s $dir/crd-logs.yaml ]] && { log "kwok stages $KWOK: up to date"; return 0; }
  ((CHECK_ONLY)) && die "kwok stages are missing (run $HERE/build.sh)"
  gosetup
  src=$(moddir "sigs.k8s.io/kwok@$KWOK")
  mkdir -p "$dir"
  for f in node/fast/node-initialize.yaml node/heartbeat/node-heartbeat.yaml \
    pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    [[ -f $src/kustomize/stage/$f ]] || die "kwok $KWOK has no kustomize/stage/$f"
    cp "$src/kustomize/stage/$f" "$dir/${f//\//_}"
  done
  # lets tests point one pod's logs at a file of their own (kwok --enable-crds=Logs)
  f=kustomize/crd/bases/kwok.x-k8s.io_logs.yaml
  [[ -f $src/$f ]] || die "kwok $KWOK has no $f"
  cp "$src/$f" "$dir/crd-logs.yaml"
  chmod u+w "$dir"/*.yaml
  echo "sigs.k8s.io/kwok@$KWOK kustomize/stage" >"$dir/.done"
  log "kwok stages $KWOK: copied to $dir"
}

crd() { # the upstream PyTorchJob CRD, out of the training-operator module
  local dir=$CACHE/training-operator-$TO_VERSION f=kubeflow.org_pytorchjobs.yaml src want got
  want=${CRD_SHA256[$TO_VERSION]:-}
  if [[ -s $dir/$f ]]; then
    log "PyTorchJob CRD $TO_VERSION: up to date"
    return 0
  fi
  ((CHECK_ONLY)) && die "the PyTorchJob CRD is missing (run $HERE/build.sh)"
  gosetup
  src=$(moddir "github.com/kubeflow/training-operator@$TO_VERSION")
  [[ -f $src/manifests/base/crds/$f ]] || die "training-operator $TO_VERSION has no manifests/base/crds/$f"
  got=$(sha256sum <"$src/manifests/base/crds/$f" | cut -d' ' -f1)
  if [[ -n $want && $got != "$want" ]]; then
    die "training-operator $TO_VERSION $f: sha256 $got, expected $want"
  fi
  mkdir -p "$dir"
  cp "$src/manifests/base/crds/$f" "$dir/.$f.tmp"
  chmod u+w "$dir/.$f.tmp"
  mv -f "$dir/.$f.tmp" "$dir/$f"
  log "PyTorchJob CRD $TO_VERSION: copied ($(wc -c <"$dir/$f") bytes, sha256 ${got:0:16}...)"
}

kubeflow_manifests() { # the Trainer's and JobSet's YAML, out of their modules (versions of go/trainer)
  local tdir=$CACHE/trainer-controller-manager-$TRAINER/manifests jdir=$CACHE/jobset-$JOBSET/manifests src f
  if [[ -s $tdir/.done && -s $jdir/.done ]]; then
    log "Trainer $TRAINER and JobSet $JOBSET manifests: up to date"
    return 0
  fi
  ((CHECK_ONLY)) && die "the Trainer/JobSet manifests are missing (run $HERE/build.sh)"
  gosetup
  src=$(moddir "github.com/kubeflow/trainer/v2@$TRAINER")
  mkdir -p "$tdir"
  for f in crds/trainer.kubeflow.org_trainjobs.yaml crds/trainer.kubeflow.org_trainingruntimes.yaml \
    crds/trainer.kubeflow.org_clustertrainingruntimes.yaml runtimes/torch_distributed.yaml webhook/manifests.yaml; do
    [[ -f $src/manifests/base/$f ]] || die "trainer $TRAINER has no manifests/base/$f"
    cp "$src/manifests/base/$f" "$tdir/${f//\//_}"
  done
  chmod u+w "$tdir"/*.yaml
  echo "github.com/kubeflow/trainer/v2@$TRAINER manifests/base" >"$tdir/.done"
  src=$(moddir "sigs.k8s.io/jobset@$JOBSET")
  mkdir -p "$jdir"
  for f in crd/bases/jobset.x-k8s.io_jobsets.yaml webhook/manifests.yaml; do
    [[ -f $src/config/components/$f ]] || die "jobset $JOBSET has no config/components/$f"
    cp "$src/config/components/$f" "$jdir/${f//\//_}"
  done
  chmod u+w "$jdir"/*.yaml
  echo "sigs.k8s.io/jobset@$JOBSET config/components" >"$jdir/.done"
  log "Trainer $TRAINER and JobSet $JOBSET manifests: copied to $tdir and $jdir"
}

t_all=$(now)
mkdir -p "$CACHE"
# one build at a time per cache (parallel CI jobs would otherwise compile twice)
exec {LOCK_FD}>>"$CACHE/.build.lock"
flock -w 3600 "$LOCK_FD" || die "could not lock $CACHE/.build.lock"

MINOR=$(cut -d. -f2 <<<"$K8S")
# without these, /version and --version say v0.0.0-master+$Format:%H$ (component-base defaults)
K8S_LDF="-s -w -X k8s.io/component-base/version.gitVersion=$K8S -X k8s.io/component-base/version.gitMajor=1"
K8S_LDF+=" -X k8s.io/component-base/version.gitMinor=$MINOR -X k8s.io/component-base/version.gitTreeState=clean"
K8S_LDF+=" -X k8s.io/client-go/pkg/version.gitVersion=$K8S -X k8s.io/client-go/pkg/version.gitMajor=1"
K8S_LDF+=" -X k8s.io/client-go/pkg/version.gitMinor=$MINOR"

K8S_CMDS=(kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver
  kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager
  kube-scheduler=k8s.io/kubernetes/cmd/kube-scheduler)
if [[ $WITH_KUBECTL == 1 ]]; then K8S_CMDS+=(kubectl=k8s.io/kubernetes/cmd/kubectl); fi
build_go "$K8S" "$HERE/go/apiserver" "$K8S_LDF" "${K8S_CMDS[@]}"
build_go "$ETCD" "$HERE/go/etcd" "-s -w" etcd=go.etcd.io/etcd/server/v3
build_go "$KWOK" "$HERE/go/kwok" "-s -w" kwok=sigs.k8s.io/kwok/cmd/kwok
build_go "$TO_VERSION" "$HERE/go/operator" "-s -w" \
  training-operator=github.com/kubeflow/training-operator/cmd/training-operator.v1
build_go "$TRAINER" "$HERE/go/trainer" "-s -w" \
  trainer-controller-manager=github.com/kubeflow/trainer/v2/cmd/trainer-controller-manager \
  "jobset:$JOBSET=sigs.k8s.io/jobset"
stages
crd
kubeflow_manifests

if ((!CHECK_ONLY)) || [[ ! -d $BIN ]]; then
  ((CHECK_ONLY)) && die "$BIN is missing (run $HERE/build.sh)"
  mkdir -p "$BIN"
  for p in kube-apiserver kube-controller-manager kube-scheduler; do ln -sfn "$CACHE/$p-$K8S/$p" "$BIN/$p"; done
  ln -sfn "$CACHE/training-operator-$TO_VERSION/training-operator" "$BIN/training-operator"
  ln -sfn "$CACHE/etcd-$ETCD/etcd" "$BIN/etcd"
  ln -sfn "$CACHE/kwok-$KWOK/kwok" "$BIN/kwok"
  ln -sfn "$CACHE/trainer-controller-manager-$TRAINER/trainer-controller-manager" "$BIN/trainer-controller-manager"
  ln -sfn "$CACHE/trainer-controller-manager-$TRAINER/manifests" "$BIN/trainer-manifests"
  ln -sfn "$CACHE/jobset-$JOBSET/jobset" "$BIN/jobset"
  ln -sfn "$CACHE/jobset-$JOBSET/manifests" "$BIN/jobset-manifests"
  ln -sfn "$CACHE/kwok-$KWOK/stages" "$BIN/kwok-stages"
  ln -sfn "$CACHE/training-operator-$TO_VERSION/kubeflow.org_pytorchjobs.yaml" "$BIN/kubeflow.org_pytorchjobs.yaml"
  if [[ $WITH_KUBECTL == 1 ]]; then ln -sfn "$CACHE/kubectl-$K8S/kubectl" "$BIN/kubectl"; fi
fi
log "done in $(since "$t_all")s: $BIN"
echo "$BIN"
