#!/usr/bin/env bash
# End-to-end tests of the segment commands on the example rollup (preimages from a data
# directory and from the rollup host as server): prove-segment, verify-segment, merge-segments,
# validate-segments, tampering. One case per invocation:
#   segment_cli_test.sh <case>
# Environment (set by CTest): FPVM, ROLLUP_HOST, ROLLUP_GUEST (empty when the RISC-V compiler is
# missing: every case is skipped with exit code 77), WORK (scratch folder; `setup` fills it).
set -euo pipefail

case_name=${1:?usage: segment_cli_test.sh <case>}
: "${FPVM:?}" "${ROLLUP_HOST:?}" "${WORK:?}"
ROLLUP_GUEST=${ROLLUP_GUEST:-}
HERE=$(cd "$(dirname "$0")" && pwd)
FMT="python3 $HERE/segment_format.py"
DATA=$WORK/data

if [ -z "$ROLLUP_GUEST" ] || [ ! -f "$ROLLUP_GUEST" ]; then
  echo "SKIP: the rollup guest was not built (riscv64-unknown-elf-gcc missing?)"
  [ "$case_name" = setup ] && exit 0
  exit 77
fi

fail() { echo "FAIL [$case_name]: $*" >&2; [ -f "$d/err.log" ] && tail -n 5 "$d/err.log" >&2; exit 1; }
jget() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else (str(v).lower() if isinstance(v,bool) else v))' "$1" "$2"; }
PRE=(--local-file "$DATA/boot-valid.json" --preimage-dir "$DATA/preimages")

# hash_at STEP: the state hash after STEP steps, from `fpvm run` (the fast engine) + `witness`.
hash_at() {
  "$FPVM" run --input "$DATA/prestate.bin.gz" --meta "" --info-at never --guest-stdout /dev/null "${PRE[@]}" \
    --stop-at "=$1" --output "$d/at-$1.json" 2>/dev/null
  "$FPVM" witness --input "$d/at-$1.json" >"$d/at-$1.witness"
  jget "$d/at-$1.witness" stateHash
}

# prove A B NAME [extra args]: writes $d/NAME.fpsg and $d/NAME.json
prove() {
  local a=$1 b=$2 name=$3
  shift 3
  "$FPVM" prove-segment --input "$DATA/prestate.bin.gz" --from "$a" --to "$b" --output "$d/$name.fpsg" "$@" \
    >"$d/$name.json" 2>"$d/err.log" || fail "prove-segment $a $b failed"
}

# expect_reject FILE NEEDLE: verify-segment must fail with an error containing NEEDLE.
expect_reject() {
  set +e
  "$FPVM" verify-segment --proof "$1" >/dev/null 2>"$d/err.log"
  local rc=$?
  set -e
  [ $rc -eq 1 ] || fail "verify-segment accepted $1 (rc $rc)"
  grep -qF -- "$2" "$d/err.log" || fail "error for $1 does not mention \"$2\": $(cat "$d/err.log")"
}

if [ "$case_name" = setup ]; then
  rm -rf "$DATA"
  mkdir -p "$DATA"
  "$ROLLUP_HOST" generate --out "$DATA" --blocks 24 --accounts 48 --txs-per-block 16 --seed 1 >/dev/null
  "$FPVM" load-elf --path "$ROLLUP_GUEST" --out "$DATA/prestate.bin.gz" --meta "$DATA/meta.json"
  "$FPVM" run --input "$DATA/prestate.bin.gz" --meta "" --info-at never --guest-stdout /dev/null "${PRE[@]}" \
    --output "$DATA/final.json"
  "$FPVM" witness --input "$DATA/final.json" >"$DATA/final.witness"
  echo "chain data, prestate and final state in $DATA ($(jget "$DATA/final.witness" step) steps)"
  exit 0
fi

[ -f "$DATA/final.witness" ] || { echo "FAIL: $DATA/final.witness missing (run the setup case first)"; exit 1; }
END=$(jget "$DATA/final.witness" step)
END_HASH=$(jget "$DATA/final.witness" stateHash)
d=$WORK/$case_name
rm -rf "$d"
mkdir -p "$d"

