#!/usr/bin/env bash
# End-to-end tests of fpvm on the example rollup (examples/rollup): one case per invocation.
#   rollup_test.sh <case>
# Environment (set by CTest): FPVM, ROLLUP_HOST, ROLLUP_GUEST (empty when the RISC-V compiler is
# missing: every case is skipped with exit code 77), WORK (scratch folder shared by the cases;
# the `setup` case fills WORK/data once).
set -euo pipefail

case_name=${1:?usage: rollup_test.sh <case>}
: "${FPVM:?}" "${ROLLUP_HOST:?}" "${WORK:?}"
ROLLUP_GUEST=${ROLLUP_GUEST:-}
DATA=$WORK/data

if [ -z "$ROLLUP_GUEST" ] || [ ! -f "$ROLLUP_GUEST" ]; then
  echo "SKIP: the rollup guest was not built (riscv64-unknown-elf-gcc missing?)"
  [ "$case_name" = setup ] && exit 0
  exit 77
fi

fail() {
  echo "FAIL [$case_name]: $*" >&2
  for f in "$d"/err.log "$d"/guest.out; do
    [ -f "$f" ] && { echo "--- $f (last 20 lines)" >&2; tail -n 20 "$f" >&2; }
  done
  exit 1
}

# JSON field of a file: jget FILE FIELD (prints "" when absent).
jget() {
  python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print("" if v is None else (str(v).lower() if isinstance(v,bool) else v))' "$1" "$2"
}

