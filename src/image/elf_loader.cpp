#include "image/elf_loader.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "common/error.hpp"

namespace fpvm::image {

using namespace vm;  // images are VM states: the core's types throughout
namespace {

// Go runtime functions that start background work or use floating point (spec §7.1 step 4);
// each is replaced by `jalr x0, 0(ra)`.
constexpr std::array<std::string_view, 14> kReturnPatchedSymbols = {
    "runtime.gcenable",
    "runtime.init.5",
    "runtime.main.func1",
    "runtime.deductSweepCredit",
    "runtime.(*gcControllerState).commit",
    "github.com/prometheus/client_golang/prometheus.init",
    "github.com/prometheus/client_golang/prometheus.init.0",
    "github.com/prometheus/procfs.init",
    "github.com/prometheus/common/model.init",
    "github.com/prometheus/client_model/go.init",
    "github.com/prometheus/client_model/go.init.0",
    "github.com/prometheus/client_model/go.init.1",
    "flag.init",
    "runtime.check",
};
constexpr uint8_t kRetInstruction[4] = {0x67, 0x80, 0x00, 0x00};

/// Writes like Asterisc's SetMemoryRange: every page from the start through the page of the end
/// address (inclusive) is allocated, even for an empty range.
void writeRange(merkle::PagedMemory& mem, uint64_t addr, ByteView data, uint64_t zeroTail) {
  const uint64_t total = data.size() + zeroTail;
  constexpr uint64_t kPageIndexMask = (uint64_t(1) << (64 - merkle::kPageBits)) - 1;
  const uint64_t first = addr >> merkle::kPageBits;
  const uint64_t extra = (((addr + total) >> merkle::kPageBits) - first) & kPageIndexMask;  // wraps at 2^64
  for (uint64_t i = 0; i <= extra; ++i) mem.allocatePage((first + i) & kPageIndexMask);
  mem.writeBytes(addr, data.data(), data.size());
  // Zero tail: pages start zeroed and are freshly allocated or already hold earlier bytes,
  // so write zeros explicitly to overwrite what an earlier segment may have put there.
  static const uint8_t zeros[4096] = {};
  uint64_t at = addr + data.size();
  for (uint64_t left = zeroTail; left > 0;) {
    uint64_t n = std::min<uint64_t>(left, sizeof zeros);
    mem.writeBytes(at, zeros, n);
    at += n;
    left -= n;
  }
}

void writeU64(merkle::PagedMemory& mem, uint64_t addr, uint64_t v) {
  uint8_t b[8];
  putLE(b, v, 8);
  writeRange(mem, addr, ByteView(b, 8), 0);
}

}  // namespace

VmState loadElf(const ElfFile& elf, const LoadOptions& options) {
  VmState st;
  st.pc = elf.entry;
  st.heap = kInitialHeap;

  uint64_t totalBytes = 0;
  std::vector<std::pair<uint64_t, uint64_t>> loadRanges;  // [first, last] of PT_LOAD segments (inclusive: may end at 2^64)
  for (size_t i = 0; i < elf.segments.size(); ++i) {
    const ElfSegment& s = elf.segments[i];
    if (s.type == kPtRiscvAttributes) continue;
    const std::string name = "program segment " + std::to_string(i);
    if (s.filesz != s.memsz) {
      if (s.type != kPtLoad)
        throw Error(name + " has file size " + std::to_string(s.filesz) + " != memory size " + std::to_string(s.memsz) +
                    ": filling is only supported for PT_LOAD segments");
      if (s.filesz > s.memsz)
        throw Error("invalid PT_LOAD " + name + ": file size " + std::to_string(s.filesz) + " > memory size " +
                    std::to_string(s.memsz));
    }
    if (s.memsz > options.maxLoadBytes || totalBytes + s.memsz > options.maxLoadBytes)
      throw Error(name + " is too large: " + std::to_string(s.memsz) + " bytes (total segment limit " +
                  std::to_string(options.maxLoadBytes) + ")");
    if (s.memsz > 0 && s.vaddr + s.memsz - 1 < s.vaddr) throw Error(name + " wraps around the end of the address space");
    totalBytes += s.memsz;
    if (s.type == kPtLoad && s.memsz > 0) {
      const uint64_t last = s.vaddr + s.memsz - 1;  // no wrap: checked above
      for (const auto& [b, e] : loadRanges)
        if (s.vaddr <= e && b <= last) throw Error(name + " overlaps an earlier PT_LOAD segment");
      loadRanges.emplace_back(s.vaddr, last);
    }
    writeRange(st.memory, s.vaddr, elf.segmentBytes(s), s.memsz - s.filesz);
  }

  if (options.patchAndStack) {
    if (!elf.hasSymbolTable) throw Error("failed to read symbols data, cannot patch program: no symbol table");
    for (const ElfSymbol& sym : elf.symbols) {
      if (std::find(kReturnPatchedSymbols.begin(), kReturnPatchedSymbols.end(), sym.name) != kReturnPatchedSymbols.end())
        writeRange(st.memory, sym.value, ByteView(kRetInstruction, 4), 0);
      else if (sym.name == "runtime.MemProfileRate") writeU64(st.memory, sym.value, 0);
    }
    // Initial stack (spec §7.1 step 5): argc 0, bogus argv/envp, auxv with AT_PAGESZ and AT_RANDOM.
    const uint64_t sp = kInitialStackPointer;
    st.registers[2] = sp;
    writeU64(st.memory, sp + 8, 0x42);
    writeU64(st.memory, sp + 16, 0x35);
    writeU64(st.memory, sp + 24, 0);
    writeU64(st.memory, sp + 32, 6);  // AT_PAGESZ
    writeU64(st.memory, sp + 40, 4096);
    writeU64(st.memory, sp + 48, 25);  // AT_RANDOM
    writeU64(st.memory, sp + 56, sp + 72);
    writeU64(st.memory, sp + 64, 0);                      // AT_NULL
    writeU64(st.memory, sp + 72, 0x6f727020646e6172ULL);  // "rand protolambda"
    writeU64(st.memory, sp + 80, 0x6164626d616c6f74ULL);
  }
  st.refreshStoredWitness();
  return st;
}

}  // namespace fpvm::image
