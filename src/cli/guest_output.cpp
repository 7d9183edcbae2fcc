#include "cli/guest_output.hpp"

#include <cerrno>
#include <cstring>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/logfmt.hpp"

namespace fpvm::cli {

CliGuestOutput::CliGuestOutput(const std::string& stdoutPath, const std::string& stderrPath) {
  const std::string* paths[3] = {nullptr, &stdoutPath, &stderrPath};
  for (int fd = 1; fd <= 2; ++fd) {
    const std::string& p = *paths[fd];
    paths_[fd] = p;
    if (p.empty()) continue;
    if (p == "-") {
      files_[fd] = fd == 1 ? stdout : stderr;
    } else {
      files_[fd] = std::fopen(p.c_str(), "wbe");
      if (!files_[fd]) throw Error("cannot open guest output file " + p + ": " + std::strerror(errno));
      owned_[fd] = true;
    }
  }
}

CliGuestOutput::~CliGuestOutput() {
  for (int fd = 1; fd <= 2; ++fd)
    if (owned_[fd] && files_[fd]) std::fclose(files_[fd]);
}

void CliGuestOutput::write(unsigned fd, ByteView data) {
  if (fd > 2) return;
  if (files_[fd]) {
    if (std::fwrite(data.data(), 1, data.size(), files_[fd]) != data.size())
      throw Error("cannot write guest output to " + paths_[fd]);
    return;
  }
  // Logged per 4096-byte chunk with key `text` when printable, else `data` in hex.
  for (size_t off = 0; off < data.size(); off += 4096) {
    ByteView chunk = data.subspan(off, std::min<size_t>(4096, data.size() - off));
    bool printable = true;
    for (uint8_t c : chunk)
      if (!((c >= 0x20 && c < 0x7f) || c == '\n' || c == '\t')) printable = false;
    std::string value = printable ? std::string(chunk.begin(), chunk.end()) : toHex(chunk);
    logInfo(fd == 1 ? "stdout" : "stderr", {{printable ? "text" : "data", value}});
  }
}

void CliGuestOutput::finish() {
  for (int fd = 1; fd <= 2; ++fd)
    if (files_[fd] && std::fflush(files_[fd]) != 0) throw Error("cannot write guest output to " + paths_[fd]);
}

}  // namespace fpvm::cli
