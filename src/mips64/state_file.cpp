#include "mips64/state_file.hpp"

#include <cstring>
#include <set>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/gzip.hpp"
#include "mips64/arch.hpp"

namespace fpvm::mips64 {

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

/// Largest page index of the 64-bit address space.
constexpr uint64_t kMaxPageIndex = (uint64_t(1) << (64 - kPageBits)) - 1;

/// Sequential big-endian reads with a message naming the field that is cut short.
struct Reader {
  ByteView d;
  const std::string& what;
  size_t pos = 0;

  size_t left() const { return d.size() - pos; }
  void need(uint64_t n, const char* field) const {
    if (n > left()) throw Error(what + ": truncated state file (reading " + field + ")");
  }
  uint64_t u64(const char* field) {
    need(8, field);
    const uint64_t v = getBE64(d.data() + pos);
    pos += 8;
    return v;
  }
  uint32_t u32(const char* field) {
    need(4, field);
    const uint32_t v = getBE32(d.data() + pos);
    pos += 4;
    return v;
  }
  uint8_t u8(const char* field) {
    need(1, field);
    return d[pos++];
  }
  bool boolean(const char* field) {
    const uint8_t v = u8(field);
    if (v > 1) throw Error(what + ": invalid boolean value " + std::to_string(v) + " for " + field + " (must be 0 or 1)");
    return v == 1;
  }
  ByteView take(uint64_t n, const char* field) {
    need(n, field);
    ByteView v = d.subspan(pos, n);
    pos += n;
    return v;
  }
};

void readStack(Reader& r, ThreadStack& stack, const char* countField, const char* recordField) {
  const uint64_t count = r.u64(countField);
  if (count > r.left() / kThreadRecordSize)
    throw Error(r.what + ": truncated state file (" + countField + " " + std::to_string(count) + " exceeds the file size)");
  for (uint64_t i = 0; i < count; ++i) stack.push(decodeThread(r.take(kThreadRecordSize, recordField)));
}

void writeStack(ByteSink& sink, const ThreadStack& stack) {
  uint8_t n[8];
  putBE64(n, stack.size());
  sink.write(ByteView(n, 8));
  for (size_t i = 0; i < stack.size(); ++i) {
    const ThreadRecord rec = encodeThread(stack.at(i));
    sink.write(ByteView(rec.data(), rec.size()));
  }
}

}  // namespace

std::string stateVersionName(uint8_t version) {
  static const char* const kNames[] = {"singlethreaded",    "multithreaded",     "singlethreaded-2",
                                       "multithreaded64",   "multithreaded64-2", "multithreaded-2",
                                       "multithreaded64-3", "multithreaded64-4", "multithreaded64-5"};
  return version < std::size(kNames) ? kNames[version] : "unknown";
}

bool isBinaryStateName(const std::string& path) { return endsWith(path, ".bin") || endsWith(path, ".bin.gz"); }

void streamState(const State& st, ByteSink& sink) {
  uint8_t b[8];
  auto u64 = [&](uint64_t v) {
    putBE64(b, v);
    sink.write(ByteView(b, 8));
  };
  auto u8 = [&](uint8_t v) { sink.write(ByteView(&v, 1)); };
  u8(kStateVersion);
  const std::vector<uint64_t> pages = st.memory.pageIndices();
  u64(pages.size());
  Bytes page(kPageSize);
  for (uint64_t index : pages) {
    u64(index);
    st.memory.readBytes(index << kPageBits, page.data(), page.size());
    sink.write(page);
  }
  sink.write(ByteView(st.preimageKey.data(), 32));
  u64(st.preimageOffset);
  u64(st.heap);
  u8(st.llReservationStatus);
  u64(st.llAddress);
  u64(st.llOwnerThread);
  u8(st.exitCode);
  u8(st.exited ? 1 : 0);
  u64(st.step);
  u64(st.stepsSinceLastContextSwitch);
  u8(st.traverseRight ? 1 : 0);
  u64(st.nextThreadId);
  writeStack(sink, st.leftThreadStack);
  writeStack(sink, st.rightThreadStack);
  putBE32(b, static_cast<uint32_t>(st.lastHint.size()));
  sink.write(ByteView(b, 4));
  sink.write(st.lastHint);
}

