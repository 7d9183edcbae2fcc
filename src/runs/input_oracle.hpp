#pragma once
/// The preimage oracle of one server-side run: the input's local values and preimages, then
/// (optionally) a preimage-server subprocess for anything not supplied inline. Values from the
/// subprocess are checked against their key; inline ones were checked when the input was parsed.
#include <memory>
#include <string>
#include <vector>

#include "preimage/server_process.hpp"
#include "runs/validation_input.hpp"
#include "vm/preimage_oracle.hpp"

namespace fpvm::runs {

class InputOracle final : public vm::PreimageOracle {
 public:
  /// `serverCommand` empty = inline data only (a missing preimage is an Error naming its key).
  InputOracle(std::shared_ptr<const ValidationInput> input, const std::vector<std::string>& serverCommand,
              const preimage::ServerLimits& limits);
  ~InputOracle() override;
  void hint(ByteView hint) override;
  Bytes getPreimage(const Hash32& key) override;
  bool hasServer() const { return !command_.empty(); }

 private:
  std::shared_ptr<const ValidationInput> input_;
  std::vector<std::string> command_;
  preimage::ServerLimits limits_;
  std::unique_ptr<preimage::ServerProcess> server_;  ///< started on first use
};

}  // namespace fpvm::runs
