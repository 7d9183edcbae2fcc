#include "vm/revert_message.hpp"

#include <cinttypes>
#include <cstdio>

#include "vm/syscall_numbers.hpp"

namespace fpvm::vm {

std::string humanBytes(uint64_t n) {
  if (n < 1024) return std::to_string(n) + " B";
  const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = double(n);
  int u = -1;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

std::string describeRevert(const VmState& st, uint64_t step, uint64_t pc, RevertCode code, uint64_t syscall,
                           const Symbolizer* symbols, bool proofGen) {
  char head[160];
  uint32_t insn = static_cast<uint32_t>(st.memory.load(pc, 4));
  std::snprintf(head, sizeof head,
                "failed at %sstep %" PRIu64 " (PC: 0x%016" PRIx64 ", insn: %08x): ", proofGen ? "proof-gen " : "", step, pc,
                insn);
  std::string msg = head;
  if (code == kUnsupportedSyscall || code == kUnknownRlimit) {
    const char* name = sys::syscallName(syscall);
    msg += std::string(revertName(code)) + " " + (name ? name : "syscall") + " (" + std::to_string(syscall) + ")";
  } else {
    msg += revertName(code);
  }
  char rc[24];
  std::snprintf(rc, sizeof rc, " [revert 0x%x]", code);
  msg += rc;
  if (symbols && !symbols->empty()) {
    msg += " in " + symbols->lookup(pc);
    // Syscall stubs are leaf assembly: the return address names the code that called them.
    if (syscall != ~uint64_t(0)) msg += ", called from " + symbols->lookup(st.registers[1]);
  }
  return msg;
}

}  // namespace fpvm::vm
