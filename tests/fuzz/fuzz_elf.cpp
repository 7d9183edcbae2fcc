// Fuzz target: ELF parsing and load-elf (spec §7.1) with a small load limit. Any input must end in
// a loaded state or an fpvm::Error; a loaded state's incremental root must equal the from-scratch
// root.
#include <cstdint>

#include "common/error.hpp"
#include "fuzz_check.hpp"
#include "image/elf_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace fpvm;
  image::ElfFile elf;
  try {
    elf = image::parseElf(Bytes(data, data + size), "fuzz.elf");
  } catch (const Error&) {
    return 0;
  }
  FUZZ_CHECK(elf.image.size() == size);
  for (const auto& s : elf.segments) {
    if (s.type == image::kPtRiscvAttributes || s.filesz == 0) continue;
    FUZZ_CHECK(s.offset <= size && s.filesz <= size - s.offset);  // parser bounds-checked it
  }
  for (bool patch : {false, true}) {
    try {
      vm::VmState st = image::loadElf(elf, image::LoadOptions{.patchAndStack = patch, .maxLoadBytes = uint64_t(1) << 20});
      FUZZ_CHECK(st.pc == elf.entry);
      FUZZ_CHECK(st.memory.merkleRoot() == st.memory.computeRootFromScratch());
      FUZZ_CHECK(st.storedStateHash.has_value() && *st.storedStateHash == st.stateHash());
      if (patch) FUZZ_CHECK(st.registers[2] == image::kInitialStackPointer);
    } catch (const Error&) {
    }
  }
  return 0;
}