case "$case_name" in
ranges)
  # Segments of 1, 1k, 10k, 100k, 1M steps and the whole run; the re-executed post-state must be
  # the state hash at B.
  for r in "0 1" "0 1000" "1000000 1010000" "2000000 2100000" "1000000 2000000" "$((END - 500)) $((END + 100))" "0 $END"; do
    set -- $r
    prove "$1" "$2" "s$1" "${PRE[@]}"
    b=$(( $2 > END ? END : $2 ))
    want=$(hash_at "$b")
    [ "$(jget "$d/s$1.json" post)" = "$want" ] || fail "prove-segment [$1,$2) post differs from run --stop-at"
    "$FPVM" verify-segment --proof "$d/s$1.fpsg" --expect-post "$want" >"$d/v$1.json" 2>"$d/err.log" ||
      fail "verify-segment [$1,$2) failed"
    [ "$(jget "$d/v$1.json" post)" = "$want" ] || fail "verify-segment [$1,$2) printed another post hash"
    [ "$(jget "$d/v$1.json" to)" = "$b" ] || fail "verify-segment [$1,$2) ends at $(jget "$d/v$1.json" to), expected $b"
    $FMT summary "$d/s$1.fpsg" >"$d/f$1.json" || fail "the format reader rejects [$1,$2)"
    [ "$(jget "$d/f$1.json" size)" = "$(jget "$d/s$1.json" bytes)" ] || fail "size mismatch"
    echo "[$1,$2): $(jget "$d/s$1.json" bytes) bytes, $(jget "$d/s$1.json" leaves) leaves, $(jget "$d/s$1.json" siblings) siblings vs $(jget "$d/s$1.json" single-step-bytes) bytes of one-step proofs"
  done
  [ "$(jget "$d/v0.json" post)" = "$END_HASH" ] || fail "whole run does not end in the final state"
  # --expect-post with another hash fails.
  set +e
  "$FPVM" verify-segment --proof "$d/s0.fpsg" --expect-post "0x$(printf '%064d' 0)" >/dev/null 2>"$d/err.log"
  rc=$?
  set -e
  [ $rc -eq 1 ] && grep -q "post-state mismatch" "$d/err.log" || fail "--expect-post mismatch not reported"
  ;;

server)
  # The same segment with the rollup host as preimage server (hints then reads): same proof.
  prove 1000 900000 dir "${PRE[@]}"
  prove 1000 900000 srv --local-file "$DATA/boot-valid.json" -- "$ROLLUP_HOST" serve --chain "$DATA"
  cmp -s "$d/dir.fpsg" "$d/srv.fpsg" || fail "server and data-directory proofs differ"
  [ "$(jget "$d/srv.json" preimages)" -gt 0 ] || fail "segment reads no preimage"
  ;;

merge)
  prove 500000 1200000 a "${PRE[@]}"
  prove 1200000 2000000 b "${PRE[@]}"
  prove 500000 2000000 direct "${PRE[@]}"
  "$FPVM" merge-segments --proof "$d/a.fpsg" --proof "$d/b.fpsg" --output "$d/m.fpsg" >"$d/m.json" 2>"$d/err.log" ||
    fail "merge-segments failed"
  cmp -s "$d/m.fpsg" "$d/direct.fpsg" || fail "merged proof differs from the direct proof of [500000,2000000)"
  "$FPVM" verify-segment --proof "$d/m.fpsg" --expect-post "$(jget "$d/b.json" post)" >/dev/null 2>"$d/err.log" ||
    fail "merged proof does not verify"
  [ "$(jget "$d/m.json" bytes)" -lt "$(jget "$d/m.json" input-bytes)" ] || fail "merged proof is not smaller than its inputs"
  echo "merged $(jget "$d/m.json" bytes) bytes from $(jget "$d/m.json" input-bytes); one-step proofs $(jget "$d/m.json" single-step-bytes)"
  set +e
  "$FPVM" merge-segments --proof "$d/b.fpsg" --proof "$d/a.fpsg" --output "$d/x.fpsg" >/dev/null 2>"$d/err.log"
  rc=$?
  set -e
  [ $rc -eq 1 ] && grep -q "segments do not chain" "$d/err.log" || fail "merging out of order not rejected"
  ;;

