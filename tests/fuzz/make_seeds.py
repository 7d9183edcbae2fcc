#!/usr/bin/env python3
"""Writes the checked-in seed corpus under tests/fuzz/corpus/ (run from anywhere; idempotent).

Seeds are small, hand-made inputs that reach the interesting paths of each target; regression
inputs found by fuzzing are added beside them by hand (named regress-*) and are not touched here.
"""
import base64
import json
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def out(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ---------------------------------------------------------------- ELF
def elf(segments, symbols=None, entry=0x10000, machine=243):
    """segments: list of (type, vaddr, data, memsz); symbols: list of (name, value) or None."""
    phnum = len(segments)
    body = bytearray(64 + 56 * phnum)
    body[0:7] = b"\x7fELF\x02\x01\x01"
    struct.pack_into("<HHIQQQIHHHHHH", body, 16, 2, machine, 1, entry, 64, 0, 0, 64, 56, phnum, 64, 0, 0)
    for i, (ptype, vaddr, data, memsz) in enumerate(segments):
        off = len(body) if data else 0
        body += data
        struct.pack_into("<IIQQQQQQ", body, 64 + 56 * i, ptype, 7, off, vaddr, vaddr, len(data),
                         max(memsz, len(data)), 0x1000)
    if symbols is not None:
        strtab = bytearray(b"\0")
        symtab = bytearray(24)
        for name, value in symbols:
            symtab += struct.pack("<IBBHQQ", len(strtab), 0x10, 0, 1, value, 0)
            strtab += name.encode() + b"\0"
        str_off = len(body)
        body += strtab
        while len(body) % 8:
            body.append(0)
        sym_off = len(body)
        body += symtab
        sh_off = len(body)
        body += bytes(64)  # null section
        body += struct.pack("<IIQQQQIIQQ", 0, 2, 0, 0, sym_off, len(symtab), 2, 1, 8, 24)
        body += struct.pack("<IIQQQQIIQQ", 0, 3, 0, 0, str_off, len(strtab), 0, 0, 1, 0)
        struct.pack_into("<Q", body, 40, sh_off)
        struct.pack_into("<H", body, 60, 3)
    return bytes(body)


def words(*ws):
    return b"".join(struct.pack("<I", w & 0xFFFFFFFF) for w in ws)


ADDI_A0_1 = 0x00100513
ECALL = 0x00000073

out("elf", "go-patch", elf([(1, 0x10000, words(ADDI_A0_1, ECALL) + bytes(24), 0)],
                           [("runtime.gcenable", 0x10000), ("runtime.MemProfileRate", 0x10010),
                            ("flag.init", 0x10004), ("main.main", 0x10008)]))
out("elf", "fill-note-attrs", elf([(0x70000003, 0, b"A\x10\0\0\0riscv\0", 0),
                                   (1, 0x20000, b"\x13" * 20, 0x1000),
                                   (4, 0x20008, b"NOTE", 0),
                                   (1, 0x30ff0, b"\xaa" * 16, 32)], []))
out("elf", "no-symtab", elf([(1, 0x80000000, words(0x0000006f), 0)]))
out("elf", "empty-segment", elf([(1, 0x40000, b"", 0)], [("x", 1)]))
out("elf", "top-of-memory", elf([(1, 0xFFFFFFFFFFFFF000, b"\x01" * 16, 0x1000)], []))
out("elf", "truncated-header", elf([(1, 0x10000, b"\x13" * 8, 0)], [])[:40])

# ---------------------------------------------------------------- states
PAGE = 4096


def state_bin(pages, pc=0, step=0, exited=0, exit_code=0, regs=None, hint=b"", witness=b"", key=b"\0" * 32):
    regs = regs or [0] * 32
    b = bytearray(struct.pack(">Q", len(pages)))
    for idx, data in pages:
        b += struct.pack(">Q", idx) + data
    b += key + struct.pack(">QQBBQQQ", 0, pc, exit_code, exited, step, 0x7F0000000000, 0)
    b += b"".join(struct.pack(">Q", r) for r in regs)
    b += struct.pack(">I", len(hint)) + hint
    b += struct.pack(">I", len(witness)) + witness
    b += bytes(32)
    return bytes(b)


page_a = bytearray(PAGE)
page_a[0:8] = words(ADDI_A0_1, ECALL)
page_a[4095] = 0x7F
out("state_binary", "empty", state_bin([]))
out("state_binary", "one-page-hint-witness",
    state_bin([(0x10, bytes(page_a))], pc=0x10000, step=3, regs=[0] + list(range(1, 32)),
              hint=b"\0\0\0\x05hel", witness=bytes(range(256)) + bytes(106)))
out("state_binary", "exited-two-pages", state_bin([(0xFFFFFFFFFFFFF, bytes(PAGE)), (0, bytes(page_a))],
                                                  exited=1, exit_code=2))


def state_json(pages, **kw):
    doc = {"memory": [{"index": i, "data": d.hex()} for i, d in pages],
           "preimageKey": "0x" + "00" * 32, "preimageOffset": 0, "pc": kw.get("pc", 0), "exit": 0,
           "exited": False, "step": kw.get("step", 0), "heap": 0x7F0000000000, "loadReservation": 0,
           "registers": kw.get("regs", [0] * 32)}
    if kw.get("hint"):
        doc["lastHint"] = "0x" + kw["hint"].hex()
    if kw.get("witness"):
        doc["witness"] = base64.b64encode(kw["witness"]).decode()
    doc["stateHash"] = "0x" + "00" * 32
    return json.dumps(doc, indent=2) + "\n\n"


out("state_json", "empty-object", "{}")
out("state_json", "one-page", state_json([(0x10, bytes(page_a))], pc=0x10000, step=18446744073709551615,
                                         regs=[0] + [2**64 - 1] * 31, hint=b"\0\0\0\x09abc",
                                         witness=bytes(362)))
# spec §10.2: rvgo/cmd/test_data/state.json (witness-only)
WITNESS_B64 = ("wOSi8Cm62dDmKt1OGwxlLrSznk6zE4ghp7evP1rfrXYAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
               "AAAIGCAAAAAAAAAAAAAAAAB/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
               "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
               "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
               "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")
out("state_json", "asterisc-witness-only", json.dumps({
    "pc": 0, "exited": False, "step": 0, "witness": WITNESS_B64,
    "stateHash": "0x03216fdc4a7bfd4c7160fa946d1bfe451d13ff32da496609fe18355282b910c6"}, indent=2))

# ---------------------------------------------------------------- exec
# Byte 0: register pattern (bit 7: a7 := low 7 bits), byte 1: preimage scale, then code.


def enc_i(op, rd, f3, rs1, imm):
    return ((imm & 0xFFF) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op


def enc_s(op, f3, rs1, rs2, imm):
    return (((imm >> 5) & 0x7F) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | op


def enc_r(op, rd, f3, rs1, rs2, f7):
    return (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op


def enc_b(f3, rs1, rs2, imm):
    u = imm & 0x1FFF
    return (((u >> 12) & 1) << 31) | (((u >> 5) & 0x3F) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | \
        (((u >> 1) & 0xF) << 8) | (((u >> 11) & 1) << 7) | 0x63


def addi(rd, rs1, imm): return enc_i(0x13, rd, 0, rs1, imm)
def lui(rd, imm20): return ((imm20 & 0xFFFFF) << 12) | (rd << 7) | 0x37


A0, A1, A2, A7, T0, T1, SP = 10, 11, 12, 17, 5, 6, 2

# Arithmetic, M extension, shifts, and a counted loop.
out("exec", "alu-loop", bytes([3, 0]) + words(
    addi(T0, 0, 20), addi(A0, 0, 0),
    enc_r(0x33, A0, 0, A0, T0, 0), enc_r(0x33, A1, 4, A0, T0, 1), enc_r(0x33, A2, 3, A0, T0, 1),
    enc_r(0x3B, A2, 5, A1, T0, 0x20), enc_i(0x13, A1, 5, A0, 0x403), enc_i(0x1B, A1, 1, A0, 7),
    addi(T0, T0, -1), enc_b(1, T0, 0, -28),
    addi(A7, 0, 93), ECALL))
# Loads and stores across a leaf and a page, then LR/SC and AMOs.
out("exec", "memory-amo", bytes([6, 0]) + words(
    lui(T0, 0x20), addi(T1, 0, -1),
    enc_s(0x23, 3, T0, T1, 29), enc_i(0x03, A0, 3, T0, 29), enc_i(0x03, A1, 2, T0, 30),
    enc_s(0x23, 2, T0, T1, 0x7FE), enc_i(0x03, A2, 6, T0, 0x7FE),
    enc_r(0x2F, A0, 3, T0, 0, 0x08), enc_r(0x2F, A1, 3, T0, T1, 0x0C),
    enc_r(0x2F, A2, 2, T0, T1, 0x00), enc_r(0x2F, A2, 3, T0, T1, 0x70), enc_r(0x2F, A2, 2, T0, T1, 0x40),
    addi(A7, 0, 94), addi(A0, 0, 3), ECALL))
# Syscalls: brk, mmap, clock_gettime, getrlimit, fcntl, write to stdout, exit.
out("exec", "syscalls", bytes([0, 0]) + words(
    lui(SP, 0x20), addi(A7, 0, 214), ECALL,
    addi(A7, 0, 222), addi(A0, 0, 0), lui(A1, 2), addi(13, 0, 0x22), addi(14, 0, -1), ECALL,
    addi(A7, 0, 113), addi(A1, SP, 20), ECALL,
    addi(A7, 0, 163), addi(A0, 0, 7), addi(A1, SP, 40), ECALL,
    addi(A7, 0, 25), addi(A0, 0, 4), addi(A1, 0, 3), ECALL,
    addi(A7, 0, 64), addi(A0, 0, 1), lui(A1, 0x10), addi(A2, 0, 16), ECALL,
    addi(A7, 0, 93), addi(A0, 0, 0), ECALL))
# Preimage: write a 32-byte key (type 2) in two pieces, read the length prefix and data; a hint.
key_words = [addi(T0, 0, 2), enc_s(0x23, 0, SP, T0, 0), addi(T0, 0, 5), enc_s(0x23, 0, SP, T0, 31)]
out("exec", "preimage-hint", bytes([0, 3]) + words(
    lui(SP, 0x30), *key_words,
    addi(A7, 0, 64), addi(A0, 0, 6), addi(A1, SP, 0), addi(A2, 0, 32), ECALL,
    addi(A7, 0, 63), addi(A0, 0, 5), addi(A1, SP, 64), addi(A2, 0, 8), ECALL,
    addi(A7, 0, 63), addi(A0, 0, 5), addi(A1, SP, 72), addi(A2, 0, 32), ECALL,
    addi(T0, 0, 3), enc_s(0x23, 0, SP, T0, 131), addi(T0, 0, 0x41), enc_s(0x23, 0, SP, T0, 132),
    addi(A7, 0, 64), addi(A0, 0, 4), addi(A1, SP, 128), addi(A2, 0, 6), ECALL,
    addi(A7, 0, 63), addi(A0, 0, 3), addi(A1, SP, 200), addi(A2, 0, 1), ECALL,
    addi(A7, 0, 94), ECALL))
# Jumps and branches, CSR reads, FENCE, FP no-ops, then FMADD (unknown opcode: revert).
out("exec", "control-system", bytes([0x85, 0]) + words(
    0x0080006F, 0x00000013, 0xF1402573, 0x0FF0000F, 0x023170D3,
    enc_b(6, 0, A0, 8), 0x0000100F, 0x00100073, 0x30200073, 0x223170C3))
# The M extension's special cases inside a native block that repeats: division and remainder by
# zero and by -1 (the most negative dividend included), 32-bit forms, mulhsu of negative values.
# Register pattern 0 gives a0 = ~0, s1 = 1 << 63, a2 = 0, tp = 0x80000000, t0 = 1 (fuzz_engines.cpp
# kValues). Every result is folded into a3 (xor, then a rotate by one through a4/a5), so a wrong
# one shows in the state at the end of the block, where the fuzzer compares.
def muldiv_special():
    pairs = [(9, 10), (4, 10), (10, 12), (9, 12), (5, 10), (4, 4), (10, 9), (12, 5)]
    ops = [(0x33, f3) for f3 in (1, 2, 3, 4, 5, 6, 7)] + [(0x3B, f3) for f3 in (4, 5, 6, 7)]
    body = []
    for opcode, f3 in ops:
        for rs1, rs2 in pairs:
            body += [enc_r(opcode, 16, f3, rs1, rs2, 1),        # a6 = op(rs1, rs2)
                     enc_r(0x33, 13, 4, 13, 16, 0),             # a3 ^= a6
                     enc_i(0x13, 14, 1, 13, 1),                 # a4 = a3 << 1
                     enc_i(0x13, 15, 5, 13, 63),                # a5 = a3 >> 63
                     enc_r(0x33, 13, 6, 14, 15, 0)]             # a3 = a4 | a5
    return [addi(31, 0, 40), addi(13, 0, 0)] + body + [
        addi(31, 31, -1), enc_b(1, 31, 0, -4 * (len(body) + 1)), addi(A7, 0, 93), ECALL]


for target in ("exec", "engines"):
    out(target, "muldiv-special", bytes([0, 0]) + words(*muldiv_special()))
# Native-tier generation 2: chained blocks and register allocation.
def enc_j(rd, imm):
    imm &= 0x1FFFFF
    return ((((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3FF) << 21) | (((imm >> 11) & 1) << 20) |
            (((imm >> 12) & 0xFF) << 12) | (rd << 7) | 0x6F)


RA, T2 = 1, 7


def chain_calls():
    """Calls and returns between small blocks (jal links, jalr lookups, a tail call), a store that
    rewrites the first instruction of a block other blocks are linked to, then a call into the
    copy of the code in the data area (another page) and back."""
    F1, F2 = 18, 21
    w = [
        addi(31, 0, 30),                       # 0
        enc_j(RA, (F1 - 1) * 4),               # 1 loop: call F1
        enc_j(RA, (F2 - 2) * 4),               # 2 call F2
        addi(31, 31, -1),                      # 3
        enc_b(1, 31, 0, -12),                  # 4 bne x31, x0, loop
        lui(T0, 0x10),                         # 5 t0 = code base
        lui(T1, 0x00550),                      # 6 t1 = addi a0, a0, 5
        addi(T1, T1, 0x513),                   # 7
        enc_s(0x23, 2, T0, T1, F1 * 4),        # 8 sw t1, F1(t0): rewrite F1's first instruction
        addi(31, 0, 5),                        # 9
        enc_j(RA, (F1 - 10) * 4),              # 10 loop2: call F1
        addi(31, 31, -1),                      # 11
        enc_b(1, 31, 0, -8),                   # 12 bne x31, x0, loop2
        lui(T2, 0x7F),                         # 13 t2 = the data area (0x7F0000000000)
        enc_i(0x13, T2, 1, T2, 28),            # 14
        enc_i(0x67, RA, 0, T2, F1 * 4),        # 15 call F1's copy there (the original F1)
        addi(A7, 0, 93),                       # 16 exit
        ECALL,                                 # 17
        addi(A0, A0, 3),                       # 18 F1
        enc_r(0x33, A1, 4, A1, A0, 0),         # 19 xor a1, a1, a0
        enc_i(0x67, 0, 0, RA, 0),              # 20 ret
        addi(A2, A2, 1),                       # 21 F2
        enc_j(0, (F1 - 22) * 4),               # 22 tail call F1
    ]
    return w


def register_pressure():
    """One block that loops over 28 chained additions (more guest registers than the allocator
    has host registers), storing and loading some of them, moving its data pointer to a new page
    every iteration: TLB misses leave the block with allocated registers written."""
    body = []
    for r in range(1, 29):
        body.append(enc_r(0x33, r, 0, r, r % 28 + 1, 0))       # add r, r, r+1
        if r % 4 == 0:
            body.append(enc_s(0x23, 3, 30, r, 8 * r))          # sd r, 8r(x30)
        if r % 6 == 0:
            body.append(enc_i(0x03, r, 3, 30, 8 * (r - 2)))    # ld r, 8(r-2)(x30)
    body.append(enc_r(0x33, 30, 0, 30, 29, 0))                 # x30 += 4096
    return [addi(31, 0, 40), lui(30, 0x7F), enc_i(0x13, 30, 1, 30, 28), lui(29, 1)] + body + [
        addi(31, 31, -1), enc_b(1, 31, 0, -4 * (len(body) + 1)), addi(A7, 0, 93), ECALL]


for target in ("exec", "engines"):
    out(target, "chain-calls", bytes([0, 0]) + words(*chain_calls()))
    out(target, "chain-calls-short-chunks", bytes([0, 1]) + words(*chain_calls()))
    out(target, "register-pressure", bytes([2, 0]) + words(*register_pressure()))
    out(target, "register-pressure-short-chunks", bytes([2, 3]) + words(*register_pressure()))
# A jump to a misaligned target (revert).
out("exec", "misaligned-jump", bytes([1, 0]) + words(lui(T0, 0x10), addi(T0, T0, 30), enc_i(0x67, 0, 0, T0, 0)))


# ---------------------------------------------------------------- Cannon MT64 states (version 8)
def mt64_thread(tid, pc, exited=0, exit_code=0, regs=None):
    regs = regs or {}
    return (struct.pack(">QBBQQQQ", tid, exit_code, exited, pc, pc + 4, 0, 0)
            + b"".join(struct.pack(">Q", regs.get(i, 0)) for i in range(32)))


def mt64_state(pages, left, right, hint=b"", exited=0, traverse=0, version=8):
    b = bytes([version]) + struct.pack(">Q", len(pages))
    for idx, data in pages:
        b += struct.pack(">Q", idx) + data
    b += bytes([2]) + bytes(31) + struct.pack(">QQBQQBB", 8, 0x100000000000, 1, 0x1008, 1, 0, exited)
    b += struct.pack(">QQBQ", 77, 3, traverse, len(left) + len(right) + 1)
    b += struct.pack(">Q", len(left)) + b"".join(left) + struct.pack(">Q", len(right)) + b"".join(right)
    return b + struct.pack(">I", len(hint)) + hint


out("mips64_state", "empty-thread", mt64_state([], [mt64_thread(0, 0)], []))
out("mips64_state", "two-pages-two-stacks-hint",
    mt64_state([(0x7FFFFFFFF, bytes(PAGE)), (0x10, bytes(page_a))], [mt64_thread(0, 0x10000, regs={29: 0x7FFFFFFFF000})],
               [mt64_thread(1, 0x10010, exited=1, exit_code=3)], hint=b"\0\0\0\x09abc", traverse=1))
out("mips64_state", "exited-no-threads", mt64_state([], [], [], exited=1))
out("mips64_state", "wrong-version", mt64_state([], [mt64_thread(0, 0)], [], version=7))
