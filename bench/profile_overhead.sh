#!/usr/bin/env bash
# The slowdown of `fpvm profile` against a plain fast-engine run of the same program, on the
# example rollup's fault-proof program in C (examples/rollup) and in Go (examples/go-rollup),
# for several sampling periods and for --exact (docs/profiling.md has the numbers).
#
#   [PERIODS="1000 10000 …"] bench/profile_overhead.sh [build-dir] [runs] [blocks]
#
# build-dir defaults to build/ (fpvm, fpvm-rollup-host and both guests must be built:
# `FPVM_TARGETS="fpvm rollup_example go_rollup_example" scripts/build.sh`); each configuration
# runs `runs` times (default 7; --exact at most 3) and the fastest run is reported (the least
# disturbed one on a shared machine); `blocks` is the chain length the rollup host generates
# (default 24, the example's; more blocks, more steps).
#
# Times are the profiler's own run time (the "seconds" of --json: stepping and sampling, without
# loading the ELF or writing reports). The baseline is a single sample (--period larger than the
# run): one fast-engine advance from the first step to the exit, what `fpvm run` does.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
runs=${2:-7}
blocks=${3:-24}
fpvm=$build/src/cli/fpvm
host=$build/examples/rollup/fpvm-rollup-host
for f in "$fpvm" "$host" "$build/guests/rollup.elf" "$build/guests/go/go-rollup"; do
  [ -x "$f" ] || [ -f "$f" ] || { echo "error: $f is missing (build fpvm, rollup_example and go_rollup_example)" >&2; exit 1; }
done
work=$build/profile-bench
chain=$work/chain-$blocks
mkdir -p "$work"
[ -d "$chain" ] || "$host" generate --out "$chain" --blocks "$blocks" --accounts 48 --txs-per-block 16 --seed 1 >/dev/null

# best_seconds PROGRAM ARGS…: the shortest of the profiler's run times over $runs runs (the step
# count goes to $work/steps).
best_seconds() {
  local prog=$1
  shift
  local times=() n=$runs
  [ "$1" = "--exact" ] && [ "$n" -gt 3 ] && n=3
  for _ in $(seq "$n"); do
    "$fpvm" profile --input "$prog" --local-file "$chain/boot-valid.json" --preimage-dir "$chain/preimages" \
      --json "$work/p.json" "$@" >/dev/null
    times+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["seconds"])' "$work/p.json")")
  done
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["steps"])' "$work/p.json" >"$work/steps"
  printf '%s\n' "${times[@]}" | sort -g | head -n 1
}

printf '%-10s %12s %-14s %10s %9s %12s\n' program steps mode seconds slowdown "Msteps/s"
for prog in "$build/guests/rollup.elf" "$build/guests/go/go-rollup"; do
  name=$(basename "$prog")
  base=$(best_seconds "$prog" --period 1000000000000000)
  steps=$(cat "$work/steps")
  printf '%-10s %12s %-14s %10.4f %9s %12.1f\n' "$name" "$steps" "fast, 1 sample" "$base" "1.00x" \
    "$(python3 -c "print($steps / $base / 1e6)")"
  for p in ${PERIODS:-1000 10000 50000 100000 200000}; do
    t=$(best_seconds "$prog" --period "$p")
    printf '%-10s %12s %-14s %10.4f %8.2fx %12.1f\n' "$name" "$steps" "period $p" "$t" \
      "$(python3 -c "print($t / $base)")" "$(python3 -c "print($steps / $t / 1e6)")"
  done
  t=$(best_seconds "$prog" --exact)
  printf '%-10s %12s %-14s %10.4f %8.1fx %12.1f\n' "$name" "$steps" "exact" "$t" "$(python3 -c "print($t / $base)")" \
    "$(python3 -c "print($steps / $t / 1e6)")"
done
