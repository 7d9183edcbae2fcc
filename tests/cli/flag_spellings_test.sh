#!/usr/bin/env bash
# Go-style flag spellings (issue 15, cli/flag_set.hpp): every command is run once with
# `--flag value` (the reference) and again with `--flag=value`, `-flag value` and `-flag=value`
# (booleans: `--b`, `--b=true`, `-b`, `-b=true`); the output files and stdout must be identical.
# Also: `--flag=` as an explicitly empty value, the help spellings, unknown flags and stray
# arguments, and a server command after `--` passed through untouched.
#
# usage: flag_spellings_test.sh <spellings|empty-and-help> <fpvm> <shared dir> <test_preimage_server>
# Exit 77 (CTest SKIP_RETURN_CODE) when the shared riscv-test ELF is absent.
set -uo pipefail

mode=${1:?mode}
FPVM=${2:?fpvm binary}
SHARED=${3:-}
HELPER=${4:-}
[ -n "${FPVM_SHARED_DIR:-}" ] && SHARED=$FPVM_SHARED_DIR
FPVM=$(cd "$(dirname "$FPVM")" && pwd)/$(basename "$FPVM")
SIMPLE="$SHARED/testdata/riscv-tests/rv64ui-p/rv64ui-p-simple"
if [ ! -f "$SIMPLE" ]; then
  echo "SKIPPED: shared test data (../shared/testdata/riscv-tests) not found; set FPVM_SHARED_DIR"
  exit 77
fi
SIMPLE=$(cd "$(dirname "$SIMPLE")" && pwd)/$(basename "$SIMPLE")

work=$(mktemp -d "${TMPDIR:-/tmp}/fpvm-flags-XXXXXX")
trap '[ -z "${KEEP:-}" ] && rm -rf "$work"' EXIT
cd "$work" || exit 2

failures=0
checks=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# spell STYLE NAME[=VALUE]…: the flags in one of the four spellings, one argument per line.
# A NAME without "=" is a boolean flag. STYLE: dd-sep (--f v), dd-eq (--f=v), sd-sep (-f v), sd-eq (-f=v).
spell() {
  local style=$1 dash=--
  shift
  case "$style" in sd-*) dash=- ;; esac
  for f in "$@"; do
    local name=${f%%=*}
    if [ "$name" = "$f" ]; then  # boolean
      case "$style" in *-eq) printf '%s\n' "$dash$name=true" ;; *) printf '%s\n' "$dash$name" ;; esac
    else
      local value=${f#*=}
      case "$style" in *-eq) printf '%s\n' "$dash$name=$value" ;; *) printf '%s\n%s\n' "$dash$name" "$value" ;; esac
    fi
  done
}

# same_output A B: byte-identical, or both JSON and equal once timing fields ("…seconds",
# "…speedup") are dropped (validate-segments and bisect report how long they took).
same_output() {
  cmp -s "$1" "$2" && return 0
  python3 - "$1" "$2" <<'PY'
import json, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if "seconds" not in k and "speedup" not in k}
    if isinstance(v, list):
        return [strip(x) for x in v]
    return v
try:
    a, b = (strip(json.load(open(p))) for p in sys.argv[1:3])
except Exception:
    sys.exit(1)
sys.exit(0 if a == b else 1)
PY
}

