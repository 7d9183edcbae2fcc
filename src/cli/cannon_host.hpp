#pragma once
/// The host side of `cannon run`: the preimage host of src/preimage seen through the MT64
/// machine's oracle interface (counting requests and bytes for --debug-info, as Cannon's
/// TrackingPreimageOracleReader does), and the guest's stdout/stderr logged as Cannon logs them
/// (`module=guest stream=stdout text=…`) or copied to files (fpvm's --guest-stdout/--guest-stderr).
#include <cstdint>
#include <string>

#include "cli/guest_output.hpp"
#include "mips64/host.hpp"
#include "vm/preimage_oracle.hpp"

namespace fpvm::cli {

/// mips64::PreimageOracle over a vm::PreimageOracle (the same two calls), with counters.
class CannonOracle final : public mips64::PreimageOracle {
 public:
  explicit CannonOracle(vm::PreimageOracle& host) : host_(host) {}
  void hint(ByteView hint) override { host_.hint(hint); }
  Bytes getPreimage(const Hash32& key) override;
  /// Pre-images fetched from the host.
  uint64_t requests() const { return requests_; }
  /// Their total size (without length prefixes).
  uint64_t totalSize() const { return totalSize_; }

 private:
  vm::PreimageOracle& host_;
  uint64_t requests_ = 0;
  uint64_t totalSize_ = 0;
};

/// Guest fd 1/2 writes: logged per write at INFO with module=guest, or written to files.
class CannonGuestOutput final : public mips64::GuestOutput {
 public:
  /// Empty path = log; "-" = this process's stdout/stderr; otherwise a file (truncated).
  CannonGuestOutput(const std::string& stdoutPath, const std::string& stderrPath);
  void write(uint64_t fd, ByteView data) override;
  /// Flushes files; throws Error if a write failed.
  void finish() { files_.finish(); }

 private:
  CliGuestOutput files_;
  bool toFile_[3] = {false, false, false};
};

}  // namespace fpvm::cli
