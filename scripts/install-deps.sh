#!/usr/bin/env bash
# Installs the Debian packages fpvm needs to build, test and run its examples.
# Safe to run repeatedly: apt-get runs only when something is missing.
set -euo pipefail

PACKAGES=(
  # build
  cmake ninja-build g++ ccache pkg-config
  # libraries
  libgtest-dev libgmock-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev libcrypto++-dev zlib1g-dev
  # guest toolchain and reference emulator
  gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-user
  # MIPS64 guest programs for the Cannon MT64 machine (tests/mips64/guests)
  gcc-mips64-linux-gnuabi64
  # Go guests (tests/go, examples/go-rollup)
  golang-go golang-golang-x-crypto-dev
  # validation server: Boost.Beast/Asio, hiredis, and a real redis-server for the tests
  libboost-dev libhiredis-dev redis-server
  # fuzzing and sanitizers
  clang libclang-rt-14-dev
  # style checks (scripts/check-format.sh, scripts/tidy.sh)
  clang-format-14 clang-tidy-14
  # scripts
  python3 python3-matplotlib
  # the debugger's end-to-end tests (tests/gdbstub: `fpvm debug` against a real gdb)
  gdb-multiarch
  # EVM replay of the MT64 proofs against MIPS64.sol (tests/evm: solc and @ethereumjs/evm from npm)
  nodejs
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Debian's nodejs comes without npm (package npm); NodeSource's nodejs brings its own and conflicts
# with Debian's npm package, so it is installed only when no npm is found.
command -v npm >/dev/null || missing+=(npm)
# tests/evm's npm packages, pinned by its package-lock.json (installed once, after the Debian ones).
npm_deps() {
  local dir
  dir="$(dirname "$0")/../tests/evm"
  [ -d "$dir/node_modules" ] && return 0
  if ! command -v npm >/dev/null; then
    echo "install-deps: npm not found (Debian: apt-get install npm); the evm tests will be skipped"
    return 0
  fi
  echo "install-deps: npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
}
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  npm_deps
  exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_deps
echo "install-deps: done"
