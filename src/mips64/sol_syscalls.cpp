#include "mips64/sol_syscalls.hpp"

#include "mips64/sol_memory.hpp"

namespace fpvm::mips64::sol::sys {

namespace {
constexpr uint64_t ADDRESS_MASK = 0xFFFFFFFFFFFFFFF8;  // MIPS64Arch.sol
}  // namespace

SyscallArgs getSyscallArgs(const ins::Registers& registers) {
  return {registers[REG_SYSCALL_NUM], registers[REG_SYSCALL_PARAM1], registers[REG_SYSCALL_PARAM2],
          registers[REG_SYSCALL_PARAM3]};
}

MmapResult handleSysMmap(uint64_t a0, uint64_t a1, uint64_t heap) {
  uint64_t v0 = 0, v1 = 0, newHeap = heap;
  uint64_t sz = a1;
  if ((sz & PAGE_ADDR_MASK) != 0) {
    // adjust size to align with page size
    sz += PAGE_SIZE - (sz & PAGE_ADDR_MASK);
  }
  if (a0 == 0) {
    v0 = heap;
    newHeap += sz;
    // Fail if new heap exceeds memory limit, newHeap overflows to low memory, or sz overflows
    if (newHeap > HEAP_END || newHeap < heap || sz < a1) return {MIPS_EINVAL, SYS_ERROR_SIGNAL, heap};
  } else {
    v0 = a0;
  }
  return {v0, v1, newHeap};
}

SysReadResult handleSysRead(const Calldata& cd, SysReadParams args) {
  SysReadResult r;
  r.newMemRoot = args.memRoot;
  r.newPreimageOffset = args.preimageOffset;

  // args: a0 = fd, a1 = addr, a2 = count; returns: v0 = read, v1 = err code
  if (args.a0 == FD_STDIN) {
    // Leave v0 and v1 zero: read nothing, no error
  } else if (args.a0 == FD_PREIMAGE_READ) {  // pre-image oracle read
    const uint64_t effAddr = args.a1 & ADDRESS_MASK;
    // verify proof is correct, and get the existing memory.
    const uint64_t memWord = memory::readMem(cd, args.memRoot, effAddr, args.proofOffset);
    // If the preimage key is a local key, localize it in the context of the caller.
    if (args.preimageKey[0] == 1) args.preimageKey = localizeKey(args.preimageKey, args.caller, args.localContext);
    // _args.oracle.readPreimage(key, offset): a revert of the oracle reverts the step.
    const std::optional<PreimagePart> part =
        args.oracle ? args.oracle->readPreimage(args.preimageKey, args.preimageOffset) : std::nullopt;
    if (!part) revertWith(Revert::PreimageMustExist);
    U256 dat = U256::fromBytes(part->data);
    uint64_t datLen = part->length;

    // Transform data for writing to memory (the contract's Yul, word for word)
    const uint64_t alignment = args.a1 & EXT_MASK;              // the read might not start at an aligned address
    const uint64_t space = WORD_SIZE_BYTES - alignment;         // remaining space in memory word
    if (space < datLen) datLen = space;                         // if less space than data, shorten data
    if (args.a2 < datLen) datLen = args.a2;                     // if requested to read less, read less
    dat = dat.shr(256 - datLen * 8);                            // right-align data
    dat = dat.shl((WORD_SIZE_BYTES - datLen - alignment) * 8);  // position data to insert into memory word
    U256 mask = U256::fromU64(1).shl((WORD_SIZE_BYTES - alignment) * 8).minusOne();  // mask all bytes after start
    const U256 suffixMask = U256::fromU64(1).shl((WORD_SIZE_BYTES - alignment - datLen) * 8).minusOne();
    mask = mask & ~suffixMask;                                // reduce mask to just cover the data we insert
    const U256 mem = (U256::fromU64(memWord) & ~mask) | dat;  // clear masked part of memory, insert data

    // Write memory back
    r.newMemRoot = memory::writeMem(cd, effAddr, args.proofOffset, mem.low64());
    r.memUpdated = true;
    r.memAddr = effAddr;
    r.newPreimageOffset += datLen;
    r.v0 = datLen;
  } else if (args.a0 == FD_HINT_READ) {
    // Don't read into memory, just say we read it all; the result is ignored anyway
    r.v0 = args.a2;
  } else if (args.a0 == FD_EVENTFD) {
    // Always act in non blocking mode as if the counter has not been signalled
    r.v0 = MIPS_EAGAIN;
    r.v1 = SYS_ERROR_SIGNAL;
  } else {
    r.v0 = MIPS_EBADF;
    r.v1 = SYS_ERROR_SIGNAL;
  }
  return r;
}

SysWriteResult handleSysWrite(const Calldata& cd, const SysWriteParams& args) {
  // args: a0 = fd, a1 = addr, a2 = count; returns: v0 = written, v1 = err code
  SysWriteResult r;
  r.newPreimageKey = args.preimageKey;
  r.newPreimageOffset = args.preimageOffset;

  if (args.a0 == FD_STDOUT || args.a0 == FD_STDERR || args.a0 == FD_HINT_WRITE) {
    r.v0 = args.a2;                           // tell program we have written everything
  } else if (args.a0 == FD_PREIMAGE_WRITE) {  // pre-image oracle
    const uint64_t memWord = memory::readMem(cd, args.memRoot, args.a1 & ADDRESS_MASK, args.proofOffset);
    U256 key = U256::fromBytes(args.preimageKey);

    // Construct pre-image key from memory (the contract's Yul)
    uint64_t a2 = args.a2;
    const uint64_t alignment = args.a1 & EXT_MASK;                         // the read might not start at an aligned address
    const uint64_t space = WORD_SIZE_BYTES - alignment;                    // remaining space in memory word
    if (space < a2) a2 = space;                                            // if less space than data, shorten data
    key = key.shl(a2 * 8);                                                 // shift key, make space for new info
    const U256 mask = U256::fromU64(1).shl(a2 * 8).minusOne();             // mask for extracting value from memory
    const U256 mem = U256::fromU64(memWord).shr((space - a2) * 8) & mask;  // align value to right, mask it
    key = key | mem;                                                       // insert into key

    // Write pre-image key to oracle
    r.newPreimageKey = key.toBytes();
    r.newPreimageOffset = 0;  // reset offset, to read new pre-image data from the start
    r.v0 = a2;
  } else if (args.a0 == FD_EVENTFD) {
    // Always report that the write could not be completed (the counter is at its maximum)
    r.v0 = MIPS_EAGAIN;
    r.v1 = SYS_ERROR_SIGNAL;
  } else {
    r.v0 = MIPS_EBADF;
    r.v1 = SYS_ERROR_SIGNAL;
  }
  return r;
}

std::pair<uint64_t, uint64_t> handleSysFcntl(uint64_t a0, uint64_t a1) {
  uint64_t v0 = 0, v1 = 0;
  // args: a0 = fd, a1 = cmd
  if (a1 == 1) {
    // F_GETFD: get file descriptor flags
    if (a0 == FD_STDIN || a0 == FD_STDOUT || a0 == FD_STDERR || a0 == FD_PREIMAGE_READ || a0 == FD_HINT_READ ||
        a0 == FD_PREIMAGE_WRITE || a0 == FD_HINT_WRITE) {
      v0 = 0;  // No flags set
    } else {
      v0 = MIPS_EBADF;
      v1 = SYS_ERROR_SIGNAL;
    }
  } else if (a1 == 3) {
    // F_GETFL: get file status flags
    if (a0 == FD_STDIN || a0 == FD_PREIMAGE_READ || a0 == FD_HINT_READ) {
      v0 = 0;  // O_RDONLY
    } else if (a0 == FD_STDOUT || a0 == FD_STDERR || a0 == FD_PREIMAGE_WRITE || a0 == FD_HINT_WRITE) {
      v0 = 1;  // O_WRONLY
    } else {
      v0 = MIPS_EBADF;
      v1 = SYS_ERROR_SIGNAL;
    }
  } else {
    v0 = MIPS_EINVAL;  // cmd not recognized by this kernel
    v1 = SYS_ERROR_SIGNAL;
  }
  return {v0, v1};
}

void handleSyscallUpdates(ins::CpuScalars& cpu, ins::Registers& registers, uint64_t v0, uint64_t v1) {
  // Write the results back to the state registers
  registers[REG_SYSCALL_RET1] = v0;
  registers[REG_SYSCALL_ERRNO] = v1;
  // Update the PC and nextPC
  cpu.pc = cpu.nextPC;
  cpu.nextPC = cpu.nextPC + 4;
}

}  // namespace fpvm::mips64::sol::sys
