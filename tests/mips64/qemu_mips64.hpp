#pragma once
// Runs a MIPS64 guest under qemu-mips64 (Debian's qemu-user), for tests that compare fpvm's output
// with a real Linux user-mode emulator.
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

namespace fpvm::mips64::test {

/// stdout and exit status of `elf` under qemu-mips64, or nullopt when qemu-mips64 is not installed.
inline std::optional<std::pair<std::string, int>> runUnderQemu(const std::string& elf) {
  if (std::system("command -v qemu-mips64 >/dev/null 2>&1") != 0) return std::nullopt;
  FILE* p = popen(("qemu-mips64 '" + elf + "'").c_str(), "r");
  if (!p) return std::nullopt;
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int status = pclose(p);
  return std::make_pair(out, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

}  // namespace fpvm::mips64::test
