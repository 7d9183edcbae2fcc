#include "runs/input_oracle.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "preimage/keys.hpp"

namespace fpvm::runs {

InputOracle::InputOracle(std::shared_ptr<const ValidationInput> input, const std::vector<std::string>& serverCommand,
                         const preimage::ServerLimits& limits)
    : input_(std::move(input)), command_(serverCommand), limits_(limits) {}

InputOracle::~InputOracle() {
  if (server_) server_->shutdown();
}

void InputOracle::hint(ByteView hint) {
  if (command_.empty()) return;  // inline data needs no hints
  if (!server_) server_ = std::make_unique<preimage::ServerProcess>(command_, limits_);
  server_->hint(hint);
}

Bytes InputOracle::getPreimage(const Hash32& key) {
  if (key[0] == static_cast<uint8_t>(preimage::KeyType::Local)) {
    bool plainIndex = std::all_of(key.b.begin() + 1, key.b.begin() + 24, [](uint8_t b) { return b == 0; });
    if (plainIndex) {
      auto it = input_->locals.find(getBE64(key.data() + 24));
      if (it != input_->locals.end()) return it->second;
    }
  }
  auto it = input_->preimages.find(key);
  if (it != input_->preimages.end()) return it->second;
  if (!command_.empty()) {
    if (!server_) server_ = std::make_unique<preimage::ServerProcess>(command_, limits_);
    Bytes value;
    try {
      value = server_->getPreimage(key);
    } catch (const Error& e) {
      std::string how = server_->exitDescription();
      throw Error(std::string(e.what()) + " while fetching " + preimage::keyTypeName(key[0]) + " preimage " + toHex(key) +
                  (how.empty() ? "" : " (preimage server " + how + ")"));
    }
    preimage::checkPreimage(key, value);
    return value;
  }
  throw Error("missing preimage for " + preimage::keyTypeName(key[0]) + " key " + toHex(key) +
              " (not in the input and no preimage server configured)");
}

}  // namespace fpvm::runs
