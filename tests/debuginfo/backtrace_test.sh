#!/usr/bin/env bash
# A program that fails three calls deep (guests/deep_revert.c): the failing run's error names the
# unsupported syscall and is followed by a backtrace through every function to main.
#   backtrace_test.sh riscv64   `fpvm load-elf` + `fpvm run --meta` (frame pointers and prologues)
#   backtrace_test.sh mips64    `fpvm cannon load-elf` + `fpvm cannon run --meta` (prologues)
#   backtrace_test.sh mips64-go-panic   a Go panic on MT64 (the runtime prints its own trace
#                               piecewise and exits 2): fpvm adds the exit's stack to the panic line
# Environment (set by CTest): FPVM, GUESTS, WORK. Exit 77 = skipped (the guest was not built).
set -euo pipefail
isa=${1:?usage: backtrace_test.sh riscv64|mips64|mips64-go-panic}
: "${FPVM:?}" "${GUESTS:?}" "${WORK:?}"
d=$WORK/backtrace-$isa
rm -rf "$d" && mkdir -p "$d"

fail() {
  echo "FAIL [$isa]: $*" >&2
  [ -s "$d/run.log" ] && tail -n 20 "$d/run.log" >&2
  exit 1
}

if [ "$isa" = mips64-go-panic ]; then
  elf=$GUESTS/go/mips64-panic
  [ -f "$elf" ] || { echo "SKIP: $elf was not built (no Go toolchain?)"; exit 77; }
  "$FPVM" cannon load-elf --type multithreaded64-5 --path "$elf" --out "$d/state.bin.gz" --meta "$d/meta.json" >/dev/null 2>&1
  "$FPVM" cannon run --input "$d/state.bin.gz" --output "$d/out.bin.gz" --meta "$d/meta.json" >"$d/run.log" 2>&1 ||
    fail "cannon run failed on a program that exits 2"
  grep -q "exited=true code=2" "$d/run.log" || fail "the program did not exit with 2"
  for needle in "Go panic (exit code 2), backtrace (Go tables):" "in runtime.fatalpanic at runtime/panic.go:" \
                "in runtime.gopanic at runtime/panic.go:" "in main.main at fpvm.guest/mips64-panic/main.go:13" \
                "in runtime.goexit at "; do
    grep -qF "$needle" "$d/run.log" || fail "the backtrace does not show \"$needle\""
  done
  sed -n '/^Go panic/,$p' "$d/run.log"
  exit 0
fi
if [ "$isa" = riscv64 ]; then
  elf=$GUESTS/deep_revert.elf
  [ -f "$elf" ] || { echo "SKIP: $elf was not built (no riscv64-unknown-elf-gcc?)"; exit 77; }
  "$FPVM" load-elf --path "$elf" --out "$d/state.json" --meta "$d/meta.json" >/dev/null 2>&1
  rc=0
  "$FPVM" run --input "$d/state.json" --output "$d/out.json" --meta "$d/meta.json" >"$d/run.log" 2>&1 || rc=$?
  [ "$rc" -eq 1 ] || fail "fpvm run exited with $rc, expected 1"
  method="frame pointers and prologues"
else
  elf=$GUESTS/mips64/deep_revert.elf
  [ -f "$elf" ] || { echo "SKIP: $elf was not built (no mips64-linux-gnuabi64-gcc?)"; exit 77; }
  "$FPVM" cannon load-elf --type multithreaded64-5 --path "$elf" --out "$d/state.bin.gz" --meta "$d/meta.json" >/dev/null 2>&1
  rc=0
  "$FPVM" cannon run --input "$d/state.bin.gz" --output "$d/out.bin.gz" --meta "$d/meta.json" >"$d/run.log" 2>&1 || rc=$?
  [ "$rc" -ne 0 ] || fail "cannon run succeeded on a program that makes an unsupported syscall"
  method="prologues"
fi
grep -q "unimplemented syscall\|unsupported syscall" "$d/run.log" || fail "the error does not name the unsupported syscall"
grep -qF "backtrace ($method):" "$d/run.log" || fail "no backtrace ($method)"
# The frames, innermost first, in this order.
frames=$(sed -n 's/^  #[0-9]* *0x[0-9a-f]* in \([A-Za-z_0-9.]*\).*/\1/p' "$d/run.log" | tr '\n' ' ')
case "$frames" in
  "unsupported level3 level2 level1 main "*) ;;
  *) fail "backtrace frames are \"$frames\", expected unsupported level3 level2 level1 main …" ;;
esac
echo "[$isa] $frames"
