#include "proof/step_verifier.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/keccak256.hpp"
#include "vm/syscall_numbers.hpp"

namespace fpvm::proof {

using vm::RevertCode;
namespace sys = vm::sys;

std::optional<PreimagePart> SinglePreimageOracle::readPart(const Hash32& key, uint64_t offset) {
  if (!(key == key_) || offset >= prefixed_.size()) return std::nullopt;
  PreimagePart part;
  part.length = std::min<uint64_t>(32, prefixed_.size() - offset);
  std::memcpy(part.data.data(), prefixed_.data() + offset, part.length);
  return part;
}

namespace {

constexpr size_t kProofSize = 1920;  // 60 words: leaf + 59 siblings
constexpr unsigned kDepth = 59;

/// A revert travels as an exception inside the verifier only; verifyStep turns it into a code.
struct Revert {
  RevertCode code;
};

// --- State layout, State loading, State output ---------------------------------------------------
struct State {
  Hash32 memRoot;
  Hash32 preimageKey;
  uint64_t preimageOffset = 0;
  uint64_t pc = 0;
  uint8_t exitCode = 0;
  uint8_t exited = 0;
  uint64_t step = 0;
  uint64_t heap = 0;
  uint64_t loadReservation = 0;
  uint64_t regs[32] = {};
};

State decodeState(ByteView w) {
  State s;
  std::memcpy(s.memRoot.data(), w.data() + vm::kOffMemRoot, 32);
  std::memcpy(s.preimageKey.data(), w.data() + vm::kOffPreimageKey, 32);
  s.preimageOffset = getBE64(w.data() + vm::kOffPreimageOffset);
  s.pc = getBE64(w.data() + vm::kOffPc);
  s.exitCode = w[vm::kOffExitCode];
  s.exited = w[vm::kOffExited];
  s.step = getBE64(w.data() + vm::kOffStep);
  s.heap = getBE64(w.data() + vm::kOffHeap);
  s.loadReservation = getBE64(w.data() + vm::kOffLoadReservation);
  for (int i = 0; i < 32; ++i) s.regs[i] = getBE64(w.data() + vm::kOffRegisters + 8 * i);
  return s;
}

vm::Witness encodeState(const State& s) {
  vm::Witness w{};
  std::memcpy(w.data() + vm::kOffMemRoot, s.memRoot.data(), 32);
  std::memcpy(w.data() + vm::kOffPreimageKey, s.preimageKey.data(), 32);
  putBE64(w.data() + vm::kOffPreimageOffset, s.preimageOffset);
  putBE64(w.data() + vm::kOffPc, s.pc);
  w[vm::kOffExitCode] = s.exitCode;
  w[vm::kOffExited] = s.exited;
  putBE64(w.data() + vm::kOffStep, s.step);
  putBE64(w.data() + vm::kOffHeap, s.heap);
  putBE64(w.data() + vm::kOffLoadReservation, s.loadReservation);
  for (int i = 0; i < 32; ++i) putBE64(w.data() + vm::kOffRegisters + 8 * i, s.regs[i]);
  return w;
}

// --- Memory functions (proof slots, spec §3.3) ---------------------------------------------------
class ProofMemory {
 public:
  ProofMemory(ByteView proofs, Hash32& root) : proofs_(proofs), root_(root) {}

  /// Highest slot read so far + 1.
  unsigned slotsUsed() const { return slotsUsed_; }

  /// Word `w` (0 = leaf) of proof `slot`; bytes beyond the calldata read as zero.
  Hash32 word(unsigned slot, unsigned w) const {
    slotsUsed_ = std::max(slotsUsed_, slot + 1);
    Hash32 out;
    size_t off = size_t(slot) * kProofSize + size_t(w) * 32;
    for (size_t i = 0; i < 32; ++i)
      if (off + i < proofs_.size()) out[i] = proofs_[off + i];
    return out;
  }
  Hash32 rootWith(unsigned slot, uint64_t leafAddr, const Hash32& leaf) const {
    Hash32 node = leaf;
    uint64_t path = leafAddr >> 5;
    for (unsigned i = 0; i < kDepth; ++i) {
      Hash32 sib = word(slot, i + 1);
      node = ((path >> i) & 1) ? keccak256Pair(sib, node) : keccak256Pair(node, sib);
    }
    return node;
  }
  /// Reads the leaf of `leafAddr` from proof `slot`, verified against the current root.
  Hash32 readLeaf(unsigned slot, uint64_t leafAddr) const {
    Hash32 leaf = word(slot, 0);
    if (!(rootWith(slot, leafAddr, leaf) == root_)) throw Revert{vm::kBadMemoryProof};
    return leaf;
  }
  /// Replaces the leaf of `leafAddr` using proof `slot`'s siblings (no re-verification).
  void writeLeaf(unsigned slot, uint64_t leafAddr, const Hash32& leaf) { root_ = rootWith(slot, leafAddr, leaf); }

