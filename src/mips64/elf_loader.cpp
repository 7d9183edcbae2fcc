#include "mips64/elf_loader.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "mips64/arch.hpp"
#include "mips64/elf_reader.hpp"

namespace fpvm::mips64 {

namespace {

constexpr uint16_t kEmMips = 8;
constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPtMipsAbiflags = 0x70000003;
constexpr uint64_t kLastMemoryAddr = (uint64_t(1) << 48) - 1;  // 48-bit virtual address space

std::string hex(uint64_t v) {
  static const char* digits = "0123456789abcdef";
  std::string s;
  do {
    s.insert(s.begin(), digits[v & 15]);
    v >>= 4;
  } while (v);
  return s;
}

struct ProgramHeader {
  uint32_t type;
  uint64_t offset, vaddr, filesz, memsz;
};

ProgramHeader programHeader(const ElfReader& r, uint64_t at) {
  ProgramHeader p{};
  p.type = static_cast<uint32_t>(r.u(at, 4));
  if (r.is64()) {
    p.offset = r.u(at + 8, 8);
    p.vaddr = r.u(at + 16, 8);
    p.filesz = r.u(at + 32, 8);
    p.memsz = r.u(at + 40, 8);
  } else {
    p.offset = r.u(at + 4, 4);
    p.vaddr = r.u(at + 8, 4);
    p.filesz = r.u(at + 16, 4);
    p.memsz = r.u(at + 20, 4);
  }
  return p;
}

}  // namespace

State loadElfSegments(ByteView elf) {
  const ElfReader r(elf);
  const uint64_t machine = r.u(18, 2);
  if (machine != kEmMips) throw Error("ELF is not big-endian MIPS R3000, but e_machine is " + std::to_string(machine));
  const uint64_t entry = r.addr(24);
  const uint64_t phoff = r.is64() ? r.u(32, 8) : r.u(28, 4);
  const uint64_t phentsize = r.is64() ? r.u(54, 2) : r.u(42, 2);
  const uint64_t phnum = r.is64() ? r.u(56, 2) : r.u(44, 2);
  if (phnum > 0 && phentsize < (r.is64() ? 56u : 32u)) throw Error("ELF program header entries are too small");

  // A bound Cannon does not have (it would try to allocate whatever the headers ask for): the
  // segments' memory sizes may total at most kMaxLoadBytes (spec decision A12).
  uint64_t total = 0;
  for (uint64_t i = 0; i < phnum; ++i) {
    const ProgramHeader p = programHeader(r, phoff + i * phentsize);
    if (p.type == kPtMipsAbiflags) continue;
    total = p.memsz > kMaxLoadBytes - std::min(total, kMaxLoadBytes) ? kMaxLoadBytes + 1 : total + p.memsz;
    if (total > kMaxLoadBytes)
      throw Error("ELF segments ask for more than " + std::to_string(kMaxLoadBytes >> 30) + " GiB of memory (program segment " +
                  std::to_string(i) + ", mem size " + std::to_string(p.memsz) + ")");
  }

  State s = State::createInitial(entry, kHeapStart);
  for (uint64_t i = 0; i < phnum; ++i) {
    const ProgramHeader p = programHeader(r, phoff + i * phentsize);
    if (p.type == kPtMipsAbiflags) continue;
    const std::string seg = "program segment " + std::to_string(i);
    if (p.filesz != p.memsz) {
      if (p.type != kPtLoad)
        throw Error(seg + " has different file size (" + std::to_string(p.filesz) + ") than mem size (" +
                    std::to_string(p.memsz) + "): filling for non PT_LOAD segments is not supported");
      if (p.filesz > p.memsz)
        throw Error("invalid PT_LOAD " + seg + ", file size (" + std::to_string(p.filesz) + ") > mem size (" +
                    std::to_string(p.memsz) + ")");
    }
    if (p.memsz == 0) continue;
    const uint64_t last = p.vaddr + p.memsz - 1;
    if (last > kLastMemoryAddr || last < p.vaddr)
      throw Error("program " + std::to_string(i) + " out of memory range: " + hex(p.vaddr) + " - " + hex(last));
    if (last >= kHeapStart)
      throw Error("program " + std::to_string(i) + " overlaps with heap: " + hex(p.vaddr) + " - " + hex(last) +
                  ". The heap start offset must be reconfigured");
    // The file bytes, then zeros up to p_memsz; every page of the range is allocated.
    // A segment without file bytes (.bss only) reads nothing, wherever its offset points (as Go's
    // debug/elf, which Cannon uses, never reads it).
    const ByteView file = p.filesz == 0 ? ByteView{} : r.bytes(p.offset, p.filesz);
    s.memory.writeBytes(p.vaddr, file.data(), file.size());
    const Bytes zeros(kPageSize, 0);
    for (uint64_t done = p.filesz; done < p.memsz;) {
      const uint64_t n = std::min<uint64_t>(p.memsz - done, kPageSize);
      s.memory.writeBytes(p.vaddr + done, zeros.data(), n);
      done += n;
    }
  }
  return s;
}

void patchStack(State& state) {
  const uint64_t sp = kHighMemoryStart;
  // One page for the initial stack data and 16 KiB (four pages) below it for the stack to grow.
  const Bytes zeros(5 * kPageSize, 0);
  state.memory.writeBytes(sp - 4 * kPageSize, zeros.data(), zeros.size());
  state.currentThread().registers[kRegSP] = sp;

  auto padded = [](std::string text) {
    Bytes b(text.begin(), text.end());
    b.resize((b.size() + 7) / 8 * 8, 0);
    return b;
  };
  const uint64_t auxv3Offset = sp + 8 * 10;
  const Bytes randomness = padded("4;byfairdiceroll");
  state.memory.writeBytes(auxv3Offset, randomness.data(), randomness.size());
  const uint64_t envp0Offset = auxv3Offset + randomness.size();
  const Bytes envar = padded(std::string("GODEBUG=memprofilerate=0") + '\0');
  state.memory.writeBytes(envp0Offset, envar.data(), envar.size());
  const uint64_t argv0Offset = envp0Offset + envar.size();
  const Bytes programName = padded(std::string("op-program") + '\0');
  state.memory.writeBytes(argv0Offset, programName.data(), programName.size());

  const uint64_t words[10] = {1,  argv0Offset, 0, envp0Offset, 0,  // argc, argv[0], NULL, envp[0], NULL
                              6,  4096,                            // AT_PAGESZ
                              25, auxv3Offset,                     // AT_RANDOM
                              0};                                  // AT_NULL
  for (unsigned i = 0; i < 10; ++i) state.memory.storeWord(sp + 8 * i, words[i]);
}

State loadElf(ByteView elf) {
  State s = loadElfSegments(elf);
  patchStack(s);
  return s;
}

}  // namespace fpvm::mips64
