#include "common/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.hpp"

namespace fpvm {

namespace {

/// Closes a descriptor when it goes out of scope.
struct FdCloser {
  int fd;
  ~FdCloser() { ::close(fd); }
};

}  // namespace

MappedFile::MappedFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error("cannot open " + path + ": " + std::strerror(errno));
  const FdCloser closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) != 0) throw Error("cannot stat " + path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw Error("cannot read " + path + ": is a directory");
  if (!S_ISREG(st.st_mode)) {  // a pipe or device: read it
    uint8_t buf[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw Error("cannot read " + path + ": " + std::strerror(errno));
      if (n == 0) break;
      owned_.insert(owned_.end(), buf, buf + n);
    }
    data_ = owned_.data();
    size_ = owned_.size();
    return;
  }
  size_ = static_cast<size_t>(st.st_size);
  if (size_ == 0) return;  // nothing to map; bytes() is empty
  void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED) throw Error("cannot map " + path + ": " + std::strerror(errno));
  mapping_ = p;
  data_ = static_cast<const uint8_t*>(p);
}

MappedFile::~MappedFile() {
  if (mapping_) munmap(mapping_, size_);
}

}  // namespace fpvm
