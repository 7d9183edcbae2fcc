#pragma once
/// The reference step function: decodes and executes one instruction of spec §4/§5 on a VmState.
/// The Tracker is told about every memory leaf the step touches, in proof-slot order (spec §3.3),
/// so the same semantics serve plain execution (NoTracker) and the proving engine.
///
/// Read side by side with src/proof/step_verifier.cpp: both follow the same section order and
/// helper names under the on-chain contract's (RISCV.sol) section banners.
#include <algorithm>
#include <cstring>
#include <optional>
#include <string>

#include "common/error.hpp"
#include "vm/alu.hpp"
#include "vm/host_context.hpp"
#include "vm/revert_codes.hpp"
#include "vm/rv_fields.hpp"
#include "vm/syscall_numbers.hpp"
#include "vm/vm_state.hpp"

/// Forces inlining of the per-instruction helpers into the caller's loop (measured: the call
/// and register save/restore around execute() cost about a fifth of the proving engine's time).
#define FPVM_INLINE [[gnu::always_inline]] inline

namespace fpvm::vm {

/// Tracker that records nothing.
struct NoTracker {
  void access(merkle::PagedMemory&, uint64_t /*leafAddr*/, unsigned /*slot*/) {}
};

/// Executes steps of one machine. Host failures (oracle errors, preimage reads past the end,
/// oversize hints) throw fpvm::Error; guest faults return a RevertCode.
template <class Tracker>
class Interpreter {
 public:
  Interpreter(VmState& state, HostContext& host, Tracker& tracker) : s_(state), host_(host), tracker_(tracker) {}

  /// Executes one step (spec §4.2). Returns kOk, or the revert code of an invalid step.
  [[nodiscard]] FPVM_INLINE RevertCode step() {
    if (s_.exited) return kOk;
    s_.step += 1;
    lastSyscall_ = ~uint64_t(0);
    preimageRead_.reset();
    const uint64_t pc = s_.pc;
    tracker_.access(s_.memory, pc & ~uint64_t(31), 0);
    if ((pc & 31) > 28) return kFetchCrossesLeaf;
    const uint32_t instr = static_cast<uint32_t>(s_.memory.load(pc, 4));
    return execute(instr, pc);
  }

  /// The syscall number of the last ECALL executed by step(), or ~0 if the step had none.
  uint64_t lastSyscall() const { return lastSyscall_; }
  /// The PreimageOffset at which the last step read a non-empty part of fd 5, if it did
  /// (the preimage is then HostContext::preimage).
  std::optional<uint64_t> preimageRead() const { return preimageRead_; }

 private:
  // --- State access ------------------------------------------------------------------------------
  uint64_t reg(uint32_t r) const { return s_.registers[r]; }
  void setReg(uint32_t r, uint64_t v) {
    if (r != 0) s_.registers[r] = v;
  }

  // --- Memory functions (with proof tracking, spec §3.3) -----------------------------------------
  FPVM_INLINE uint64_t loadMem(uint64_t addr, unsigned size, bool isSigned) {
    tracker_.access(s_.memory, addr & ~uint64_t(31), 1);
    uint64_t last = addr + size - 1;
    if ((last & ~uint64_t(31)) != (addr & ~uint64_t(31))) tracker_.access(s_.memory, last & ~uint64_t(31), 2);
    uint64_t v = s_.memory.load(addr, size);
    return isSigned ? rv::sx(v, size * 8) : v;
  }
  /// Stores `size` (<= 16) bytes from `bytes`, with slot 2 proven after the left part is written.
  void storeBytes(uint64_t addr, const uint8_t* bytes, unsigned size, bool trackLeft) {
    const uint64_t left = addr & ~uint64_t(31);
    if (trackLeft) tracker_.access(s_.memory, left, 1);
    if (((addr + size - 1) & ~uint64_t(31)) == left) {
      s_.memory.writeBytes(addr, bytes, size);
      return;
    }
    const uint64_t right = left + 32;
    const unsigned leftSize = static_cast<unsigned>(right - addr);
    s_.memory.writeBytes(addr, bytes, leftSize);
    tracker_.access(s_.memory, right, 2);
    s_.memory.writeBytes(right, bytes + leftSize, size - leftSize);
  }
  FPVM_INLINE void storeMem(uint64_t addr, unsigned size, uint64_t value, bool trackLeft = true) {
    if (((addr + size - 1) & ~uint64_t(31)) == (addr & ~uint64_t(31))) {  // within one leaf
      if (trackLeft) tracker_.access(s_.memory, addr & ~uint64_t(31), 1);
      s_.memory.store(addr, size, value);
      return;
    }
    uint8_t b[8];
    putLE(b, value, size);
    storeBytes(addr, b, size, trackLeft);
  }

