#!/usr/bin/env bash
# The guest SDK's example programs (sdk/examples) under fpvm and qemu-riscv64: one case per call.
#   sdk_examples_test.sh suite    `fpvm test` on sdk/examples/suite.json (C without libc, C with
#                                 picolibc, Go; valid, invalid and malformed boot values)
#   sdk_examples_test.sh qemu     every case of that suite under qemu-riscv64, fds 3-6 served by
#                                 oracle_host.py: same output and exit code as under fpvm
#   sdk_examples_test.sh mips64   `fpvm test` on sdk/examples/suite-mips64.json (Cannon MT64: the
#                                 bare C example and the Go example built for mips64)
# Environment (set by CTest): FPVM, GUESTS (build/guests), QEMU (empty when missing), WORK, SDK.
# Exit 77 = skipped (a compiler or qemu is missing, so a program was not built).
set -euo pipefail
case_name=${1:?usage: sdk_examples_test.sh suite|qemu|mips64}
: "${FPVM:?}" "${GUESTS:?}" "${WORK:?}" "${SDK:?}"
QEMU=${QEMU:-}
ex=$SDK/examples
mkdir -p "$WORK"
d=$(mktemp -d "$WORK/$case_name.XXXXXX")
trap 'rc=$?; [ $rc -eq 0 ] && rm -rf "$d"; exit $rc' EXIT

need() {
  for f in "$@"; do
    [ -f "$f" ] || { echo "SKIP: $f was not built"; exit 77; }
  done
}

programs=("$GUESTS/sdk-oracle-demo-bare.elf" "$GUESTS/sdk-oracle-demo-libc.elf" "$GUESTS/go/sdk-oracle-demo")

case "$case_name" in
suite)
  need "${programs[@]}"
  "$FPVM" test --var "GUESTS=$GUESTS" --jobs 2 --junit "$d/junit.xml" "$ex/suite.json"
  ;;
qemu)
  need "${programs[@]}"
  [ -n "$QEMU" ] || { echo "SKIP: qemu-riscv64 not installed"; exit 77; }
  "$FPVM" test --var "GUESTS=$GUESTS" --jobs 2 --quiet --guest-output "$d/fpvm" "$ex/suite.json"
  python3 - "$ex/suite.json" "$GUESTS" >"$d/cases" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
for c in doc["cases"]:
    print(c["name"], c["program"].replace("${GUESTS}", sys.argv[2]), c["expect"]["exitCode"])
PY
  n=0
  while read -r name elf code; do
    set +e
    python3 "$SDK/tests/oracle_host.py" "$ex/suite.json" "$name" -- "$QEMU" "$elf" >"$d/$name.qemu.out" 2>"$d/$name.qemu.err"
    rc=$?
    set -e
    [ "$rc" -eq "$code" ] || { cat "$d/$name.qemu.err" >&2; echo "FAIL: $name under qemu: exit code $rc, expected $code" >&2; exit 1; }
    if ! cmp -s "$d/fpvm/$name.out" "$d/$name.qemu.out"; then
      diff "$d/fpvm/$name.out" "$d/$name.qemu.out" >&2 || true
      echo "FAIL: $name: fpvm and qemu-riscv64 print different output" >&2
      exit 1
    fi
    n=$((n + 1))
  done <"$d/cases"
  echo "qemu-riscv64 and fpvm agree on $n cases (output and exit code)"
  ;;
mips64)
  need "$GUESTS/sdk-oracle-demo-mips64.elf" "$GUESTS/go/sdk-oracle-demo-mips64"
  "$FPVM" test --var "GUESTS=$GUESTS" "$ex/suite-mips64.json"
  ;;
*)
  echo "unknown case $case_name" >&2
  exit 2
  ;;
esac
