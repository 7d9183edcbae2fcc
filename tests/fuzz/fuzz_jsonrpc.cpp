// Fuzz target: the JSON-RPC parsers that read data from the network — positional params
// (server/params), validation inputs (server/validation_input: base64/hex keys and values,
// preimage checks) and getMachineHashesWithStepSize answers (dispute/hash_list). Any input is
// accepted or refused with RpcError / RpcCallError / fpvm::Error, never a crash or another
// exception; an accepted input survives its own encoding unchanged.
#include <algorithm>
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "dispute/hash_list.hpp"
#include "fuzz_check.hpp"
#include "server/params.hpp"
#include "server/rpc_call_error.hpp"
#include "server/rpc_error.hpp"
#include "server/validation_input.hpp"

namespace {

using fpvm::server::Json;

void hashAnswer(std::string_view text) {
  std::vector<fpvm::Hash32> hashes;
  try {
    hashes = fpvm::dispute::parseHashArrayResponse(text, "fuzz");
  } catch (const fpvm::server::RpcCallError&) {
    return;
  } catch (const fpvm::Error&) {
    return;
  }
  std::string again = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":[";
  for (size_t i = 0; i < hashes.size(); ++i) again += (i ? ",\"" : "\"") + fpvm::toHex(hashes[i]) + "\"";
  again += "]}";
  FUZZ_CHECK(fpvm::dispute::parseHashArrayResponse(again, "re") == hashes);
}

void input(const Json& j) {
  fpvm::server::ValidationInput in;
  try {
    in = fpvm::server::parseValidationInput(j, "params[0] (input)");
  } catch (const fpvm::server::RpcError&) {
    return;
  }
  const fpvm::server::ValidationInput again = fpvm::server::parseValidationInput(fpvm::server::encodeValidationInput(in), "re");
  FUZZ_CHECK(again.digest == in.digest);
  FUZZ_CHECK(again.locals == in.locals);
  FUZZ_CHECK(again.preimages == in.preimages);
  FUZZ_CHECK(again.preimageBytes == in.preimageBytes);
}

void params(const Json& request) {
  const Json* params = request.is_object() && request.contains("params") ? &request["params"] : &request;
  try {
    fpvm::server::Params p("validation_fuzz", params);
    for (size_t i = 0; i < std::min<size_t>(p.size(), 4); ++i) {
      try {
        p.u64(i, "n");
      } catch (const fpvm::server::RpcError&) {
      }
      try {
        p.hash(i, "h");
      } catch (const fpvm::server::RpcError&) {
      }
      try {
        p.string(i, "s");
      } catch (const fpvm::server::RpcError&) {
      }
      if (p.at(i).is_object()) input(p.at(i));
    }
  } catch (const fpvm::server::RpcError&) {
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
