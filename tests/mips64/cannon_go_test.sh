#!/usr/bin/env bash
# A Go program (tests/go/programs/<name>, built for linux/mips64) through Cannon's command line:
# `cannon load-elf`, `cannon run` to the end with the guest's stdout in a file and a snapshot
# at step 100000, the same expected stdout and exit code as on RISC-V, and a run resumed from the
# snapshot ending in the same state hash.
#
# usage: cannon_go_test.sh <cannon binary> <guest ELF or ""> <expected.txt> <exit code>
# Exit 77 (CTest SKIP_RETURN_CODE) when the guest was not built (no Go toolchain).
set -uo pipefail
CANNON=${1:?cannon binary}
ELF=${2:-}
EXPECTED=${3:?expected stdout}
CODE=${4:?exit code}
if [ -z "$ELF" ] || [ ! -f "$ELF" ]; then
  echo "SKIPPED: Go guest not built (no usable go toolchain)"
  exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/fpvm-cannon-go-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

"$CANNON" load-elf --type multithreaded64-5 --path "$ELF" --out pre.bin.gz --meta meta.json || fail "load-elf"
start=$(date +%s.%N)
"$CANNON" run --input pre.bin.gz --output final.bin.gz --meta meta.json --info-at never \
  --snapshot-at =100000 --snapshot-fmt 'snap-%d.bin.gz' --guest-stdout out.txt 2>run.err || fail "run: $(tail -3 run.err)"
end=$(date +%s.%N)
"$CANNON" witness --input final.bin.gz >w.json || fail "witness"
[ "$(field exited <w.json)" = "True" ] || fail "the program did not exit"
[ "$(field exitCode <w.json)" = "$CODE" ] || fail "exit code $(field exitCode <w.json), expected $CODE"
diff -u "$EXPECTED" out.txt >&2 || fail "stdout differs from $EXPECTED"
steps=$(field step <w.json)
echo "$(basename "$ELF"): $steps steps in $(python3 -c "print(f'{$end - $start:.2f}')") s"

[ -f snap-100000.bin.gz ] || fail "no snapshot at step 100000"
"$CANNON" run --input snap-100000.bin.gz --output resumed.bin.gz --meta "" --info-at never 2>resume.err ||
  fail "resume: $(tail -3 resume.err)"
"$CANNON" witness --input resumed.bin.gz >r.json || fail "witness of the resumed run"
[ "$(field witnessHash <r.json)" = "$(field witnessHash <w.json)" ] || fail "the resumed run ends in another state"
echo "ok"
