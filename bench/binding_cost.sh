#!/usr/bin/env bash
# Cost of a state hash and of a one-step proof per query: the Go binding over libfpvm (in
# process) vs one fpvm CLI process per query vs JSON-RPC to fpvm serve — one run, same prestate
# and input (the example rollup). Prints a table; JSON in bench/results/binding_cost.json.
#   bench/binding_cost.sh [BUILD_DIR]   (needs fpvm, libfpvm, the rollup example and Go)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
fpvm=$build/src/cli/fpvm
host=$build/examples/rollup/fpvm-rollup-host
guest=$build/guests/rollup.elf
for f in "$fpvm" "$host" "$guest"; do [ -e "$f" ] || { echo "error: $f not built" >&2; exit 1; }; done

work=$(mktemp -d)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
export PKG_CONFIG_PATH
PKG_CONFIG_PATH=$(dirname "$(find "$work/prefix" -name fpvm.pc | head -n1)")
export LD_LIBRARY_PATH
LD_LIBRARY_PATH=$(pkg-config --variable=libdir fpvm)
mkdir -p "$work/gopath/src"
ln -s "$root/bindings/go" "$work/gopath/src/fpvm.binding"
export GOPATH=$work/gopath GO111MODULE=off GOFLAGS= GOPROXY=off GOTOOLCHAIN=local GOTELEMETRY=off
export GOCACHE=$build/go/cache-binding CGO_ENABLED=1
(cd "$work" && go build -o "$work/costbench" fpvm.binding/costbench)

"$host" generate --out "$work/chain" --blocks 24 --accounts 48 --txs-per-block 16 --seed 1 >/dev/null
"$fpvm" load-elf --path "$guest" --out "$work/prestate.bin.gz" --meta "" 2>/dev/null
hash=$("$fpvm" witness --input "$work/prestate.bin.gz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["stateHash"])')
mkdir -p "$work/prestates/$hash"
cp "$work/prestate.bin.gz" "$work/prestates/$hash/prestate.bin.gz"
# The validation input: local boot values and the keccak pre-images of the data directory.
python3 - "$work/chain" "$work/input.json" <<'PY'
import base64, json, os, sys
chain, out = sys.argv[1], sys.argv[2]
boot = json.load(open(os.path.join(chain, "boot-valid.json")))
keccak = {}
for name in os.listdir(os.path.join(chain, "preimages")):
    key = bytes.fromhex(name[2:66])
    value = bytes.fromhex(open(os.path.join(chain, "preimages", name)).read().strip().removeprefix("0x"))
    keccak[base64.b64encode(key).decode()] = base64.b64encode(value).decode()
json.dump({"id": 1, "localKeys": boot, "preimages": {"2": keccak}}, open(out, "w"))
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$fpvm" serve --addr 127.0.0.1 --port "$port" --no-auth --prestates "$work/prestates" --log-level warn &
server=$!
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  python3 -c 'import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)' "http://127.0.0.1:$port/health" 2>/dev/null && break
  sleep 0.1
done
mkdir -p "$root/bench/results"
"$work/costbench" -fpvm "$fpvm" -prestate "$work/prestate.bin.gz" -prestate-hash "$hash" -chain "$work/chain" \
  -rpc "http://127.0.0.1:$port" -input "$work/input.json" -out "$root/bench/results/binding_cost.json"
