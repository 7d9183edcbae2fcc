#!/usr/bin/env bash
# Configures and builds fpvm. Usage: scripts/build.sh [build-dir] [extra cmake args…]
# Targets to build can be limited with FPVM_TARGETS="fpvm conformance_tests".
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
cmake -S . -B "$dir" -G Ninja "$@" >/dev/null
# Two cores: keep parallelism at 2 so links do not exhaust memory.
ninja -C "$dir" -j "${FPVM_JOBS:-2}" ${FPVM_TARGETS:-}
