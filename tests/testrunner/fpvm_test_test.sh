#!/usr/bin/env bash
# `fpvm test` (src/testrunner, src/cli/cmd_test.cpp) on passing, failing and malformed manifests;
# one case per call:
#   pass       manifests/pass.json: inline pre-images, a data directory, a prestate file, a panic
#              verdict; exit 0; --jobs 2 gives the same results as --jobs 1
#   fail       manifests/fail.json: wrong verdict, wrong hash, too many steps, a missing pre-image,
#              a step limit; exit 1, each case reported with expected against got
#   malformed  malformed/*.json: exit 2, the message names the file, the case and the field
#   junit      --junit on fail.json: well-formed XML with the right counts and messages
#   update     --update records steps and state hashes atomically; a changed hash is then a
#              failure with a diff; --update again makes the suite pass
#   rollup     examples/rollup/suite.json (the README's suite) with the rollup host as server
# Environment (set by CTest): FPVM, GUESTS, WORK, HERE (this folder), ROLLUP_HOST, ROOT.
# Exit 77 = skipped (the SDK example guest was not built).
set -euo pipefail
case_name=${1:?usage: fpvm_test_test.sh <case>}
: "${FPVM:?}" "${GUESTS:?}" "${WORK:?}" "${HERE:?}"
elf=$GUESTS/sdk-oracle-demo-bare.elf
[ -f "$elf" ] || { echo "SKIP: $elf was not built"; exit 77; }
mkdir -p "$WORK"
d=$(mktemp -d "$WORK/$case_name.XXXXXX")
trap 'rc=$?; [ $rc -eq 0 ] && rm -rf "$d"; exit $rc' EXIT

fail() {
  echo "FAIL [$case_name]: $*" >&2
  [ -f "$d/out" ] && { echo "--- output" >&2; cat "$d/out" >&2; }
  exit 1
}

# The fixtures pass.json refers to: a boot file, a data directory and a prestate.
fixtures() {
  python3 - "$d" <<'PY'
import json, os, sys
d = sys.argv[1]
h = "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15"
json.dump({"1": "0x" + h, "2": 43}, open(d + "/boot.json", "w"))
os.makedirs(d + "/preimages", exist_ok=True)
open(d + "/preimages/0x02" + h[2:] + ".txt", "w").write(b"The quick brown fox jumps over the lazy dog".hex())
PY
  "$FPVM" load-elf --path "$elf" --out "$d/prestate.bin.gz" --meta "" >/dev/null
}

# run_test RC-VAR ARGS…: runs fpvm test with output in $d/out; the exit code goes to $rc.
run_test() {
  set +e
  "$FPVM" test --var "GUESTS=$GUESTS" --var "WORK=$d" "$@" >"$d/out" 2>&1
  rc=$?
  set -e
}

case "$case_name" in
pass)
  fixtures
  run_test "$HERE/manifests/pass.json"
  [ "$rc" -eq 0 ] || fail "exit code $rc, expected 0"
  for c in inline-valid inline-invalid datadir-valid prestate-valid malformed-boot-panics; do
    grep -Eq "^$c +PASS " "$d/out" || fail "case $c not reported as PASS"
  done
  grep -q "pass: 5 cases, 5 passed" "$d/out" || fail "no summary line"
  grep -Eq "^malformed-boot-panics +PASS +[0-9,]+ +[0-9.]+ s +panic \(exit 2\)" "$d/out" || fail "table row lacks steps, time or verdict"
  cp "$d/out" "$d/out.serial"
  run_test --jobs 2 "$HERE/manifests/pass.json"
  [ "$rc" -eq 0 ] || fail "--jobs 2: exit code $rc"
  # Same steps and verdicts (the time column differs).
  diff <(awk 'NF>=5 && $2=="PASS" {print $1, $3, $6, $7, $8}' "$d/out.serial") \
       <(awk 'NF>=5 && $2=="PASS" {print $1, $3, $6, $7, $8}' "$d/out") >/dev/null || fail "--jobs 2 differs from --jobs 1"
  echo "pass.json: 5 cases passed, the same with --jobs 2"
  ;;
