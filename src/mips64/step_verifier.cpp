// The stateless verifier: MIPS64.sol (semver 1.10.0) function by function, in the contract's
// order, under banners naming the contract's functions. The libraries are mirrored in
// sol_memory.cpp (MIPS64Memory.sol), sol_instructions.cpp (MIPS64Instructions.sol) and
// sol_syscalls.cpp (MIPS64Syscalls.sol); the oracle in preimage_parts.cpp.
#include "mips64/step_verifier.hpp"

#include <cstring>

#include "common/keccak256.hpp"
#include "mips64/sol_calldata.hpp"
#include "mips64/sol_instructions.hpp"
#include "mips64/sol_memory.hpp"
#include "mips64/sol_syscalls.hpp"
#include "mips64/step_calldata.hpp"

namespace fpvm::mips64 {

namespace {

using sol::Calldata;
using sol::require;
using sol::revertWith;
using sol::U256;
using sol::ins::CpuScalars;
using sol::ins::Registers;

// --- Solidity's dispatcher and ABI decoder for step(bytes,bytes,bytes32) -------------------------------
// Every failure here is a revert without data (revert(0, 0)).

/// The decoded arguments: calldata offsets (`x.offset`) and lengths of the two byte strings.
struct StepArgs {
  uint64_t stateDataOffset = 0, stateDataLength = 0;
  uint64_t proofOffset = 0, proofLength = 0;
  Hash32 localContext;
};

/// A calldata word that must fit in 64 bits (the decoder's offset and length checks).
uint64_t smallWord(const Calldata& cd, uint64_t offset) {
  const U256 w = U256::fromBytes(cd.load(offset));
  if (w.limb[1] | w.limb[2] | w.limb[3]) revertWith(Revert::NonCanonicalCalldata);
  return w.low64();
}

/// abi_decode_t_bytes_calldata_ptr(offset, end): (arrayPos, length).
std::pair<uint64_t, uint64_t> decodeBytes(const Calldata& cd, uint64_t offset, uint64_t end) {
  if (!(offset + 0x1f < end)) revertWith(Revert::NonCanonicalCalldata);
  const uint64_t length = smallWord(cd, offset);
  const uint64_t arrayPos = offset + 0x20;
  if (arrayPos + length > end) revertWith(Revert::NonCanonicalCalldata);
  return {arrayPos, length};
}

StepArgs decodeStepArgs(const Calldata& cd) {
  // The dispatcher: MIPS64 has no fallback, so an unknown selector reverts without data.
  if (cd.size() < 4) revertWith(Revert::NonCanonicalCalldata);
  const Hash32 head = cd.load(0);
  if (std::memcmp(head.data(), kStepSelector.data(), 4) != 0) revertWith(Revert::NonCanonicalCalldata);
  const uint64_t headStart = 4, dataEnd = cd.size();
  if (dataEnd - headStart < 96) revertWith(Revert::NonCanonicalCalldata);
  StepArgs a;
  std::tie(a.stateDataOffset, a.stateDataLength) = decodeBytes(cd, headStart + smallWord(cd, headStart), dataEnd);
  std::tie(a.proofOffset, a.proofLength) = decodeBytes(cd, headStart + smallWord(cd, headStart + 32), dataEnd);
  a.localContext = cd.load(headStart + 64);
  return a;
}

// --- MIPS64.sol -------------------------------------------------------------------------------------

/// The contract's ThreadState (booleans kept as the raw bytes the contract keeps in memory).
struct ThreadState {
  uint64_t threadID = 0;
  uint8_t exitCode = 0;
  uint8_t exited = 0;
  uint64_t pc = 0;
  uint64_t nextPC = 0;
  uint64_t lo = 0;
  uint64_t hi = 0;
  Registers registers{};
};

/// The contract's State (booleans kept as raw bytes, see ThreadState).
struct State {
  Hash32 memRoot;
  Hash32 preimageKey;
  uint64_t preimageOffset = 0;
  uint64_t heap = 0;
  uint8_t llReservationStatus = 0;
  uint64_t llAddress = 0;
  uint64_t llOwnerThread = 0;
  uint8_t exitCode = 0;
  uint8_t exited = 0;
  uint64_t step = 0;
  uint64_t stepsSinceLastContextSwitch = 0;
  uint8_t traverseRight = 0;
  Hash32 leftThreadStack;
  Hash32 rightThreadStack;
  uint64_t nextThreadID = 0;
};

constexpr uint64_t PACKED_THREAD_STATE_SIZE = 298;
constexpr uint8_t LL_STATUS_NONE = 0;
constexpr uint8_t LL_STATUS_ACTIVE_32_BIT = 0x1;
constexpr uint8_t LL_STATUS_ACTIVE_64_BIT = 0x2;
constexpr uint64_t THREAD_PROOF_OFFSET = 356;
constexpr uint64_t MEM_PROOF_OFFSET = THREAD_PROOF_OFFSET + PACKED_THREAD_STATE_SIZE + 32;
constexpr uint64_t ADDRESS_MASK = 0xFFFFFFFFFFFFFFF8;  // MIPS64Arch.sol
constexpr uint64_t WORD_SIZE_BYTES = 8;
constexpr uint8_t VM_STATUS_PANIC = 2;  // VMStatuses.PANIC

/// The EMPTY_THREAD_ROOT constant, spelled out as in the contract.
const Hash32& emptyThreadRootConstant() {
  static const Hash32 root = [] {
    const uint8_t bytes[32] = {0xad, 0x32, 0x28, 0xb6, 0x76, 0xf7, 0xd3, 0xcd, 0x42, 0x84, 0xa5, 0x44, 0x3f, 0x17, 0xf1, 0x96,
                               0x2b, 0x36, 0xe4, 0x91, 0xb3, 0x0a, 0x40, 0xb2, 0x40, 0x58, 0x49, 0xe5, 0x97, 0xba, 0x5f, 0xb5};
    Hash32 h;
    std::memcpy(h.data(), bytes, 32);
    return h;
  }();
  return root;
}

/// MIPS64State.assertExitedIsValid.
void assertExitedIsValid(uint32_t exited) {
  if (exited > 1) revertWith(Revert::InvalidExitedValue);
}

/// One call of MIPS64.step.
class Mips64 {
 public:
  Mips64(const Calldata& cd, PartOracle* oracle, const Address& caller) : cd_(cd), oracle_(oracle), caller_(caller) {}

