#!/usr/bin/env bash
# Command-line tests for `fpvm` (spec §8): bad inputs must end with exit code 1, one `error: …`
# message on stderr naming the problem, and no output file left behind; the happy path loads,
# runs and converts rv64ui-p-simple.
#
# usage: cli_test.sh <bad-inputs|happy-path> <path to fpvm> <shared dir>
# Exit 77 (CTest SKIP_RETURN_CODE) when the shared test data a mode needs is absent.
set -uo pipefail

mode=${1:?mode}
FPVM=${2:?fpvm binary}
SHARED=${3:-}
# As in tests/test_support/shared_data.cpp, the environment overrides the configured folder.
[ -n "${FPVM_SHARED_DIR:-}" ] && SHARED=$FPVM_SHARED_DIR
# Absolute paths: the tests run inside a scratch folder.
FPVM=$(cd "$(dirname "$FPVM")" && pwd)/$(basename "$FPVM")
[ -n "$SHARED" ] && [ -d "$SHARED" ] && SHARED=$(cd "$SHARED" && pwd)
if [ ! -x "$FPVM" ]; then
  echo "fpvm binary not found: $FPVM" >&2
  exit 2
fi
SIMPLE="$SHARED/testdata/riscv-tests/rv64ui-p/rv64ui-p-simple"
have_shared=0
[ -n "$SHARED" ] && [ -f "$SIMPLE" ] && have_shared=1

work=$(mktemp -d "${TMPDIR:-/tmp}/fpvm-cli-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

failures=0
checks=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# expect_error <name> <needle> <files that must not exist…> -- <fpvm args…>
# Runs fpvm in a fresh folder; checks exit code 1, exactly one "error: " on stderr, the message
# (from "error: " to the end of stderr) on one line containing <needle>, and no leftovers.
expect_error() {
  local name=$1 needle=$2
  shift 2
  local -a mustNotExist=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    mustNotExist+=("$1")
    shift
  done
  shift
  checks=$((checks + 1))
  local before
  before=$(ls -A | sort)
  "$FPVM" "$@" >stdout.txt 2>stderr.txt
  local rc=$?
  local err
  err=$(cat stderr.txt)
  if [ "$rc" -ne 1 ]; then
    fail "$name: exit code $rc, expected 1 (stderr: $err)"
  fi
  local count
  count=$(grep -o 'error: ' stderr.txt | wc -l)
  if [ "$count" -ne 1 ]; then
    fail "$name: expected exactly one 'error: ' on stderr, got $count: $err"
  fi
  local msg=${err#*error: }
  msg="error: $msg"
  case "$msg" in
    *$'\n'*) fail "$name: error message spans several lines: $msg" ;;
  esac
  case "$msg" in
    *"$needle"*) ;;
    *) fail "$name: error message does not mention '$needle': $msg" ;;
  esac
  for f in "${mustNotExist[@]}"; do
    [ -e "$f" ] && fail "$name: output $f was left behind"
  done
  local after
  after=$(ls -A | grep -v -e '^stdout.txt$' -e '^stderr.txt$' | sort)
  local beforeClean
  beforeClean=$(printf '%s\n' "$before" | grep -v -e '^stdout.txt$' -e '^stderr.txt$' | sort)
  if [ "$after" != "$beforeClean" ]; then
    fail "$name: files changed in the work folder: $(diff <(echo "$beforeClean") <(echo "$after") | tr '\n' ' ')"
  fi
  rm -f stdout.txt stderr.txt
}

# run_ok <name> <fpvm args…>: exit code 0; stdout in ok.out, stderr in ok.err.
run_ok() {
  local name=$1
  shift
  checks=$((checks + 1))
  "$FPVM" "$@" >ok.out 2>ok.err
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    fail "$name: exit code $rc: $(cat ok.err)"
    return 1
  fi
  return 0
}

# json_field <key> <file>: the raw value of "key" in compact JSON.
json_field() {
  grep -o "\"$1\":[^,}]*" "$2" | head -n1 | cut -d: -f2- | tr -d '"'
}

