#pragma once
// The guest programs the gdbstub tests debug, and helpers over them: load, forward-run hashes,
// symbol addresses.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/file_io.hpp"
#include "core/any_machine.hpp"
#include "debuginfo/unwinder.hpp"

namespace fpvm::gdbstub::test {

/// The RISC-V demo guest (tests/gdbstub/programs/gdb_demo.c) with debug info, or "".
inline std::string riscvDemo() {
#ifdef FPVM_GDBSTUB_RISCV_ELF
  return FPVM_GDBSTUB_RISCV_ELF;
#else
  return {};
#endif
}

/// A MIPS64 C guest of tests/mips64/guests (hello, threads), or "".
inline std::string mips64Guest(const std::string& name) {
#ifdef FPVM_GDBSTUB_MIPS64_DIR
  return std::string(FPVM_GDBSTUB_MIPS64_DIR) + "/" + name + ".elf";
#else
  (void)name;
  return {};
#endif
}

#define REQUIRE_PROGRAM(path)                                                                     \
  if ((path).empty()) GTEST_SKIP() << "SKIPPED: guest program not built (no cross compiler)"; \
  (void)0

/// A fresh machine running the ELF at `path`.
inline std::unique_ptr<core::AnyMachine> loadElf(const std::string& path) {
  const Bytes elf = readFile(path);
  return core::machineFromElf(ByteView(elf), path);
}

/// The state hash a forward run of `path` on the reference interpreter reaches at `step`.
inline Hash32 forwardHash(const std::string& path, uint64_t step) {
  auto m = loadElf(path);
  (void)m->advance(step, vm::Engine::Reference, {});
  return m->stateHash();
}

/// The address of the symbol `name` in the ELF at `path` (0 when absent).
inline uint64_t symbolAddress(const std::string& path, const std::string& name) {
  const Bytes elf = readFile(path);
  for (const auto& s : debuginfo::symbolsOfElf(elf, path))  // either machine's ELF
    if (s.name == name) return s.start;
  return 0;
}

}  // namespace fpvm::gdbstub::test