  /// The LOG0 data of the call.
  const Witness& log() const { return log_; }

  // --- step ---
  Hash32 step(const StepArgs& args) {
    const Hash32 postState = doStep(args);
    assertPostStateChecks();
    return postState;
  }

 private:
  // --- assertPostStateChecks ---
  void assertPostStateChecks() {
    const Hash32 activeStack = state_.traverseRight ? state_.rightThreadStack : state_.leftThreadStack;
    if (activeStack == EMPTY_THREAD_ROOT) revertWith(Revert::PostStateActiveThreadStackEmpty);
  }

  // --- doStep ---
  Hash32 doStep(const StepArgs& args) {
    // The compiler's memory-layout checks cannot fail here; the calldata layout checks can.
    if (args.stateDataOffset != 132) revertWith(Revert::NonCanonicalCalldata);  // 32*4+4=132
    if (args.proofOffset != THREAD_PROOF_OFFSET) revertWith(Revert::NonCanonicalCalldata);

    // Unpack state from calldata into memory (putField: packed, left-aligned, right-aligned in memory)
    uint64_t c = args.stateDataOffset;
    auto putField = [&](unsigned size) {
      const uint64_t offset = c;
      c += size;
      return offset;
    };
    state_.memRoot = cd_.load(putField(32));
    state_.preimageKey = cd_.load(putField(32));
    state_.preimageOffset = cd_.field(putField(8), 8);
    state_.heap = cd_.field(putField(8), 8);
    state_.llReservationStatus = static_cast<uint8_t>(cd_.field(putField(1), 1));
    state_.llAddress = cd_.field(putField(8), 8);
    state_.llOwnerThread = cd_.field(putField(8), 8);
    state_.exitCode = static_cast<uint8_t>(cd_.field(putField(1), 1));
    state_.exited = static_cast<uint8_t>(cd_.field(putField(1), 1));
    const uint32_t exited = state_.exited;
    state_.step = cd_.field(putField(8), 8);
    state_.stepsSinceLastContextSwitch = cd_.field(putField(8), 8);
    state_.traverseRight = static_cast<uint8_t>(cd_.field(putField(1), 1));
    state_.leftThreadStack = cd_.load(putField(32));
    state_.rightThreadStack = cd_.load(putField(32));
    state_.nextThreadID = cd_.field(putField(8), 8);
    assertExitedIsValid(exited);

    if (state_.exited) {
      // thread state is unchanged
      return outputState();
    }

    if ((state_.leftThreadStack == EMPTY_THREAD_ROOT && !state_.traverseRight) ||
        (state_.rightThreadStack == EMPTY_THREAD_ROOT && state_.traverseRight)) {
      revertWith(Revert::ActiveThreadStackEmpty);
    }

    state_.step += 1;

    setThreadStateFromCalldata(thread_);
    validateCalldataThreadWitness(thread_);

    if (thread_.exited) {
      popThread();
      return outputState();
    }

    if (state_.stepsSinceLastContextSwitch >= sol::sys::SCHED_QUANTUM) {
      preemptThread(thread_);
      return outputState();
    }
    state_.stepsSinceLastContextSwitch += 1;

    // instruction fetch
    const uint64_t insnProofOffset = sol::memory::memoryProofOffset(MEM_PROOF_OFFSET, 0);
    const sol::ins::InstructionDetails d = sol::ins::getInstructionDetails(cd_, thread_.pc, state_.memRoot, insnProofOffset);

    // Handle syscall separately; syscall (can read and write)
    if (d.opcode == 0 && d.fun == 0xC) return handleSyscall(args.localContext);

    // Handle RMW (read-modify-write) ops
    if (d.opcode == sol::ins::OP_LOAD_LINKED || d.opcode == sol::ins::OP_STORE_CONDITIONAL) return handleRMWOps(d.insn, d.opcode);
    if (d.opcode == sol::ins::OP_LOAD_LINKED64 || d.opcode == sol::ins::OP_STORE_CONDITIONAL64)
      return handleRMWOps(d.insn, d.opcode);

    // Exec the rest of the step logic
    CpuScalars cpu = getCpuScalars(thread_);
    sol::ins::CoreStepLogicParams coreStepArgs{
        cpu, thread_.registers, state_.memRoot, sol::memory::memoryProofOffset(MEM_PROOF_OFFSET, 1), d.insn, d.opcode, d.fun};
    const sol::ins::CoreStepResult r = sol::ins::execMipsCoreStepLogic(cd_, coreStepArgs);
    state_.memRoot = r.newMemRoot;
    setStateCpuScalars(thread_, cpu);
    updateCurrentThreadRoot();
    if (r.memUpdated) handleMemoryUpdate(r.effMemAddr);

    return outputState();
  }

