#!/usr/bin/env bash
# Builds a Release tree and runs the benchmarks: the side-by-side harness (fpvm fast engine,
# fpvm proving engine, qemu-riscv64, native) and the proof/hashing benchmark.
# Results: bench/results/engines.{json,png}, bench/results/proofs.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
FPVM_TARGETS="fpvm fpvm_proof_bench bench_programs" scripts/build.sh build-rel -DCMAKE_BUILD_TYPE=Release -DFPVM_GUESTS=ON
/usr/bin/python3 bench/run_bench.py --build build-rel "$@"  # Debian python3 (has matplotlib)
./build-rel/bench/fpvm_proof_bench build-rel/guests/bench_qsort.elf --snapshots 20 --hash-steps 1000000 \
  --json bench/results/proofs.json
bench/mem_bench.sh build-rel
