#!/usr/bin/env bash
# Runs clang-tidy 14 with the repository's .clang-tidy over every source file in src/, two at a
# time; any finding fails. Usage: scripts/tidy.sh [file…]   (default: all of src/)
# It uses build-tidy/compile_commands.json, configured here with clang (cmake only, nothing is
# built: src/ has no generated headers), so GCC-only flags do not reach clang-tidy.
set -euo pipefail
cd "$(dirname "$0")/.."
tidy=$(command -v clang-tidy-14 || true)
if [ -z "$tidy" ]; then
  echo "tidy: clang-tidy-14 not found (apt-get install clang-tidy-14)" >&2
  exit 2
fi
dir=build-tidy
if [ ! -f "$dir/compile_commands.json" ] || [ CMakeLists.txt -nt "$dir/compile_commands.json" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFPVM_GUESTS=OFF \
    -DCMAKE_C_COMPILER_LAUNCHER= -DCMAKE_CXX_COMPILER_LAUNCHER= >/dev/null
fi
if [ $# -gt 0 ]; then
  files=("$@")
else
  # Every translation unit under src/ (once, though the fuzzers compile some of them again).
  mapfile -t files < <(python3 - "$dir/compile_commands.json" <<'PY'
import json, os, sys
root = os.getcwd()
seen = sorted({os.path.relpath(e["file"], root) for e in json.load(open(sys.argv[1]))})
print("\n".join(f for f in seen if f.startswith("src/")))
PY
)
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
start=$SECONDS
# shellcheck disable=SC2016
printf '%s\n' "${files[@]}" | xargs -P "${FPVM_JOBS:-2}" -I{} sh -c \
  '"$0" -p "$1" --quiet --extra-arg=-Wno-unknown-warning-option "$2" >"$3/$(echo "$2" | tr / _).log" 2>&1 || echo "$2" >>"$3/failed"' \
  "$tidy" "$dir" {} "$out"
if [ -f "$out/failed" ]; then
  # Header findings repeat once per file that includes the header: print each once.
  cat "$out"/*.log | grep -E '^/.*(error|warning):' | sort -u
  echo "tidy: findings in $(sort -u "$out/failed" | wc -l) of ${#files[@]} files ($((SECONDS - start)) s)" >&2
  exit 1
fi
echo "tidy: ${#files[@]} files clean ($((SECONDS - start)) s)"
