#!/usr/bin/env bash
# Go programs for linux/riscv64 under fpvm (spec §9): one case per invocation.
#   go_test.sh run <program> <exit code>   qemu-riscv64 and fpvm agree on stdout, stderr and exit
#                                          code, and stdout equals programs/<program>/expected.txt
#   go_test.sh unsupported-panic           an unrecovered panic: fpvm fails naming nanosleep, with
#                                          a backtrace down to the panicking line
#   go_test.sh unsupported-sleep           time.Sleep never returns (frozen clock)
#   go_test.sh rollup-<case>               examples/go-rollup vs the C rollup guest
# Environment (set by CTest): FPVM, QEMU (empty when missing), WORK, PROGRAMS, ELF (empty when
# the guest was not built); for rollup cases ROLLUP_HOST, GO_ROLLUP_GUEST, C_ROLLUP_GUEST.
# Exit 77 = skipped (a tool or guest is missing).
set -euo pipefail

case_name=${1:?usage: go_test.sh <case> [args]}
: "${FPVM:?}" "${WORK:?}"
d=$WORK
QEMU=${QEMU:-}
ELF=${ELF:-}

skip() {
  echo "SKIP: $*"
  exit 77
}

fail() {
  echo "FAIL [$case_name]: $*" >&2
  for f in "$d"/fpvm.log "$d"/fpvm.out "$d"/qemu.err; do
    [ -s "$f" ] && { echo "--- $f (last 20 lines)" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

# JSON field of a file: jget FILE FIELD.
jget() {
  python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else (str(v).lower() if isinstance(v,bool) else v))' "$1" "$2"
}

now() { date +%s.%N; }

# A fresh folder under WORK for one case (unique, so that concurrent ctest runs in the same build
# folder do not share files); removed when the case passes, kept for inspection when it fails.
scratch() {
  mkdir -p "$WORK"
  mktemp -d "$WORK/$1.XXXXXX"
}
cleanup() {
  local rc=$?
  if [ "$rc" -eq 0 ] && [ "$d" != "$WORK" ]; then rm -rf "$d"; fi
}
trap cleanup EXIT
elapsed() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$(now)"; }

# fpvm_run ELF OUT_PREFIX [run args…]: load-elf + run; sets $rc, writes OUT_PREFIX.{out,err,log,json}.
fpvm_run() {
  local elf=$1 p=$2
  shift 2
  "$FPVM" load-elf --path "$elf" --out "$p.pre.bin.gz" --meta "$p.meta.json" || fail "load-elf failed on $elf"
  local t0
  t0=$(now)
  set +e
  "$FPVM" run --input "$p.pre.bin.gz" --output "$p.json" --meta "$p.meta.json" --info-at never \
    --guest-stdout "$p.out" --guest-stderr "$p.err" "$@" 2>"$p.log"
  rc=$?
  set -e
  fpvm_seconds=$(elapsed "$t0")
}

# Exit code and step of a final state.
final_exit() { "$FPVM" witness --input "$1" >"$1.witness" && jget "$1.witness" exitCode; }
final_step() { jget "$1.witness" step; }

case "$case_name" in
run)
  name=${2:?program} code=${3:?exit code}
  [ -f "$ELF" ] || skip "Go guest $name not built (is \`go\` installed?)"
  [ -n "$QEMU" ] || skip "qemu-riscv64 not installed"
  d=$(scratch "run-$name")
  t0=$(now)
  set +e
  "$QEMU" "$ELF" >"$d/qemu.out" 2>"$d/qemu.err" </dev/null
  qrc=$?
  set -e
  qemu_seconds=$(elapsed "$t0")
  [ "$qrc" -eq "$code" ] || fail "qemu-riscv64: exit code $qrc, expected $code"

  fpvm_run "$ELF" "$d/fpvm"
  [ "$rc" -eq 0 ] || fail "fpvm run failed (exit $rc): $(cat "$d/fpvm.log")"
  fcode=$(final_exit "$d/fpvm.json")
  [ "$(jget "$d/fpvm.json.witness" exited)" = true ] || fail "fpvm: the program did not exit"
  [ "$fcode" -eq "$code" ] || fail "fpvm: exit code $fcode, expected $code"
  cmp -s "$d/qemu.out" "$d/fpvm.out" || { diff "$d/qemu.out" "$d/fpvm.out" | head -20 >&2; fail "stdout differs between qemu and fpvm"; }
  cmp -s "$d/qemu.err" "$d/fpvm.err" || { diff "$d/qemu.err" "$d/fpvm.err" | head -20 >&2; fail "stderr differs between qemu and fpvm"; }
  expected=$PROGRAMS/$name/expected.txt
  if [ -f "$expected" ]; then
    cmp -s "$expected" "$d/fpvm.out" || { diff "$expected" "$d/fpvm.out" | head -20 >&2; fail "stdout differs from $expected"; }
  fi
  echo "$name: exit $code, $(wc -l <"$d/fpvm.out") lines of output; fpvm $(final_step "$d/fpvm.json") steps in ${fpvm_seconds}s, qemu ${qemu_seconds}s"
  ;;