  /// Little-endian load of `size` bytes at `addr` from slots 1 (and 2 when crossing a leaf).
  uint64_t load(uint64_t addr, unsigned size) const {
    uint8_t buf[64];
    uint64_t left = addr & ~uint64_t(31);
    Hash32 l = readLeaf(1, left);
    std::memcpy(buf, l.data(), 32);
    if (((addr + size - 1) & ~uint64_t(31)) != left) {
      Hash32 r = readLeaf(2, left + 32);
      std::memcpy(buf + 32, r.data(), 32);
    }
    return getLE(buf + (addr & 31), size);
  }
  /// Stores `size` (<= 16) bytes; slot 2 is verified against the root after the left write.
  void store(uint64_t addr, const uint8_t* bytes, unsigned size, bool verifyLeft) {
    uint64_t left = addr & ~uint64_t(31);
    unsigned a = addr & 31;
    Hash32 l = verifyLeft ? readLeaf(1, left) : word(1, 0);
    if (!verifyLeft && !(rootWith(1, left, l) == root_)) throw Revert{vm::kBadMemoryProof};
    unsigned leftSize = std::min<unsigned>(size, 32 - a);
    std::memcpy(l.data() + a, bytes, leftSize);
    writeLeaf(1, left, l);
    if (leftSize == size) return;
    Hash32 r = readLeaf(2, left + 32);
    std::memcpy(r.data(), bytes + leftSize, size - leftSize);
    writeLeaf(2, left + 32, r);
  }

 private:
  ByteView proofs_;
  Hash32& root_;
  mutable unsigned slotsUsed_ = 0;
};

// --- Parse ---------------------------------------------------------------------------------------
uint64_t sext(uint64_t v, unsigned bits) {
  if (bits >= 64) return v;
  uint64_t m = uint64_t(1) << (bits - 1);
  v &= (uint64_t(1) << bits) - 1;
  return (v ^ m) - m;
}

/// One step on the witness state. Its sections and helper names follow the reference interpreter
/// (src/vm/interpreter.hpp) under the contract's banners, so the two read side by side; the code
/// under them is written independently.
class StepExecutor {
 public:
  StepExecutor(State& s, ByteView proofs, PartOracle* oracle, const VerifyOptions& opt)
      : s_(s), mem_(proofs, s.memRoot), oracle_(oracle), opt_(opt) {}

  unsigned proofsUsed() const { return mem_.slotsUsed(); }

  /// Executes one step (spec §4.2); a revert throws Revert.
  void step() {
    if (s_.exited != 0) return;  // exited machines do not step
    s_.step += 1;
    const uint64_t pc = s_.pc;
    if ((pc & 31) > 28) throw Revert{vm::kFetchCrossesLeaf};
    Hash32 leaf = mem_.readLeaf(0, pc & ~uint64_t(31));
    const uint32_t instr = static_cast<uint32_t>(getLE(leaf.data() + (pc & 31), 4));
    s_.pc = pc + 4;  // default; control transfers overwrite
    execute(instr, pc);
  }

 private:
  // --- State access ------------------------------------------------------------------------------
  uint64_t reg(uint32_t r) const { return r == 0 ? 0 : s_.regs[r]; }
  void setReg(uint32_t r, uint64_t v) {
    if (r != 0) s_.regs[r] = v;
  }

  // --- Instruction execution ---------------------------------------------------------------------
  void jumpTo(uint64_t t) {
    if (t & 3) throw Revert{vm::kMisaligned};
    s_.pc = t;
  }

