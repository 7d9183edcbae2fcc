#!/usr/bin/env bash
# Builds the libFuzzer targets with clang + ASan/UBSan in build-fuzz/ and fuzzes each one for a
# bounded time, failing on the first crash, leak, timeout or failed invariant.
#
#   tests/fuzz/run_fuzzers.sh [seconds per target, default 30] [target…]
#
# Targets: elf state_binary state_json exec engines verifier jsonrpc capi mips64_state segment (all when none is named). Each run starts from the
# checked-in corpus (tests/fuzz/corpus/<target>/) plus build-fuzz/fuzz-corpus/<target>/, where new
# inputs accumulate between runs. A crashing input is left in build-fuzz/fuzz-artifacts/<target>/;
# after fixing the bug, copy it to tests/fuzz/corpus/<target>/regress-<name> and add a named unit
# test, so the regression replays in every ctest run.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(elf state_binary state_json exec engines verifier jsonrpc capi mips64_state segment)
case "$seconds" in
  '' | *[!0-9]*) echo "usage: $0 [seconds per target] [target…]" >&2; exit 2 ;;
esac

command -v clang++ >/dev/null || { echo "clang++ not found (apt-get install clang)" >&2; exit 2; }

dir=build-fuzz
cmake -S . -B "$dir" -G Ninja \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link" -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link" \
  -DFPVM_FUZZ=ON -DFPVM_SANITIZE=ON -DFPVM_GUESTS=OFF -UCMAKE_PROJECT_fpvm_INCLUDE >/dev/null
ninja -C "$dir" -j2 "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

failed=()
for t in "${targets[@]}"; do
  corpus="$dir/fuzz-corpus/$t"
  artifacts="$dir/fuzz-artifacts/$t/"
  mkdir -p "$corpus" "$artifacts"
  echo "=== fuzz_$t for ${seconds}s"
  if ! "$dir/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2560 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$artifacts" "$corpus" "tests/fuzz/corpus/$t" 2>"$dir/fuzz-$t.log"; then
    tail -n 60 "$dir/fuzz-$t.log" >&2
    echo "fuzz_$t FAILED; reproducer(s): $(ls "$artifacts" | tr '\n' ' ')" >&2
    failed+=("$t")
  else
    grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$dir/fuzz-$t.log" || true
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
echo "all fuzz targets ran ${seconds}s without a finding"