  // --- handleMemoryUpdate ---
  void handleMemoryUpdate(uint64_t effMemAddr) {
    if (effMemAddr == (ADDRESS_MASK & state_.llAddress)) {
      // Reserved address was modified, clear the reservation
      clearLLMemoryReservation();
    }
  }

  // --- clearLLMemoryReservation ---
  void clearLLMemoryReservation() {
    state_.llReservationStatus = LL_STATUS_NONE;
    state_.llAddress = 0;
    state_.llOwnerThread = 0;
  }

  // --- handleRMWOps ---
  Hash32 handleRMWOps(uint32_t insn, uint32_t opcode) {
    const uint64_t base = thread_.registers[(insn >> 21) & 0x1F];
    const uint32_t rtReg = (insn >> 16) & 0x1F;
    const uint64_t addr = base + sol::ins::signExtendImmediate(insn);

    // Determine some opcode-specific parameters
    uint8_t targetStatus = LL_STATUS_ACTIVE_32_BIT;
    uint64_t byteLength = 4;
    if (opcode == sol::ins::OP_LOAD_LINKED64 || opcode == sol::ins::OP_STORE_CONDITIONAL64) {
      // Use 64-bit params
      targetStatus = LL_STATUS_ACTIVE_64_BIT;
      byteLength = 8;
    }

    uint64_t retVal = 0;
    const uint64_t threadId = thread_.threadID;
    if (opcode == sol::ins::OP_LOAD_LINKED || opcode == sol::ins::OP_LOAD_LINKED64) {
      retVal = loadSubWord(addr, byteLength, true);
      state_.llReservationStatus = targetStatus;
      state_.llAddress = addr;
      state_.llOwnerThread = threadId;
    } else if (opcode == sol::ins::OP_STORE_CONDITIONAL || opcode == sol::ins::OP_STORE_CONDITIONAL64) {
      // Check if our memory reservation is still intact
      if (state_.llReservationStatus == targetStatus && state_.llOwnerThread == threadId && state_.llAddress == addr) {
        // Complete atomic update: set memory and return 1 for success
        clearLLMemoryReservation();
        const uint64_t val = thread_.registers[rtReg];
        storeSubWord(addr, byteLength, val);
        retVal = 1;
      } else {
        // Atomic update failed, return 0 for failure
        retVal = 0;
      }
    } else {
      revertWith(Revert::InvalidRMWInstruction);
    }

    CpuScalars cpu = getCpuScalars(thread_);
    sol::ins::handleRd(cpu, thread_.registers, rtReg, retVal, true);
    setStateCpuScalars(thread_, cpu);
    updateCurrentThreadRoot();
    return outputState();
  }

