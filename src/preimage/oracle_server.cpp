#include "preimage/oracle_server.hpp"

#include <poll.h>

#include <cerrno>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/logfmt.hpp"
#include "preimage/pipe_io.hpp"

namespace fpvm::preimage {

void serveOracle(OracleServerHandler& handler, ServerFds fds) {
  bool hintOpen = true, keyOpen = true;
  while (hintOpen || keyOpen) {
    pollfd p[2] = {{hintOpen ? fds.hintIn : -1, POLLIN, 0}, {keyOpen ? fds.keyIn : -1, POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      throw Error("poll failed in preimage server");
    }
    if (hintOpen && (p[0].revents & (POLLIN | POLLHUP))) {
      uint8_t lenBuf[4];
      if (!readExact(fds.hintIn, lenBuf, 4)) {
        hintOpen = false;
      } else {
        Bytes hint(getBE32(lenBuf));
        if (!readExact(fds.hintIn, hint.data(), hint.size())) throw Error("hint channel closed mid-hint");
        try {
          handler.onHint(hint);
        } catch (const Error& e) {
          logWarn("hint failed", {{"err", e.what()}});
        }
        uint8_t ack = 0;
        writeAll(fds.hintAck, ByteView(&ack, 1));
      }
    }
    if (keyOpen && (p[1].revents & (POLLIN | POLLHUP))) {
      Hash32 key;
      if (!readExact(fds.keyIn, key.data(), 32)) {
        keyOpen = false;
      } else {
        std::optional<Bytes> v = handler.onPreimage(key);
        if (!v) throw Error("preimage server has no preimage for key " + toHex(key));
        Bytes msg(8 + v->size());
        putBE64(msg.data(), v->size());
        std::copy(v->begin(), v->end(), msg.begin() + 8);
        writeAll(fds.valueOut, msg);
      }
    }
  }
}

}  // namespace fpvm::preimage