  void execute(uint32_t in, uint64_t pc) {
    const uint32_t opcode = in & 0x7F, rd = (in >> 7) & 31, f3 = (in >> 12) & 7, rs1 = (in >> 15) & 31, rs2 = (in >> 20) & 31,
                   f7 = in >> 25;
    const uint64_t immI = sext(in >> 20, 12);
    const uint64_t immS = sext(((in >> 25) << 5) | rd, 12);
    const uint64_t immB = sext((uint64_t(in >> 31) << 12) | (uint64_t((in >> 7) & 1) << 11) | (uint64_t((in >> 25) & 0x3F) << 5) |
                                   (uint64_t((in >> 8) & 0xF) << 1),
                               13);
    const uint64_t immU = sext(in & 0xFFFFF000u, 32);
    const uint64_t immJ = sext((uint64_t(in >> 31) << 20) | (uint64_t((in >> 12) & 0xFF) << 12) |
                                   (uint64_t((in >> 20) & 1) << 11) | (uint64_t((in >> 21) & 0x3FF) << 1),
                               21);
    const uint64_t a = reg(rs1), b = reg(rs2);
    switch (opcode) {
      case 0x37: setReg(rd, immU); return;       // LUI
      case 0x17: setReg(rd, pc + immU); return;  // AUIPC
      case 0x6F:                                 // JAL
        setReg(rd, pc + 4);
        jumpTo(pc + immJ);
        return;
      case 0x67: {  // JALR
        uint64_t t = (a + immI) & ~uint64_t(1);
        setReg(rd, pc + 4);
        jumpTo(t);
        return;
      }
      case 0x63: {  // branching
        bool taken;
        switch (f3) {
          case 0: taken = a == b; break;
          case 1: taken = a != b; break;
          case 4: taken = int64_t(a) < int64_t(b); break;
          case 5: taken = int64_t(a) >= int64_t(b); break;
          case 6: taken = a < b; break;
          case 7: taken = a >= b; break;
          default: taken = false;
        }
        jumpTo(taken ? pc + immB : pc + 4);
        return;
      }
      case 0x03: {  // memory loading
        if (f3 == 7) throw Revert{vm::kIllegalInstruction};
        unsigned size = 1u << (f3 & 3);
        uint64_t v = mem_.load(a + immI, size);
        setReg(rd, (f3 & 4) ? v : sext(v, size * 8));
        return;
      }
      case 0x23: {  // memory storing
        if (f3 >= 4) throw Revert{vm::kStoreTooLarge};
        uint8_t buf[8];
        putLE(buf, b, 1u << f3);
        mem_.store(a + immS, buf, 1u << f3, true);
        return;
      }
      case 0x13: setReg(rd, opImm(f3, a, immI)); return;
      case 0x1B: setReg(rd, opImm32(f3, a, immI)); return;
      case 0x33: setReg(rd, f7 == 1 ? mulDiv(f3, a, b) : op(f3, f7, a, b)); return;
      case 0x3B: setReg(rd, f7 == 1 ? mulDiv32(f3, a, b) : op32(f3, f7, a, b)); return;
      case 0x2F: amo(in, rd, f3, a, b); return;
      case 0x73:  // environment things
        if (f3 == 0) {
          if ((in >> 20) == 0) ecall();
        } else {
          setReg(rd, 0);  // CSRs read 0
        }
        return;
      case 0x0F:
      case 0x07:
      case 0x27:
      case 0x53: return;  // fence, FP loads/stores/ops
      default: throw Revert{vm::kUnknownOpcode};
    }
  }