# Runs fpvm; sets $rc. Guest stdout goes to $d/guest.out, fpvm's (and the server's) stderr to
# $d/err.log. Pass the input state with IN=… (default: the prestate).
run_vm() {
  rm -f "$d"/*.witness
  set +e
  timeout 120 "$FPVM" run --input "${IN:-$DATA/prestate.bin.gz}" --meta "$DATA/meta.json" \
    --guest-stdout "$d/guest.out" "$@" 2>"$d/err.log"
  rc=$?
  set -e
}

server() { echo -- "$ROLLUP_HOST" serve --chain "$DATA" "$@"; }

# witness FILE FIELD: a field of `fpvm witness` for a state file (computed once per file).
witness() {
  local cache="$1.witness"
  if [ ! -f "$cache" ] || [ "$cache" -ot "$1" ]; then
    "$FPVM" witness --input "$1" >"$cache" || fail "fpvm witness failed on $1"
  fi
  jget "$cache" "$2"
}

expect_rc() { [ "$rc" -eq "$1" ] || fail "fpvm exited with $rc, expected $1"; }
expect_err() { grep -qF -- "$1" "$d/err.log" || fail "stderr does not mention \"$1\""; }
expect_no_output() { [ ! -e "$1" ] || fail "an output state was written although the run failed: $1"; }

# Expects a valid final state with exit code $2 in file $1.
expect_exit() {
  local fields
  fields=$(witness "$1" exited):$(witness "$1" exitCode)
  [ "$fields" = "true:$2" ] || fail "$1: exited:exitCode is $fields, expected true:$2"
}

# Key of a preimage by its hash: type byte 2 replaces the first byte.
keccak_key() { echo "0x02${1:4}"; }

if [ "$case_name" = setup ]; then
  d=$WORK
  rm -rf "$DATA"
  mkdir -p "$DATA"
  "$ROLLUP_HOST" generate --out "$DATA" --blocks 24 --accounts 48 --txs-per-block 16 --seed 1 >/dev/null
  "$FPVM" load-elf --path "$ROLLUP_GUEST" --out "$DATA/prestate.bin.gz" --meta "$DATA/meta.json"
  echo "chain data and prestate in $DATA"
  exit 0
fi

[ -f "$DATA/prestate.bin.gz" ] || { echo "FAIL: $DATA/prestate.bin.gz missing (run the setup case first)"; exit 1; }
d=$WORK/$case_name
rm -rf "$d"
mkdir -p "$d"

case "$case_name" in
valid)
  run_vm --output "$d/final.json" --info-at never --local-file "$DATA/boot-valid.json" $(server)
  expect_rc 0
  expect_exit "$d/final.json" 0
  [ "$(witness "$d/final.json" stateHash | cut -c1-4)" = 0x00 ] || fail "state hash does not carry status 0 (valid)"
  grep -q "^claim valid$" "$d/guest.out" || fail "guest did not print 'claim valid'"
  grep -q "^block 24: .* output root $(jget "$DATA/boot-valid.json" 2)$" "$d/guest.out" || fail "guest did not derive block 24"
  echo "valid claim: exit 0 after $(witness "$d/final.json" step) steps"
  ;;

invalid)
  run_vm --output "$d/final.json" --info-at never --local-file "$DATA/boot-invalid.json" $(server)
  expect_rc 0
  expect_exit "$d/final.json" 1
  [ "$(witness "$d/final.json" stateHash | cut -c1-4)" = 0x01 ] || fail "state hash does not carry status 1 (invalid)"
  grep -q "^claim INVALID: computed 0x.* claimed $(jget "$DATA/boot-invalid.json" 2)$" "$d/guest.out" ||
    fail "guest did not report the invalid claim"
  echo "invalid claim: exit 1"
  ;;

preimage_dir)
  # The same run from the op-program style data directory, no server: same final state.
  run_vm --output "$d/dir.json" --info-at never --local-file "$DATA/boot-valid.json" --preimage-dir "$DATA/preimages"
  expect_rc 0
  expect_exit "$d/dir.json" 0
  run_vm --output "$d/server.json" --info-at never --local-file "$DATA/boot-valid.json" $(server)
  expect_rc 0
  [ "$(witness "$d/dir.json" stateHash)" = "$(witness "$d/server.json" stateHash)" ] ||
    fail "data-directory and server runs end in different states"
  echo "data directory run: valid, same state hash as the server run"
  ;;

engines_agree)
  # The fast engine (default), the proving engine and the reference interpreter reach the same
  # final state, step count and output on the example program, for the valid and the invalid
  # claim (issue 5).
  for boot in valid invalid; do
    run_vm --output "$d/fast-$boot.json" --info-at never --local-file "$DATA/boot-$boot.json" \
      --preimage-dir "$DATA/preimages" --engine fast
    expect_rc 0
    cp "$d/guest.out" "$d/fast-$boot.out"
    for engine in proving reference; do
      run_vm --output "$d/$engine-$boot.json" --info-at never --local-file "$DATA/boot-$boot.json" \
        --preimage-dir "$DATA/preimages" --engine $engine
      expect_rc 0
      [ "$(witness "$d/fast-$boot.json" stateHash)" = "$(witness "$d/$engine-$boot.json" stateHash)" ] ||
        fail "fast and $engine engines end in different states ($boot claim)"
      [ "$(witness "$d/fast-$boot.json" step)" = "$(witness "$d/$engine-$boot.json" step)" ] ||
        fail "fast and $engine engines ran different step counts ($boot claim)"
      cmp -s "$d/fast-$boot.out" "$d/guest.out" || fail "fast and $engine engines printed different output"
    done
  done
  echo "fast, proving and reference engines agree: $(witness "$d/fast-valid.json" step) steps, $(witness "$d/fast-valid.json" stateHash)"
  ;;

missing_preimage)
  # No server and no data directory: the first keccak preimage (the agreed header) is missing.
  key=$(keccak_key "$(jget "$DATA/boot-valid.json" 1)")
  run_vm --output "$d/final.json" --info-at never --local-file "$DATA/boot-valid.json"
  expect_rc 1
  expect_err "missing preimage for keccak256 key $key"
  expect_no_output "$d/final.json"
  echo "missing preimage: error names $key, no output state"
  ;;

missing_file)
  # A data directory that lacks the tx list of block 4: blocks 3 is derived, then the run fails.
  tx_hash=$(python3 - "$DATA/chain.json" <<'PY'
import json, sys
chain = json.load(open(sys.argv[1]))
for p in chain["preimages"]:
    v = bytes.fromhex(p["value"][2:])
    if p["kind"] == "l2-header" and int.from_bytes(v[:8], "big") == 4:
        print("0x" + v[40:72].hex())
PY
)
  key=$(keccak_key "$tx_hash")
  cp -r "$DATA/preimages" "$d/preimages"
  rm "$d/preimages/$key.txt"
  run_vm --output "$d/final.json" --info-at never --local-file "$DATA/boot-valid.json" --preimage-dir "$d/preimages"
  expect_rc 1
  expect_err "missing preimage for keccak256 key $key"
  expect_no_output "$d/final.json"
  grep -q "^block 3: " "$d/guest.out" || fail "block 3 should have been derived before the failure"
  if grep -q "^block 4: " "$d/guest.out"; then fail "block 4 derived without its tx list"; fi
  echo "missing file: error names $key, no output state"
  ;;

corrupt)
  run_vm --output "$d/final.json" --info-at never --local-file "$DATA/boot-valid.json" $(server --corrupt-after 3)
  expect_rc 1
  expect_err "does not match its keccak256 hash"
  expect_no_output "$d/final.json"
  echo "corrupt preimage: rejected by the hash check"
  ;;

server_crash)
  run_vm --output "$d/final.json" --info-at never --local-file "$DATA/boot-valid.json" $(server --fail-after 3)
  expect_rc 1
  expect_err "exited with code 3"
  expect_no_output "$d/final.json"
  echo "server crash: reported with the server's exit code"
  ;;

server_hang)
  start=$(date +%s.%N)
  run_vm --output "$d/final.json" --info-at never --preimage-timeout 2 --local-file "$DATA/boot-valid.json" \
    $(server --hang-after 3)
  elapsed=$(python3 -c "import sys; print(round($(date +%s.%N) - $start, 2))")
  expect_rc 1
  expect_err "timed out"
  expect_no_output "$d/final.json"
  python3 -c "import sys; sys.exit(0 if 1.5 <= $elapsed <= 8 else 1)" || fail "took ${elapsed}s with a 2 s timeout"
  echo "server hang: timed out after ${elapsed}s"
  ;;

malformed_response)
  run_vm --output "$d/final.json" --info-at never --local-file "$DATA/boot-valid.json" $(server --garbage-after 3)
  expect_rc 1
  expect_err "malformed response"
  expect_no_output "$d/final.json"
  echo "malformed response: rejected"
  ;;

malformed_boot)
  # Local 3 (claimed block number) must be 8 bytes: the program panics (exit 2, status panic).
  python3 - "$DATA/boot-valid.json" "$d/boot.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
j["3"] = "0x0018"
json.dump(j, open(sys.argv[2], "w"))
PY
  run_vm --output "$d/final.json" --info-at never --local-file "$d/boot.json" $(server)
  expect_rc 0
  expect_exit "$d/final.json" 2
  [ "$(witness "$d/final.json" stateHash | cut -c1-4)" = 0x02 ] || fail "state hash does not carry status 2 (panic)"
  grep -q "^panic: local 3" "$d/guest.out" || fail "guest did not explain the panic"
  echo "malformed boot value: panic, exit 2"
  ;;

resume_mid_hint)
  # Steps at the entry of fpvm_hint_write_body lie between the two writes of a hint: the length prefix
  # is in LastHint, the text is not. Find them in a per-step log by the function's address.
  entry=$(python3 - "$DATA/meta.json" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["symbols"]:
    if s["name"] == "fpvm_hint_write_body":
        print("%08x" % (s["start"] & 0xffffffff))
PY
)
  [ -n "$entry" ] || fail "fpvm_hint_write_body not in meta.json"
  # Hints in order: l2-header, l2-state, l1-batches, tx-list (block 3): take the fourth.
  "$FPVM" run --input "$DATA/prestate.bin.gz" --meta "$DATA/meta.json" --output "" --guest-stdout /dev/null \
    --info-at always --stop-at =400000 --local-file "$DATA/boot-valid.json" $(server) 2>&1 >/dev/null |
    grep " pc=$entry " >"$d/hint-entries.log" || true
  step=$(sed -n 4p "$d/hint-entries.log" | sed 's/.* step=\([0-9]*\) .*/\1/')
  [ -n "$step" ] || fail "no fourth hint before step 400000"
  # A binary snapshot (LastHint and the last complete hint must survive that format too).
  run_vm --output "$d/ref.json" --info-at never --snapshot-at "=$step" --snapshot-fmt "$d/snap-%d.bin.gz" \
    --local-file "$DATA/boot-valid.json" $(server)
  expect_rc 0
  expect_exit "$d/ref.json" 0
  snap=$d/snap-$step.bin.gz
  [ -f "$snap" ] || fail "no snapshot at step $step"
  # Zero steps (stop before the snapshot's own step) turn it into JSON for inspection.
  IN=$snap run_vm --output "$d/snap.json" --info-at never --stop-at "=$step"
  expect_rc 0
  [ "$(jget "$d/snap.json" step)" = "$step" ] || fail "zero-step conversion changed the step"
  pending=$(jget "$d/snap.json" lastHint)
  [ ${#pending} -eq 10 ] || fail "snapshot at $step should hold a 4-byte hint prefix, lastHint=$pending"
  [ $((pending)) -eq 74 ] || fail "pending hint length $((pending)), expected 74 (\"tx-list 0x…\")"
  IN=$snap run_vm --output "$d/resumed.json" --info-at never --local-file "$DATA/boot-valid.json" $(server)
  expect_rc 0
  [ "$(witness "$d/resumed.json" stateHash)" = "$(witness "$d/ref.json" stateHash)" ] ||
    fail "resumed run ends in a different state than the uninterrupted one"
  grep -q "^claim valid$" "$d/guest.out" || fail "resumed guest did not print 'claim valid'"
  echo "resume mid-hint (step $step, lastHint $pending): same final state"
  ;;

resume_mid_read)
  # The agreed state is the largest preimage read early on. Stop right after its first read
  # (offset 0) to learn the step, then snapshot a little later, in the middle of its data.
  state_key=$(keccak_key "$(jget "$DATA/chain.json" agreedStateRoot)")
  run_vm --output "$d/first-read.json" --info-at never --stop-at-preimage "$state_key@0" \
    --local-file "$DATA/boot-valid.json" --preimage-dir "$DATA/preimages"
  expect_rc 0
  [ "$(jget "$d/first-read.json" preimageKey)" = "$state_key" ] || fail "did not stop at the state preimage"
  first=$(jget "$d/first-read.json" step)
  total=$(python3 -c "import json,sys; c=json.load(open('$DATA/chain.json')); print(8+max(len(p['value'])//2-1 for p in c['preimages'] if p['kind']=='l2-state'))")
  found=
  for k in 200 120 60 30 10; do
    step=$((first + k))
    rm -f "$d"/snap-*.json
    run_vm --output "$d/ref.json" --info-at never --snapshot-at "=$step" --snapshot-fmt "$d/snap-%d.json" \
      --local-file "$DATA/boot-valid.json" $(server)
    expect_rc 0
    snap=$d/snap-$step.json
    off=$(jget "$snap" preimageOffset)
    if [ "$(jget "$snap" preimageKey)" = "$state_key" ] && [ "$off" -gt 8 ] && [ "$off" -lt "$total" ]; then
      found=1
      break
    fi
  done
  [ -n "$found" ] || fail "no snapshot step found in the middle of the state read"
  expect_exit "$d/ref.json" 0
  # The fresh server only serves what it has been hinted: fpvm replays the last complete hint.
  IN=$snap run_vm --output "$d/resumed.json" --info-at never --local-file "$DATA/boot-valid.json" $(server)
  expect_rc 0
  [ "$(witness "$d/resumed.json" stateHash)" = "$(witness "$d/ref.json" stateHash)" ] ||
    fail "resumed run ends in a different state than the uninterrupted one"
  # Control: without the recorded hint the fresh server refuses the read.
  python3 - "$snap" "$d/nohint.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j.pop("lastCompleteHint", None), "snapshot has no lastCompleteHint"
json.dump(j, open(sys.argv[2], "w"))
PY
  IN=$d/nohint.json run_vm --output "$d/nohint-final.json" --info-at never --local-file "$DATA/boot-valid.json" $(server)
  expect_rc 1
  expect_err "requested before any hint named it"
  expect_no_output "$d/nohint-final.json"
  echo "resume mid-read (step $step, offset $off of $total): same final state; without hint replay the server refuses"
  ;;

slow_server)
  # Issue 15: one answer takes 2.5 s (five warning intervals of 0.5 s; the default interval is
  # 15 s, which used to be a hard limit). No deadline by default: the run waits and succeeds.
  run_vm --output "$d/final.json" --info-at never --local-file "$DATA/boot-valid.json" --preimage-warn-interval 0.5 \
    $(server --slow-after 2 --slow-ms 2500)
  expect_rc 0
  expect_exit "$d/final.json" 0
  warnings=$(grep -c 'still waiting for the preimage server' "$d/err.log" || true)
  [ "$warnings" -ge 4 ] || fail "expected at least 4 warning lines while waiting, got $warnings"
  expect_err 'deadline=none'
  echo "slow server: answered after 2.5 s, $warnings warning lines, run valid"
  ;;

server_killed)
  # A server killed in the middle of a request: the run fails at once, naming the signal.
  start=$(date +%s.%N)
  run_vm --output "$d/final.json" --info-at never --local-file "$DATA/boot-valid.json" \
    -- "$TEST_SERVER" --signal-on-key 9
  elapsed=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
  expect_rc 1
  expect_err "killed by signal 9 (SIGKILL)"
  expect_no_output "$d/final.json"
  python3 -c "import sys; sys.exit(0 if $elapsed < 2 else 1)" || fail "took ${elapsed}s to notice the dead server"
  echo "server killed mid-request: reported in ${elapsed}s"
  ;;