fail)
  run_test --jobs 2 "$HERE/manifests/fail.json"
  [ "$rc" -eq 1 ] || fail "exit code $rc, expected 1"
  grep -Eq "^passes +PASS " "$d/out" || fail "case passes not PASS"
  for c in wrong-verdict wrong-hash too-many-steps; do grep -Eq "^$c +FAIL " "$d/out" || fail "case $c not FAIL"; done
  for c in missing-preimage step-limit; do grep -Eq "^$c +ERROR " "$d/out" || fail "case $c not ERROR"; done
  grep -q "verdict: *expected valid" "$d/out" || fail "no verdict diff"
  grep -q "got *invalid (exit code 1)" "$d/out" || fail "verdict diff lacks what came out"
  grep -q "stateHash: *expected 0x0011111111" "$d/out" || fail "no state hash diff"
  grep -q "maxSteps: *expected at most 10" "$d/out" || fail "no step bound diff"
  grep -q "missing preimage" "$d/out" || fail "the missing pre-image is not named"
  grep -q "did not exit within the step limit of 50 steps" "$d/out" || fail "the step limit is not named"
  grep -q "| claim INVALID" "$d/out" || fail "the failing case's guest output is not shown"
  grep -q "fail: 6 cases, 1 passed, 3 failed, 2 errors" "$d/out" || fail "wrong summary"
  echo "fail.json: exit 1; 3 failures and 2 errors, each with its diff"
  ;;
malformed)
  # file|what the message must contain
  while IFS='|' read -r file want; do
    run_test "$HERE/malformed/$file"
    [ "$rc" -eq 2 ] || fail "$file: exit code $rc, expected 2"
    grep -qF -- "$HERE/malformed/$file" "$d/out" || fail "$file: the message does not name the file"
    grep -qF -- "$want" "$d/out" || fail "$file: the message does not contain: $want"
    echo "$file: $(grep '^error:' "$d/out")"
  done <<'EOF_TABLE'
bad-json.json|not valid JSON
missing-program.json|case "no-program": field "program": is missing
bad-verdict.json|case "bad-verdict": field "expect.verdict": must be "valid", "invalid" or "panic", not "maybe"
unknown-field.json|case "typo": field "expct": unknown field
duplicate-name.json|case "twice": field "name": is used by an earlier case
bad-exit-code.json|case "big-exit": field "expect.exitCode": must be between 0 and 255
bad-hash.json|case "short-hash": field "expect.stateHash"
no-expectation.json|case "no-expect": field "expect": needs "exitCode" or "verdict"
unset-variable.json|case "unset-var": field "program": variable ${FPVM_TEST_NO_SUCH_VARIABLE} is not set
bad-boot.json|case "bad-boot": field "boot"
EOF_TABLE
  run_test "$d/no-such-manifest.json"
  [ "$rc" -eq 2 ] || fail "a missing manifest: exit code $rc, expected 2"
  run_test --jobs
  [ "$rc" -eq 2 ] || fail "a malformed command line: exit code $rc, expected 2"
  ;;
junit)
  run_test --junit "$d/report.xml" "$HERE/manifests/fail.json"
  [ "$rc" -eq 1 ] || fail "exit code $rc, expected 1"
  python3 - "$d/report.xml" <<'PY' || fail "JUnit report wrong"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
suite = root.find("testsuite")
assert suite.get("name") == "fail" and suite.get("tests") == "6", suite.attrib
assert suite.get("failures") == "3" and suite.get("errors") == "2", suite.attrib
cases = {c.get("name"): c for c in suite.findall("testcase")}
assert set(cases) == {"passes", "wrong-verdict", "wrong-hash", "too-many-steps", "missing-preimage", "step-limit"}
assert cases["passes"].find("failure") is None and cases["passes"].find("error") is None
assert "verdict: expected valid" in cases["wrong-verdict"].find("failure").get("message")
assert cases["wrong-hash"].find("failure") is not None
assert "missing preimage" in cases["missing-preimage"].find("error").get("message")
assert "claim INVALID" in cases["wrong-verdict"].find("system-out").text
for c in cases.values():
    float(c.get("time"))
    props = {p.get("name"): p.get("value") for p in c.find("properties")}
    assert "steps" in props