  static uint64_t opImm(uint32_t f3, uint64_t a, uint64_t imm) {
    switch (f3) {
      case 0: return a + imm;
      case 1: return a << (imm & 0x3F);
      case 2: return int64_t(a) < int64_t(imm);
      case 3: return a < imm;
      case 4: return a ^ imm;
      case 5:
        if ((imm >> 6) == 0) return a >> (imm & 0x3F);
        if ((imm >> 6) == 0x10) return uint64_t(int64_t(a) >> (imm & 0x3F));
        throw Revert{vm::kIllegalInstruction};
      case 6: return a | imm;
      default: return a & imm;
    }
  }
  static uint64_t opImm32(uint32_t f3, uint64_t a, uint64_t imm) {
    const unsigned sh = imm & 0x1F;
    switch (f3) {
      case 0: return sext(a + imm, 32);
      case 1:
        if (imm & 0x20) throw Revert{vm::kIllegalInstruction};
        return sext(a << sh, 32);
      case 5:
        if (imm & 0x20) throw Revert{vm::kIllegalInstruction};
        if ((imm >> 5) == 0) return sext((a & 0xFFFFFFFFu) >> sh, 32);
        if ((imm >> 5) == 0x20) return sext((a & 0xFFFFFFFFu) >> sh, 32 - sh);
        throw Revert{vm::kIllegalInstruction};
      default: throw Revert{vm::kIllegalInstruction};
    }
  }
  static uint64_t op(uint32_t f3, uint32_t f7, uint64_t a, uint64_t b) {
    switch (f3) {
      case 0:
        if (f7 == 0x00) return a + b;
        if (f7 == 0x20) return a - b;
        throw Revert{vm::kIllegalInstruction};
      case 1: return a << (b & 0x3F);
      case 2: return int64_t(a) < int64_t(b);
      case 3: return a < b;
      case 4: return a ^ b;
      case 5:
        if (f7 == 0x00) return a >> (b & 0x3F);
        if (f7 == 0x20) return uint64_t(int64_t(a) >> (b & 0x3F));
        throw Revert{vm::kIllegalInstruction};
      case 6: return a | b;
      default: return a & b;
    }
  }
  static uint64_t op32(uint32_t f3, uint32_t f7, uint64_t a, uint64_t b) {
    b &= 0xFFFFFFFFu;
    switch (f3) {
      case 0:
        if (f7 == 0x00) return sext(a + b, 32);
        if (f7 == 0x20) return sext(a - b, 32);
        throw Revert{vm::kIllegalInstruction};
      case 1: return sext(a << (b & 0x1F), 32);
      case 5:
        if (f7 == 0x00) return sext((a & 0xFFFFFFFFu) >> (b & 0x1F), 32);
        if (f7 == 0x20) return sext((a & 0xFFFFFFFFu) >> (b & 0x1F), 32 - unsigned(b & 0x1F));
        throw Revert{vm::kIllegalInstruction};
      default: throw Revert{vm::kIllegalInstruction};
    }
  }
  // M extension, computed with explicit 128-bit halves rather than the interpreter's helpers.
  static uint64_t mulHighUnsigned(uint64_t a, uint64_t b) {
    uint64_t aL = a & 0xFFFFFFFFu, aH = a >> 32, bL = b & 0xFFFFFFFFu, bH = b >> 32;
    uint64_t ll = aL * bL, lh = aL * bH, hl = aH * bL, hh = aH * bH;
    uint64_t mid = (ll >> 32) + (lh & 0xFFFFFFFFu) + (hl & 0xFFFFFFFFu);
    return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
  }
  static uint64_t mulDiv(uint32_t f3, uint64_t a, uint64_t b) {
    const uint64_t minI = uint64_t(1) << 63, neg1 = ~uint64_t(0);
    switch (f3) {
      case 0: return a * b;
      case 1: {  // signed × signed: correct the unsigned high part for negative operands
        uint64_t h = mulHighUnsigned(a, b);
        if (int64_t(a) < 0) h -= b;
        if (int64_t(b) < 0) h -= a;
        return h;
      }
      case 2: {  // signed × unsigned
        uint64_t h = mulHighUnsigned(a, b);
        if (int64_t(a) < 0) h -= b;
        return h;
      }
      case 3: return mulHighUnsigned(a, b);
      case 4:
        if (b == 0) return neg1;
        if (a == minI && b == neg1) return minI;
        return uint64_t(int64_t(a) / int64_t(b));
      case 5: return b == 0 ? neg1 : a / b;
      case 6:
        if (b == 0) return a;
        if (a == minI && b == neg1) return 0;
        return uint64_t(int64_t(a) % int64_t(b));
      default: return b == 0 ? a : a % b;
    }
  }
  static uint64_t mulDiv32(uint32_t f3, uint64_t a, uint64_t b) {
    const uint64_t a32 = a & 0xFFFFFFFFu, b32 = b & 0xFFFFFFFFu;
    const int64_t sa = int64_t(sext(a32, 32)), sb = int64_t(sext(b32, 32));
    switch (f3) {
      case 0: return sext(a32 * b32, 32);
      case 4: return b32 == 0 ? ~uint64_t(0) : sext(uint64_t(sa / sb), 32);  // 64-bit division: no overflow
      case 5: return b32 == 0 ? ~uint64_t(0) : sext(a32 / b32, 32);
      case 6: return b32 == 0 ? sext(a, 32) : sext(uint64_t(sa % sb), 32);
      case 7: return b32 == 0 ? sext(a, 32) : sext(a32 % b32, 32);
      default: throw Revert{vm::kIllegalInstruction};
    }
  }

