#!/usr/bin/env python3
"""Runs a guest command (e.g. `qemu-riscv64 prog.elf`) with the pre-image oracle's fds 3-6
served from one case of an `fpvm test` manifest: its boot values (local keys) and inline
pre-images (spec §6.2; no data directories or servers). Prints nothing itself; exits with the
guest's exit code, or 125 when the guest asks for a key the case does not have.

    oracle_host.py MANIFEST CASE -- COMMAND [ARGS...]
"""
import json
import os
import select
import struct
import subprocess
import sys


def case_data(manifest, name):
    doc = json.load(open(manifest))
    defaults = doc.get("defaults", {})
    case = next(c for c in doc["cases"] if c["name"] == name)
    boot = dict(defaults.get("boot", {}), **case.get("boot", {}))
    inline = dict(defaults.get("preimages", {}).get("inline", {}), **case.get("preimages", {}).get("inline", {}))
    values = {}
    for index, v in boot.items():
        key = bytes([1]) + bytes(23) + struct.pack(">Q", int(index, 0))
        values[key] = struct.pack(">Q", v) if isinstance(v, int) else bytes.fromhex(v[2:])
    for k, v in inline.items():
        values[bytes.fromhex(k[2:])] = bytes.fromhex(v[2:])
    return values


def read_exact(fd, n):
    out = b""
    while len(out) < n:
        chunk = os.read(fd, n - len(out))
        if not chunk:
            return None
        out += chunk
    return out


def main():
    sep = sys.argv.index("--")
    manifest, name = sys.argv[1:sep]
    command = sys.argv[sep + 1:]
    values = case_data(manifest, name)
    ack_r, ack_w = os.pipe()  # guest fd 3 <- host
    hint_r, hint_w = os.pipe()  # guest fd 4 -> host
    val_r, val_w = os.pipe()  # guest fd 5 <- host
    key_r, key_w = os.pipe()  # guest fd 6 -> host
    child_ends = [ack_r, hint_w, val_r, key_w]

    def setup():
        # Move the pipe ends above 6 first, so that no dup2 below overwrites one still needed.
        high = [os.dup(fd) for fd in child_ends]
        while min(high) <= 6:
            high = [os.dup(fd) if fd <= 6 else fd for fd in high]
        for target, fd in zip((3, 4, 5, 6), high):
            os.dup2(fd, target)
        for fd in high:
            if fd not in (3, 4, 5, 6):
                os.close(fd)

    proc = subprocess.Popen(command, preexec_fn=setup, close_fds=False, stdin=subprocess.DEVNULL)
    for fd in child_ends:
        os.close(fd)
    open_fds = {hint_r, key_r}
    missing = False
    while open_fds:
        ready, _, _ = select.select(list(open_fds), [], [])
        for fd in ready:
            if fd == hint_r:
                head = read_exact(hint_r, 4)
                if head is None or read_exact(hint_r, struct.unpack(">I", head)[0]) is None:
                    open_fds.discard(hint_r)
                    continue
                os.write(ack_w, b"\x01")
            else:
                key = read_exact(key_r, 32)
                if key is None:
                    open_fds.discard(key_r)
                    continue
                if key not in values:
                    sys.stderr.write("oracle_host: no pre-image for key 0x%s\n" % key.hex())
                    missing = True
                    proc.kill()
                    open_fds.clear()
                    break
                v = values[key]
                os.write(val_w, struct.pack(">Q", len(v)) + v)
    rc = proc.wait()
    sys.exit(125 if missing else rc)


if __name__ == "__main__":
    main()
