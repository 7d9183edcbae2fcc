#include "preimage/host_oracle.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "preimage/keys.hpp"
#include "preimage/pipe_io.hpp"

namespace fpvm::preimage {

HostOracle::HostOracle(HostOracleConfig config) : config_(std::move(config)) {
  if (config_.dataDir) dataDir_.emplace(*config_.dataDir);
  if (!config_.serverCommand.empty()) server_ = std::make_unique<ServerProcess>(config_.serverCommand, config_.serverLimits);
}

HostOracle::~HostOracle() { shutdown(); }

void HostOracle::shutdown() {
  if (server_) server_->shutdown();
}

void HostOracle::hint(ByteView hint) {
  if (server_) server_->hint(hint);  // without a server, hints are dropped (spec §6.2)
}

Bytes HostOracle::getPreimage(const Hash32& key) {
  std::optional<Bytes> value;
  if (key[0] == static_cast<uint8_t>(KeyType::Local)) {
    auto it = config_.locals.find(getBE64(key.data() + 24));
    bool plainIndex = std::all_of(key.b.begin() + 1, key.b.begin() + 24, [](uint8_t b) { return b == 0; });
    if (plainIndex && it != config_.locals.end()) value = it->second;
  }
  if (!value) {
    auto it = config_.inlinePreimages.find(key.b);
    if (it != config_.inlinePreimages.end()) value = it->second;
  }
  if (!value && dataDir_) value = dataDir_->get(key);
  if (!value && server_) {
    try {
      value = server_->getPreimage(key);
    } catch (const WaitInterrupted&) {
      throw;
    } catch (const Error& e) {
      std::string how = server_->exitDescription();
      throw Error(std::string(e.what()) + " while fetching " + keyTypeName(key[0]) + " preimage " + toHex(key) +
                  (how.empty() ? "" : " (server " + how + ")"));
    }
  }
  if (!value) throw Error("missing preimage for " + keyTypeName(key[0]) + " key " + toHex(key));
  checkPreimage(key, *value);
  return std::move(*value);
}

}  // namespace fpvm::preimage
