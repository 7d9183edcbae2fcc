#pragma once
/// What a step needs from outside the machine: the oracle, a sink for guest output, the
/// per-key preimage cache.
#include <cstdint>

#include "common/bytes.hpp"
#include "vm/preimage_oracle.hpp"

namespace fpvm::vm {

/// Receives the bytes the guest writes to fd 1 and fd 2.
class GuestOutput {
 public:
  virtual ~GuestOutput() = default;
  /// `fd` is 1 or 2; `data` is the whole write (possibly truncated to the output limit).
  virtual void write(unsigned fd, ByteView data) = 0;
};

/// The preimage of the current key, fetched once per key (spec §5.3).
struct PreimageCache {
  bool valid = false;
  Hash32 key;
  /// BE u64 length ‖ preimage.
  Bytes prefixed;
};

/// Off-chain limits that keep a hostile guest from exhausting the host.
struct HostLimits {
  /// Largest LastHint buffer; a longer pending hint stops the run with an error.
  size_t maxHintBytes = size_t(1) << 30;
  /// Largest single fd 1/2 write that is forwarded to GuestOutput (the rest is dropped).
  size_t maxOutputBytesPerWrite = size_t(64) << 20;
};

/// Host-side services for the interpreter.
struct HostContext {
  PreimageOracle* oracle = nullptr;
  GuestOutput* output = nullptr;
  HostLimits limits;
  PreimageCache preimage;

  /// Returns BE64(len) ‖ preimage for `key`, asking the oracle on first use of the key.
  const Bytes& prefixedPreimage(const Hash32& key);
};

}  // namespace fpvm::vm