  void amo(uint32_t in, uint32_t rd, uint32_t f3, uint64_t addr, uint64_t rs2v) {
    const unsigned size = 1u << f3;
    if (size != 4 && size != 8) throw Revert{vm::kBadAmoSize};
    if (addr & (size - 1)) throw Revert{vm::kMisaligned};
    const uint32_t op = (in >> 27) & 0x1F;
    if (op == 0x02) {
      setReg(rd, sext(mem_.load(addr, size), size * 8));
      s_.loadReservation = addr;
      return;
    }
    if (op == 0x03) {
      if (addr == s_.loadReservation) {
        uint8_t buf[8];
        putLE(buf, rs2v, size);
        mem_.store(addr, buf, size, true);
        setReg(rd, 0);
      } else {
        setReg(rd, 1);
      }
      s_.loadReservation = 0;
      return;
    }
    const uint64_t v = size == 4 ? sext(rs2v, 32) : rs2v;
    const uint64_t old = sext(mem_.load(addr, size), size * 8);
    uint64_t r;
    switch (op) {
      case 0x00: r = old + v; break;
      case 0x01: r = v; break;
      case 0x04: r = old ^ v; break;
      case 0x08: r = old | v; break;
      case 0x0C: r = old & v; break;
      case 0x10: r = int64_t(v) < int64_t(old) ? v : old; break;
      case 0x14: r = int64_t(v) > int64_t(old) ? v : old; break;
      case 0x18: r = v < old ? v : old; break;
      case 0x1C: r = v > old ? v : old; break;
      default: throw Revert{vm::kUnknownAtomicOp};
    }
    uint8_t buf[8];
    putLE(buf, r, size);
    mem_.store(addr, buf, size, false);
    setReg(rd, old);
  }

  // --- Syscall handling --------------------------------------------------------------------------
  void setResult(uint64_t a0, uint64_t a1) {
    s_.regs[sys::kRegA0] = a0;
    s_.regs[sys::kRegA1] = a1;
  }

  void ecall() {
    const uint64_t number = reg(sys::kRegA7);
    const uint64_t a0 = reg(sys::kRegA0), a1 = reg(sys::kRegA1), a2 = reg(sys::kRegA2);
    switch (number) {
      case sys::kExit:
      case sys::kExitGroup:
        s_.exitCode = uint8_t(a0 & sys::kExitCodeMask);
        s_.exited = 1;
        return;
      case sys::kBrk: setResult(sys::kBrkAddress, 0); return;
      case sys::kMmap: {
        if ((reg(sys::kRegA3) & sys::kMapAnonymous) == 0 || reg(sys::kRegA4) != sys::kMinus1) {
          setResult(sys::kMinus1, sys::kEBADF);
        } else if (a0 == 0) {
          uint64_t len = a1;
          uint64_t rem = len % sys::kMmapPageSize;
          if (rem) len += sys::kMmapPageSize - rem;
          setResult(s_.heap, 0);
          s_.heap += len;
        } else {
          setResult(a0, 0);
        }
        return;
      }
      case sys::kRead: sysRead(a0, a1, a2); return;
      case sys::kWrite: sysWrite(a0, a1, a2); return;
      case sys::kFcntl: sysFcntl(a0, a1); return;
      case sys::kOpenat: setResult(sys::kMinus1, sys::kEACCES); return;
      case sys::kClockGettime: {
        uint8_t buf[16];
        putLE(buf, sys::kClockSeconds, 8);
        putLE(buf + 8, sys::kClockNanos, 8);
        mem_.store(a1, buf, 16, true);
        setResult(0, 0);
        return;
      }
      case sys::kClone: setResult(sys::kCloneResult, 0); return;
      case sys::kGetrlimit: {
        if (a0 != sys::kRlimitNofile) throw Revert{vm::kUnknownRlimit};
        uint8_t buf[16];
        putLE(buf, sys::kNofileLimit, 8);
        putLE(buf + 8, sys::kNofileLimit, 8);
        mem_.store(a1, buf, 16, true);
        setResult(0, 0);
        return;
      }
      case sys::kPrlimit64:
      case sys::kFutexTime64:
      case sys::kNanosleep: throw Revert{vm::kUnsupportedSyscall};
      default: setResult(0, 0); return;
    }
  }

