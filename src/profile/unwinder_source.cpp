#include "profile/unwinder_source.hpp"

#include <utility>

namespace fpvm::profile {

UnwinderSource::UnwinderSource(std::vector<debuginfo::CodeSymbol> symbols, const core::AnyMachine& machine)
    : unwinder_(std::move(symbols), machine) {}

std::vector<uint64_t> UnwinderSource::callStack(const core::AnyMachine& machine, size_t maxFrames) {
  return unwinder_.callStack(machine, maxFrames);
}

std::string_view UnwinderSource::functionAt(uint64_t pc) const { return unwinder_.functionAt(pc); }

std::string UnwinderSource::method() const { return methodName(unwinder_.method()); }

std::string methodName(debuginfo::UnwindMethod method) {
  switch (method) {
    case debuginfo::UnwindMethod::GoTables: return "Go tables (.gopclntab stack-pointer deltas)";
    case debuginfo::UnwindMethod::FramePointers: return "frame pointers (s0 chain)";
    case debuginfo::UnwindMethod::Prologue: return "prologue analysis (stack adjustment and ra save)";
  }
  return "unknown";
}

}  // namespace fpvm::profile
