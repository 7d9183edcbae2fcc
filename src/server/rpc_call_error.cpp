#include "server/rpc_call_error.hpp"

namespace fpvm::server {

RpcCallError rpcCallErrorFrom(const nlohmann::json& error) {
  int code = 0;
  std::string message;
  if (error.is_object()) {
    auto c = error.find("code");
    if (c != error.end() && c->is_number_integer()) code = static_cast<int>(c->get<int64_t>());
    auto m = error.find("message");
    if (m != error.end()) message = m->is_string() ? m->get<std::string>() : m->dump();
  } else {
    message = error.dump();
  }
  if (message.empty()) message = "error answer without a message: " + error.dump();
  return RpcCallError(code, message);
}

}  // namespace fpvm::server
