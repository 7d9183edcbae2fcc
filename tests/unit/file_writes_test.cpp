// Atomic file writes (writeFileAtomic, AtomicFileSink) never replace a device, FIFO or socket
// with a regular file: `--output /dev/null` run as root once turned /dev/null into a file.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <thread>

#include "common/byte_sink.hpp"
#include "common/bytes.hpp"
#include "common/file_io.hpp"
#include "test_support/scratch_dir.hpp"

namespace fpvm {
namespace {

class SpecialFileWrites : public ::testing::Test {
 protected:
  static bool isFifo(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISFIFO(st.st_mode);
  }
  /// Reads everything written into a FIFO on another thread. The reader holds the FIFO through a
  /// second name, so a writer that wrongly replaced the first name cannot leave it blocked.
  struct FifoReader {
    std::string path, spare;
    std::string got;
    std::thread thread;
    explicit FifoReader(const std::string& p) : path(p), spare(p + ".spare") {
      EXPECT_EQ(::link(path.c_str(), spare.c_str()), 0);
      thread = std::thread([this] {
        const int fd = ::open(spare.c_str(), O_RDONLY);
        if (fd < 0) return;
        char buf[4096];
        for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
        ::close(fd);
      });
    }
    /// Waits for the reader; unblocks it first when nothing wrote into the FIFO.
    void finish() {
      if (!isFifo(path)) ::close(::open(spare.c_str(), O_WRONLY));
      thread.join();
      ::unlink(spare.c_str());
    }
  };
  test::ScratchDir dir_{"fpvm-special"};
};

TEST_F(SpecialFileWrites, WriteFileAtomicWritesIntoAFifo) {
  const std::string path = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  EXPECT_TRUE(isSpecialFile(path));
  FifoReader reader(path);
  const std::string text = "state bytes";
  writeFileAtomic(path, ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  reader.finish();
  EXPECT_EQ(reader.got, text);
  EXPECT_TRUE(isFifo(path)) << "the FIFO was replaced by a regular file";
}

TEST_F(SpecialFileWrites, AtomicFileSinkWritesIntoAFifoPlainAndGzipped) {
  const std::string path = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  for (const bool gzip : {false, true}) {
    FifoReader reader(path);
    {
      AtomicFileSink sink(path, gzip);
      sink.write(std::string(10000, 'x'));
      sink.commit();
    }
    reader.finish();
    if (gzip) {
      ASSERT_FALSE(reader.got.empty());
      EXPECT_EQ(static_cast<uint8_t>(reader.got[0]), 0x1f);  // gzip magic
    } else {
      EXPECT_EQ(reader.got, std::string(10000, 'x'));
    }
    EXPECT_TRUE(isFifo(path)) << "the FIFO was replaced by a regular file";
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.path()), std::filesystem::directory_iterator()), 1)
      << "a temporary file was left behind";
}

TEST_F(SpecialFileWrites, ANullDeviceStaysADevice) {
  // A null device of our own (root only: mknod), so a failure cannot break the machine's /dev/null.
  const std::string path = dir_ / "null";
  if (::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) GTEST_SKIP() << "SKIPPED: mknod needs root";
  writeFileAtomic(path, Bytes(100, 1));
  {
    AtomicFileSink sink(path, false);
    sink.write(Bytes(100, 2));
    sink.commit();
  }
  struct stat st {};
  ASSERT_EQ(::lstat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode)) << "the device was replaced by a regular file";
}

TEST_F(SpecialFileWrites, RegularFilesAreStillReplacedAtomically) {
  const std::string path = dir_ / "state.bin";
  writeFileAtomic(path, Bytes(10, 1));
  const Bytes second(20, 2);
  writeFileAtomic(path, second);
  EXPECT_EQ(readFile(path), second);
  EXPECT_FALSE(isSpecialFile(path));
  EXPECT_FALSE(isSpecialFile(dir_ / "missing"));
}

}  // namespace
}  // namespace fpvm
