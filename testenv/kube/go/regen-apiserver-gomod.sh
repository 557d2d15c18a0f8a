#!/usr/bin/env bash
# testenv/kube/go/regen-apiserver-gomod.sh v1.X.Y [DIR] - only when bumping Kubernetes.
#
# Rewrites DIR/go.mod (default: testenv/kube/go/apiserver) for k8s.io/kubernetes v1.X.Y and
# runs `go mod tidy`. k8s.io/kubernetes requires its staging modules (k8s.io/api, ...) at
# v0.0.0 and replaces them with ./staging/src/...; a module that depends on it must replace
# each of them with the published v0.X.Y. The list is read from k8s's own go.mod, so it
# follows new staging modules (1.33 had 31, 1.36 has 33).
set -euo pipefail
V=${1:?usage: regen-apiserver-gomod.sh v1.X.Y [DIR]}
[[ $V =~ ^v1\.[0-9]+\.[0-9]+$ ]] || { echo "not a Kubernetes version: $V" >&2; exit 2; }
S=v0.${V#v1.}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${2:-$HERE/apiserver}
export GOTOOLCHAIN=local GOWORK=off
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
(cd "$T" && go mod init tmp >/dev/null 2>&1 && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$V" >dl.json)
MOD=$(sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",*$/\1/p' "$T/dl.json")
[[ -s $MOD ]] || { echo "could not download k8s.io/kubernetes@$V" >&2; exit 1; }
mkdir -p "$OUT"
{
  printf 'module hybridctl.test/testenv-kube/apiserver\n\n'
  grep -E '^(go|godebug) ' "$MOD"
  printf '\ntool (\n\tk8s.io/kubernetes/cmd/kube-apiserver\n\tk8s.io/kubernetes/cmd/kube-controller-manager\n\tk8s.io/kubernetes/cmd/kube-scheduler\n\tk8s.io/kubernetes/cmd/kubectl\n)\n'
  printf '\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$V"
  sed -nE "s#^[[:space:]]*(k8s\.io/[A-Za-z0-9._-]+) => \./staging/src/k8s\.io/.*#\t\1 => \1 $S#p" "$MOD"
  echo ")"
} >"$OUT/go.mod"
rm -f "$OUT/go.sum"
(cd "$OUT" && go mod tidy)
echo "wrote $OUT/go.mod and go.sum for k8s.io/kubernetes $V (staging $S)" >&2