  // --- loadSubWord ---
  uint64_t loadSubWord(uint64_t vaddr, uint64_t byteLength, bool signExtend) {
    const uint64_t effAddr = vaddr & ADDRESS_MASK;
    const uint64_t memProofOffset = sol::memory::memoryProofOffset(MEM_PROOF_OFFSET, 1);
    const uint64_t mem = sol::memory::readMem(cd_, state_.memRoot, effAddr, memProofOffset);
    return sol::ins::selectSubWord(vaddr, mem, byteLength, signExtend);
  }

  // --- storeSubWord ---
  void storeSubWord(uint64_t vaddr, uint64_t byteLength, uint64_t value) {
    const uint64_t effAddr = vaddr & ADDRESS_MASK;
    const uint64_t memProofOffset = sol::memory::memoryProofOffset(MEM_PROOF_OFFSET, 1);
    const uint64_t mem = sol::memory::readMem(cd_, state_.memRoot, effAddr, memProofOffset);
    const uint64_t newMemVal = sol::ins::updateSubWord(vaddr, mem, byteLength, value);
    state_.memRoot = sol::memory::writeMem(cd_, effAddr, memProofOffset, newMemVal);
  }

  // --- handleSyscall ---
  Hash32 handleSyscall(const Hash32& localContext) {
    namespace sys = sol::sys;
    // Load the syscall numbers and args from the registers
    const sys::SyscallArgs sa = sys::getSyscallArgs(thread_.registers);
    const uint64_t syscall_no = sa.sysCallNum, a0 = sa.a0, a1 = sa.a1, a2 = sa.a2;
    // Syscalls that are unimplemented but known return with v0=0 and v1=0
    uint64_t v0 = 0;
    uint64_t v1 = 0;

    if (syscall_no == sys::SYS_MMAP) {
      const sys::MmapResult m = sys::handleSysMmap(a0, a1, state_.heap);
      v0 = m.v0;
      v1 = m.v1;
      state_.heap = m.newHeap;
    } else if (syscall_no == sys::SYS_BRK) {
      // brk: Returns a fixed address for the program break
      v0 = sys::PROGRAM_BREAK;
    } else if (syscall_no == sys::SYS_CLONE) {
      if (sys::VALID_SYS_CLONE_FLAGS != a0) {
        state_.exited = 1;
        state_.exitCode = VM_STATUS_PANIC;
        return outputState();
      }
      v0 = state_.nextThreadID;
      v1 = 0;
      ThreadState newThread;
      newThread.threadID = state_.nextThreadID;
      newThread.exitCode = 0;
      newThread.exited = 0;
      newThread.pc = thread_.nextPC;
      newThread.nextPC = thread_.nextPC + 4;
      newThread.lo = thread_.lo;
      newThread.hi = thread_.hi;
      for (size_t i = 0; i < 32; i++) newThread.registers[i] = thread_.registers[i];
      newThread.registers[29] = a1;  // set stack pointer
      // the child will perceive a 0 value as returned value instead, and no error
      newThread.registers[2] = 0;
      newThread.registers[7] = 0;
      state_.nextThreadID++;

      // Preempt this thread for the new one. But not before updating PCs
      CpuScalars cpu0 = getCpuScalars(thread_);
      sys::handleSyscallUpdates(cpu0, thread_.registers, v0, v1);
      setStateCpuScalars(thread_, cpu0);
      updateCurrentThreadRoot();
      pushThread(newThread);
      return outputState();
    } else if (syscall_no == sys::SYS_EXIT_GROUP) {
      // exit group: Sets the Exited and ExitCode states to true and argument 0.
      state_.exited = 1;
      state_.exitCode = uint8_t(a0);
      updateCurrentThreadRoot();
      return outputState();
    } else if (syscall_no == sys::SYS_READ) {
      sys::SysReadParams args;
      args.a0 = a0;
      args.a1 = a1;
      args.a2 = a2;
      args.preimageKey = state_.preimageKey;
      args.preimageOffset = state_.preimageOffset;
      args.localContext = localContext;
      args.oracle = oracle_;
      args.caller = caller_;
      args.proofOffset = sol::memory::memoryProofOffset(MEM_PROOF_OFFSET, 1);
      args.memRoot = state_.memRoot;
      std::tie(v0, v1) = execSysRead(args);
    } else if (syscall_no == sys::SYS_WRITE) {
      sys::SysWriteParams args;
      args.a0 = a0;
      args.a1 = a1;
      args.a2 = a2;
      args.preimageKey = state_.preimageKey;
      args.preimageOffset = state_.preimageOffset;
      args.proofOffset = sol::memory::memoryProofOffset(MEM_PROOF_OFFSET, 1);
      args.memRoot = state_.memRoot;
      const sys::SysWriteResult w = sys::handleSysWrite(cd_, args);
      v0 = w.v0;
      v1 = w.v1;
      state_.preimageKey = w.newPreimageKey;
      state_.preimageOffset = w.newPreimageOffset;
    } else if (syscall_no == sys::SYS_FCNTL) {
      std::tie(v0, v1) = sys::handleSysFcntl(a0, a1);
    } else if (syscall_no == sys::SYS_GETTID) {
      v0 = thread_.threadID;
      v1 = 0;
    } else if (syscall_no == sys::SYS_EXIT) {
      thread_.exited = 1;
      thread_.exitCode = uint8_t(a0);
      if (lastThreadRemaining()) {
        state_.exited = 1;
        state_.exitCode = uint8_t(a0);
      }
      updateCurrentThreadRoot();
      return outputState();
    } else if (syscall_no == sys::SYS_FUTEX) {
      // args: a0 = addr, a1 = op, a2 = val, a3 = timeout
      // Futex value is 32-bit, so clear the lower 2 bits to get an effective address targeting a 4-byte value
      const uint64_t effFutexAddr = a0 & 0xFFFFFFFFFFFFFFFC;
      if (a1 == sys::FUTEX_WAIT_PRIVATE) {
        const uint32_t futexVal = getFutexValue(effFutexAddr);
        const uint32_t targetVal = uint32_t(a2);
        if (futexVal != targetVal) {
          v0 = sys::MIPS_EAGAIN;
          v1 = sys::SYS_ERROR_SIGNAL;
        } else {
          return syscallYield();
        }
      } else if (a1 == sys::FUTEX_WAKE_PRIVATE) {
        return syscallYield();
      } else {
        v0 = sys::MIPS_EINVAL;
        v1 = sys::SYS_ERROR_SIGNAL;
      }
    } else if (syscall_no == sys::SYS_SCHED_YIELD || syscall_no == sys::SYS_NANOSLEEP) {
      return syscallYield();
    } else if (syscall_no == sys::SYS_OPEN) {
      v0 = sys::MIPS_EBADF;
      v1 = sys::SYS_ERROR_SIGNAL;
    } else if (syscall_no == sys::SYS_CLOCKGETTIME) {
      if (a0 == sys::CLOCK_GETTIME_REALTIME_FLAG || a0 == sys::CLOCK_GETTIME_MONOTONIC_FLAG) {
        v0 = 0;
        v1 = 0;
        uint64_t secs = 0;
        uint64_t nsecs = 0;
        if (a0 == sys::CLOCK_GETTIME_MONOTONIC_FLAG) {
          secs = uint64_t(state_.step / sys::HZ);
          nsecs = uint64_t((state_.step % sys::HZ) * (1'000'000'000 / sys::HZ));
        }
        const uint64_t effAddr = a1 & ADDRESS_MASK;
        // First verify the effAddr path
        if (!sol::memory::isValidProof(cd_, state_.memRoot, effAddr, sol::memory::memoryProofOffset(MEM_PROOF_OFFSET, 1)))
          revertWith(Revert::InvalidMemoryProof);
        // Recompute the new root after updating effAddr
        state_.memRoot = sol::memory::writeMem(cd_, effAddr, sol::memory::memoryProofOffset(MEM_PROOF_OFFSET, 1), secs);
        handleMemoryUpdate(effAddr);
        // Verify the second memory proof against the newly computed root
        if (!sol::memory::isValidProof(cd_, state_.memRoot, effAddr + 8, sol::memory::memoryProofOffset(MEM_PROOF_OFFSET, 2)))
          revertWith(Revert::InvalidSecondMemoryProof);
        state_.memRoot = sol::memory::writeMem(cd_, effAddr + 8, sol::memory::memoryProofOffset(MEM_PROOF_OFFSET, 2), nsecs);
        handleMemoryUpdate(effAddr + 8);
      } else {
        v0 = sys::MIPS_EINVAL;
        v1 = sys::SYS_ERROR_SIGNAL;
      }
    } else if (syscall_no == sys::SYS_GETPID) {
      v0 = 0;
      v1 = 0;
    } else if (syscall_no == sys::SYS_GETRANDOM) {
      std::tie(v0, v1, state_.memRoot) = syscallGetRandom(a0, a1);
    } else if (syscall_no == sys::SYS_MUNMAP || syscall_no == sys::SYS_MPROTECT || syscall_no == sys::SYS_GETAFFINITY ||
               syscall_no == sys::SYS_MADVISE || syscall_no == sys::SYS_RTSIGPROCMASK || syscall_no == sys::SYS_SIGALTSTACK ||
               syscall_no == sys::SYS_RTSIGACTION || syscall_no == sys::SYS_PRLIMIT64 || syscall_no == sys::SYS_CLOSE ||
               syscall_no == sys::SYS_PREAD64 || syscall_no == sys::SYS_STAT || syscall_no == sys::SYS_FSTAT ||
               syscall_no == sys::SYS_OPENAT || syscall_no == sys::SYS_READLINK || syscall_no == sys::SYS_READLINKAT ||
               syscall_no == sys::SYS_IOCTL || syscall_no == sys::SYS_EPOLLCREATE1 || syscall_no == sys::SYS_PIPE2 ||
               syscall_no == sys::SYS_EPOLLCTL || syscall_no == sys::SYS_EPOLLPWAIT || syscall_no == sys::SYS_UNAME ||
               syscall_no == sys::SYS_GETUID || syscall_no == sys::SYS_GETGID || syscall_no == sys::SYS_MINCORE ||
               syscall_no == sys::SYS_TGKILL || syscall_no == sys::SYS_SETITIMER || syscall_no == sys::SYS_TIMERCREATE ||
               syscall_no == sys::SYS_TIMERSETTIME || syscall_no == sys::SYS_TIMERDELETE || syscall_no == sys::SYS_GETRLIMIT ||
               syscall_no == sys::SYS_LSEEK) {
      // ignored
    } else if (syscall_no == sys::SYS_EVENTFD2) {
      // a0 = initial value, a1 = flags; we only support non-block requests
      if ((a1 & sys::EFD_NONBLOCK) == 0) {
        v0 = sys::MIPS_EINVAL;
        v1 = sys::SYS_ERROR_SIGNAL;
      } else {
        v0 = sys::FD_EVENTFD;
      }
    } else {
      revertWith(Revert::UnimplementedSyscall);
    }

    CpuScalars cpu = getCpuScalars(thread_);
    sys::handleSyscallUpdates(cpu, thread_.registers, v0, v1);
    setStateCpuScalars(thread_, cpu);

    updateCurrentThreadRoot();
    return outputState();
  }

  // --- syscallGetRandom ---
  std::tuple<uint64_t, uint64_t, Hash32> syscallGetRandom(uint64_t a0, uint64_t a1) {
    const uint64_t effAddr = a0 & ADDRESS_MASK;
    const uint64_t memProofOffset = sol::memory::memoryProofOffset(MEM_PROOF_OFFSET, 1);
    const uint64_t memVal = sol::memory::readMem(cd_, state_.memRoot, effAddr, memProofOffset);

    // Generate some pseudorandom data
    const uint64_t randomWord = splitmix64(state_.step);

    // Calculate number of bytes to write
    const uint64_t targetByteIndex = a0 - effAddr;
    const uint64_t maxBytes = WORD_SIZE_BYTES - targetByteIndex;
    uint64_t byteCount = a1;
    if (maxBytes < byteCount) byteCount = maxBytes;

    // Write random data into target memory location: uint64((1 << (byteCount * 8)) - 1)
    uint64_t randDataMask = U256::fromU64(1).shl(byteCount * 8).minusOne().low64();
    // Shift left to align with index 0, then shift right to target correct index
    randDataMask = U256::fromU64(randDataMask).shl((WORD_SIZE_BYTES - byteCount) * 8).low64();
    randDataMask = U256::fromU64(randDataMask).shr(targetByteIndex * 8).low64();
    const uint64_t newMemVal = (memVal & ~randDataMask) | (randomWord & randDataMask);

    const Hash32 memRoot = sol::memory::writeMem(cd_, effAddr, memProofOffset, newMemVal);
    handleMemoryUpdate(effAddr);
    return {byteCount, 0, memRoot};
  }

  // --- splitmix64 ---
  static uint64_t splitmix64(uint64_t seed) {
    uint64_t z = seed + 0x9e3779b97f4a7c15;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
    z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
    return z ^ (z >> 31);
  }

  // --- syscallYield ---
  Hash32 syscallYield() {
    CpuScalars cpu = getCpuScalars(thread_);
    sol::sys::handleSyscallUpdates(cpu, thread_.registers, 0, 0);
    setStateCpuScalars(thread_, cpu);
    preemptThread(thread_);
    return outputState();
  }

  // --- execSysRead ---
  std::pair<uint64_t, uint64_t> execSysRead(const sol::sys::SysReadParams& args) {
    const sol::sys::SysReadResult r = sol::sys::handleSysRead(cd_, args);
    state_.preimageOffset = r.newPreimageOffset;
    state_.memRoot = r.newMemRoot;
    if (r.memUpdated) handleMemoryUpdate(r.memAddr);
    return {r.v0, r.v1};
  }

  // --- outputState ---
  Hash32 outputState() {
    // Copy the state fields packed (each the low `size` bytes of its memory slot)
    Witness& w = log_;
    size_t to = 0;
    auto copy = [&](const uint8_t* p, size_t size) {
      std::memcpy(w.data() + to, p, size);
      to += size;
    };
    auto copyInt = [&](uint64_t v, size_t size) {
      uint8_t b[8];
      putBE64(b, v);
      copy(b + 8 - size, size);
    };
    copy(state_.memRoot.data(), 32);
    copy(state_.preimageKey.data(), 32);
    copyInt(state_.preimageOffset, 8);
    copyInt(state_.heap, 8);
    copyInt(state_.llReservationStatus, 1);
    copyInt(state_.llAddress, 8);
    copyInt(state_.llOwnerThread, 8);
    const uint8_t exitCode = state_.exitCode;
    copyInt(state_.exitCode, 1);
    const uint8_t exited = state_.exited;
    copyInt(state_.exited, 1);
    copyInt(state_.step, 8);
    copyInt(state_.stepsSinceLastContextSwitch, 8);
    copyInt(state_.traverseRight, 1);
    copy(state_.leftThreadStack.data(), 32);
    copy(state_.rightThreadStack.data(), 32);
    copyInt(state_.nextThreadID, 8);

    // Determine the VM status
    uint8_t status = 0;
    if (exited == 1) {
      if (exitCode == 0) status = 0;       // VMStatusValid
      else if (exitCode == 1) status = 1;  // VMStatusInvalid
      else status = 2;                     // VMStatusPanic
    } else {
      status = 3;  // VMStatusUnfinished
    }

    // Compute the hash of the resulting MIPS state and set the status byte
    Hash32 out = keccak256(ByteView(w.data(), to));
    out[0] = status;

    assertExitedIsValid(exited);
    return out;
  }

  // --- updateCurrentThreadRoot ---
  void updateCurrentThreadRoot() {
    const Hash32 updatedRoot = computeThreadRoot(loadCalldataInnerThreadRoot(), thread_);
    if (state_.traverseRight) state_.rightThreadStack = updatedRoot;
    else state_.leftThreadStack = updatedRoot;
  }

  // --- preemptThread ---
  bool preemptThread(const ThreadState& thread) {
    // pop thread from the current stack and push to the other stack
    if (state_.traverseRight) {
      require(state_.rightThreadStack != EMPTY_THREAD_ROOT, Revert::EmptyRightThreadStack);
      state_.rightThreadStack = loadCalldataInnerThreadRoot();
      state_.leftThreadStack = computeThreadRoot(state_.leftThreadStack, thread);
    } else {
      require(state_.leftThreadStack != EMPTY_THREAD_ROOT, Revert::EmptyLeftThreadStack);
      state_.leftThreadStack = loadCalldataInnerThreadRoot();
      state_.rightThreadStack = computeThreadRoot(state_.rightThreadStack, thread);
    }
    bool changedDirections = false;
    const Hash32 current = state_.traverseRight ? state_.rightThreadStack : state_.leftThreadStack;
    if (current == EMPTY_THREAD_ROOT) {
      state_.traverseRight = state_.traverseRight ? 0 : 1;
      changedDirections = true;
    }
    state_.stepsSinceLastContextSwitch = 0;
    return changedDirections;
  }

  // --- pushThread ---
  void pushThread(const ThreadState& thread) {
    if (state_.traverseRight) state_.rightThreadStack = computeThreadRoot(state_.rightThreadStack, thread);
    else state_.leftThreadStack = computeThreadRoot(state_.leftThreadStack, thread);
    state_.stepsSinceLastContextSwitch = 0;
  }

  // --- popThread ---
  void popThread() {
    if (state_.traverseRight) state_.rightThreadStack = loadCalldataInnerThreadRoot();
    else state_.leftThreadStack = loadCalldataInnerThreadRoot();
    const Hash32 current = state_.traverseRight ? state_.rightThreadStack : state_.leftThreadStack;
    if (current == EMPTY_THREAD_ROOT) state_.traverseRight = state_.traverseRight ? 0 : 1;
    state_.stepsSinceLastContextSwitch = 0;
  }

  // --- lastThreadRemaining ---
  bool lastThreadRemaining() {
    const Hash32 inactiveStack = state_.traverseRight ? state_.leftThreadStack : state_.rightThreadStack;
    const bool currentStackIsAlmostEmpty = loadCalldataInnerThreadRoot() == EMPTY_THREAD_ROOT;
    return inactiveStack == EMPTY_THREAD_ROOT && currentStackIsAlmostEmpty;
  }

  // --- computeThreadRoot ---
  static Hash32 computeThreadRoot(const Hash32& currentRoot, const ThreadState& thread) {
    // w_i = hash(w_0 ++ hash(thread))
    const Hash32 threadRoot = outputThreadState(thread);
    return keccak256Pair(currentRoot, threadRoot);
  }

  // --- outputThreadState ---
  static Hash32 outputThreadState(const ThreadState& thread) {
    uint8_t out[PACKED_THREAD_STATE_SIZE];
    putBE64(out, thread.threadID);
    out[8] = thread.exitCode;
    out[9] = thread.exited;
    putBE64(out + 10, thread.pc);
    putBE64(out + 18, thread.nextPC);
    putBE64(out + 26, thread.lo);
    putBE64(out + 34, thread.hi);
    for (size_t i = 0; i < 32; i++) putBE64(out + 42 + 8 * i, thread.registers[i]);
    return keccak256(ByteView(out, sizeof out));
  }

  // --- getCpuScalars ---
  static CpuScalars getCpuScalars(const ThreadState& tc) { return CpuScalars{tc.pc, tc.nextPC, tc.lo, tc.hi}; }

  // --- setStateCpuScalars ---
  static void setStateCpuScalars(ThreadState& tc, const CpuScalars& cpu) {
    tc.pc = cpu.pc;
    tc.nextPC = cpu.nextPC;
    tc.lo = cpu.lo;
    tc.hi = cpu.hi;
  }

  // --- validateCalldataThreadWitness ---
  void validateCalldataThreadWitness(const ThreadState& thread) {
    const Hash32 witnessRoot = computeThreadRoot(loadCalldataInnerThreadRoot(), thread);
    const Hash32 expectedRoot = state_.traverseRight ? state_.rightThreadStack : state_.leftThreadStack;
    require(expectedRoot == witnessRoot, Revert::InvalidThreadWitness);
  }

  // --- setThreadStateFromCalldata ---
  void setThreadStateFromCalldata(ThreadState& thread) {
    // verify we have enough calldata
    require(cd_.size() >= THREAD_PROOF_OFFSET + PACKED_THREAD_STATE_SIZE, Revert::InsufficientThreadCalldata);
    uint64_t c = THREAD_PROOF_OFFSET;
    auto putField = [&](unsigned size) {
      const uint64_t v = cd_.field(c, size);
      c += size;
      return v;
    };
    thread.threadID = putField(8);
    thread.exitCode = static_cast<uint8_t>(putField(1));
    thread.exited = static_cast<uint8_t>(putField(1));
    thread.pc = putField(8);
    thread.nextPC = putField(8);
    thread.lo = putField(8);
    thread.hi = putField(8);
    for (size_t i = 0; i < 32; i++) thread.registers[i] = putField(8);
  }

  // --- loadCalldataInnerThreadRoot ---
  Hash32 loadCalldataInnerThreadRoot() {
    const Hash32 innerThreadRoot = cd_.load(THREAD_PROOF_OFFSET + PACKED_THREAD_STATE_SIZE);
    // verify we have enough calldata
    require(cd_.size() >= THREAD_PROOF_OFFSET + (PACKED_THREAD_STATE_SIZE + 32), Revert::InsufficientThreadCalldata);
    return innerThreadRoot;
  }

  // --- getFutexValue ---
  uint32_t getFutexValue(uint64_t vAddr) { return uint32_t(loadSubWord(vAddr, 4, false)); }

  const Hash32& EMPTY_THREAD_ROOT = emptyThreadRootConstant();
  const Calldata& cd_;
  PartOracle* oracle_;
  Address caller_;
  State state_;
  ThreadState thread_;
  Witness log_{};
};

}  // namespace

VerifyResult verifyStepCalldata(ByteView calldata, PartOracle* oracle, const Address& caller) {
  const Calldata cd(calldata);
  VerifyResult result;
  Mips64 contract(cd, oracle, caller);
  try {
    const StepArgs args = decodeStepArgs(cd);
    result.postHash = contract.step(args);
    result.postState = contract.log();
  } catch (const sol::SolRevert& r) {
    result.revert = r.reason;
  }
  return result;
}

VerifyResult verifyStep(ByteView stateData, ByteView proofData, const Hash32& localContext, PartOracle* oracle,
                        const Address& caller) {
  const Bytes calldata = encodeStepCalldata(stateData, proofData, localContext);
  return verifyStepCalldata(calldata, oracle, caller);
}

}  // namespace fpvm::mips64
