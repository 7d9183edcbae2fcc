#pragma once
/// The host side of a running MT64 program (docs/spec/cannon-mt64.md §6.6, §6.7, §7): the
/// pre-image oracle behind fds 3–6 and the sink for the guest's stdout/stderr. The caller
/// provides them; the interpreter only calls through these interfaces.
#include <cstdint>

#include "common/bytes.hpp"

namespace fpvm::mips64 {

/// Source of hints and pre-images (same shape as the RISC-V machine's oracle, so that one host
/// implementation can serve both through a thin adapter).
class PreimageOracle {
 public:
  virtual ~PreimageOracle() = default;
  /// Delivers one complete hint (without its 4-byte length prefix). Throws Error on host failure.
  virtual void hint(ByteView hint) = 0;
  /// The full pre-image (without length prefix) of the raw, un-localised `key`. Throws Error when
  /// it is unavailable or the host fails.
  virtual Bytes getPreimage(const Hash32& key) = 0;
};

/// Receives what the guest writes to fd 1 and fd 2.
class GuestOutput {
 public:
  virtual ~GuestOutput() = default;
  /// `data` was written to `fd` (1 or 2).
  virtual void write(uint64_t fd, ByteView data) = 0;
};

}  // namespace fpvm::mips64
