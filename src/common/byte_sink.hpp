#pragma once
/// Streaming output: state files of a large guest are written page by page instead of being
/// built in memory first (which doubled peak memory).
#include <string>

#include "common/bytes.hpp"

namespace fpvm {

/// Receives bytes in order.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(ByteView data) = 0;
  void write(const std::string& s) { write(ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size())); }
};

/// Collects into memory.
class BytesSink final : public ByteSink {
 public:
  void write(ByteView data) override { bytes.insert(bytes.end(), data.begin(), data.end()); }
  using ByteSink::write;
  Bytes bytes;
};

/// Writes a file atomically: a temporary file in the same folder (optionally through gzip),
/// fsync'd and renamed onto `path` by commit(); without commit() the temporary file is removed.
/// An existing device, FIFO or socket (`/dev/null`) is written in place instead, never replaced.
class AtomicFileSink final : public ByteSink {
 public:
  AtomicFileSink(const std::string& path, bool gzip, unsigned mode = 0644);
  ~AtomicFileSink() override;
  AtomicFileSink(const AtomicFileSink&) = delete;
  AtomicFileSink& operator=(const AtomicFileSink&) = delete;
  void write(ByteView data) override;
  using ByteSink::write;
  /// Flushes, syncs and renames; throws Error naming the path on failure.
  void commit();

 private:
  void createTemporary();

  std::string path_, tmp_;  ///< tmp_ is empty when writing a special file in place
  int fd_ = -1;
  void* gz_ = nullptr;  // gzFile when compressing
  unsigned mode_;
};

/// Writes to this process's stdout.
class StdoutSink final : public ByteSink {
 public:
  void write(ByteView data) override;
  using ByteSink::write;
};

}  // namespace fpvm