bad_inputs() {
  # ---- files that are not usable states or ELFs ----
  echo "hello, I am not an ELF" >notelf.elf
  printf '\x7fELF\x01\x01\x01' >short.elf
  echo '{"pc": 4096, "step": ' >broken.json
  echo '{"pc": -1}' >negative.json
  echo '{"registers": [1]}' >regs.json
  printf 'not gzip at all' >corrupt.json.gz
  printf '\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00' >truncated.bin
  echo '{"pc": 4096}' >revert.json  # an all-zero instruction at 4096: unknown opcode
  echo '{}' >meta.json             # `run` reads meta.json by default

  expect_error "load-elf missing file" "nope.elf" state.bin.gz meta2.json -- load-elf --path nope.elf --meta meta2.json
  expect_error "load-elf non-ELF" "bad magic" state.bin.gz meta2.json -- load-elf --path notelf.elf --meta meta2.json
  expect_error "load-elf short ELF" "truncated ELF header" out.json -- load-elf --path short.elf --out out.json --meta ""
  expect_error "load-elf directory" "is a directory" out.json -- load-elf --path . --out out.json --meta ""
  expect_error "load-elf no --path" "--path is required" state.bin.gz -- load-elf
  expect_error "unknown command" "unknown command" -- frobnicate --path x
  expect_error "unknown flag" "bogus" out.json -- run --input revert.json --bogus 1

  expect_error "run missing input" "nope.json" out.json -- run --input nope.json --output out.json
  expect_error "run code cache too small" "--native-code-kib 10 is outside 64..1048576" out.json -- \
    run --input revert.json --output out.json --native-code-kib 10
  expect_error "run missing --input" "--input is required" out.json -- run --output out.json
  expect_error "run broken JSON" "broken.json" out.json -- run --input broken.json --output out.json
  expect_error "run negative pc" "\"pc\"" out.json -- run --input negative.json --output out.json
  expect_error "run short registers" "registers" out.json -- run --input regs.json --output out.json
  expect_error "run corrupt gzip" "corrupt.json.gz" out.json -- run --input corrupt.json.gz --output out.json
  expect_error "run truncated binary" "truncated binary state" out.json -- run --input truncated.bin --output out.json
  expect_error "run missing meta" "absent.json" out.json -- run --input revert.json --output out.json --meta absent.json
  expect_error "run reverting step" "unknown opcode" out.json -- run --input revert.json --output out.json --meta ""
  expect_error "run reverting step names step" "failed at step 0" out.json -- run --input revert.json --output out.json --meta ""
  expect_error "run output dir missing" "no/such/dir" -- run --input revert.json --output no/such/dir/out.json --meta "" --stop-at =0

  # ---- the preimage server command (issue 15): checked at start-up, even for a run that reads
  # no preimage ----
  expect_error "run missing server" 'cannot start the preimage server "/nonexistent/op-program": No such file' out.json -- \
    run --input revert.json --output out.json --meta "" --stop-at =0 -- /nonexistent/op-program --server
  expect_error "run server not in PATH" "not found in PATH" out.json -- \
    run --input revert.json --output out.json --meta "" --stop-at =0 -- fpvm-no-such-op-program --server
  printf '#!/bin/sh\nexit 0\n' >not-executable.sh
  expect_error "run server not executable" "Permission denied" out.json -- \
    run --input revert.json --output out.json --meta "" --stop-at =0 -- ./not-executable.sh
  expect_error "prove-segment missing server" "cannot start the preimage server" seg.bin -- \
    prove-segment --input revert.json --from 0 --to 0 --output seg.bin -- /nonexistent/op-program
  expect_error "run --pprof.cpu" "--pprof.cpu is not supported" out.json -- run --input revert.json --output out.json --pprof.cpu
  expect_error "run --preimage-timeout -1" "--preimage-timeout" out.json -- \
    run --input revert.json --output out.json --preimage-timeout -1

  # ---- step patterns ----
  expect_error "stop-at %0" "%0" out.json -- run --input revert.json --output out.json --stop-at %0
  expect_error "stop-at =x" "=x" out.json -- run --input revert.json --output out.json --stop-at =x
  expect_error "stop-at word" "--stop-at" out.json -- run --input revert.json --output out.json --stop-at sometimes
  expect_error "stop-at overflow" "--stop-at" out.json -- run --input revert.json --output out.json --stop-at =18446744073709551616
  expect_error "proof-at %0" "--proof-at" out.json -- run --input revert.json --output out.json --proof-at %0
  expect_error "snapshot-at =" "--snapshot-at" out.json -- run --input revert.json --output out.json --snapshot-at =
  expect_error "info-at %-1" "--info-at" out.json -- run --input revert.json --output out.json --info-at %-1
  expect_error "stop-at-preimage-type" "--stop-at-preimage-type" out.json -- run --input revert.json --output out.json --stop-at-preimage-type nope

  # ---- witness ----
  expect_error "witness missing file" "nope.json" w.bin -- witness --input nope.json --output w.bin
  expect_error "witness broken JSON" "broken.json" w.bin -- witness --input broken.json --output w.bin
  expect_error "witness corrupt gzip" "corrupt.json.gz" w.bin -- witness --input corrupt.json.gz --output w.bin
  expect_error "witness truncated binary" "truncated.bin" w.bin -- witness --input truncated.bin --output w.bin

  # ---- ELFs derived from the shipped riscv-test ----
  if [ "$have_shared" = 1 ]; then
    head -c 100 "$SIMPLE" >trunc100.elf
    head -c 5000 "$SIMPLE" >trunc5000.elf
    cp "$SIMPLE" x86.elf
    chmod u+w x86.elf
    printf '\x3e\x00' | dd of=x86.elf bs=1 seek=18 conv=notrunc status=none  # e_machine = EM_X86_64
    expect_error "load-elf truncated header table" "truncated ELF file" state.bin.gz meta2.json -- load-elf --path trunc100.elf --meta meta2.json
    expect_error "load-elf truncated segment" "past the end" out.json meta2.json -- load-elf --path trunc5000.elf --out out.json --meta meta2.json
    expect_error "load-elf x86" "not a RISC-V ELF file" out.json meta2.json -- load-elf --path x86.elf --out out.json --meta meta2.json
    # A valid state whose meta file is not JSON.
    "$FPVM" load-elf --path "$SIMPLE" --out good.json --meta "" 2>/dev/null
    echo 'not json' >badmeta.json
    expect_error "run bad meta" "badmeta.json" out.json -- run --input good.json --output out.json --meta badmeta.json
  else
    echo "note: shared riscv-tests absent; ELF-based bad-input cases skipped"
  fi
}

