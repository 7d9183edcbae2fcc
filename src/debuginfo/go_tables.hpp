#pragma once
/// The Go runtime's function tables (`.gopclntab`, the "pcHeader" format of Go 1.18 and later):
/// which function covers a pc, its name, the stack-pointer delta at each of its pcs, and the file
/// and line of each pc. The Go linker writes them into read-only data for the runtime's own
/// tracebacks; fpvm reads them from guest memory to unwind Go stacks of either machine.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.hpp"

namespace fpvm::debuginfo {

/// One Go function as the tables describe it.
struct GoFunc {
  uint64_t entry = 0;   ///< first pc
  uint64_t end = 0;     ///< first pc past it
  uint32_t offset = 0;  ///< the _func record's offset (for the pc-value tables)
  std::string_view name;
  uint8_t flag = 0;  ///< funcFlag bits: kTopFrame, kSpWrite
  /// The runtime marks the outermost functions of a stack (goexit, mstart, rt0_go).
  static constexpr uint8_t kTopFrame = 1;
  /// The function writes sp arbitrarily: frames above it cannot be found from deltas.
  static constexpr uint8_t kSpWrite = 2;
};

/// The tables of one Go binary, decoded lazily from a copy of their bytes.
class GoTables {
 public:
  /// Parses the header of `bytes` (runtime.pclntab..runtime.epclntab). `bigEndian`: the target's
  /// byte order (MIPS64). Throws Error naming the problem for an unknown magic (Go before 1.18),
  /// a pointer size other than 8, or offsets outside the bytes.
  GoTables(Bytes bytes, bool bigEndian);

  /// The function covering `pc`, if any.
  std::optional<GoFunc> funcAt(uint64_t pc) const;
  /// The stack-pointer delta of `f` at `pc` (bytes its frame has allocated there), or nullopt
  /// when the table has no value for that pc.
  std::optional<int32_t> spDelta(const GoFunc& f, uint64_t pc) const;
  /// File and line of `pc` in `f` ({"", 0} when unknown).
  std::pair<std::string_view, uint32_t> fileLine(const GoFunc& f, uint64_t pc) const;
  /// Number of functions.
  uint64_t functionCount() const { return nfunc_; }

 private:
  uint32_t u32(uint64_t off) const;
  uint64_t u64(uint64_t off) const;
  std::string_view cString(uint64_t off) const;
  /// The value of pc-value table `tableOff` (an offset into pctab) at `pc` in `f`.
  std::optional<int32_t> pcValue(const GoFunc& f, uint32_t tableOff, uint64_t pc) const;
  /// Field `index` (uint32) of the _func record at `funcOff`, counting from entryOff = 0.
  uint32_t funcField(uint32_t funcOff, unsigned index) const;

  Bytes b_;
  bool bigEndian_;
  bool hasStartLine_ = false;  // Go 1.20+: _func has startLine before funcID
  uint64_t nfunc_ = 0;
  uint64_t textStart_ = 0;
  uint64_t funcnameOff_ = 0, cuOff_ = 0, filetabOff_ = 0, pctabOff_ = 0, functabOff_ = 0;
  unsigned quantum_ = 4;
};

}  // namespace fpvm::debuginfo
