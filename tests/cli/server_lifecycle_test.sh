#!/usr/bin/env bash
# `fpvm run … -- server` start and shutdown as a user sees them (issue 15, decision 0011), with
# test_preimage_server as the server and a run that reads no preimage (--stop-at =0):
#   slow-cleanup  the server needs 3 s to clean up after SIGINT: fpvm waits (1 s grace, SIGINT,
#                 3 s), exit 0, the server finished its cleanup, nothing killed;
#   deaf          the server ignores SIGINT: with --preimage-server-kill-after 1 it is killed and
#                 the kill is reported; the run still exits 0 with its output written first;
#   descriptors   the server sees exactly fds 0–6.
#
# usage: server_lifecycle_test.sh <case> <fpvm> <shared dir> <test_preimage_server>
set -uo pipefail

mode=${1:?case}
FPVM=${2:?fpvm binary}
SHARED=${3:-}
HELPER=${4:?test_preimage_server}
[ -n "${FPVM_SHARED_DIR:-}" ] && SHARED=$FPVM_SHARED_DIR
SIMPLE="$SHARED/testdata/riscv-tests/rv64ui-p/rv64ui-p-simple"
if [ ! -f "$SIMPLE" ]; then
  echo "SKIPPED: shared test data (../shared/testdata/riscv-tests) not found; set FPVM_SHARED_DIR"
  exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/fpvm-lifecycle-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
"$FPVM" load-elf --path "$SIMPLE" --out state.json --meta "" || exit 2

fail() {
  echo "FAIL [$mode]: $*" >&2
  echo "--- stderr" >&2
  cat err.log >&2
  exit 1
}

# run_timed ARGS…: runs `fpvm run` with ARGS; sets rc and secs.
run_timed() {
  local start
  start=$(date +%s.%N)
  "$FPVM" run --input state.json --output out.json --meta "" --stop-at =0 "$@" >out.log 2>err.log
  rc=$?
  secs=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
}

case "$mode" in
slow-cleanup)
  run_timed -- "$HELPER" --stay --on-sigint-sleep-ms 3000 --marker marker.txt
  [ "$rc" -eq 0 ] || fail "exit code $rc"
  [ -f out.json ] || fail "no output state"
  [ "$(cat marker.txt 2>/dev/null)" = "clean exit after sigint" ] || fail "the server did not finish its cleanup"
  grep -q SIGKILL err.log && fail "the server was killed"
  python3 -c "import sys; sys.exit(0 if 3.9 <= $secs < 15 else 1)" || fail "took ${secs}s (1 s grace + 3 s cleanup expected)"
  echo "slow cleanup: waited ${secs}s, server exited cleanly"
  ;;
deaf)
  run_timed --preimage-server-grace 0.2 --preimage-server-kill-after 1 -- "$HELPER" --stay --ignore-sigint
  [ "$rc" -eq 0 ] || fail "exit code $rc"
  [ -f out.json ] || fail "no output state"
  grep -q 'preimage server did not exit after SIGINT; killed it with SIGKILL' err.log || fail "the kill was not reported"
  python3 -c "import sys; sys.exit(0 if 1.1 <= $secs < 5 else 1)" || fail "took ${secs}s"
  echo "deaf server: killed after ${secs}s and reported"
  ;;
descriptors)
  run_timed -- "$HELPER" --fd-list fds.txt
  [ "$rc" -eq 0 ] || fail "exit code $rc"
  [ "$(cat fds.txt)" = "0 1 2 3 4 5 6" ] || fail "the server inherited descriptors $(cat fds.txt)"
  echo "descriptors: $(cat fds.txt)"
  ;;
*)
  echo "unknown case $mode" >&2
  exit 2
  ;;
esac
