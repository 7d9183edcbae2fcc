// Fuzz target: the JSON-RPC parsers that read data from the network — positional params
// (server/params), validation inputs (server/validation_input: base64/hex keys and values,
// preimage checks) and getMachineHashesWithStepSize answers (rpc/hash_array). Any input is
// accepted or refused with RpcError / RpcError / fpvm::Error, never a crash or another
// exception; an accepted input survives its own encoding unchanged.
#include <algorithm>
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "rpc/hash_array.hpp"
#include "fuzz_check.hpp"
#include "rpc/params.hpp"
#include "rpc/rpc_error.hpp"
#include "runs/validation_input.hpp"

namespace {

using fpvm::rpc::Json;

void hashAnswer(std::string_view text) {
  std::vector<fpvm::Hash32> hashes;
  try {
    hashes = fpvm::rpc::parseHashArrayResponse(text, "fuzz");
  } catch (const fpvm::rpc::RpcError&) {
    return;
  } catch (const fpvm::Error&) {
    return;
  }
  std::string again = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[";
  for (size_t i = 0; i < hashes.size(); ++i) again += (i ? ",\"" : "\"") + fpvm::toHex(hashes[i]) + "\"";
  again += "]}";
  FUZZ_CHECK(fpvm::rpc::parseHashArrayResponse(again, "re") == hashes);
}

void input(const Json& j) {
  fpvm::runs::ValidationInput in;
  try {
    in = fpvm::runs::parseValidationInput(j, "params[0] (input)");
  } catch (const fpvm::rpc::RpcError&) {
    return;
  }
  const fpvm::runs::ValidationInput again = fpvm::runs::parseValidationInput(fpvm::runs::encodeValidationInput(in), "re");
  FUZZ_CHECK(again.digest == in.digest);
  FUZZ_CHECK(again.locals == in.locals);
  FUZZ_CHECK(again.preimages == in.preimages);
  FUZZ_CHECK(again.preimageBytes == in.preimageBytes);
}

void params(const Json& request) {
  const Json* params = request.is_object() && request.contains("params") ? &request["params"] : &request;
  try {
    fpvm::rpc::Params p("validation_fuzz", params);
    for (size_t i = 0; i < std::min<size_t>(p.size(), 4); ++i) {
      try {
        p.u64(i, "n");
      } catch (const fpvm::rpc::RpcError&) {
      }
      try {
        p.hash(i, "h");
      } catch (const fpvm::rpc::RpcError&) {
      }
      try {
        p.string(i, "s");
      } catch (const fpvm::rpc::RpcError&) {
      }
      if (p.at(i).is_object()) input(p.at(i));
    }
  } catch (const fpvm::rpc::RpcError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  hashAnswer(text);
  const Json j = Json::parse(text, nullptr, false);
  if (j.is_discarded()) return 0;
  params(j);
  if (j.is_object()) input(j);
  return 0;
}
