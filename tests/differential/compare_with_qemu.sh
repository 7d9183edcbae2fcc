#!/usr/bin/env bash
# compare_with_qemu.sh FPVM ELF [EXPECTED_EXIT]
#
# Differential test: runs the RISC-V guest ELF under qemu-riscv64 (Linux user
# mode) and under the fpvm, and compares the guest's stdout bytes, stderr
# bytes and exit code. Prints the fpvm step count.
#
#   FPVM           path of the fpvm CLI (empty: test is skipped)
#   ELF            guest program built by fpvm_add_riscv_guest
#   EXPECTED_EXIT  optional: the exit code the program is designed to end
#                  with; the qemu reference run must produce it, otherwise
#                  the guest build itself is broken and the test fails.
#
# Exit status: 0 equal, 1 different (or an fpvm/qemu error), 77 skipped
# (qemu-riscv64 missing, guest ELF not built, no fpvm given).
#
# Environment: QEMU_RISCV64 (qemu binary, default qemu-riscv64),
# FPVM_DIFF_KEEP=1 keeps the temporary directory and prints its path.
set -u

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
  echo "usage: $0 FPVM ELF [EXPECTED_EXIT]" >&2
  exit 2
fi
FPVM=$1
ELF=$2
EXPECTED=${3:-}
QEMU=${QEMU_RISCV64:-qemu-riscv64}
NAME=$(basename "$ELF" .elf)

if ! command -v "$QEMU" >/dev/null 2>&1; then
  echo "SKIP $NAME: $QEMU not found (install qemu-user to run the differential tests)"
  exit 77
fi
if [ ! -f "$ELF" ]; then
  echo "SKIP $NAME: guest ELF $ELF was not built (riscv64-unknown-elf-gcc or picolibc missing at configure time?)"
  exit 77
fi
if [ -z "$FPVM" ]; then
  echo "SKIP $NAME: no fpvm binary given (the fpvm target does not exist; set FPVM_DIFF_VM)"
  exit 77
fi
if [ ! -x "$FPVM" ]; then
  echo "FAIL $NAME: fpvm binary '$FPVM' does not exist or is not executable"
  exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/fpvm-diff-$NAME.XXXXXX") || exit 1
if [ "${FPVM_DIFF_KEEP:-0}" = 1 ]; then
  echo "keeping $tmp"
else
  trap 'rm -rf "$tmp"' EXIT
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }

# Guests read stdin until EOF (the fpvm's read(0) always returns 0); give
# qemu an empty file rather than /dev/null, which is not always a device.
: >"$tmp/empty"

# ---- reference: qemu ------------------------------------------------------
t0=$(now)
"$QEMU" "$ELF" >"$tmp/qemu.out" 2>"$tmp/qemu.err" <"$tmp/empty"
qemu_rc=$?
t1=$(now)
echo "qemu:  exit $qemu_rc, $(wc -c <"$tmp/qemu.out") stdout bytes, $(wc -c <"$tmp/qemu.err") stderr bytes, $(elapsed "$t0" "$t1") s"
if [ -n "$EXPECTED" ] && [ "$qemu_rc" != "$EXPECTED" ]; then
  echo "FAIL $NAME: the qemu reference run exited $qemu_rc, the program is built to exit $EXPECTED"
  echo "--- qemu stderr (tail):"
  tail -n 20 "$tmp/qemu.err"
  exit 1
fi

# ---- fpvm -----------------------------------------------------------------
fail_cmd() {
  echo "FAIL $NAME: $1 (exit $2)"
  if [ -s "$3" ]; then
    echo "--- its stderr (tail):"
    tail -n 30 "$3"
  fi
  exit 1
}

t0=$(now)
"$FPVM" load-elf --path "$ELF" --out "$tmp/pre.bin.gz" --meta "" \
  >"$tmp/load.log" 2>&1 || fail_cmd "fpvm load-elf failed" $? "$tmp/load.log"
