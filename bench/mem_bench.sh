#!/usr/bin/env bash
# Peak RSS of the fast engine on a guest that touches 1 GiB (issue 5: at most 1 GiB + 64 MiB).
#   bench/mem_bench.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: bench/mem_bench.sh BUILD_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$build/src/cli/fpvm" load-elf --path "$build/guests/bench_mem1g.elf" --out "$tmp/pre.bin" --meta ""
/usr/bin/time -f "%M %U %e" -o "$tmp/time" "$build/src/cli/fpvm" run --input "$tmp/pre.bin" --output "" --meta "" \
  --info-at never --guest-stdout "$tmp/out"
read -r rss user wall <"$tmp/time"
limit=$((1024 * 1024 + 64 * 1024))
echo "mem1g: $(cat "$tmp/out")"
echo "peak RSS ${rss} KiB (limit ${limit} KiB = 1 GiB + 64 MiB), ${user} s CPU, ${wall} s wall"
[ "$rss" -le "$limit" ] || { echo "peak RSS over the limit" >&2; exit 1; }