tamper)
  prove 3130000 3140000 t "${PRE[@]}"  # reads a keccak preimage (at step 3,135,382)
  $FMT summary "$d/t.fpsg" >"$d/t.info"
  python3 -c 'import json,sys; i=json.load(open(sys.argv[1])); sys.exit(0 if i["preimages"] and i["preimages"][0]["key"].startswith("0x02") else 1)' "$d/t.info" ||
    fail "segment reads no keccak preimage; pick another range"
  $FMT flip "$d/t.fpsg" "$d/leaf.fpsg" leaf 3
  expect_reject "$d/leaf.fpsg" "multiproof does not match the pre-state"
  $FMT flip "$d/t.fpsg" "$d/sib.fpsg" sibling 1
  expect_reject "$d/sib.fpsg" "multiproof does not match the pre-state"
  $FMT flip "$d/t.fpsg" "$d/wit.fpsg" witness 80
  expect_reject "$d/wit.fpsg" "pre-state hash mismatch"
  $FMT flip "$d/t.fpsg" "$d/pre.fpsg" preimage 5
  expect_reject "$d/pre.fpsg" "does not match its keccak256 hash"
  $FMT flip "$d/t.fpsg" "$d/ver.fpsg" version
  expect_reject "$d/ver.fpsg" "unsupported format version"
  $FMT flip "$d/t.fpsg" "$d/to.fpsg" to
  expect_reject "$d/to.fpsg" "post-state mismatch"
  head -c 1000 "$d/t.fpsg" >"$d/cut.fpsg"
  expect_reject "$d/cut.fpsg" "truncated"
  { cat "$d/t.fpsg"; printf 'x'; } >"$d/trail.fpsg"
  expect_reject "$d/trail.fpsg" "trailing bytes"
  expect_reject "$DATA/meta.json" "bad magic"
  # A local boot value changed: not checkable by hash, caught by the post-state.
  prove 0 5000 boot "${PRE[@]}"
  $FMT flip "$d/boot.fpsg" "$d/boot2.fpsg" preimage 0
  expect_reject "$d/boot2.fpsg" "post-state mismatch"
  echo "all tampered proofs rejected"
  ;;

validate)
  out=$("$FPVM" validate-segments --input "$DATA/prestate.bin.gz" --every 500000 --threads 2 --claimed-end "$END_HASH" \
    --proof-dir "$d" --baseline "${PRE[@]}" 2>"$d/err.log") || fail "validate-segments failed"
  echo "$out" >"$d/v.json"
  [ "$(jget "$d/v.json" end)" = "$END_HASH" ] || fail "validation ends elsewhere"
  [ "$(jget "$d/v.json" segments)" = "$(( (END + 499999) / 500000 ))" ] || fail "unexpected segment count"
  "$FPVM" verify-segment --proof "$d/segment-3.fpsg" --expect-pre "$(hash_at 1500000)" >/dev/null 2>"$d/err.log" ||
    fail "a written segment proof does not verify"
  echo "validate-segments: $(jget "$d/v.json" segments) segments, speed-up $(jget "$d/v.json" speedup)"
  set +e
  "$FPVM" validate-segments --input "$DATA/prestate.bin.gz" --every 1000000 --threads 2 \
    --claimed-end "0x03$(printf '%062d' 0)" "${PRE[@]}" >/dev/null 2>"$d/err.log"
  rc=$?
  set -e
  [ $rc -eq 1 ] && grep -q "the claimed end is" "$d/err.log" || fail "wrong claimed end not rejected"
  ;;

bad_args)
  set +e
  "$FPVM" prove-segment --input "$DATA/prestate.bin.gz" --from 10 --to 5 --output "$d/x" "${PRE[@]}" 2>"$d/err.log"
  [ $? -eq 1 ] && grep -q "is before --from" "$d/err.log" || fail "--to < --from accepted"
  "$FPVM" prove-segment --input "$DATA/prestate.bin.gz" --from $((END + 10)) --to $((END + 20)) --output "$d/x" "${PRE[@]}" 2>"$d/err.log"
  [ $? -eq 1 ] && grep -q "before --from" "$d/err.log" || fail "--from after the exit accepted"
  "$FPVM" prove-segment --input "$DATA/prestate.bin.gz" --from 0 --to 100000 --output "$d/x" 2>"$d/err.log"
  [ $? -eq 1 ] && grep -q "preimage" "$d/err.log" || fail "missing preimages not reported"
  "$FPVM" verify-segment --proof "$d/nonexistent" 2>"$d/err.log"
  [ $? -eq 1 ] || fail "missing proof file accepted"
  set -e
  ;;

*)
  echo "unknown case $case_name" >&2
  exit 2
  ;;
esac
echo "ok: $case_name"
