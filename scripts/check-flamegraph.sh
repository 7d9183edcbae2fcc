#!/usr/bin/env bash
# Renders a flame graph written by `fpvm profile --svg` in headless Chromium and checks that the
# picture is not blank: the PNG is decoded (python3, zlib) and its pixels that are not the
# background colour are counted. Installs Debian's chromium with apt-get when it is missing (it
# is big, so this is not part of the default tests; tests/profile checks the SVG's structure).
#
#   scripts/check-flamegraph.sh FILE.svg [OUT.png]
#
# Exits 0 when at least 2% of the pixels differ from the background and at least 8 distinct
# colours appear (frames are coloured by name), 1 otherwise or when rendering fails.
set -euo pipefail
svg=${1:?usage: scripts/check-flamegraph.sh FILE.svg [OUT.png]}
png=${2:-${svg%.svg}.png}
[ -f "$svg" ] || { echo "check-flamegraph: $svg does not exist" >&2; exit 1; }

browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "check-flamegraph: installing chromium (apt-get)" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
  browser=$(command -v chromium)
fi

rm -f "$png"
abs_svg=$(cd "$(dirname "$svg")" && pwd)/$(basename "$svg")
abs_png=$(cd "$(dirname "$png")" && pwd)/$(basename "$png")
# Chromium needs a writable home for its profile; keep it out of the user's.
tmp_home=$(mktemp -d)
trap 'rm -rf "$tmp_home"' EXIT
HOME=$tmp_home timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --screenshot="$abs_png" --window-size=1200,800 "file://$abs_svg" >/dev/null 2>&1 || true
[ -s "$png" ] || { echo "check-flamegraph: chromium wrote no screenshot for $svg" >&2; exit 1; }

python3 - "$png" <<'PY'
import collections, struct, sys, zlib

path = sys.argv[1]
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit(f"check-flamegraph: {path} is not a PNG")
pos, idat, width = 8, b"", 0
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
        if depth != 8 or colour not in (2, 6) or interlace:
            sys.exit(f"check-flamegraph: unsupported PNG (depth {depth}, colour type {colour}, interlace {interlace})")
        bpp = 3 if colour == 2 else 4
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
raw = zlib.decompress(idat)
stride = width * bpp
rows, prev = [], bytearray(stride)
for y in range(height):
    f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if f == 1: line[i] = (line[i] + a) & 255
        elif f == 2: line[i] = (line[i] + b) & 255
        elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    rows.append(bytes(line))
    prev = line
pixels = [row[i:i + 3] for row in rows for i in range(0, stride, bpp)]
counts = collections.Counter(pixels)
background, _ = counts.most_common(1)[0]
other = len(pixels) - counts[background]
colours = len(counts)
share = 100.0 * other / len(pixels)
print(f"check-flamegraph: {path}: {width}x{height}, {share:.1f}% of pixels not background, {colours} colours")
if share < 2 or colours < 8:
    sys.exit("check-flamegraph: the picture is (nearly) blank")
PY