  // --- Instruction execution ---------------------------------------------------------------------
  RevertCode jumpTo(uint64_t target) {
    if (target & 3) return kMisaligned;
    s_.pc = target;
    return kOk;
  }

  FPVM_INLINE RevertCode execute(uint32_t in, uint64_t pc) {
    using namespace rv;
    const uint32_t rdI = rd(in), f3 = funct3(in), f7 = funct7(in);
    const uint64_t a = reg(rs1(in)), b = reg(rs2(in));
    switch (opcode(in)) {
      case kLui: setReg(rdI, immU(in)); break;
      case kAuipc: setReg(rdI, pc + immU(in)); break;
      case kJal: setReg(rdI, pc + 4); return jumpTo(pc + immJ(in));
      case kJalr: {
        uint64_t target = (a + immI(in)) & ~uint64_t(1);
        setReg(rdI, pc + 4);
        return jumpTo(target);
      }
      case kBranch: {
        bool taken = false;
        switch (f3) {
          case 0: taken = a == b; break;
          case 1: taken = a != b; break;
          case 4: taken = int64_t(a) < int64_t(b); break;
          case 5: taken = int64_t(a) >= int64_t(b); break;
          case 6: taken = a < b; break;
          case 7: taken = a >= b; break;
          default: taken = false; break;  // funct3 2/3: never taken
        }
        return jumpTo(taken ? pc + immB(in) : pc + 4);
      }
      case kLoad: {
        if (f3 == 7) return kIllegalInstruction;
        unsigned size = 1u << (f3 & 3);
        setReg(rdI, loadMem(a + immI(in), size, (f3 & 4) == 0));
        break;
      }
      case kStore: {
        if (f3 >= 4) return kStoreTooLarge;
        storeMem(a + immS(in), 1u << f3, b);
        break;
      }
      case kOpImm: {
        RevertCode rc = opImm(in, a);
        if (rc) return rc;
        break;
      }
      case kOpImm32: {
        RevertCode rc = opImm32(in, a);
        if (rc) return rc;
        break;
      }
      case kOp: {
        RevertCode rc = f7 == 1 ? mulDiv(f3, rdI, a, b) : op(f3, f7, rdI, a, b);
        if (rc) return rc;
        break;
      }
      case kOp32: {
        RevertCode rc = f7 == 1 ? mulDiv32(f3, rdI, a, b) : op32(f3, f7, rdI, a, b);
        if (rc) return rc;
        break;
      }
      case kAmo: {
        RevertCode rc = amo(in, a, b);
        if (rc) return rc;
        break;
      }
      case kSystem:
        if (f3 == 0) {
          if ((in >> 20) == 0) {
            RevertCode rc = ecall();
            if (rc) return rc;
          }
          // EBREAK, MRET, SRET, WFI, SFENCE.VMA …: no-op
        } else {
          setReg(rdI, 0);  // every CSR form reads 0 and has no side effect
        }
        break;
      case kMiscMem:
      case kLoadFp:
      case kStoreFp:
      case kOpFp: break;  // FENCE family and FP loads/stores/ops are no-ops
      default: return kUnknownOpcode;
    }
    s_.pc = pc + 4;
    return kOk;
  }

  FPVM_INLINE RevertCode opImm(uint32_t in, uint64_t a) {
    const uint64_t imm = rv::immI(in);
    const uint32_t rdI = rv::rd(in);
    switch (rv::funct3(in)) {
      case 0: setReg(rdI, a + imm); break;
      case 1: setReg(rdI, a << (imm & 63)); break;
      case 2: setReg(rdI, int64_t(a) < int64_t(imm) ? 1 : 0); break;
      case 3: setReg(rdI, a < imm ? 1 : 0); break;
      case 4: setReg(rdI, a ^ imm); break;
      case 5: {
        uint64_t t = imm >> 6;
        if (t == 0) setReg(rdI, a >> (imm & 63));
        else if (t == 0x10) setReg(rdI, alu::sra(a, imm & 63));
        else return kIllegalInstruction;
        break;
      }
      case 6: setReg(rdI, a | imm); break;
      case 7: setReg(rdI, a & imm); break;
    }
    return kOk;
  }

