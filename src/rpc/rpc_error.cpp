#include "rpc/rpc_error.hpp"

namespace fpvm::rpc {

RpcError RpcError::fromAnswer(const nlohmann::json& error) {
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
  return RpcError(code, message, /*received=*/true);
}

}  // namespace fpvm::rpc
