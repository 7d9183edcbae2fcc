#pragma once
/// Where the guest's fd 1/2 bytes go: logged as Asterisc does (`text`/`data` keys), or copied raw
/// to files (`--guest-stdout`, `--guest-stderr`, an fpvm extension used by differential tests).
#include <cstdio>
#include <string>

#include "vm/host_context.hpp"

namespace fpvm::cli {

/// GuestOutput that logs each write, or appends it to a file when one is configured for its fd.
class CliGuestOutput final : public vm::GuestOutput {
 public:
  /// Empty path = log; "-" = this process's stdout/stderr; otherwise a file (truncated).
  CliGuestOutput(const std::string& stdoutPath, const std::string& stderrPath);
  ~CliGuestOutput() override;
  void write(unsigned fd, ByteView data) override;
  /// Flushes files; throws Error if a write failed.
  void finish();

 private:
  std::FILE* files_[3] = {nullptr, nullptr, nullptr};
  bool owned_[3] = {false, false, false};
  std::string paths_[3];
};

}  // namespace fpvm::cli