  FPVM_INLINE RevertCode opImm32(uint32_t in, uint64_t a) {
    const uint64_t imm = rv::immI(in);
    const uint32_t rdI = rv::rd(in);
    const unsigned sh = imm & 31;
    switch (rv::funct3(in)) {
      case 0: setReg(rdI, rv::sx(a + imm, 32)); return kOk;
      case 1:
        if (imm & 0x20) return kIllegalInstruction;
        setReg(rdI, alu::sllw(a, sh));
        return kOk;
      case 5: {
        if (imm & 0x20) return kIllegalInstruction;
        uint64_t t = imm >> 5;
        if (t == 0) setReg(rdI, alu::srlw(a, sh));
        else if (t == 0x20) setReg(rdI, alu::sraw(a, sh));
        else return kIllegalInstruction;
        return kOk;
      }
      default: return kIllegalInstruction;
    }
  }

  FPVM_INLINE RevertCode op(uint32_t f3, uint32_t f7, uint32_t rdI, uint64_t a, uint64_t b) {
    switch (f3) {
      case 0:
        if (f7 == 0) setReg(rdI, a + b);
        else if (f7 == 0x20) setReg(rdI, a - b);
        else return kIllegalInstruction;
        break;
      case 1: setReg(rdI, a << (b & 63)); break;
      case 2: setReg(rdI, int64_t(a) < int64_t(b) ? 1 : 0); break;
      case 3: setReg(rdI, a < b ? 1 : 0); break;
      case 4: setReg(rdI, a ^ b); break;
      case 5:
        if (f7 == 0) setReg(rdI, a >> (b & 63));
        else if (f7 == 0x20) setReg(rdI, alu::sra(a, b & 63));
        else return kIllegalInstruction;
        break;
      case 6: setReg(rdI, a | b); break;
      case 7: setReg(rdI, a & b); break;
    }
    return kOk;
  }

  FPVM_INLINE RevertCode op32(uint32_t f3, uint32_t f7, uint32_t rdI, uint64_t a, uint64_t b) {
    b = rv::zx32(b);
    switch (f3) {
      case 0:
        if (f7 == 0) setReg(rdI, rv::sx(a + b, 32));
        else if (f7 == 0x20) setReg(rdI, rv::sx(a - b, 32));
        else return kIllegalInstruction;
        return kOk;
      case 1: setReg(rdI, alu::sllw(a, b & 31)); return kOk;
      case 5:
        if (f7 == 0) setReg(rdI, alu::srlw(a, b & 31));
        else if (f7 == 0x20) setReg(rdI, alu::sraw(a, b & 31));
        else return kIllegalInstruction;
        return kOk;
      default: return kIllegalInstruction;
    }
  }

  FPVM_INLINE RevertCode mulDiv(uint32_t f3, uint32_t rdI, uint64_t a, uint64_t b) {
    switch (f3) {
      case 0: setReg(rdI, a * b); break;
      case 1: setReg(rdI, alu::mulh(a, b)); break;
      case 2: setReg(rdI, alu::mulhsu(a, b)); break;
      case 3: setReg(rdI, alu::mulhu(a, b)); break;
      case 4: setReg(rdI, alu::div(a, b)); break;
      case 5: setReg(rdI, alu::divu(a, b)); break;
      case 6: setReg(rdI, alu::rem(a, b)); break;
      case 7: setReg(rdI, alu::remu(a, b)); break;
    }
    return kOk;
  }

  FPVM_INLINE RevertCode mulDiv32(uint32_t f3, uint32_t rdI, uint64_t a, uint64_t b) {
    switch (f3) {
      case 0: setReg(rdI, alu::mulw(a, b)); return kOk;
      case 4: setReg(rdI, alu::divw(a, b)); return kOk;
      case 5: setReg(rdI, alu::divuw(a, b)); return kOk;
      case 6: setReg(rdI, alu::remw(a, b)); return kOk;
      case 7: setReg(rdI, alu::remuw(a, b)); return kOk;
      default: return kIllegalInstruction;
    }
  }