Bytes encodeState(const State& state) {
  BytesSink sink;
  streamState(state, sink);
  return std::move(sink.bytes);
}

State decodeState(ByteView data, const std::string& what) {
  Reader r{data, what};
  const uint8_t version = r.u8("state version");
  if (version != kStateVersion)
    throw Error(what + ": unsupported state version " + std::to_string(version) + " (" + stateVersionName(version) +
                "): only version " + std::to_string(kStateVersion) + " (" + kStateVersionName + ") is supported");
  State st;
  const uint64_t pageCount = r.u64("page count");
  if (pageCount > r.left() / (8 + kPageSize))
    throw Error(what + ": truncated state file (page count " + std::to_string(pageCount) + " exceeds the file size)");
  std::set<uint64_t> seen;
  for (uint64_t i = 0; i < pageCount; ++i) {
    const uint64_t index = r.u64("page index");
    if (index > kMaxPageIndex)
      throw Error(what + ": page index " + std::to_string(index) + " is beyond the 64-bit address space");
    if (!seen.insert(index).second) throw Error(what + ": duplicate page index " + std::to_string(index));
    const ByteView bytes = r.take(kPageSize, "page data");
    st.memory.allocatePage(index);
    st.memory.writeBytes(index << kPageBits, bytes.data(), bytes.size());
  }
  std::memcpy(st.preimageKey.data(), r.take(32, "preimageKey").data(), 32);
  st.preimageOffset = r.u64("preimageOffset");
  st.heap = r.u64("heap");
  st.llReservationStatus = r.u8("llReservationStatus");
  st.llAddress = r.u64("llAddress");
  st.llOwnerThread = r.u64("llOwnerThread");
  st.exitCode = r.u8("exitCode");
  st.exited = r.boolean("exited");
  st.step = r.u64("step");
  st.stepsSinceLastContextSwitch = r.u64("stepsSinceLastContextSwitch");
  st.traverseRight = r.boolean("traverseRight");
  st.nextThreadId = r.u64("nextThreadId");
  readStack(r, st.leftThreadStack, "left thread stack size", "left thread stack");
  readStack(r, st.rightThreadStack, "right thread stack size", "right thread stack");
  const uint32_t hintLength = r.u32("lastHint length");
  const ByteView hint = r.take(hintLength, "lastHint");
  st.lastHint.assign(hint.begin(), hint.end());
  if (r.left() != 0) throw Error(what + ": " + std::to_string(r.left()) + " unexpected bytes after the state");
  return st;
}

namespace {

Bytes readDecompressed(const std::string& path) {
  Bytes raw = readFile(path);
  if (endsWith(path, ".gz")) raw = gzipDecompress(raw, path.c_str());
  return raw;
}

}  // namespace

uint8_t detectStateVersion(const std::string& path) {
  if (!isBinaryStateName(path)) return 0;
  const Bytes raw = readDecompressed(path);
  if (raw.empty()) throw Error(path + ": empty state file (no version byte)");
  return raw[0];
}

State readStateFile(const std::string& path) {
  if (!isBinaryStateName(path))
    throw Error(path + ": unsupported version: singlethreaded (state files must end in .bin or .bin.gz)");
  return decodeState(readDecompressed(path), path);
}

void writeStateFile(const State& state, const std::string& path) {
  if (path.empty()) return;
  if (!isBinaryStateName(path))
    throw Error("cannot write " + path + ": json not supported (state files must end in .bin or .bin.gz)");
  AtomicFileSink file(path, endsWith(path, ".gz"), 0755);
  streamState(state, file);
  file.commit();
}

}  // namespace fpvm::mips64
