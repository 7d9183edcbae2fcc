#!/usr/bin/env bash
# Installs dependencies, builds, and runs the test suite.
#   scripts/test.sh              normal build in build/
#   scripts/test.sh --sanitize   ASan+UBSan build in build-asan/ (long differential programs skipped)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh

if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  scripts/build.sh "$dir" -DCMAKE_BUILD_TYPE=Debug -DFPVM_SANITIZE=ON
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  exclude="-LE (long|slow_under_sanitizer)"
else
  dir=build
  scripts/build.sh "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo
  exclude="-LE long"
fi
cd "$dir"
# shellcheck disable=SC2086
ctest --output-on-failure -j 2 $exclude
