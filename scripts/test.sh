#!/usr/bin/env bash
# Installs dependencies, builds, and runs the test suite.
#   scripts/test.sh              normal build in build/
#   scripts/test.sh --sanitize   ASan+UBSan build in build-asan/: everything but the server, dispute
#                                and Redis tests (those run under --tsan; the JSON-RPC and state
#                                parsers are fuzzed under ASan) and the benchmarks; long ones skipped
#   scripts/test.sh --tsan       ThreadSanitizer build in build-tsan/: only the server, dispute and
#                                Redis tests (the multi-threaded code), long ones skipped
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

case "${1:-}" in
  --sanitize)
    dir=build-asan
    # The server/dispute/Redis test executables are three quarters of this build's compile time
    # (Boost.Beast under ASan); they run under ThreadSanitizer instead (docs/style.md).
    scripts/build.sh "$dir" -DCMAKE_BUILD_TYPE=Debug -DFPVM_SANITIZE=ON -DFPVM_SERVER_TESTS=OFF -DFPVM_BENCH=OFF
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
    # The differential tests compare fpvm's output with qemu-riscv64's: ASan adds nothing to that
    # comparison, and the VM code they run is exercised under ASan by the lockstep tests.
    # The EVM replay (tests/evm) checks proofs against MIPS64.sol; the mips64 tests that produce
    # them run under ASan anyway.
    select=(-LE "(long|slow_under_sanitizer|differential|evm)")
    ;;
  --tsan)
    dir=build-tsan
    # Only what the server/dispute/Redis tests need: their executables, the fpvm binary they run
    # (Redis consumers, bisect CLI), the rollup host tool and the rollup guest they load.
    # The MIPS64 build of the guest, for the MT64 prestate tests, where its cross-compiler is.
    guests="rollup_guest"
    if command -v mips64-linux-gnuabi64-gcc >/dev/null; then guests="$guests rollup_guest_mips64"; fi
    FPVM_TARGETS="server_tests server_redis_tests dispute_tests fpvm fpvm-rollup-host $guests" \
      scripts/build.sh "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFPVM_TSAN=ON
    # halt_on_error: a race fails the test that hit it; second_deadlock_stack: both stacks on a
    # lock-order report. Suppressions (third-party code only) live in tests/tsan.supp.
    export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp"
    select=(-L "(server|dispute|redis)" -LE "(long|slow_under_sanitizer)")
    ;;
  "")
    dir=build
    scripts/build.sh "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo
    select=(-LE long)
    ;;
  *)
    echo "usage: scripts/test.sh [--sanitize|--tsan]" >&2
    exit 2
    ;;
esac
cd "$dir"
ctest --output-on-failure -j 2 "${select[@]}"