  RevertCode amo(uint32_t in, uint64_t addr, uint64_t rs2v) {
    const uint32_t f3 = rv::funct3(in);
    const unsigned size = 1u << f3;
    if (size != 4 && size != 8) return kBadAmoSize;
    if (addr % size != 0) return kMisaligned;
    const uint32_t rdI = rv::rd(in);
    const uint32_t op = rv::funct7(in) >> 2;
    if (op == 0x02) {  // LR
      setReg(rdI, loadMem(addr, size, true));
      s_.loadReservation = addr;
      return kOk;
    }
    if (op == 0x03) {  // SC
      if (addr == s_.loadReservation) {
        storeMem(addr, size, rs2v);
        setReg(rdI, 0);
      } else {
        setReg(rdI, 1);
      }
      s_.loadReservation = 0;
      return kOk;
    }
    uint64_t v = size == 4 ? rv::sx(rs2v, 32) : rs2v;
    uint64_t old = loadMem(addr, size, true);
    uint64_t result;
    switch (op) {
      case 0x00: result = old + v; break;
      case 0x01: result = v; break;
      case 0x04: result = old ^ v; break;
      case 0x08: result = old | v; break;
      case 0x0C: result = old & v; break;
      case 0x10: result = int64_t(old) < int64_t(v) ? old : v; break;
      case 0x14: result = int64_t(old) > int64_t(v) ? old : v; break;
      case 0x18: result = old < v ? old : v; break;
      case 0x1C: result = old > v ? old : v; break;
      default: return kUnknownAtomicOp;
    }
    storeMem(addr, size, result, /*trackLeft=*/false);  // reuses slot 1 (aligned, one leaf)
    setReg(rdI, old);
    return kOk;
  }

  // --- Syscall handling --------------------------------------------------------------------------
  void setResult(uint64_t a0, uint64_t a1) {
    s_.registers[sys::kRegA0] = a0;
    s_.registers[sys::kRegA1] = a1;
  }

  RevertCode ecall() {
    const uint64_t number = s_.registers[sys::kRegA7];
    lastSyscall_ = number;
    const uint64_t a0 = s_.registers[sys::kRegA0], a1 = s_.registers[sys::kRegA1], a2 = s_.registers[sys::kRegA2];
    switch (number) {
      case sys::kExit:
      case sys::kExitGroup:
        s_.exitCode = static_cast<uint8_t>(a0 & sys::kExitCodeMask);
        s_.exited = true;
        return kOk;
      case sys::kBrk: setResult(sys::kBrkAddress, 0); return kOk;
      case sys::kMmap: {
        const uint64_t flags = s_.registers[sys::kRegA3], fd = s_.registers[sys::kRegA4];
        if ((flags & sys::kMapAnonymous) == 0 || fd != sys::kMinus1) {
          setResult(sys::kMinus1, sys::kEBADF);
        } else if (a0 == 0) {
          uint64_t len = a1;
          const uint64_t partial = len & (sys::kMmapPageSize - 1);
          if (partial) len += sys::kMmapPageSize - partial;  // wrapping round-up
          setResult(s_.heap, 0);
          s_.heap += len;
        } else {
          setResult(a0, 0);
        }
        return kOk;
      }
      case sys::kRead: return sysRead(a0, a1, a2);
      case sys::kWrite: return sysWrite(a0, a1, a2);
      case sys::kFcntl: sysFcntl(a0, a1); return kOk;
      case sys::kOpenat: setResult(sys::kMinus1, sys::kEACCES); return kOk;
      case sys::kClockGettime: {
        uint8_t buf[16];
        putLE(buf, sys::kClockSeconds, 8);
        putLE(buf + 8, sys::kClockNanos, 8);
        storeBytes(a1, buf, 16, true);
        setResult(0, 0);
        return kOk;
      }
      case sys::kClone: setResult(sys::kCloneResult, 0); return kOk;
      case sys::kGetrlimit: {
        if (a0 != sys::kRlimitNofile) return kUnknownRlimit;
        uint8_t buf[16];
        putLE(buf, sys::kNofileLimit, 8);
        putLE(buf + 8, sys::kNofileLimit, 8);
        storeBytes(a1, buf, 16, true);
        setResult(0, 0);
        return kOk;
      }
      case sys::kPrlimit64:
      case sys::kFutexTime64:
      case sys::kNanosleep: return kUnsupportedSyscall;
      default: setResult(0, 0); return kOk;
    }
  }

  void sysFcntl(uint64_t fd, uint64_t cmd) {
    if (cmd == sys::kFGetfd) {
      if (fd <= sys::kFdPreimageWrite) setResult(0, 0);
      else setResult(sys::kMinus1, sys::kEBADF);
    } else if (cmd == sys::kFGetfl) {
      switch (fd) {
        case sys::kFdStdin:
        case sys::kFdHintRead:
        case sys::kFdPreimageRead: setResult(sys::kORdonly, 0); break;
        case sys::kFdStdout:
        case sys::kFdStderr:
        case sys::kFdHintWrite:
        case sys::kFdPreimageWrite: setResult(sys::kOWronly, 0); break;
        default: setResult(sys::kMinus1, sys::kEBADF); break;
      }
    } else {
      setResult(sys::kMinus1, sys::kEINVAL);
    }
  }