  void sysFcntl(uint64_t fd, uint64_t cmd) {
    if (cmd == sys::kFGetfd) {
      if (fd <= sys::kFdPreimageWrite) setResult(0, 0);
      else setResult(sys::kMinus1, sys::kEBADF);
    } else if (cmd == sys::kFGetfl) {
      if (fd == sys::kFdStdin || fd == sys::kFdHintRead || fd == sys::kFdPreimageRead) setResult(sys::kORdonly, 0);
      else if (fd == sys::kFdStdout || fd == sys::kFdStderr || fd == sys::kFdHintWrite || fd == sys::kFdPreimageWrite)
        setResult(sys::kOWronly, 0);
      else setResult(sys::kMinus1, sys::kEBADF);
    } else {
      setResult(sys::kMinus1, sys::kEINVAL);
    }
  }

  void sysRead(uint64_t fd, uint64_t buf, uint64_t count) {
    if (fd == sys::kFdStdin) setResult(0, 0);
    else if (fd == sys::kFdHintRead) setResult(count, 0);
    else if (fd == sys::kFdPreimageRead) setResult(readPreimage(buf, count), 0);
    else setResult(sys::kMinus1, sys::kEBADF);
  }

  void sysWrite(uint64_t fd, uint64_t buf, uint64_t count) {
    if (fd == sys::kFdStdout || fd == sys::kFdStderr || fd == sys::kFdHintWrite) setResult(count, 0);
    else if (fd == sys::kFdPreimageWrite) setResult(writePreimageKey(buf, count), 0);
    else setResult(sys::kMinus1, sys::kEBADF);
  }

  // --- Preimage oracle interactions --------------------------------------------------------------
  uint64_t writePreimageKey(uint64_t addr, uint64_t count) {
    const unsigned a = addr & 31;
    const uint64_t n = std::min<uint64_t>(count, 32 - a);
    Hash32 leaf = mem_.readLeaf(1, addr - a);
    Hash32 key;
    for (unsigned i = 0; i < 32; ++i) key[i] = i + n < 32 ? s_.preimageKey[i + n] : leaf[a + (i + n - 32)];
    s_.preimageKey = key;
    s_.preimageOffset = 0;
    return n;
  }

  uint64_t readPreimage(uint64_t addr, uint64_t count) {
    Hash32 key = s_.preimageKey;
    if (opt_.localizeLocalKeys && key[0] == 1) {
      uint8_t buf[96] = {};
      std::memcpy(buf, key.data(), 32);
      std::memcpy(buf + 44, opt_.caller.data(), 20);
      std::memcpy(buf + 64, opt_.localContext.data(), 32);
      key = keccak256(ByteView(buf, 96));
      key[0] = 1;
    }
    if (!oracle_) throw Revert{vm::kOracleReadFailed};
    std::optional<PreimagePart> part = oracle_->readPart(key, s_.preimageOffset);
    if (!part || part->length > 32) throw Revert{vm::kOracleReadFailed};
    if (part->length == 0) return 0;
    const unsigned a = addr & 31;
    uint64_t n = std::min<uint64_t>({count, uint64_t(32 - a), part->length});
    s_.preimageOffset += n;
    Hash32 leaf = mem_.readLeaf(1, addr - a);
    std::memcpy(leaf.data() + a, part->data.data(), n);
    mem_.writeLeaf(1, addr - a, leaf);
    return n;
  }

  State& s_;
  ProofMemory mem_;
  PartOracle* oracle_;
  const VerifyOptions& opt_;
};

}  // namespace

VerifyResult verifyStep(ByteView stateData, ByteView proofData, PartOracle* oracle, const VerifyOptions& options) {
  if (stateData.size() != vm::kWitnessSize)
    throw Error("invalid witness length: " + std::to_string(stateData.size()) + " bytes, expected 362");
  State s = decodeState(stateData);
  if (s.exited > 1) throw Error("malformed state data: exited flag is " + std::to_string(s.exited) + ", expected 0 or 1");
  if (s.regs[0] != 0) throw Error("malformed state data: register x0 is not zero");
  VerifyResult r;
  StepExecutor exec(s, proofData, oracle, options);
  try {
    exec.step();
  } catch (const Revert& rv) {
    r.revert = rv.code;
    r.proofsUsed = exec.proofsUsed();
    return r;
  }
  r.proofsUsed = exec.proofsUsed();
  if (options.exactLength && proofData.size() != size_t(r.proofsUsed) * kProofSize)
    throw Error("proof data has " + std::to_string(proofData.size()) + " bytes; this step uses " + std::to_string(r.proofsUsed) +
                " memory proofs (" + std::to_string(r.proofsUsed * kProofSize) + " bytes)");
  r.post = encodeState(s);
  r.postHash = vm::VmState::hashWitness(r.post);
  return r;
}

}  // namespace fpvm::proof
