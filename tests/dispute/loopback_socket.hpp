#pragma once
/// Socket helpers shared by the loopback test peers (hostile_peer, scripted_rpc_peer).
#include <cstdint>
#include <string>

namespace fpvm::test::dispute {

/// A listening TCP socket on 127.0.0.1 with a free port (stored in `port`); throws
/// std::runtime_error naming `who` when it cannot be made.
int listenOnLoopback(uint16_t& port, const std::string& who);
/// Waits up to 50 ms for `fd` to become readable (or closed).
bool readable(int fd);

}  // namespace fpvm::test::dispute