  RevertCode sysRead(uint64_t fd, uint64_t buf, uint64_t count) {
    switch (fd) {
      case sys::kFdStdin: setResult(0, 0); return kOk;
      case sys::kFdHintRead: setResult(count, 0); return kOk;
      case sys::kFdPreimageRead: return readPreimage(buf, count);
      default: setResult(sys::kMinus1, sys::kEBADF); return kOk;
    }
  }

  RevertCode sysWrite(uint64_t fd, uint64_t buf, uint64_t count) {
    switch (fd) {
      case sys::kFdStdout:
      case sys::kFdStderr:
        if (host_.output && count > 0) {
          size_t n = static_cast<size_t>(std::min<uint64_t>(count, host_.limits.maxOutputBytesPerWrite));
          Bytes data(n);
          s_.memory.readBytes(buf, data.data(), n);
          host_.output->write(static_cast<unsigned>(fd), data);
        }
        setResult(count, 0);
        return kOk;
      case sys::kFdHintWrite:
        writeHint(buf, count);
        setResult(count, 0);
        return kOk;
      case sys::kFdPreimageWrite: return writePreimageKey(buf, count);
      default: setResult(sys::kMinus1, sys::kEBADF); return kOk;
    }
  }

  // --- Preimage oracle interactions --------------------------------------------------------------
  void writeHint(uint64_t buf, uint64_t count) {
    if (count > host_.limits.maxHintBytes || s_.lastHint.size() + count > host_.limits.maxHintBytes)
      throw Error("hint data exceeds the " + std::to_string(host_.limits.maxHintBytes) + "-byte limit");
    size_t old = s_.lastHint.size();
    s_.lastHint.resize(old + count);
    s_.memory.readBytes(buf, s_.lastHint.data() + old, count);
    size_t pos = 0;
    while (s_.lastHint.size() - pos >= 4) {
      uint32_t len = getBE32(s_.lastHint.data() + pos);
      if (len > s_.lastHint.size() - pos - 4) break;
      ByteView hint(s_.lastHint.data() + pos + 4, len);
      s_.lastCompleteHint.assign(hint.begin(), hint.end());
      if (host_.oracle) host_.oracle->hint(hint);
      pos += 4 + size_t(len);
    }
    if (pos) s_.lastHint.erase(s_.lastHint.begin(), s_.lastHint.begin() + static_cast<ptrdiff_t>(pos));
  }

  RevertCode writePreimageKey(uint64_t buf, uint64_t count) {
    const uint64_t leafAddr = buf & ~uint64_t(31);
    const unsigned align = buf & 31;
    const unsigned n = static_cast<unsigned>(std::min<uint64_t>(count, 32 - align));
    tracker_.access(s_.memory, leafAddr, 1);
    Hash32 leaf = s_.memory.readLeaf(leafAddr);
    // key = (key << 8n | leaf[align..align+n)) mod 2^256
    Hash32 key;
    std::memcpy(key.data(), s_.preimageKey.data() + n, 32 - n);
    std::memcpy(key.data() + 32 - n, leaf.data() + align, n);
    s_.preimageKey = key;
    s_.preimageOffset = 0;
    setResult(n, 0);
    return kOk;
  }

  RevertCode readPreimage(uint64_t buf, uint64_t count) {
    const Bytes& p = host_.prefixedPreimage(s_.preimageKey);
    const uint64_t off = s_.preimageOffset;
    if (off >= p.size())
      throw Error("Preimage offset out-of-bounds: offset " + std::to_string(off) + " >= length " + std::to_string(p.size()) +
                  " (8-byte length prefix included)");
    const uint64_t avail = std::min<uint64_t>(32, p.size() - off);
    const uint64_t leafAddr = buf & ~uint64_t(31);
    const unsigned align = buf & 31;
    const unsigned n = static_cast<unsigned>(std::min<uint64_t>({count, uint64_t(32 - align), avail}));
    tracker_.access(s_.memory, leafAddr, 1);
    preimageRead_ = off;
    if (n) s_.memory.writeBytes(buf, p.data() + off, n);
    s_.preimageOffset = off + n;
    setResult(n, 0);
    return kOk;
  }

  VmState& s_;
  HostContext& host_;
  Tracker& tracker_;
  uint64_t lastSyscall_ = ~uint64_t(0);
  std::optional<uint64_t> preimageRead_;
};

}  // namespace fpvm::vm
