#include "common/byte_sink.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "common/error.hpp"
#include "common/file_io.hpp"

namespace fpvm {
namespace {
std::string sysError(const std::string& what, const std::string& path) { return what + " " + path + ": " + std::strerror(errno); }
void writeAllFd(int fd, const uint8_t* p, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      throw Error(sysError("cannot write", path));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}
}  // namespace

AtomicFileSink::AtomicFileSink(const std::string& path, bool gzip, unsigned mode) : path_(path), mode_(mode) {
  if (isSpecialFile(path)) {  // e.g. /dev/null: written in place, never replaced by a rename
    fd_ = openSpecialForWrite(path);
  } else {
    createTemporary();
  }
  if (gzip) {
    int dupFd = ::dup(fd_);
    gz_ = dupFd >= 0 ? gzdopen(dupFd, "wb6") : nullptr;
    if (!gz_) {
      ::close(fd_);
      fd_ = -1;
      if (!tmp_.empty()) ::unlink(tmp_.c_str());
      throw Error("cannot start gzip stream for " + path);
    }
  }
}

void AtomicFileSink::createTemporary() {
  std::filesystem::path target(path_);
  std::string dir = target.has_parent_path() ? target.parent_path().string() : std::string(".");
  std::string tmpl = dir + "/." + target.filename().string() + ".tmp-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  fd_ = ::mkstemp(name.data());
  if (fd_ < 0) throw Error(sysError("cannot create temporary file for", path_));
  tmp_ = name.data();
}

AtomicFileSink::~AtomicFileSink() {
  if (gz_) gzclose(static_cast<gzFile>(gz_));
  if (fd_ >= 0) {
    ::close(fd_);
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
  }
}

void AtomicFileSink::write(ByteView data) {
  if (fd_ < 0) throw Error("write to " + path_ + " after commit");
  if (gz_) {
    size_t off = 0;
    while (off < data.size()) {
      unsigned chunk = static_cast<unsigned>(std::min<size_t>(data.size() - off, 1u << 30));
      if (gzwrite(static_cast<gzFile>(gz_), data.data() + off, chunk) != static_cast<int>(chunk))
        throw Error("cannot write compressed data to " + path_);
      off += chunk;
    }
  } else {
    writeAllFd(fd_, data.data(), data.size(), path_);
  }
}

void AtomicFileSink::commit() {
  if (gz_) {
    int rc = gzclose(static_cast<gzFile>(gz_));
    gz_ = nullptr;
    if (rc != Z_OK) throw Error("cannot finish compressed file " + path_);
  }
  if (tmp_.empty()) {  // a special file written in place: nothing to sync or rename
    const int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) throw Error(sysError("cannot finish writing", path_));
    return;
  }
  if (::fchmod(fd_, mode_) != 0 || ::fsync(fd_) != 0) throw Error(sysError("cannot finish writing", path_));
  if (::close(fd_) != 0) {
    fd_ = -1;
    ::unlink(tmp_.c_str());
    throw Error(sysError("cannot finish writing", path_));
  }
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    int saved = errno;
    ::unlink(tmp_.c_str());
    errno = saved;
    throw Error(sysError("cannot rename temporary file onto", path_));
  }
}

void StdoutSink::write(ByteView data) { writeAllFd(1, data.data(), data.size(), "stdout"); }

}  // namespace fpvm
