#!/usr/bin/env bash
# Wall time of `fpvm validate-segments`: single-threaded, 2 threads, and verification by 1 and 2
# Redis consumer processes (`fpvm serve --no-rpc --redis-url …`, no prestates), with 1 or 2 local
# prover threads. Starts its own redis-server on a free loopback port; prints one line per run.
# Usage: bench/segment_redis_bench.sh BUILD_DIR [ELF] [EVERY] [MAX_STEPS] [REPS]
# Defaults: BUILD_DIR/guests/bench_qsort.elf (or build-rel's), K = 5e6, first 1e8 steps, 3 runs.
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [ELF] [EVERY] [MAX_STEPS] [REPS]}
fpvm=$build/src/cli/fpvm
elf=${2:-$build/guests/bench_qsort.elf}
[ -f "$elf" ] || elf=build-rel/guests/bench_qsort.elf
every=${3:-5000000}
max=${4:-100000000}
reps=${5:-3}
command -v redis-server >/dev/null || { echo "redis-server is not installed (scripts/install-deps.sh)"; exit 1; }
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=redis://127.0.0.1:$port
consumers=()
cleanup() {
  for p in "${consumers[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${redis_pid:-}" ] && kill "$redis_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$fpvm" load-elf --path "$elf" --out "$work/state.bin.gz" --meta "$work/meta.json"
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --logfile "$work/redis.log" &
redis_pid=$!
sleep 0.5
args=(--input "$work/state.bin.gz" --every "$every" --max-steps "$max")

run() {  # label, flags…
  local label=$1
  shift
  for _ in $(seq "$reps"); do
    "$fpvm" validate-segments "${args[@]}" "$@" | python3 -c '
import json, sys
j = json.load(sys.stdin)
per = j.get("redis", {}).get("segments-per-consumer", {})
print("%-22s wall %.3f s  build %.3f s  wait after build %.3f s  run %.3f s  prove CPU %.3f s  verify CPU %.3f s  segments %d  per consumer %s  load %s" % (
    sys.argv[1], j["wall-seconds"], j["build-wall-seconds"], j["verify-wall-seconds"], j["run-seconds"],
    j["prove-cpu-seconds"], j["verify-cpu-seconds"], j["segments"], sorted(per.values()) or "-",
    open("/proc/loadavg").read().split()[0]))' "$label"
  done
}
start_consumers() {  # count
  for c in $(seq "$1"); do
    "$fpvm" serve --no-rpc --redis-url "$url" --stream-prefix bench: --workers 1 --log-level warn >"$work/consumer$c.log" 2>&1 &
    consumers+=($!)
  done
  sleep 0.5
}
stop_consumers() {
  for p in "${consumers[@]}"; do kill "$p"; wait "$p" || true; done
  consumers=()
}

run "threads 1" --threads 1
run "threads 2" --threads 2
for n in 1 2; do
  start_consumers "$n"
  run "redis $n consumer(s), 1 prover" --threads 1 --redis-url "$url" --stream-prefix bench:
  run "redis $n consumer(s), 2 provers" --threads 2 --redis-url "$url" --stream-prefix bench:
  stop_consumers
done
