#pragma once
/// Blocking pipe I/O with a deadline and a liveness check of the peer process, so that a host
/// never hangs on a server that died or stopped answering.
#include <chrono>
#include <functional>

#include "common/bytes.hpp"

namespace fpvm::preimage {

using Clock = std::chrono::steady_clock;

/// Returns false once the peer is known to be gone.
using PeerAlive = std::function<bool()>;

/// Writes all of `data` to `fd`; throws Error mentioning `what` on timeout, EOF or peer exit.
void writeAllBefore(int fd, ByteView data, Clock::time_point deadline, const PeerAlive& alive, const char* what);
/// Reads exactly `n` bytes from `fd`; throws Error mentioning `what` on timeout, EOF or peer exit.
void readExactBefore(int fd, uint8_t* out, size_t n, Clock::time_point deadline, const PeerAlive& alive, const char* what);
/// Plain blocking helpers for the server side (no deadline). Return false on EOF before the
/// first byte; throw Error on a short read or I/O error.
bool readExact(int fd, uint8_t* out, size_t n);
void writeAll(int fd, ByteView data);

}  // namespace fpvm::preimage
