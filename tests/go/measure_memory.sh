#!/usr/bin/env bash
# Memory growth of a long allocation-heavy Go run in fpvm (the collector is off, so every byte
# allocated stays allocated): builds tests/go/programs/alloc with a larger scale, runs it with
# `fpvm run --info-at %N` and samples fpvm's resident set size; compares with qemu-riscv64.
#   tests/go/measure_memory.sh BUILD_DIR [SCALE (default 32)] [INFO_EVERY (default 500000000)]
# Not part of CTest (it takes about a minute); the numbers are quoted in the issue-6 report.
set -euo pipefail
build=$(cd "${1:?usage: measure_memory.sh BUILD_DIR [SCALE] [INFO_EVERY]}" && pwd)
scale=${2:-32}
every=${3:-500000000}
src=$(cd "$(dirname "$0")/programs/alloc" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/fpvm-go-mem-XXXXXX")
trap 'rm -rf "$work"' EXIT
fpvm=$build/src/cli/fpvm

(cd "$src" && env GOOS=linux GOARCH=riscv64 GORISCV64=rva20u64 CGO_ENABLED=0 GO111MODULE=off GOFLAGS= GOENV=off \
  GOTOOLCHAIN=local GOPROXY=off GOPATH="$build/go/path" GOCACHE="$build/go/cache" \
  go build -trimpath -buildvcs=false -gcflags=all=-d=softfloat -ldflags "-X main.scale=$scale" -o "$work/alloc.elf" .)

if command -v qemu-riscv64 >/dev/null; then
  /usr/bin/time -f "qemu-riscv64 (GC on): %e s, max RSS %M KiB" qemu-riscv64 "$work/alloc.elf" >/dev/null 2>"$work/qemu.err" || true
  tail -n 1 "$work/qemu.err"
fi

"$fpvm" load-elf --path "$work/alloc.elf" --out "$work/pre.bin.gz" --meta "$work/meta.json"
start=$(date +%s.%N)
"$fpvm" run --input "$work/pre.bin.gz" --output "" --meta "$work/meta.json" --info-at "%$every" \
  --guest-stdout /dev/null --guest-stderr /dev/null 2>"$work/run.log" &
pid=$!
peak=0
while kill -0 "$pid" 2>/dev/null; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
  [ -n "$rss" ] && [ "$rss" -gt "$peak" ] && peak=$rss
  printf '%6.1f s  RSS %8.1f MiB\n' "$(python3 -c "import sys; print($(date +%s.%N) - $start)")" \
    "$(python3 -c "print(${rss:-0} / 1024)")" >>"$work/rss.txt"
  sleep 1
done
wait "$pid"
echo "fpvm (GC off), scale $scale:"
sed -n 's/.* step=\([0-9]*\) .* pages=\([0-9]*\) mem="\([^"]*\)".*/  step \1: \2 pages (\3)/p' "$work/run.log"
cat "$work/rss.txt"
echo "peak RSS $((peak / 1024)) MiB, $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