unsupported-panic)
  [ -f "$ELF" ] || skip "Go guest panic not built (is \`go\` installed?)"
  d=$(scratch unsupported-panic)
  fpvm_run "$ELF" "$d/fpvm"
  [ "$rc" -eq 1 ] || fail "fpvm run exited with $rc, expected 1"
  [ ! -e "$d/fpvm.json" ] || fail "an output state was written although the run failed"
  msg=$(grep '^error: ' "$d/fpvm.log" || true)
  [ -n "$msg" ] || fail "no error line"
  for needle in "nanosleep" "(101)" "PC: 0x" "in runtime.usleep"; do
    case "$msg" in *"$needle"*) ;; *) fail "error does not mention \"$needle\": $msg" ;; esac
  done
  grep -q "^about to panic$" "$d/fpvm.out" || fail "the program did not run up to the panic"
  # The pc of the message is the ecall of the program's sleep.
  pc=$(echo "$msg" | sed -n 's/.*PC: \(0x[0-9a-f]*\).*/\1/p')
  python3 - "$d/fpvm.meta.json" "$pc" <<'PY' || fail "PC $pc is not inside runtime.usleep"
import json, sys
pc = int(sys.argv[2], 16)
syms = [s for s in json.load(open(sys.argv[1]))["symbols"] if s["name"].startswith("runtime.usleep")]
sys.exit(0 if any(s["start"] <= pc < s["start"] + s["size"] for s in syms) else 1)
PY
  # The symbolised backtrace after it reaches the panicking line across the system stack.
  for needle in "backtrace (Go tables):" "in runtime.fatalpanic at runtime/panic.go:" \
                "in main.main at fpvm.guest/panic/main.go:13" "in runtime.goexit"; do
    grep -qF "$needle" "$d/fpvm.log" || fail "the backtrace does not show \"$needle\""
  done
  echo "unrecovered panic: $msg"
  sed -n '/^backtrace/,$p' "$d/fpvm.log" | head -12
  ;;

unsupported-sleep)
  [ -f "$ELF" ] || skip "Go guest sleep not built (is \`go\` installed?)"
  d=$(scratch unsupported-sleep)
  # 50 M steps are far more than the program needs to reach the sleep (about 0.3 M).
  fpvm_run "$ELF" "$d/fpvm" --stop-at =50000000
  [ "$rc" -eq 0 ] || fail "fpvm run exited with $rc: $(cat "$d/fpvm.log")"
  final_exit "$d/fpvm.json" >/dev/null
  [ "$(jget "$d/fpvm.json.witness" exited)" = false ] || fail "the program exited; time.Sleep returned?"
  grep -q "^sleeping$" "$d/fpvm.out" || fail "the program did not reach the sleep"
  if grep -q "woke up" "$d/fpvm.out"; then fail "time.Sleep returned in a VM whose clock is frozen"; fi
  echo "time.Sleep: still waiting for its timer after 50 M steps (frozen clock), as expected"
  ;;