# check_command NAME FILES -- FPVM-ARGS-BEFORE-FLAGS… -- FLAGS…   (WANT_RC=N: the reference
# must exit N, and a failing command must fail with the same message for every spelling)
# Runs `fpvm ARGS FLAGS` in a fresh folder per spelling (inputs are linked in from ../in) and
# compares FILES (space-separated, relative) and stdout with the reference spelling.
check_command() {
  local name=$1 files=$2
  shift 2
  [ "$1" = "--" ] && shift
  local -a head=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    head+=("$1")
    shift
  done
  shift
  local -a flags=("$@")
  for style in dd-sep dd-eq sd-sep sd-eq; do
    checks=$((checks + 1))
    local d=$work/$name.$style
    mkdir -p "$d"
    for f in "$work"/in/*; do ln -s "$f" "$d/"; done
    mapfile -t spelled < <(spell "$style" "${flags[@]}")
    (cd "$d" && "$FPVM" "${head[@]}" "${spelled[@]}" >stdout.txt 2>stderr.txt)
    local rc=$?
    echo "$rc" >"$d/rc.txt"
    [ "$style" = dd-sep ] && [ "$rc" -ne "${WANT_RC:-0}" ] && fail "$name: reference run exited $rc: $(cat "$d/stderr.txt")"
    [ "$style" = dd-sep ] && continue
    local ref=$work/$name.dd-sep
    cmp -s "$ref/stderr.txt" "$d/stderr.txt" || [ "${WANT_RC:-0}" = 0 ] ||
      fail "$name [$style]: stderr differs: $(cat "$d/stderr.txt")"
    cmp -s "$ref/rc.txt" "$d/rc.txt" || fail "$name [$style]: exit code $rc, reference $(cat "$ref/rc.txt"): $(cat "$d/stderr.txt")"
    same_output "$ref/stdout.txt" "$d/stdout.txt" || fail "$name [$style]: stdout differs: $(diff "$ref/stdout.txt" "$d/stdout.txt" | head -5)"
    for f in $files; do
      [ -f "$ref/$f" ] || fail "$name: reference wrote no $f"
      same_output "$ref/$f" "$d/$f" || fail "$name [$style]: $f differs from the reference"
    done
  done
}

spellings() {
  mkdir -p in
  "$FPVM" load-elf --path "$SIMPLE" --out in/state.json --meta in/meta.json || exit 2
  "$FPVM" run --input in/state.json --output "" --meta "" --info-at never --proof-at =10 --proof-fmt in/proof-%d.json 2>/dev/null || exit 2
  "$FPVM" prove-segment --input in/state.json --from 10 --to 20 --output in/seg1.bin >/dev/null || exit 2
  "$FPVM" prove-segment --input in/state.json --from 20 --to 30 --output in/seg2.bin >/dev/null || exit 2
  echo '{"id": 1, "localKeys": {}, "preimages": {}}' >in/input.json

  check_command load-elf "state.json meta.json" -- load-elf -- path="$SIMPLE" out=state.json meta=meta.json
  check_command witness "w.bin" -- witness -- input=state.json output=w.bin
  check_command run "out.json proof-12.json snap-20.json snap-40.json" -- run -- input=state.json output=out.json \
    meta=meta.json proof-at==12 proof-fmt=proof-%d.json snapshot-at=%20 snapshot-fmt=snap-%d.json stop-at==50 \
    info-at=%1000 engine=proving preimage-timeout=5 preimage-warn-interval=2 preimage-server-grace=0.5 \
    preimage-server-kill-after=10 local=1=0x01 stop-at-preimage-type=any
  check_command verify-step "" -- verify-step -- proof=proof-10.json allow-extra-proofs
  check_command prove-segment "seg.bin" -- prove-segment -- input=state.json from=0x0a to=030 output=seg.bin \
    preimage-timeout=1.5
  check_command verify-segment "" -- verify-segment -- proof=seg1.bin max-steps=100
  check_command merge-segments "merged.bin" -- merge-segments -- proof=seg1.bin proof=seg2.bin output=merged.bin
  check_command validate-segments "segment-0.fpsg segment-1.fpsg segment-2.fpsg" -- \
    validate-segments -- input=state.json every=25 threads=1 max-steps=60 proof-dir=.
  if "$FPVM" help serve >/dev/null 2>&1; then
    check_command serve "" -- serve -- print-config workers=3 log-level=warn no-auth preimage-timeout=20s
    check_command bisect "report.json" -- bisect -- a=state.json b=state.json input=input.json levels=16,1 \
      top-hashes=5 initial-steps=8 quiet out=report.json
    # No Redis here: the same refusal for every spelling.
    WANT_RC=1 check_command submit "" -- submit -- redis-url=redis://127.0.0.1:1 prestate=0x"$(printf '0%.0s' {1..64})" \
      input=input.json timeout=1s
  fi
}

# expect_rc RC NAME fpvm-args…: exit code RC; output in last.out / last.err.
expect_rc() {
  local want=$1 name=$2
  shift 2
  checks=$((checks + 1))
  "$FPVM" "$@" >last.out 2>last.err
  local rc=$?
  [ "$rc" -eq "$want" ] || fail "$name: exit code $rc, expected $want: $(cat last.err)"
}

empty_and_help() {
  "$FPVM" load-elf --path "$SIMPLE" --out state.json --meta meta.json || exit 2
  # --output= is "no output" and must not swallow the next flag (it once wrote "--info-at=never").
  expect_rc 0 "--output= empty" run --input state.json --output= --info-at=never --meta=
  [ -z "$(ls -A | grep -v -e '^state.json$' -e '^meta.json$' -e '^last.out$' -e '^last.err$')" ] ||
    fail "--output= wrote a file: $(ls -A)"
  grep -q 'processing' last.err && fail "--info-at=never after --output= was not applied"
  expect_rc 0 "-output= empty" run -input state.json -output= -meta=
  [ -e out.json ] && fail "-output= still wrote the default out.json"
  # A value is the next argument whatever it looks like (Go): "-" is stdout.
  expect_rc 0 "--output -" run --input state.json --output - --meta "" --stop-at =3
  grep -q '"step": 3' last.out || fail "--output - did not print the state"
  # Booleans: =false turns one off.
  "$FPVM" run --input state.json --output "" --meta "" --info-at never --proof-at =10 --proof-fmt proof-%d.json 2>/dev/null
  expect_rc 0 "bool =false" verify-step --proof proof-10.json --allow-extra-proofs=false
  expect_rc 1 "bool bad value" verify-step --proof proof-10.json --allow-extra-proofs=maybe
  grep -q 'allow-extra-proofs' last.err || fail "bad boolean value not named: $(cat last.err)"

  # Help: every spelling prints the command's flags and exits 0.
  for args in "help" "h" "--help" "-h" "-help" "--h" "help run" "h run" "--help run" "run --help" "run -h" "run -help" \
    "run help" "run h" "run --input state.json help" "run --help=true"; do
    # shellcheck disable=SC2086
    expect_rc 0 "help: $args" $args
    case "$args" in
      *run*) grep -q -- '--proof-at value' last.out || fail "help: $args did not print run's flags" ;;
      *) grep -q 'load-elf' last.out || fail "help: $args did not print the command list" ;;
    esac
  done
  for cmd in load-elf run witness verify-step prove-segment verify-segment merge-segments validate-segments; do
    expect_rc 0 "$cmd -h" "$cmd" -h
    grep -q -- '--help, -h' last.out || fail "$cmd -h printed no help"
  done
  expect_rc 1 "help of an unknown command" help frobnicate
  grep -q 'frobnicate' last.err || fail "unknown help topic not named"

  # Unknown flags and stray arguments are named.
  expect_rc 1 "unknown -flag" run -input state.json -bogus 1
  grep -q 'unknown flag -bogus' last.err || fail "unknown single-dash flag not named: $(cat last.err)"
  expect_rc 1 "unknown --flag=" witness --input state.json --nope=1
  grep -q 'unknown flag --nope' last.err || fail "unknown double-dash flag not named: $(cat last.err)"
  expect_rc 1 "bad syntax" witness ---input state.json
  grep -q 'bad flag syntax: ---input' last.err || fail "---input not refused: $(cat last.err)"
  expect_rc 1 "missing value" witness --input
  grep -q 'flag --input needs a value' last.err || fail "missing value not named: $(cat last.err)"
  expect_rc 1 "stray argument" run --input state.json out.json
  grep -q 'unexpected argument "out.json"' last.err || fail "stray argument not named: $(cat last.err)"
  expect_rc 1 "server command for witness" witness --input state.json -- cat
  grep -q 'takes no server command' last.err || fail "witness accepted a server command: $(cat last.err)"
  expect_rc 1 "-input x still required" run -output x.json
  grep -q -- '--input is required' last.err || fail "missing --input not reported: $(cat last.err)"
  [ -e x.json ] && fail "x.json written without an input"

  # Everything after -- reaches the server untouched (flag-like words included).
  if [ -n "$HELPER" ] && [ -x "$HELPER" ]; then
    expect_rc 0 "server argv" run -input state.json -output= -meta= --stop-at =0 -- "$HELPER" --argv-file argv.txt \
      --output= -h help -- --stop-at =1
    printf '%s\n' "$HELPER" --argv-file argv.txt --output= -h help -- --stop-at =1 >want.txt
    cmp -s want.txt argv.txt || fail "server argv changed: $(tr '\n' ' ' <argv.txt)"
  fi
}

case "$mode" in
  spellings) spellings ;;
  empty-and-help) empty_and_help ;;
  *)
    echo "unknown mode $mode" >&2
    exit 2
    ;;
esac

echo "$checks checks, $failures failures"
[ "$failures" -eq 0 ]
