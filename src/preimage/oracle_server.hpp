#pragma once
/// The server side of the host protocol (spec §6.2), for preimage servers written in C++ (the
/// example chain host, test servers): reads hints on fd 3 (acks on 4) and keys on fd 5 (values on 6).
#include <optional>

#include "common/bytes.hpp"

namespace fpvm::preimage {

/// What a server does with requests.
class OracleServerHandler {
 public:
  virtual ~OracleServerHandler() = default;
  /// A hint arrived; prepare data. Errors are logged by the caller and the hint is still acked.
  virtual void onHint(ByteView hint) = 0;
  /// The value of `key`, or nullopt when the server does not have it.
  virtual std::optional<Bytes> onPreimage(const Hash32& key) = 0;
};

/// Channel file descriptors (defaults: the server's 3/4/5/6).
struct ServerFds {
  int hintIn = 3, hintAck = 4, keyIn = 5, valueOut = 6;
};

/// Serves until both input channels reach EOF. A key the handler does not know ends the loop
/// with an Error naming the key (the host then sees the server exit).
void serveOracle(OracleServerHandler& handler, ServerFds fds = {});

}  // namespace fpvm::preimage
