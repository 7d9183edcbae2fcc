#include "cli/cannon_host.hpp"

#include "common/hex.hpp"
#include "common/logfmt.hpp"

namespace fpvm::cli {

Bytes CannonOracle::getPreimage(const Hash32& key) {
  ++requests_;
  Bytes value = host_.getPreimage(key);
  totalSize_ += value.size();
  return value;
}

CannonGuestOutput::CannonGuestOutput(const std::string& stdoutPath, const std::string& stderrPath)
    : files_(stdoutPath, stderrPath) {
  toFile_[1] = !stdoutPath.empty();
  toFile_[2] = !stderrPath.empty();
}

void CannonGuestOutput::write(uint64_t fd, ByteView data) {
  if (fd != 1 && fd != 2) return;
  if (toFile_[fd]) {
    files_.write(static_cast<unsigned>(fd), data);
    return;
  }
  // Cannon's LoggingWriter: "text" when every byte is printable ASCII, \n or \t, else "data" in hex.
  bool printable = true;
  for (uint8_t c : data)
    if ((c < 0x20 || c >= 0x7f) && c != '\n' && c != '\t') printable = false;
  const std::string value = printable ? std::string(data.begin(), data.end()) : toHex(data);
  logInfo("", {{"module", "guest"}, {"stream", fd == 1 ? "stdout" : "stderr"}, {printable ? "text" : "data", value}});
}

}  // namespace fpvm::cli
