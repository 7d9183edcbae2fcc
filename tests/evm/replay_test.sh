#!/usr/bin/env bash
# The EVM replay as a ctest test: runs the mips64 tests with FPVM_EVM_CASES set, so that every
# step they prove (sampled as below) is written out, then replays those steps against the real
# MIPS64.sol with node (replay.mjs). Exit 77 (skipped) without the contracts, node or node_modules.
#   replay_test.sh <mips64_tests binary> <work dir> <shared dir> <sample> <tamper every> [random scale] [gtest filter]
set -euo pipefail
tests_bin=$1 work=$2 shared=$3 sample=$4 tamper=$5 scale=${6:-1} filter=${7:-*}
here=$(cd "$(dirname "$0")" && pwd)
contracts="$shared/testdata/cannon-mt64/contracts"

skip() {
  echo "SKIPPED: $*"
  exit 77
}
[ -f "$contracts/src/cannon/MIPS64.sol" ] || skip "MIPS64.sol not found under $contracts (../shared/testdata/cannon-mt64)"
command -v node >/dev/null || skip "node not found (Debian: apt-get install nodejs npm)"
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || skip "node $(node --version) is too old: @ethereumjs/evm 10 needs node >= 20"
[ -d "$here/node_modules/@ethereumjs/evm" ] && [ -d "$here/node_modules/solc" ] ||
  skip "tests/evm/node_modules not found (run scripts/install-deps.sh, or npm ci in tests/evm)"

mkdir -p "$work"
tag=$(basename "$tests_bin")-sample$sample
cases="$work/cases-$tag.jsonl"
rm -f "$cases"
start=$(date +%s%N)
export FPVM_EVM_CASES="$cases" FPVM_EVM_SAMPLE="$sample" FPVM_EVM_TAMPER="$tamper" FPVM_MIPS64_RANDOM_SCALE="$scale"
if ! "$tests_bin" --gtest_brief=1 --gtest_filter="$filter" >"$work/$tag.log" 2>&1; then
  tail -n 40 "$work/$tag.log"
  echo "FAILED: the mips64 tests failed while writing the cases"
  exit 1
fi
echo "wrote $(wc -l <"$cases") cases ($(du -h "$cases" | cut -f1)) in $((($(date +%s%N) - start) / 1000000)) ms"
node "$here/replay.mjs" --contracts "$contracts" --cache "$work" "$cases"
rm -f "$cases"  # large; kept only when the replay fails