: >"$tmp/vm.out"
: >"$tmp/vm.err"
"$FPVM" run --input "$tmp/pre.bin.gz" --output "$tmp/post.json" --meta "" \
  --info-at never --guest-stdout "$tmp/vm.out" --guest-stderr "$tmp/vm.err" \
  <"$tmp/empty" >"$tmp/run.log" 2>&1 || fail_cmd "fpvm run failed" $? "$tmp/run.log"
t1=$(now)
"$FPVM" witness --input "$tmp/post.json" >"$tmp/witness.json" 2>"$tmp/witness.log" \
  || fail_cmd "fpvm witness failed" $? "$tmp/witness.log"

# The witness JSON is flat: {"witness":"0x…","stateHash":"0x…","step":N,
# "exited":true,"exitCode":N,"pc":N}; read it without a JSON tool.
json=$(tr -d ' \t\r\n' <"$tmp/witness.json")
field() { printf '%s' "$json" | sed -n "s/.*\"$1\":\"\{0,1\}\([^,\"}]*\).*/\1/p"; }
step=$(field step)
exited=$(field exited)
vm_rc=$(field exitCode)
echo "fpvm:  exit ${vm_rc:-?}, $(wc -c <"$tmp/vm.out") stdout bytes, $(wc -c <"$tmp/vm.err") stderr bytes, ${step:-?} steps, $(elapsed "$t0" "$t1") s (load-elf + run)"
echo "state: $(field stateHash)"

status=0
if [ "$exited" != "true" ]; then
  echo "FAIL $NAME: the VM did not reach exit (exited=${exited:-?}, pc=$(field pc))"
  echo "--- witness: $(cat "$tmp/witness.json")"
  status=1
fi
if [ "$vm_rc" != "$qemu_rc" ]; then
  echo "FAIL $NAME: exit code differs: qemu $qemu_rc, fpvm ${vm_rc:-?}"
  status=1
fi
for stream in out err; do
  label=$([ $stream = out ] && echo stdout || echo stderr)
  if ! cmp -s "$tmp/qemu.$stream" "$tmp/vm.$stream"; then
    echo "FAIL $NAME: guest $label differs: $(cmp "$tmp/qemu.$stream" "$tmp/vm.$stream" 2>&1 | head -n 1)"
    diff -u --label "qemu $label" --label "fpvm $label" -a \
      "$tmp/qemu.$stream" "$tmp/vm.$stream" | head -n 40
    status=1
  fi
done

# The proving engine (the interpreter with per-store leaf-pair bookkeeping) and the reference
# interpreter must reach the same final state and output as the fast engine used above
# (FPVM_DIFF_PROVING=0 skips both).
if [ "${FPVM_DIFF_PROVING:-1}" = 1 ]; then
  for engine in proving reference; do
    : >"$tmp/vm-$engine.out"
    "$FPVM" run --input "$tmp/pre.bin.gz" --output "$tmp/post-$engine.json" --meta "" --engine $engine \
      --info-at never --guest-stdout "$tmp/vm-$engine.out" --guest-stderr /dev/null \
      <"$tmp/empty" >"$tmp/run-$engine.log" 2>&1 || fail_cmd "fpvm run --engine $engine failed" $? "$tmp/run-$engine.log"
    other_hash=$("$FPVM" witness --input "$tmp/post-$engine.json" | tr -d ' \t\r\n' |
      sed -n 's/.*"stateHash":"\([^"]*\)".*/\1/p')
    if [ "$other_hash" != "$(field stateHash)" ]; then
      echo "FAIL $NAME: $engine engine ends in $other_hash, fast engine in $(field stateHash)"
      status=1
    elif ! cmp -s "$tmp/vm.out" "$tmp/vm-$engine.out"; then
      echo "FAIL $NAME: $engine engine printed different output"
      status=1
    else
      echo "$engine engine: same final state hash and output"
    fi
  done
fi

if [ $status -eq 0 ]; then
  echo "PASS $NAME: stdout, stderr and exit code $qemu_rc identical (${step:-?} steps)"
fi
exit $status