print("JUnit report: 6 cases, 3 failures, 2 errors")
PY
  ;;
update)
  fixtures
  cp "$HERE/manifests/pass.json" "$d/suite.json"
  run_test --update "$d/suite.json"
  [ "$rc" -eq 0 ] || fail "--update: exit code $rc"
  grep -q "updated $d/suite.json: 5 cases changed" "$d/out" || fail "--update did not report 5 changed cases"
  python3 - "$d/suite.json" <<'PY' || fail "--update did not record steps and hashes"
import json, sys
for c in json.load(open(sys.argv[1]))["cases"]:
    e = c["expect"]
    assert isinstance(e["steps"], int) and e["steps"] > 0, c["name"]
    assert e["stateHash"].startswith("0x") and len(e["stateHash"]) == 66, c["name"]
    assert ("verdict" in e) or ("exitCode" in e), c["name"]  # authored fields kept
PY
  run_test "$d/suite.json"
  [ "$rc" -eq 0 ] || fail "after --update: exit code $rc"
  cp "$d/suite.json" "$d/suite.before"
  run_test --update "$d/suite.json"
  grep -q "0 cases changed" "$d/out" || fail "a second --update changed something"
  cmp -s "$d/suite.json" "$d/suite.before" || fail "an --update that changed nothing rewrote the manifest"
  # A changed hash and step count: a failure with the diff, then --update records the new values.
  python3 - "$d/suite.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
e = doc["cases"][0]["expect"]
e["stateHash"] = "0x00" + "22" * 31
e["steps"] += 5
json.dump(doc, open(sys.argv[1], "w"), indent=2)
PY
  run_test "$d/suite.json"
  [ "$rc" -eq 1 ] || fail "changed hash: exit code $rc, expected 1"
  grep -q "stateHash: *expected 0x0022222222" "$d/out" || fail "no hash diff"
  grep -q "steps: .*expected" "$d/out" || fail "no step diff"
  grep -q "(-5)" "$d/out" || fail "the step diff does not show the difference"
  run_test --update "$d/suite.json"
  [ "$rc" -eq 0 ] || fail "second --update: exit code $rc"
  grep -q "1 case changed" "$d/out" || fail "second --update did not change one case"
  run_test "$d/suite.json"
  [ "$rc" -eq 0 ] || fail "after the second --update: exit code $rc"
  # A wrong verdict is not "updated" away.
  python3 - "$d/suite.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
doc["cases"][0]["expect"]["verdict"] = "invalid"
json.dump(doc, open(sys.argv[1], "w"), indent=2)
PY
  run_test --update "$d/suite.json"
  [ "$rc" -eq 1 ] || fail "--update with a wrong verdict: exit code $rc, expected 1"
  grep -q '"verdict": "invalid"' "$d/suite.json" || fail "--update rewrote an authored verdict"
  echo "--update: recorded, detected a changed hash with a diff, re-recorded; verdicts stay authored"
  ;;
rollup)
  : "${ROLLUP_HOST:=}" "${ROOT:?}"
  [ -n "$ROLLUP_HOST" ] && [ -f "$GUESTS/rollup.elf" ] || { echo "SKIP: rollup host or guest not built"; exit 77; }
  "$ROLLUP_HOST" generate --out "$d/chain" --blocks 24 --accounts 48 --txs-per-block 16 --seed 1 >/dev/null
  set +e
  "$FPVM" test --jobs 2 --var "GUESTS=$GUESTS" --var "CHAIN=$d/chain" --var "ROLLUP_HOST=$ROLLUP_HOST" \
    "$ROOT/examples/rollup/suite.json" >"$d/out" 2>&1
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || fail "examples/rollup/suite.json: exit code $rc"
  cat "$d/out"
  ;;
*)
  echo "unknown case $case_name" >&2
  exit 2
  ;;
esac
