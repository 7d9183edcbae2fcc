#!/usr/bin/env bash
# The Go package over libfpvm (bindings/go/fpvm) and its challenger example, built with Debian's
# Go (GOPATH mode, nothing downloaded) against the library installed from this build.
#   go_test.sh BUILD_DIR SOURCE_DIR SHARED_DIR
# Exit 77 (skipped) without go, or when a guest or the rollup host was not built.
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
shared=$3

command -v go >/dev/null || { echo "SKIPPED: go not found (Debian: apt-get install golang-go)"; exit 77; }
host=$build/examples/rollup/fpvm-rollup-host
riscv=$build/guests/rollup.elf
mips=$build/guests/mips64/preimage.elf
for f in "$host" "$riscv" "$mips"; do
  [ -e "$f" ] || { echo "SKIPPED: $f was not built"; exit 77; }
done
[ -d "$shared/testdata/riscv-tests" ] || echo "note: $shared/testdata/riscv-tests absent: the riscv-tests case is SKIPPED"

work=$(mktemp -d "$build/go-binding.XXXXXX")
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$(find "$work/prefix" -name fpvm.pc | head -n1)")
libdir=$(pkg-config --variable=libdir fpvm)
mkdir -p "$work/gopath/src"
ln -s "$src/bindings/go" "$work/gopath/src/fpvm.binding"
export GOPATH=$work/gopath GO111MODULE=off GOFLAGS= GOPROXY=off GOTOOLCHAIN=local GOTELEMETRY=off
export GOCACHE=$build/go/cache-binding CGO_ENABLED=1 LD_LIBRARY_PATH=$libdir
"$host" generate --out "$work/chain" --blocks 4 --accounts 12 --txs-per-block 6 --seed 5 >/dev/null

export FPVM_SOURCE_DIR=$src FPVM_SHARED_DIR=$shared FPVM_ROLLUP_ELF=$riscv FPVM_ROLLUP_CHAIN=$work/chain FPVM_MIPS64_PREIMAGE_ELF=$mips
cd "$work"
go vet fpvm.binding/fpvm fpvm.binding/challenger
go test -count=1 -v fpvm.binding/fpvm 2>&1 | tail -n 30
go build -o "$work/challenger" fpvm.binding/challenger
"$work/challenger" -elf "$riscv" -chain "$work/chain"
