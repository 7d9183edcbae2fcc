#!/usr/bin/env bash
# Installs libfpvm from the build (cmake --install), builds tests/capi/capi_test.c against the
# installed copy twice — with pkg-config's flags against libfpvm.so, and against libfpvm.a with
# Libs.private — and runs both on the example rollup (RISC-V) and a MIPS64 guest.
#   capi_test.sh BUILD_DIR SOURCE_DIR [extra C flags, e.g. -fsanitize=address,undefined]
# Exit 77 (skipped) when a guest or the rollup host was not built.
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
shift 2
extra=("$@")

host=$build/examples/rollup/fpvm-rollup-host
riscv=$build/guests/rollup.elf
mips=$build/guests/mips64/preimage.elf
for f in "$host" "$riscv" "$mips"; do
  if [ ! -e "$f" ]; then
    echo "SKIPPED: $f was not built (needs riscv64-unknown-elf-gcc and mips64-linux-gnuabi64-gcc)"
    exit 77
  fi
done

work=$(mktemp -d "$build/capi-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$build" --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -name fpvm.pc | head -n1)
[ -n "$pc" ] || { echo "FAIL: fpvm.pc not installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
libdir=$(pkg-config --variable=libdir fpvm)
test -e "$libdir/libfpvm.so.1" || { echo "FAIL: libfpvm.so.1 (SONAME) not installed in $libdir"; exit 1; }
soname=$(objdump -p "$libdir/libfpvm.so" | awk '/SONAME/ {print $2}')
[ "$soname" = "libfpvm.so.1" ] || { echo "FAIL: SONAME is '$soname'"; exit 1; }
# Only the C interface is exported.
leaked=$(nm -D --defined-only "$libdir/libfpvm.so" | awk '{print $3}' | grep -v '^fpvm_' | grep -v '^FPVM_1$' || true)
[ -z "$leaked" ] || { echo "FAIL: libfpvm.so exports non-API symbols:"; echo "$leaked" | head; exit 1; }

"$host" generate --out "$work/chain" --blocks 4 --accounts 12 --txs-per-block 6 --seed 3 >/dev/null
cflags=(-std=c11 -Wall -Wextra -Werror -O1 "${extra[@]}")
# shellcheck disable=SC2046
cc "${cflags[@]}" "$src/tests/capi/capi_test.c" -o "$work/capi_shared" $(pkg-config --cflags --libs fpvm)
private=$(pkg-config --static --libs-only-l fpvm | sed 's/-lfpvm//')
# shellcheck disable=SC2086
cc "${cflags[@]}" $(pkg-config --cflags fpvm) "$src/tests/capi/capi_test.c" -o "$work/capi_static" "$libdir/libfpvm.a" $private

echo "== shared"
LD_LIBRARY_PATH=$libdir "$work/capi_shared" "$riscv" "$work/chain" "$mips" "$work"
echo "== static"
"$work/capi_static" "$riscv" "$work/chain" "$mips" "$work"
