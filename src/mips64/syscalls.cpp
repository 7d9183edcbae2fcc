// The interpreter's system calls (docs/spec/cannon-mt64.md §6).
#include <algorithm>
#include <string>

#include "common/error.hpp"
#include "mips64/arch.hpp"
#include "mips64/interpreter.hpp"
#include "mips64/revert_signal.hpp"
#include "mips64/subword.hpp"

namespace fpvm::mips64 {

namespace {

/// Largest hint or stdout/stderr write the host accepts in one syscall (a guest asking for more
/// is a host failure, not a guest fault: Cannon would try to buffer it all).
constexpr uint64_t kMaxHostTransfer = uint64_t(1) << 30;

/// The syscalls that do nothing and return v0 = 0, a3 = 0 (spec §6.2).
bool isNoOp(uint64_t n) {
  switch (n) {
    case sys::kMunmap:
    case sys::kMprotect:
    case sys::kSchedGetaffinity:
    case sys::kMadvise:
    case sys::kRtSigprocmask:
    case sys::kSigaltstack:
    case sys::kRtSigaction:
    case sys::kPrlimit64:
    case sys::kClose:
    case sys::kPread64:
    case sys::kStat:
    case sys::kFstat:
    case sys::kOpenat:
    case sys::kReadlink:
    case sys::kReadlinkat:
    case sys::kIoctl:
    case sys::kEpollCreate1:
    case sys::kPipe2:
    case sys::kEpollCtl:
    case sys::kEpollPwait:
    case sys::kUname:
    case sys::kGetuid:
    case sys::kGetgid:
    case sys::kMincore:
    case sys::kTgkill:
    case sys::kSetitimer:
    case sys::kTimerCreate:
    case sys::kTimerSettime:
    case sys::kTimerDelete:
    case sys::kGetrlimit:
    case sys::kLseek: return true;
    default: return false;
  }
}

/// The syscall epilogue: results in v0 and a3, pc advanced (spec §6.1).
void finishSyscall(Thread& t, uint64_t v0, uint64_t v1) {
  t.registers[kRegV0] = v0;
  t.registers[kRegA3] = v1;
  t.pc = t.nextPC;
  t.nextPC += 4;
}

}  // namespace

Interpreter::Disposition Interpreter::syscall(Thread& t) {
  const uint64_t number = t.registers[kRegV0];
  const uint64_t a0 = t.registers[kRegA0], a1 = t.registers[kRegA1], a2 = t.registers[kRegA2];
  uint64_t v0 = 0, v1 = 0;
  switch (number) {
    case sys::kMmap: {
      uint64_t size = a1;
      if (size & (kMmapPageSize - 1)) size += kMmapPageSize - (size & (kMmapPageSize - 1));  // wraps
      if (a0 != 0) {
        v0 = a0;  // a hinted address is returned as is
      } else {
        const uint64_t newHeap = s_.heap + size;
        if (newHeap > kHeapEnd || newHeap < s_.heap || size < a1) {
          v0 = kEINVAL;
          v1 = kSysErrorSignal;
        } else {
          v0 = s_.heap;
          s_.heap = newHeap;
        }
      }
      break;
    }
    case sys::kBrk: v0 = kProgramBreak; break;
    case sys::kClone: {
      if (a0 != kValidCloneFlags) {
        // Unsupported flags end the VM with the panic status; the thread is not updated.
        s_.exited = true;
        s_.exitCode = kExitCodePanic;
        return Disposition::Unchanged;
      }
      child_ = t;
      child_.threadId = s_.nextThreadId;
      child_.exitCode = 0;
      child_.exited = false;
      child_.pc = t.nextPC;
      child_.nextPC = t.nextPC + 4;
      child_.registers[kRegSP] = a1;
      child_.registers[kRegV0] = 0;
      child_.registers[kRegA3] = 0;
      s_.nextThreadId += 1;
      finishSyscall(t, child_.threadId, 0);
      return Disposition::PushChild;
    }
    case sys::kExitGroup:
      // The whole VM exits; the thread is left as it is (pc not advanced).
      s_.exited = true;
      s_.exitCode = static_cast<uint8_t>(a0);
      return Disposition::WriteBack;
    case sys::kExit:
      t.exited = true;
      t.exitCode = static_cast<uint8_t>(a0);
      if (s_.threadCount() == 1) {
        s_.exited = true;
        s_.exitCode = static_cast<uint8_t>(a0);
      }
      return Disposition::WriteBack;
    case sys::kRead: sysRead(a0, a1, a2, v0, v1); break;
    case sys::kWrite: sysWrite(a0, a1, a2, v0, v1); break;
    case sys::kFcntl:
      if (a1 == kFGetfd) {
        if (a0 <= kFdPreimageWrite) v0 = 0;
        else v0 = kEBADF, v1 = kSysErrorSignal;
      } else if (a1 == kFGetfl) {
        if (a0 == kFdStdin || a0 == kFdHintRead || a0 == kFdPreimageRead) v0 = 0;                             // O_RDONLY
        else if (a0 == kFdStdout || a0 == kFdStderr || a0 == kFdHintWrite || a0 == kFdPreimageWrite) v0 = 1;  // O_WRONLY
        else v0 = kEBADF, v1 = kSysErrorSignal;
      } else {
        v0 = kEINVAL;
        v1 = kSysErrorSignal;
      }
      break;
    case sys::kGettid: v0 = t.threadId; break;
    case sys::kFutex: {
      const uint64_t word = a0 & ~uint64_t(3);
      if (a1 == kFutexWaitPrivate) {
        const uint64_t current = selectField(word, loadData(word & kAddressMask), 4);
        if (current != lo32(a2)) {
          v0 = kEAGAIN;
          v1 = kSysErrorSignal;
          break;
        }
        finishSyscall(t, 0, 0);
        return Disposition::Preempt;
      }
      if (a1 == kFutexWakePrivate) {
        finishSyscall(t, 0, 0);
        return Disposition::Preempt;
      }
      v0 = kEINVAL;
      v1 = kSysErrorSignal;
      break;
    }
    case sys::kSchedYield:
    case sys::kNanosleep: finishSyscall(t, 0, 0); return Disposition::Preempt;
    case sys::kOpen:
      v0 = kEBADF;
      v1 = kSysErrorSignal;
      break;
    case sys::kClockGettime: {
      if (a0 != kClockRealtime && a0 != kClockMonotonic) {
        v0 = kEINVAL;
        v1 = kSysErrorSignal;
        break;
      }
      uint64_t secs = 0, nsecs = 0;  // realtime: the Unix epoch
      if (a0 == kClockMonotonic) {
        secs = s_.step / kHz;
        nsecs = (s_.step % kHz) * (1'000'000'000 / kHz);
      }
      const uint64_t addr = a1 & kAddressMask;  // an unaligned pointer writes to the aligned-down address
      access(1, addr);
      storeData(addr, secs);
      noteMemoryWrite(addr);
      access(2, addr + 8);
      storeData(addr + 8, nsecs);
      noteMemoryWrite(addr + 8);
      break;
    }
    case sys::kGetpid: v0 = 0; break;
    case sys::kGetrandom: v0 = getRandom(a0, a1); break;
    case sys::kEventfd2:
      if (a1 & kEfdNonblock) {
        v0 = kFdEventfd;
      } else {
        v0 = kEINVAL;
        v1 = kSysErrorSignal;
      }
      break;
    default:
      if (!isNoOp(number)) detail::raise(Revert::UnimplementedSyscall);
      break;  // no-ops: v0 = 0, a3 = 0, no memory access
  }
  finishSyscall(t, v0, v1);
  return Disposition::WriteBack;
}

void Interpreter::sysRead(uint64_t fd, uint64_t addr, uint64_t count, uint64_t& v0, uint64_t& v1) {
  switch (fd) {
    case kFdStdin: v0 = 0; return;  // EOF
    case kFdPreimageRead: v0 = readPreimage(addr, count); return;
    case kFdHintRead: v0 = count; return;  // the host's ack is not written to memory
    case kFdEventfd:
      v0 = kEAGAIN;  // never signalled
      v1 = kSysErrorSignal;
      return;
    default:
      v0 = kEBADF;
      v1 = kSysErrorSignal;
      return;
  }
}

void Interpreter::sysWrite(uint64_t fd, uint64_t addr, uint64_t count, uint64_t& v0, uint64_t& v1) {
  switch (fd) {
    case kFdStdout:
    case kFdStderr:
      writeOutput(fd, addr, count);
      v0 = count;
      return;
    case kFdHintWrite:
      writeHint(addr, count);
      v0 = count;
      return;
    case kFdPreimageWrite: v0 = writePreimageKey(addr, count); return;
    case kFdEventfd:
      v0 = kEAGAIN;  // the counter is "full"
      v1 = kSysErrorSignal;
      return;
    default:
      v0 = kEBADF;
      v1 = kSysErrorSignal;
      return;
  }
}

std::shared_ptr<const Bytes> Interpreter::preimage(const Hash32& key) {
  if (lastKey_ && *lastKey_ == key) return lastPreimage_;
  if (!oracle_) throw Error("no pre-image retriever available");
  const Bytes data = oracle_->getPreimage(key);
  auto prefixed = std::make_shared<Bytes>(8 + data.size());
  putBE64(prefixed->data(), data.size());
  std::copy(data.begin(), data.end(), prefixed->begin() + 8);
  lastKey_ = key;
  lastPreimage_ = std::move(prefixed);
  return lastPreimage_;
}

uint64_t Interpreter::readPreimage(uint64_t addr, uint64_t count) {
  const uint64_t aligned = addr & kAddressMask;
  const uint64_t m = loadData(aligned);
  // Only keys of the types the oracle contract can load (local 1, keccak 2, sha256 4, blob 5,
  // precompile 6) can ever be read on chain; any other key is an invalid step, whatever a host
  // would answer (the host is not asked).
  const uint8_t type = s_.preimageKey[0];
  if (type != 1 && type != 2 && type != 4 && type != 5 && type != 6) detail::raise(Revert::PreimageMustExist);
  const std::shared_ptr<const Bytes> value = preimage(s_.preimageKey);
  // loadLocalData accepts at most 32 bytes: a longer local pre-image can never be read on chain.
  if (type == 1 && value->size() > 8 + 32) detail::raise(Revert::PreimageMustExist);
  const uint64_t offset = s_.preimageOffset;
  // A part at or past the end cannot be loaded into the on-chain oracle: an invalid step.
  if (offset >= value->size()) detail::raise(Revert::PreimageMustExist);
  const uint64_t available = std::min<uint64_t>(32, value->size() - offset);
  const unsigned alignment = static_cast<unsigned>(addr & 7);
  const uint64_t n = std::min<uint64_t>({available, uint64_t(8 - alignment), count});
  uint8_t bytes[8];
  putBE64(bytes, m);
  std::copy_n(value->begin() + static_cast<std::ptrdiff_t>(offset), n, bytes + alignment);
  // The doubleword is written back even when n = 0.
  storeData(aligned, getBE64(bytes));
  noteMemoryWrite(aligned);
  s_.preimageOffset += n;
  out_->preimageRead = PreimageRead{s_.preimageKey, offset, value};
  return n;
}

uint64_t Interpreter::writePreimageKey(uint64_t addr, uint64_t count) {
  const uint64_t m = loadData(addr & kAddressMask);
  const unsigned alignment = static_cast<unsigned>(addr & 7);
  const uint64_t n = std::min<uint64_t>(count, 8 - alignment);
  uint8_t bytes[8];
  putBE64(bytes, m);
  // key := (key << 8n) | bytes[alignment .. alignment + n): the oldest n bytes fall off the front.
  Hash32 key;
  for (size_t i = 0; i < 32; ++i) key[i] = i + n < 32 ? s_.preimageKey[i + n] : bytes[alignment + (i + n - 32)];
  s_.preimageKey = key;
  s_.preimageOffset = 0;
  return n;
}

void Interpreter::writeHint(uint64_t addr, uint64_t count) {
  if (count > kMaxHostTransfer) throw Error("hint write of " + std::to_string(count) + " bytes exceeds the host limit");
  Bytes buffer = s_.lastHint;
  const size_t old = buffer.size();
  buffer.resize(old + count);
  s_.memory.readBytes(addr, buffer.data() + old, count);
  size_t pos = 0;
  // Deliver every complete hint (BE u32 length ‖ bytes); keep an incomplete tail (spec §6.7).
  while (buffer.size() - pos >= 4) {
    const uint32_t len = getBE32(buffer.data() + pos);
    if (len > buffer.size() - pos - 4) break;
    if (oracle_) oracle_->hint(ByteView(buffer.data() + pos + 4, len));
    pos += 4 + size_t(len);
  }
  s_.lastHint.assign(buffer.begin() + static_cast<std::ptrdiff_t>(pos), buffer.end());
}

void Interpreter::writeOutput(uint64_t fd, uint64_t addr, uint64_t count) {
  if (!output_) return;
  if (count > kMaxHostTransfer) throw Error("guest write of " + std::to_string(count) + " bytes exceeds the host limit");
  Bytes chunk(std::min<uint64_t>(count, 1u << 16));
  while (count > 0) {
    const size_t n = std::min<uint64_t>(count, chunk.size());
    s_.memory.readBytes(addr, chunk.data(), n);
    output_->write(fd, ByteView(chunk.data(), n));
    addr += n;
    count -= n;
  }
}

uint64_t Interpreter::getRandom(uint64_t addr, uint64_t count) {
  const uint64_t aligned = addr & kAddressMask;
  const uint64_t m = loadData(aligned);
  const uint64_t random = splitmix64(s_.step);  // the already incremented step
  const unsigned index = static_cast<unsigned>(addr - aligned);
  const uint64_t n = std::min<uint64_t>(count, 8 - index);
  // The same byte positions of the random doubleword as of the memory doubleword.
  const uint64_t mask = n == 0 ? 0 : (byteMask(static_cast<unsigned>(n)) << (8 * (8 - n))) >> (8 * index);
  storeData(aligned, (m & ~mask) | (random & mask));
  noteMemoryWrite(aligned);
  return n;
}

}  // namespace fpvm::mips64
