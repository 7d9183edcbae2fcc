#pragma once
/// The host's PreimageOracle: local boot values, inline preimages, a data directory and a server
/// subprocess, consulted in that order. Keccak256 and sha256 preimages are checked against their
/// key before the guest sees them; a missing preimage is an Error naming the key.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "preimage/datadir_source.hpp"
#include "preimage/local_values.hpp"
#include "preimage/server_process.hpp"
#include "vm/preimage_oracle.hpp"

namespace fpvm::preimage {

/// Inline preimages by key.
using PreimageMap = std::map<std::array<uint8_t, 32>, Bytes>;

/// Where preimages come from.
struct HostOracleConfig {
  LocalValues locals;
  PreimageMap inlinePreimages;
  std::optional<std::string> dataDir;
  std::vector<std::string> serverCommand;
  ServerLimits serverLimits;
};

/// The combined oracle.
class HostOracle final : public vm::PreimageOracle {
 public:
  explicit HostOracle(HostOracleConfig config);
  ~HostOracle() override;
  void hint(ByteView hint) override;
  Bytes getPreimage(const Hash32& key) override;
  /// Stops the server subprocess, if any.
  void shutdown();
  /// The server, or nullptr.
  ServerProcess* server() { return server_.get(); }

 private:
  HostOracleConfig config_;
  std::optional<DataDirSource> dataDir_;
  std::unique_ptr<ServerProcess> server_;
};

}  // namespace fpvm::preimage
