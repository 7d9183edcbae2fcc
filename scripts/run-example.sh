#!/usr/bin/env bash
# The main job on the bundled example (examples/rollup): builds fpvm and the example rollup,
# generates chain data, and has fpvm check two claims about the rollup's latest block, with
# the rollup host serving preimages: the true output root (expected: valid, exit 0) and a wrong
# one (expected: invalid, exit 1). Then it checks the true claim once more, reading preimages
# from a data directory instead of a server. Finally it runs the example's fixture suite
# (examples/rollup/suite.json: valid, invalid and malformed inputs) with `fpvm test`.
#
#   scripts/run-example.sh [build-dir]      (default build/; work files in <build-dir>/rollup-example)
#
# Exits 0 when the valid claim is found valid, the invalid one invalid, and the suite passes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${1:-build}

scripts/install-deps.sh
echo "== building fpvm and the example rollup in $build/"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! FPVM_TARGETS="fpvm rollup_example" scripts/build.sh "$build" >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "error: build failed" >&2
  exit 1
fi

fpvm=$root/$build/src/cli/fpvm
host=$root/$build/examples/rollup/fpvm-rollup-host
guest=$root/$build/guests/rollup.elf
if [ ! -f "$guest" ]; then
  echo "error: $guest was not built (is riscv64-unknown-elf-gcc installed?)" >&2
  exit 1
fi

work=$root/$build/rollup-example
rm -rf "$work"
mkdir -p "$work"
data=$work/chain

echo "== generating chain data"
"$host" generate --out "$data" --blocks 24 --accounts 48 --txs-per-block 16 --seed 1 | sed 's/^/   /'
"$fpvm" load-elf --path "$guest" --out "$work/prestate.bin.gz" --meta "$work/meta.json"

# field FILE NAME: a top-level field of a JSON file.
field() {
  python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(str(v).lower() if isinstance(v,bool) else v)' "$1" "$2"
}

# check NAME BOOT-FILE [fpvm run flags…]: runs the guest, prints the claim and its status, and
# leaves the exit code of the program in $exit_code ("none" when fpvm failed).
check() {
  local name=$1 boot=$2
  shift 2
  local dir=$work/$name
  mkdir -p "$dir"
  echo
  echo "== $name: claim $(field "$boot" 2) for block $((16#$(field "$boot" 3 | cut -c3-)))"
  local start end
  start=$(date +%s%N)
  if ! "$fpvm" run --input "$work/prestate.bin.gz" --meta "$work/meta.json" --output "$dir/final.json" \
    --info-at never --local-file "$boot" --guest-stdout "$dir/guest.txt" "$@" 2>"$dir/fpvm.log"; then
    echo "   fpvm failed:"
    sed 's/^/   /' "$dir/fpvm.log"
    exit_code=none
    return
  fi
  end=$(date +%s%N)
  # The guest's own account of the derivation: the first lines and the verdict.
  head -n 4 "$dir/guest.txt" | sed 's/^/   guest: /'
  echo "   guest: …"
  tail -n 2 "$dir/guest.txt" | sed 's/^/   guest: /'
  "$fpvm" witness --input "$dir/final.json" >"$dir/witness.json"
  exit_code=$(field "$dir/witness.json" exitCode)
  local status
  case "$exit_code" in
  0) status=VALID ;;
  1) status=INVALID ;;
  *) status="PANIC (malformed data)" ;;
  esac
  echo "   status: $status (exit code $exit_code, $(field "$dir/witness.json" step) steps, $(((end - start) / 1000000)) ms)"
  echo "   final state hash: $(field "$dir/witness.json" stateHash)"
}

server=(-- "$host" serve --chain "$data")
check valid-claim "$data/boot-valid.json" "${server[@]}"
valid=$exit_code
check invalid-claim "$data/boot-invalid.json" "${server[@]}"
invalid=$exit_code
check valid-claim-from-preimage-dir "$data/boot-valid.json" --preimage-dir "$data/preimages"
fromdir=$exit_code

echo
echo "== the rollup's fixture suite: fpvm test examples/rollup/suite.json --jobs 2"
suite_ok=1
if ! "$fpvm" test --jobs 2 --junit "$work/junit.xml" --var "GUESTS=$root/$build/guests" --var "CHAIN=$data" \
  --var "ROLLUP_HOST=$host" examples/rollup/suite.json | sed 's/^/   /'; then
  suite_ok=0
fi

echo
ok=1
[ $suite_ok = 1 ] || { echo "FAILED: the fixture suite examples/rollup/suite.json did not pass" >&2; ok=0; }
[ "$valid" = 0 ] || { echo "FAILED: the valid claim was not found valid" >&2; ok=0; }
[ "$invalid" = 1 ] || { echo "FAILED: the invalid claim was not found invalid" >&2; ok=0; }
[ "$fromdir" = 0 ] || { echo "FAILED: the valid claim from the preimage directory was not found valid" >&2; ok=0; }
if [ $ok = 1 ] && [ "$(field "$work/valid-claim/witness.json" stateHash)" != \
  "$(field "$work/valid-claim-from-preimage-dir/witness.json" stateHash)" ]; then
  echo "FAILED: the server and preimage-directory runs ended in different states" >&2
  ok=0
fi
if [ $ok = 1 ]; then
  echo "OK: valid claim valid, invalid claim invalid, fixture suite passed (files in $work; JUnit report junit.xml)"
  exit 0
fi
exit 1
