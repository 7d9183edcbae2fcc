#include "common/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.hpp"

namespace fpvm {
namespace {
std::string sysError(const std::string& what, const std::string& path) { return what + " " + path + ": " + std::strerror(errno); }
}  // namespace

Bytes readFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(sysError("cannot open", path));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    throw Error(sysError("cannot stat", path));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw Error("cannot read " + path + ": is a directory");
  }
  Bytes out;
  out.reserve(static_cast<size_t>(st.st_size));
  uint8_t buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      throw Error(sysError("cannot read", path));
    }
    if (n == 0) break;
    out.insert(out.end(), buf, buf + n);
  }
  ::close(fd);
  return out;
}

bool isSpecialFile(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

int openSpecialForWrite(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) throw Error(sysError("cannot open", path));
  return fd;
}

void writeFileAtomic(const std::string& path, ByteView data, unsigned mode) {
  if (isSpecialFile(path)) {  // e.g. /dev/null: write into it, never rename a file onto it
    const int fd = openSpecialForWrite(path);
    for (size_t off = 0; off < data.size();) {
      const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
        throw Error(sysError("cannot write", path));
      }
      off += static_cast<size_t>(n);
    }
    ::close(fd);
    return;
  }
  std::filesystem::path target(path);
  std::string dir = target.has_parent_path() ? target.parent_path().string() : std::string(".");
  std::string tmpl = dir + "/." + target.filename().string() + ".tmp-XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) throw Error(sysError("cannot create temporary file for", path));
  const uint8_t* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int saved = errno;
      ::close(fd);
      ::unlink(name.data());
      errno = saved;
      throw Error(sysError("cannot write", path));
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::fchmod(fd, mode) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) {
    int saved = errno;
    ::unlink(name.data());
    errno = saved;
    throw Error(sysError("cannot finish writing", path));
  }
  if (::rename(name.data(), path.c_str()) != 0) {
    int saved = errno;
    ::unlink(name.data());
    errno = saved;
    throw Error(sysError("cannot rename temporary file onto", path));
  }
}

bool fileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace fpvm
