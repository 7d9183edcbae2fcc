// BlockPool (the allocator behind guest pages) and MappedFile (how state files are read).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "common/block_pool.hpp"
#include "common/error.hpp"
#include "common/mapped_file.hpp"
#include "test_support/scratch_dir.hpp"

namespace fpvm {
namespace {

TEST(BlockPool, BlocksAreDistinctAlignedAndWritable) {
  BlockPool pool(4146);
  EXPECT_EQ(pool.blockSize(), 4160u);  // rounded up to 64
  std::vector<uint8_t*> blocks;
  // More blocks than one 2 MiB chunk holds, so a second chunk is mapped.
  const size_t count = 2 * (BlockPool::kChunkBytes / pool.blockSize()) + 3;
  for (size_t i = 0; i < count; ++i) {
    auto* b = static_cast<uint8_t*>(pool.allocate());
    EXPECT_EQ(reinterpret_cast<uintptr_t>(b) % 64, 0u);
    std::memset(b, static_cast<int>(i & 0xff), pool.blockSize());
    blocks.push_back(b);
  }
  std::set<uint8_t*> distinct(blocks.begin(), blocks.end());
  EXPECT_EQ(distinct.size(), blocks.size());
  for (size_t i = 0; i < count; ++i) {  // no block overlaps another: each kept its own fill
    EXPECT_EQ(blocks[i][0], static_cast<uint8_t>(i & 0xff));
    EXPECT_EQ(blocks[i][pool.blockSize() - 1], static_cast<uint8_t>(i & 0xff));
  }
  for (uint8_t* b : blocks) pool.release(b);
}

TEST(BlockPool, ReleasedBlocksAreReused) {
  BlockPool pool(100);
  void* a = pool.allocate();
  pool.release(a);
  void* b = pool.allocate();
  if (BlockPool::kPooled) {
    EXPECT_EQ(a, b);
  }
  pool.release(b);
  pool.release(nullptr);  // a no-op, as delete nullptr
}

TEST(BlockPool, ThreadsAllocateAndReleaseConcurrently) {
  BlockPool pool(4096);
  std::vector<std::thread> threads;
  std::vector<std::vector<void*>> kept(4);
  for (unsigned t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (unsigned i = 0; i < 2000; ++i) {
        void* b = pool.allocate();
        std::memset(b, static_cast<int>(t), 4096);
        if (i % 2) pool.release(b);
        else kept[t].push_back(b);
      }
    });
  for (auto& th : threads) th.join();
  std::set<void*> all;
  for (unsigned t = 0; t < 4; ++t)
    for (void* b : kept[t]) {
      EXPECT_EQ(static_cast<uint8_t*>(b)[4095], t);  // nobody else wrote into a kept block
      all.insert(b);
      pool.release(b);
    }
  EXPECT_EQ(all.size(), 4u * 1000u);
}

class MappedFileTest : public ::testing::Test {
 protected:
  test::ScratchDir dir_{"fpvm-mapped"};
};

TEST_F(MappedFileTest, MapsARegularFile) {
  const auto path = dir_ / "data.bin";
  std::vector<uint8_t> data(3 * 4096 + 17);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 7);
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  const MappedFile f(path);
  ASSERT_EQ(f.bytes().size(), data.size());
  EXPECT_EQ(std::memcmp(f.bytes().data(), data.data(), data.size()), 0);
}

TEST_F(MappedFileTest, EmptyFileHasNoBytes) {
  const auto path = dir_ / "empty";
  std::ofstream(path).close();
  EXPECT_TRUE(MappedFile(path).bytes().empty());
}

TEST_F(MappedFileTest, ReadsAPipe) {
  const auto path = dir_ / "fifo";
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  std::thread writer([&] {
    const int fd = ::open(path.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    std::vector<uint8_t> chunk(100000, 0x5a);
    size_t off = 0;
    while (off < chunk.size()) off += static_cast<size_t>(::write(fd, chunk.data() + off, chunk.size() - off));
    ::close(fd);
  });
  const MappedFile f(path);
  writer.join();
  ASSERT_EQ(f.bytes().size(), 100000u);
  EXPECT_EQ(f.bytes()[99999], 0x5a);
}

TEST_F(MappedFileTest, ErrorsNameThePath) {
  const auto missing = dir_ / "missing.bin";
  try {
    MappedFile f(missing);
    FAIL() << "a missing file was mapped";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open " + missing), std::string::npos) << e.what();
  }
  try {
    MappedFile f(dir_.path().string());
    FAIL() << "a directory was mapped";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("is a directory"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace fpvm
