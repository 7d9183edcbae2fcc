#pragma once
/// A StackSource that skips the unwinder on steps that cannot have called or returned: exactly
/// one step since the last stack, on the same thread, still in the same function, with the stack
/// pointer, frame pointer, return-address register (and Go's g on RISC-V) unchanged, and the
/// instruction that moved the pc neither a call nor an indirect jump (RISC-V jal with a link
/// register and jalr; MIPS64 jal, jalr, jr and the linking branches, whose delay slot ran in the
/// last step). Then the callers are the last stack's and only the innermost pc is
/// new. Exact mode takes a stack every step, and most steps are such steps: this makes it
/// several times faster. In sampling mode the samples are many steps apart and every stack comes
/// from the unwinder.

#include <unordered_map>

#include "profile/stack_source.hpp"

namespace fpvm::profile {

/// Wraps `inner`, reusing its last stack's callers on straight-line steps.
class StraightLineCache final : public StackSource {
 public:
  /// `inner` must outlive this cache.
  explicit StraightLineCache(StackSource& inner) : inner_(inner) {}

  std::vector<uint64_t> callStack(const core::AnyMachine& machine, size_t maxFrames) override;
  std::string_view functionAt(uint64_t pc) const override { return inner_.functionAt(pc); }
  std::string method() const override { return inner_.method(); }

  /// Stacks reused from the previous one (for tests and measurements).
  uint64_t hits() const { return hits_; }

 private:
  /// The registers a call or return changes (stack, frame pointer, return address) and where
  /// the thread is.
  struct Frame {
    uint64_t step = 0, threadId = 0, pc = 0, nextPc = 0, sp = 0, fp = 0, ra = 0, g = 0;
    size_t maxFrames = 0;
    const char* function = nullptr;  ///< functionAt(pc).data(): the function's identity
  };
  static Frame frameOf(const core::AnyMachine& machine, size_t maxFrames);
  /// True when the step from `last_` to `now` moved the pc by a call or an indirect jump (a
  /// return, an indirect call), read from the instruction in guest memory.
  bool callOrReturn(const core::AnyMachine& machine, const Frame& now) const;

  /// functionAt(pc).data(), remembered per pc (the Go tables' lookup is a binary search).
  const char* functionOf(uint64_t pc);

  StackSource& inner_;
  std::unordered_map<uint64_t, const char*> functions_;
  bool have_ = false;
  Frame last_;
  std::vector<uint64_t> stack_;
  uint64_t hits_ = 0;
};

}  // namespace fpvm::profile
