#!/usr/bin/env bash
# Builds the real Kubernetes control plane the tests and the demo run on: kube-apiserver,
# kube-controller-manager and kubectl from k8s.io/kubernetes, and etcd from go.etcd.io/etcd/server/v3, at the
# versions pinned in go/kubernetes/go.mod and go/etcd/go.mod (the only place they are written down).
#
# Usage: build-control-plane.sh RECORD_FILE
#   Writes the folder holding the four binaries into RECORD_FILE (read by embedded/'s EmbeddedKubernetes).
#
# - KUBEBUILDER_ASSETS (envtest's convention) naming a folder with etcd, kube-apiserver, kube-controller-manager
#   and kubectl skips the build and records that folder.
# - Otherwise the binaries are built once into a cache folder keyed by version,
#   ${STREAMING_PIPELINE_CACHE:-$HOME/.cache/streaming-pipeline}/kubernetes/<k8s>-etcd-<etcd>/; a folder is only
#   ever taken as done when it was renamed into place after a complete build, so an interrupted build is redone.
set -euo pipefail

record=${1:?usage: build-control-plane.sh RECORD_FILE}
here=$(cd "$(dirname "$0")" && pwd)
binaries=(etcd kube-apiserver kube-controller-manager kubectl)

fail() {
  echo "control plane: $*" >&2
  exit 1
}

write_record() {
  mkdir -p "$(dirname "$record")"
  printf '%s\n' "$1" > "$record.tmp"
  mv -f "$record.tmp" "$record"
}

complete_folder() {
  local dir=$1 b
  for b in "${binaries[@]}"; do
    [ -x "$dir/$b" ] || return 1
  done
}

if [ -n "${KUBEBUILDER_ASSETS:-}" ]; then
  complete_folder "$KUBEBUILDER_ASSETS" \
    || fail "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS must hold the executables ${binaries[*]}"
  echo "control plane: using the binaries in KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS (no build)"
  write_record "$(cd "$KUBEBUILDER_ASSETS" && pwd)"
  exit 0
fi

pinned() { # module, go.mod file: the version the go.mod requires
  awk -v m="$1" '$1 == m && $2 ~ /^v/ { print $2; exit }' "$2"
}
k8s_version=$(pinned k8s.io/kubernetes "$here/go/kubernetes/go.mod")
etcd_version=$(pinned go.etcd.io/etcd/server/v3 "$here/go/etcd/go.mod")
[ -n "$k8s_version" ] && [ -n "$etcd_version" ] || fail "cannot read the pinned versions from $here/go/*/go.mod"

cache=${STREAMING_PIPELINE_CACHE:-$HOME/.cache/streaming-pipeline}/kubernetes
target="$cache/$k8s_version-etcd-$etcd_version"
if complete_folder "$target"; then
  echo "control plane: Kubernetes $k8s_version and etcd $etcd_version already built in $target"
  write_record "$target"
  exit 0
fi

command -v go > /dev/null \
  || fail "needs Go 1.26 or newer to build Kubernetes $k8s_version and etcd $etcd_version; install Go, or set KUBEBUILDER_ASSETS to a folder holding ${binaries[*]}"

mkdir -p "$cache"
work=$(mktemp -d "$cache/.building-XXXXXX")
trap 'rm -rf "$work"' EXIT

# what `kubectl version` and the API server's /version report, as the release build sets them
minor=${k8s_version#v1.}
minor=${minor%%.*}
version_flags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_flags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  version_flags+=" -X $pkg.gitTreeState=clean"
done

start=$(date +%s)
echo "control plane: building Kubernetes $k8s_version (kube-apiserver, kube-controller-manager, kubectl) and etcd"
echo "control plane: $etcd_version from the Go module proxy into $target; the first build takes several minutes"
(
  cd "$here/go/kubernetes"
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w$version_flags" -o "$work/" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kubectl
) || fail "building Kubernetes $k8s_version failed (see the Go output above)"
echo "control plane: Kubernetes binaries built after $(( $(date +%s) - start )) s; building etcd $etcd_version"
(
  cd "$here/go/etcd"
  CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$work/etcd" go.etcd.io/etcd/server/v3
) || fail "building etcd $etcd_version failed (see the Go output above)"
complete_folder "$work" || fail "the build finished without every one of ${binaries[*]} in $work"

# rename into place: a reader sees no folder or a complete one
rm -rf "$target"
mv "$work" "$target"
trap - EXIT
echo "control plane: built in $(( $(date +%s) - start )) s into $target"
write_record "$target"