rollup-*)
  : "${ROLLUP_HOST:=}" "${GO_ROLLUP_GUEST:=}" "${C_ROLLUP_GUEST:=}"
  why=
  [ -n "$ROLLUP_HOST" ] || why="fpvm-rollup-host not configured (examples/rollup)"
  [ -f "$GO_ROLLUP_GUEST" ] || why="Go rollup guest not built (needs \`go\` and golang.org/x/crypto/sha3)"
  if [ -n "$why" ]; then
    # The setup fixture passes, so that the cases run and report themselves as skipped.
    [ "$case_name" = rollup-setup ] && { echo "SKIP: $why"; exit 0; }
    skip "$why"
  fi
  DATA=$WORK/rollup-data
  have_c=0
  [ -n "$C_ROLLUP_GUEST" ] && [ -f "$C_ROLLUP_GUEST" ] && have_c=1
  server() { echo -- "$ROLLUP_HOST" serve --chain "$DATA"; }
  # run_guest go|c BOOT OUT_PREFIX [args]: runs a guest with the host server unless args are given.
  run_guest() {
    local which=$1 boot=$2 p=$3
    shift 3
    local elf=$GO_ROLLUP_GUEST
    [ "$which" = c ] && elf=$C_ROLLUP_GUEST
    if [ $# -eq 0 ]; then
      # shellcheck disable=SC2046
      set -- $(server)
    fi
    fpvm_run "$elf" "$p" --local-file "$boot" "$@"
    [ "$rc" -eq 0 ] || fail "$which guest: fpvm run failed (exit $rc): $(cat "$p.log")"
  }
  sub=${case_name#rollup-}
  if [ "$sub" = setup ]; then
    # Generated aside and swapped in only when it differs, so that a concurrent run of these
    # tests (another ctest in the same build folder) keeps reading complete data.
    new=$(scratch rollup-data-new)
    "$ROLLUP_HOST" generate --out "$new" --blocks 24 --accounts 48 --txs-per-block 16 --seed 1 >/dev/null
    if [ -d "$DATA" ] && diff -rq "$new" "$DATA" >/dev/null 2>&1; then
      rm -rf "$new"
    else
      rm -rf "$DATA" && mv "$new" "$DATA"
    fi
    echo "chain data in $DATA (C guest: $([ $have_c = 1 ] && echo yes || echo "not built"))"
    exit 0
  fi
  [ -f "$DATA/boot-valid.json" ] || fail "$DATA/boot-valid.json missing (run go.rollup.setup first)"
  d=$(scratch "rollup-$sub")
  claim_valid=$(jget "$DATA/boot-valid.json" 2)
  claim_invalid=$(jget "$DATA/boot-invalid.json" 2)
  # compare_with_c BOOT: the C guest on the same boot file prints exactly the same lines.
  compare_with_c() {
    if [ $have_c = 1 ]; then
      run_guest c "$1" "$d/c"
      cmp -s "$d/c.out" "$d/fpvm.out" || { diff "$d/c.out" "$d/fpvm.out" | head -20 >&2; fail "Go and C guests print different output"; }
      [ "$(final_exit "$d/c.json")" = "$(final_exit "$d/fpvm.json")" ] || fail "Go and C guests exit differently"
      echo "C guest: same output and exit code ($(final_step "$d/c.json") steps)"
    else
      echo "C guest not built: compared with the boot file only"
    fi
  }
  case "$sub" in
  valid)
    run_guest go "$DATA/boot-valid.json" "$d/fpvm"
    [ "$(final_exit "$d/fpvm.json")" = 0 ] || fail "exit code $(final_exit "$d/fpvm.json"), expected 0"
    grep -q "^claim valid$" "$d/fpvm.out" || fail "the Go guest did not print 'claim valid'"
    grep -q "^block 24: .* output root $claim_valid$" "$d/fpvm.out" || fail "the Go guest did not derive block 24's output root $claim_valid"
    echo "valid claim: exit 0 after $(final_step "$d/fpvm.json") steps in ${fpvm_seconds}s, output root $claim_valid"
    compare_with_c "$DATA/boot-valid.json"
    ;;
  invalid)
    run_guest go "$DATA/boot-invalid.json" "$d/fpvm"
    [ "$(final_exit "$d/fpvm.json")" = 1 ] || fail "exit code $(final_exit "$d/fpvm.json"), expected 1"
    grep -q "^claim INVALID: computed $claim_valid claimed $claim_invalid$" "$d/fpvm.out" ||
      fail "the Go guest did not report computed $claim_valid against claimed $claim_invalid"
    echo "invalid claim: exit 1 after $(final_step "$d/fpvm.json") steps, computed $claim_valid"
    compare_with_c "$DATA/boot-invalid.json"
    ;;
  preimage_dir)
    # From op-program's data directory, without a server: the same final state as with the server.
    run_guest go "$DATA/boot-valid.json" "$d/fpvm" --preimage-dir "$DATA/preimages"
    [ "$(final_exit "$d/fpvm.json")" = 0 ] || fail "exit code $(final_exit "$d/fpvm.json"), expected 0"
    run_guest go "$DATA/boot-valid.json" "$d/server"
    final_exit "$d/server.json" >/dev/null
    [ "$(jget "$d/fpvm.json.witness" stateHash)" = "$(jget "$d/server.json.witness" stateHash)" ] ||
      fail "data-directory and server runs end in different states"
    echo "data directory: valid, same state hash $(jget "$d/fpvm.json.witness" stateHash) as with the server"
    ;;
  malformed_boot)
    # Local 3 (claimed block number) must be 8 bytes: exit 2 (status panic) without a Go panic.
    python3 - "$DATA/boot-valid.json" "$d/boot.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["3"] = "0x0018"
json.dump(j, open(sys.argv[2], "w"))
PY
    run_guest go "$d/boot.json" "$d/fpvm"
    [ "$(final_exit "$d/fpvm.json")" = 2 ] || fail "exit code $(final_exit "$d/fpvm.json"), expected 2"
    [ "$(jget "$d/fpvm.json.witness" stateHash | cut -c1-4)" = 0x02 ] || fail "state hash does not carry status 2 (panic)"
    grep -q "^panic: local 3 (claimed block number) must be 8 bytes$" "$d/fpvm.out" || fail "the Go guest did not explain the malformed boot value"
    echo "malformed boot value: exit 2"
    compare_with_c "$d/boot.json"
    ;;
  *)
    echo "unknown case $case_name" >&2
    exit 2
    ;;
  esac
  ;;

*)
  echo "unknown case $case_name" >&2
  exit 2
  ;;
esac
