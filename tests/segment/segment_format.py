#!/usr/bin/env python3
"""Independent reader of the segment proof format (src/segment/segment_proof.hpp, version 1),
used by segment_cli_test.sh to check the documented layout and to tamper with chosen fields.

  segment_format.py summary FILE              prints JSON: sizes and offsets of every part
  segment_format.py flip FILE OUT FIELD [N]   copies FILE to OUT with one byte of FIELD changed
      FIELD: leaf (the N-th non-zero leaf value), sibling (the N-th stored sibling), witness
      (byte N of the witness), preimage (byte N of the first preimage's data), version, to
"""
import json
import sys


def varint(d, pos):
    v, shift = 0, 0
    while True:
        b = d[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return v, pos


def parse(d):
    assert d[:4] == b"FPSG", "bad magic"
    assert d[4] == 1, "version"
    out = {"to": int.from_bytes(d[6:14], "big"), "witness_offset": 78, "header": 440}
    out["from"] = int.from_bytes(d[78 + 82:78 + 90], "big")
    pos = 440
    n, pos = varint(d, pos)
    for _ in range(n):
        _, pos = varint(d, pos)
    bitmap = d[pos:pos + (n + 7) // 8]
    pos += (n + 7) // 8
    zero = [(bitmap[i // 8] >> (i % 8)) & 1 for i in range(n)]
    out["leaves"] = n
    out["leaf_values"] = []
    for i in range(n):
        if not zero[i]:
            out["leaf_values"].append(pos)
            pos += 32
    s, pos = varint(d, pos)
    sb = d[pos:pos + (s + 7) // 8]
    pos += (s + 7) // 8
    out["siblings"] = s
    out["sibling_values"] = []
    for j in range(s):
        if not (sb[j // 8] >> (j % 8)) & 1:
            out["sibling_values"].append(pos)
            pos += 32
    p, pos = varint(d, pos)
    out["preimages"] = []
    for _ in range(p):
        key = d[pos:pos + 32].hex()
        pos += 32
        ln, pos = varint(d, pos)
        out["preimages"].append({"key": "0x" + key, "offset": pos, "length": ln})
        pos += ln
    assert pos == len(d), "trailing bytes"
    out["size"] = len(d)
    return out


def main():
    cmd, path = sys.argv[1], sys.argv[2]
    d = bytearray(open(path, "rb").read())
    info = parse(d)
    if cmd == "summary":
        print(json.dumps({k: (len(v) if isinstance(v, list) and k != "preimages" else v) for k, v in info.items()}))
        return
    out, field = sys.argv[3], sys.argv[4]
    n = int(sys.argv[5]) if len(sys.argv) > 5 else 0
    if field == "leaf":
        off = info["leaf_values"][n] + 7
    elif field == "sibling":
        off = info["sibling_values"][n] + 3
    elif field == "witness":
        off = 78 + n
    elif field == "preimage":
        off = info["preimages"][0]["offset"] + n
    elif field == "version":
        off = 4
    elif field == "to":
        off = 13
    else:
        raise SystemExit("unknown field " + field)
    d[off] ^= 0x01
    open(out, "wb").write(d)


main()
