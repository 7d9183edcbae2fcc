#pragma once
/// The host side of the guest's file descriptors 3-6 as the VM sees it. `vm` declares it; the
/// `preimage` layer implements it (data directory, inline data, server subprocess).
#include "common/bytes.hpp"

namespace fpvm::vm {

/// Source of hints and preimages for a running program.
class PreimageOracle {
 public:
  virtual ~PreimageOracle() = default;
  /// Delivers one complete hint (without its 4-byte length prefix). Throws Error on host failure.
  virtual void hint(ByteView hint) = 0;
  /// The full preimage (without length prefix) for the raw, un-localised `key`.
  /// Throws Error when it is unavailable or the host fails.
  virtual Bytes getPreimage(const Hash32& key) = 0;
};

/// An oracle with nothing: hints are dropped, every preimage request is an error (the behaviour
/// of `run` without a server command, spec §6.2).
class NoPreimageOracle final : public PreimageOracle {
 public:
  void hint(ByteView) override {}
  Bytes getPreimage(const Hash32& key) override;
};

}  // namespace fpvm::vm