interrupt_while_waiting)
  # SIGINT while fpvm waits for a server that will never answer: exit 130 promptly, with
  # Asterisc's "\r\nExiting..." on stdout and "command interrupted" on stderr; no output state.
  set +e
  "$FPVM" run --input "$DATA/prestate.bin.gz" --meta "" --output "$d/final.json" --info-at never \
    --guest-stdout /dev/null --local-file "$DATA/boot-valid.json" $(server --hang-after 3) >"$d/out.log" 2>"$d/err.log" &
  pid=$!
  for _ in $(seq 100); do grep -q 'not answering' "$d/err.log" && break; sleep 0.05; done
  sleep 0.3
  start=$(date +%s.%N)
  kill -INT $pid
  wait $pid
  rc=$?
  set -e
  elapsed=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
  expect_rc 130
  [ "$(cat "$d/out.log")" = $'\r\nExiting...' ] || fail "stdout is not \\r\\nExiting...: $(od -c "$d/out.log" | head -3)"
  [ "$(tail -c 19 "$d/err.log")" = "command interrupted" ] || fail "stderr does not end in 'command interrupted'"
  expect_no_output "$d/final.json"
  python3 -c "import sys; sys.exit(0 if $elapsed < 2 else 1)" || fail "took ${elapsed}s to stop after SIGINT"
  echo "SIGINT while waiting: exit 130 after ${elapsed}s"
  ;;

op_challenger_replay)
  python3 "$(dirname "$0")/op_challenger_replay.py" "$FPVM" "$ROLLUP_HOST" "$DATA" "$d" || fail "replay failed"
  ;;

*)
  echo "unknown case $case_name" >&2
  exit 2
  ;;
esac
