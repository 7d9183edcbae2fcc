#include "mips64/fast_engine.hpp"

#include <algorithm>

#include "mips64/arch.hpp"
#include "mips64/instruction_exec.hpp"
#include "mips64/revert_signal.hpp"

namespace fpvm::mips64 {

/// Data accesses of the fast engine: TLB hits read and write page bytes directly; a write sets
/// its leaf's dirty bit and applies the LL reservation rule (spec §3.4) exactly as the reference
/// interpreter's store does.
class FastPort {
 public:
  explicit FastPort(FastEngine& engine) : e_(engine), s_(engine.s_) {}

  /// The bytes of page `page`, or null when it is absent (absent pages read as zeros and are not
  /// cached: a later step may allocate them).
  const uint8_t* pageForRead(uint64_t page) {
    FastEngine::TlbEntry& t = e_.tlb_[page & ((1u << FastEngine::kTlbBits) - 1)];
    if (t.page != page) {
      const uint8_t* data = s_.memory.pageData(page);
      if (!data) return nullptr;
      t = {page, data, {nullptr, nullptr}};
    }
    return t.read;
  }

  uint64_t load(uint64_t addr) {
    const uint8_t* data = pageForRead(addr >> kPageBits);
    return data ? getBE64(data + (addr & (kPageSize - 1))) : 0;
  }

  void store(uint64_t addr, uint64_t value) {
    const uint64_t page = addr >> kPageBits;
    FastEngine::TlbEntry& t = e_.tlb_[page & ((1u << FastEngine::kTlbBits) - 1)];
    if (t.page != page || !t.write.data) {
      const Memory::DirectPage w = s_.memory.pageForDirectWrite(page);
      t = {page, w.data, w};
    }
    const unsigned off = static_cast<unsigned>(addr & (kPageSize - 1));
    putBE64(t.write.data + off, value);
    const unsigned leaf = off >> kLeafBits;
    t.write.dirtyLeaves[leaf >> 6] |= uint64_t(1) << (leaf & 63);
    if (addr == (s_.llAddress & kAddressMask)) {
      s_.llReservationStatus = kLLStatusNone;
      s_.llAddress = 0;
      s_.llOwnerThread = 0;
    }
  }

 private:
  FastEngine& e_;
  State& s_;
};

[[gnu::flatten]] uint64_t FastEngine::runThread(uint64_t budget) {
  Thread& live = s_.currentThread();
  Thread t = live;  // a local copy: pc, nextPC and hot registers can stay in host registers
  FastPort port(*this);
  uint64_t done = 0;
  uint64_t codePage = ~uint64_t(0);
  const uint8_t* code = nullptr;
  try {
    while (done < budget) {
      const uint64_t pc = t.pc;
      if ((pc >> kPageBits) != codePage || (pc & 3) != 0) {
        if (pc & 3) break;  // InvalidPC: the reference interpreter reverts
        code = port.pageForRead(pc >> kPageBits);
        if (!code) break;  // fetching zeros from an unallocated page: rare, left to the reference
        codePage = pc >> kPageBits;
      }
      const uint32_t insn = getBE32(code + (pc & (kPageSize - 1)));
      const uint32_t opcode = insn >> 26;
      if (opcode == 0 && (insn & 0x3F) == 0x0C) break;  // SYSCALL
      if (opcode == 0x30 || opcode == 0x38 || opcode == 0x34 || opcode == 0x3C) exec::executeRmw(port, s_, t, insn);
      else exec::execute(port, t, insn);
      ++done;
    }
  } catch (const detail::RevertSignal&) {
    // The instruction changed nothing (instruction_exec.hpp raises before any change); the
    // reference interpreter executes it next and reports the revert.
  } catch (const PageLimitError&) {
    // A store's page could not be allocated, before the store changed anything: the reference
    // interpreter executes it next and fails the same way, with the step counted exactly.
  }
  live = t;
  return done;
}

RunResult FastEngine::run(uint64_t targetStep, const std::atomic<bool>* cancel) {
  constexpr uint64_t kPollInterval = uint64_t(1) << 20;
  tlb_.fill(TlbEntry{});  // page pointers are only trusted within one run
  uint64_t nextPoll = s_.step;
  RunResult result;
  while (true) {
    if (s_.exited) {
      result.stop = RunStop::Exited;
      return result;
    }
    if (s_.step >= targetStep) {
      result.stop = RunStop::Reached;
      return result;
    }
    if (cancel && s_.step >= nextPoll) {
      if (cancel->load(std::memory_order_relaxed)) {
        result.stop = RunStop::Cancelled;
        return result;
      }
      nextPoll = s_.step + kPollInterval;
    }
    if (!s_.activeStack().empty() && !s_.currentThread().exited && s_.stepsSinceLastContextSwitch < kSchedQuantum) {
      const uint64_t untilPoll = cancel ? nextPoll - s_.step : ~uint64_t(0);  // > 0 after the poll above
      const uint64_t budget = std::min({targetStep - s_.step, kSchedQuantum - s_.stepsSinceLastContextSwitch, untilPoll});
      const uint64_t done = runThread(budget);
      s_.step += done;
      s_.stepsSinceLastContextSwitch += done;
      stats_.fastSteps += done;
      if (done == budget) continue;
    }
    // A step the engine leaves to the reference interpreter.
    const StepOutcome o = ref_.step();
    ++stats_.referenceSteps;
    if (!o.ok()) {
      result.stop = RunStop::Reverted;
      result.outcome = o;
      return result;
    }
  }
}

}  // namespace fpvm::mips64