happy_path() {
  if [ "$have_shared" != 1 ]; then
    echo "SKIPPED: shared test data (../shared/testdata/riscv-tests) not found; set FPVM_SHARED_DIR"
    exit 77
  fi
  local prestate=0x033d9c747fe4db318402c29c0899f3996c11f5408797ed5e9b15e4fd51822a91

  # load-elf (patch + stack, spec §10.3) to JSON, and to the default .bin.gz.
  run_ok "load-elf json" load-elf --path "$SIMPLE" --out state.json --meta meta.json
  [ -s ok.out ] && fail "load-elf printed to stdout: $(cat ok.out)"
  [ -f state.json ] || fail "load-elf wrote no state.json"
  grep -q '"name":"_start"\|"name": "_start"' meta.json || fail "meta.json lacks _start: $(head -c 200 meta.json)"
  run_ok "witness prestate" witness --input state.json
  [ "$(json_field stateHash ok.out)" = "$prestate" ] || fail "prestate hash $(json_field stateHash ok.out) != $prestate"
  [ "$(json_field step ok.out)" = 0 ] || fail "prestate step: $(cat ok.out)"
  [ "$(json_field exited ok.out)" = false ] || fail "prestate exited: $(cat ok.out)"
  run_ok "load-elf default out" load-elf --path "$SIMPLE"
  [ -f state.bin.gz ] || fail "load-elf default --out state.bin.gz missing"
  run_ok "witness bin.gz" witness --input state.bin.gz --output w.bin
  [ "$(json_field stateHash ok.out)" = "$prestate" ] || fail "bin.gz prestate hash: $(cat ok.out)"
  [ "$(stat -c %s w.bin)" = 362 ] || fail "raw witness is $(stat -c %s w.bin) bytes, expected 362"

  # witness JSON key order (spec §8.3).
  local keys
  keys=$(grep -o '"[a-zA-Z]*":' ok.out | tr -d '":' | tr '\n' ' ')
  [ "$keys" = "witness stateHash step exited exitCode pc " ] || fail "witness keys: $keys"

  # run to the end.
  run_ok "run" run --input state.json --output out.json --meta meta.json
  [ -f out.json ] || fail "run wrote no out.json"
  run_ok "witness final" witness --input out.json
  [ "$(json_field exited ok.out)" = true ] || fail "final exited: $(cat ok.out)"
  [ "$(json_field exitCode ok.out)" = 0 ] || fail "final exitCode: $(cat ok.out)"
  [ "$(json_field step ok.out)" = 73 ] || fail "final step: $(cat ok.out)"
  case "$(json_field stateHash ok.out)" in
    0x00*) ;;
    *) fail "final hash does not carry status 0 (valid): $(json_field stateHash ok.out)" ;;
  esac
  local final
  final=$(json_field stateHash ok.out)
  # The stateHash stored by run equals the recomputed one.
  grep -q "\"stateHash\": \"$final\"" out.json || fail "out.json stores a stale stateHash"

  # Format conversion keeps the witness: JSON -> .bin.gz -> .json with --stop-at =0.
  run_ok "to bin.gz" run --input state.json --output conv.bin.gz --stop-at =0 --meta ""
  run_ok "witness conv.bin.gz" witness --input conv.bin.gz
  [ "$(json_field stateHash ok.out)" = "$prestate" ] || fail "bin.gz conversion changed the hash: $(cat ok.out)"
  run_ok "back to json" run --input conv.bin.gz --output conv.json --stop-at =0 --meta ""
  run_ok "witness conv.json" witness --input conv.json
  [ "$(json_field stateHash ok.out)" = "$prestate" ] || fail "json conversion changed the hash: $(cat ok.out)"
  cmp -s conv.json state.json || fail "JSON -> bin.gz -> JSON is not byte-identical"
  run_ok "to json.gz" run --input conv.json --output conv.json.gz --stop-at =0 --meta ""
  run_ok "to bin" run --input conv.json.gz --output conv.bin --stop-at =0 --meta ""
  run_ok "witness conv.bin" witness --input conv.bin
  [ "$(json_field stateHash ok.out)" = "$prestate" ] || fail "bin conversion changed the hash: $(cat ok.out)"

  # Stopping part-way and resuming reaches the same final state.
  run_ok "run to 40" run --input state.json --output mid.bin.gz --stop-at =40 --meta meta.json
  run_ok "witness mid" witness --input mid.bin.gz
  [ "$(json_field step ok.out)" = 40 ] || fail "mid step: $(cat ok.out)"
  run_ok "resume" run --input mid.bin.gz --output end.json --meta ""
  run_ok "witness resumed" witness --input end.json
  [ "$(json_field stateHash ok.out)" = "$final" ] || fail "resumed final hash differs: $(cat ok.out)"

  # Where the executable mapping of the code cache is refused (here: a 1 GiB cache under a 700 MB
  # address-space limit), the interpreter runs everything, says so once, and ends on the same state.
  checks=$((checks + 1))
  (ulimit -v 700000 && "$FPVM" run --input state.json --output nonative.json --meta "" --native-code-kib 1048576) \
    >nonative.out 2>nonative.err
  if [ ! -s nonative.json ] && grep -q "AddressSanitizer\|ThreadSanitizer" nonative.err; then
    echo "SKIPPED (sanitizer build): the address-space limit check"
  else
    [ "$(grep -c 'native tier unavailable: the interpreter runs everything' nonative.err)" = 1 ] ||
      fail "the refused mapping was not logged exactly once: $(cat nonative.err)"
    grep -q 'reason="an executable mapping was refused' nonative.err || fail "no reason: $(cat nonative.err)"
    run_ok "witness without native tier" witness --input nonative.json
    [ "$(json_field stateHash ok.out)" = "$final" ] || fail "the interpreter-only run ends elsewhere: $(cat ok.out)"
  fi

  # --output - writes the state to stdout.
  run_ok "run to stdout" run --input out.json --output - --meta ""
  grep -q '"exited": true' ok.out || fail "--output - did not print the state"
}

case "$mode" in
  bad-inputs) bad_inputs ;;
  happy-path) happy_path ;;
  *)
    echo "unknown mode $mode" >&2
    exit 2
    ;;
esac

echo "$checks checks, $failures failures"
[ "$failures" -eq 0 ]
