#!/usr/bin/env bash
# Builds two releases of SeaweedFS (https://github.com/seaweedfs/seaweedfs,
# Apache-2.0), a clustered store faultdrill did not write, from the Go module
# proxy: weed-4.53, as released, and weed-4.54, the same code reporting
# version 4.54 — the "upgrade" of the bundled SeaweedFS drills. Static
# (CGO_ENABLED=0); nothing but the module proxy is reached.
#
#   demo/seaweedfs/build.sh OUTDIR     (make seaweedfs: OUTDIR=bin)
#
# A binary already in OUTDIR is kept. The module has a replace directive,
# so `go install …@version` refuses it: it is built from a copy of the
# module, with its own go.mod and go.sum.
set -euo pipefail

version=v0.0.0-20261109003541-7506e5f91cd6
out=$(mkdir -p "${1:-bin}" && cd "${1:-bin}" && pwd)
if [ -x "$out/weed-4.53" ] && [ -x "$out/weed-4.54" ]; then
  echo "seaweedfs: $out/weed-4.53 and weed-4.54 are built"
  exit 0
fi

export GOFLAGS=-mod=mod CGO_ENABLED=0 GOWORK=off
dir=$(go mod download -json "github.com/seaweedfs/seaweedfs@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir" ] || { echo "seaweedfs: the module did not download" >&2; exit 1; }
work=$(mktemp -d)
trap 'chmod -R u+w "$work" && rm -rf "$work"' EXIT
cp -r "$dir" "$work/src"
chmod -R u+w "$work/src"
cd "$work/src"

start=$(date +%s)
go build -trimpath -ldflags "-s -w" -o "$out/weed-4.53" ./weed
echo "seaweedfs: weed-4.53 built in $(( $(date +%s) - start ))s"

constants=weed/util/version/constants.go
grep -q 'MINOR_VERSION  = int32(53)' "$constants" || { echo "seaweedfs: $constants changed; update this script" >&2; exit 1; }
sed -i 's/MINOR_VERSION  = int32(53)/MINOR_VERSION  = int32(54)/' "$constants"
start=$(date +%s)
go build -trimpath -ldflags "-s -w" -o "$out/weed-4.54" ./weed
echo "seaweedfs: weed-4.54 built in $(( $(date +%s) - start ))s"
