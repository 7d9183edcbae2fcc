#include "image/state_file.hpp"

#include <unistd.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "common/byte_sink.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/gzip.hpp"
#include "common/hex.hpp"
#include "common/mapped_file.hpp"

namespace fpvm::image {

using namespace vm;  // images are VM states: the core's types throughout
namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

constexpr uint64_t kMaxPageIndex = (uint64_t(1) << 52) - 1;
/// Marks the optional fpvm trailer after the Asterisc fields of a binary state.
constexpr uint8_t kExtensionMagic[8] = {'F', 'P', 'V', 'M', 'E', 'X', 'T', '1'};

// Go's encoding/json escapes <, >, & and U+2028/2029; our strings are hex/base64 only, so a plain
// quote suffices for every value this writer emits.
void appendQuoted(std::string& out, const std::string& s) {
  out += '"';
  out += s;
  out += '"';
}

struct BinReader {
  ByteView d;
  const std::string& what;
  size_t pos = 0;
  void need(size_t n, const char* field) {
    if (n > d.size() - pos) throw Error(what + ": truncated binary state (reading " + field + ")");
  }
  uint64_t u64(const char* field) {
    need(8, field);
    uint64_t v = getBE64(d.data() + pos);
    pos += 8;
    return v;
  }
  uint32_t u32(const char* field) {
    need(4, field);
    uint32_t v = getBE32(d.data() + pos);
    pos += 4;
    return v;
  }
  uint8_t u8(const char* field) {
    need(1, field);
    return d[pos++];
  }
  void bytes(uint8_t* out, size_t n, const char* field) {
    need(n, field);
    std::memcpy(out, d.data() + pos, n);
    pos += n;
  }
};

}  // namespace

StateFormat StateFormat::fromPath(const std::string& path) {
  StateFormat f;
  f.gzip = endsWith(path, ".gz");
  f.binary = endsWith(path, ".bin") || endsWith(path, ".bin.gz");
  return f;
}

void streamStateJson(const VmState& st, ByteSink& sink) {
  const auto pages = st.memory.pageIndices();
  std::string out = "{\n  \"memory\": [";
  for (size_t i = 0; i < pages.size(); ++i) {
    const merkle::Page* p = st.memory.findPage(pages[i]);
    out += i ? ",\n    {\n      \"index\": " : "\n    {\n      \"index\": ";
    out += std::to_string(pages[i]);
    out += ",\n      \"data\": ";
    appendQuoted(out, toHex(ByteView(p->data, merkle::kPageSize), false));
    out += "\n    }";
    if (out.size() >= (1 << 20)) {  // stream: never hold more than ~1 MiB of text
      sink.write(out);
      out.clear();
    }
  }
  out += pages.empty() ? "],\n" : "\n  ],\n";
  out += "  \"preimageKey\": ";
  appendQuoted(out, toHex(st.preimageKey));
  out += ",\n  \"preimageOffset\": " + std::to_string(st.preimageOffset);
  out += ",\n  \"pc\": " + std::to_string(st.pc);
  out += ",\n  \"exit\": " + std::to_string(st.exitCode);
  out += std::string(",\n  \"exited\": ") + (st.exited ? "true" : "false");
  out += ",\n  \"step\": " + std::to_string(st.step);
  out += ",\n  \"heap\": " + std::to_string(st.heap);
  out += ",\n  \"loadReservation\": " + std::to_string(st.loadReservation);
  out += ",\n  \"registers\": [";
  for (size_t i = 0; i < 32; ++i) {
    out += i ? ",\n    " : "\n    ";
    out += std::to_string(st.registers[i]);
  }
  out += "\n  ]";
  if (!st.lastHint.empty()) {
    out += ",\n  \"lastHint\": ";
    appendQuoted(out, toHex(st.lastHint));
  }
  if (!st.lastCompleteHint.empty()) {
    out += ",\n  \"lastCompleteHint\": ";  // fpvm extension; Asterisc ignores unknown keys
    appendQuoted(out, toHex(st.lastCompleteHint));
  }
  if (!st.storedWitness.empty()) {
    out += ",\n  \"witness\": ";
    appendQuoted(out, toBase64(st.storedWitness));
  }
  out += ",\n  \"stateHash\": ";
  appendQuoted(out, toHex(st.storedStateHash.value_or(Hash32{})));
  out += "\n}\n\n";
  sink.write(out);
}

std::string encodeStateJson(const VmState& st) {
  BytesSink sink;
  streamStateJson(st, sink);
  return std::string(sink.bytes.begin(), sink.bytes.end());
}

void streamStateBinary(const VmState& st, ByteSink& sink) {
  const auto pages = st.memory.pageIndices();
  uint8_t tmp[8];
  auto u64 = [&](uint64_t v) {
    putBE64(tmp, v);
    sink.write(ByteView(tmp, 8));
  };
  auto u32 = [&](uint32_t v) {
    putBE32(tmp, v);
    sink.write(ByteView(tmp, 4));
  };
  u64(pages.size());
  for (uint64_t idx : pages) {
    u64(idx);
    sink.write(ByteView(st.memory.findPage(idx)->data, merkle::kPageSize));
  }
  sink.write(ByteView(st.preimageKey.b));
  u64(st.preimageOffset);
  u64(st.pc);
  const uint8_t exitBytes[2] = {st.exitCode, uint8_t(st.exited ? 1 : 0)};
  sink.write(ByteView(exitBytes, 2));
  u64(st.step);
  u64(st.heap);
  u64(st.loadReservation);
  for (uint64_t r : st.registers) u64(r);
  u32(static_cast<uint32_t>(st.lastHint.size()));
  sink.write(st.lastHint);
  u32(static_cast<uint32_t>(st.storedWitness.size()));
  sink.write(st.storedWitness);
  sink.write(ByteView(st.storedStateHash.value_or(Hash32{}).b));
  if (!st.lastCompleteHint.empty()) {
    // fpvm extension trailer; Asterisc's reader stops after the state hash and ignores it.
    sink.write(ByteView(kExtensionMagic, 8));
    u32(static_cast<uint32_t>(st.lastCompleteHint.size()));
    sink.write(st.lastCompleteHint);
  }
}

Bytes encodeStateBinary(const VmState& st) {
  BytesSink sink;
  streamStateBinary(st, sink);
  return std::move(sink.bytes);
}

VmState decodeStateBinary(ByteView data, const std::string& what) {
  BinReader r{data, what};
  VmState st;
  uint64_t count = r.u64("page count");
  if (count > (data.size() - r.pos) / (8 + merkle::kPageSize))
    throw Error(what + ": truncated binary state (page count " + std::to_string(count) + " exceeds file size)");
  uint8_t page[merkle::kPageSize];
  std::set<uint64_t> seen;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t idx = r.u64("page index");
    if (idx > kMaxPageIndex) throw Error(what + ": page index " + std::to_string(idx) + " out of range");
    if (!seen.insert(idx).second) throw Error(what + ": duplicate page index " + std::to_string(idx));
    r.bytes(page, sizeof page, "page data");
    st.memory.setPage(idx, page);
  }
  r.bytes(st.preimageKey.data(), 32, "preimageKey");
  st.preimageOffset = r.u64("preimageOffset");
  st.pc = r.u64("pc");
  st.exitCode = r.u8("exit");
  uint8_t exited = r.u8("exited");
  if (exited > 1) throw Error(what + ": invalid exited flag " + std::to_string(exited) + " (must be 0 or 1)");
  st.exited = exited == 1;
  st.step = r.u64("step");
  st.heap = r.u64("heap");
  st.loadReservation = r.u64("loadReservation");
  for (auto& reg : st.registers) reg = r.u64("registers");
  uint32_t hintLen = r.u32("lastHint length");
  r.need(hintLen, "lastHint");
  st.lastHint.assign(data.begin() + static_cast<ptrdiff_t>(r.pos), data.begin() + static_cast<ptrdiff_t>(r.pos + hintLen));
  r.pos += hintLen;
  uint32_t witLen = r.u32("witness length");
  r.need(witLen, "witness");
  st.storedWitness.assign(data.begin() + static_cast<ptrdiff_t>(r.pos), data.begin() + static_cast<ptrdiff_t>(r.pos + witLen));
  r.pos += witLen;
  Hash32 h;
  r.bytes(h.data(), 32, "stateHash");
  st.storedStateHash = h;
  if (data.size() - r.pos >= 8 && std::memcmp(data.data() + r.pos, kExtensionMagic, 8) == 0) {
    r.pos += 8;
    uint32_t len = r.u32("lastCompleteHint length");
    r.need(len, "lastCompleteHint");
    st.lastCompleteHint.assign(data.begin() + static_cast<ptrdiff_t>(r.pos), data.begin() + static_cast<ptrdiff_t>(r.pos + len));
    r.pos += len;
  }
  if (r.pos != data.size())
    throw Error(what + ": " + std::to_string(data.size() - r.pos) + " unexpected trailing bytes after the state");
  if (st.registers[0] != 0) throw Error(what + ": register x0 is not zero");
  return st;
}

VmState decodeStateJson(ByteView text, const std::string& what) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text.begin(), text.end());
  } catch (const nlohmann::json::exception& e) {  // parse_error, and out_of_range for numbers like 1e999
    throw Error(what + ": malformed JSON state: " + e.what());
  }
  if (!doc.is_object()) throw Error(what + ": JSON state is not an object");
  VmState st;
  auto u64 = [&](const char* key) -> uint64_t {
    if (!doc.contains(key) || doc[key].is_null()) return 0;
    const auto& v = doc[key];
    if (!v.is_number_unsigned()) {
      if (v.is_number_integer() && v.get<int64_t>() >= 0) return v.get<uint64_t>();
      throw Error(what + ": field \"" + key + "\" must be a non-negative integer");
    }
    return v.get<uint64_t>();
  };
  auto str = [&](const char* key) -> std::string {
    if (!doc.contains(key) || doc[key].is_null()) return {};
    if (!doc[key].is_string()) throw Error(what + ": field \"" + key + "\" must be a string");
    return doc[key].get<std::string>();
  };
  try {
    if (doc.contains("memory") && !doc["memory"].is_null()) {
      const auto& mem = doc["memory"];
      if (!mem.is_array()) throw Error(what + ": field \"memory\" must be an array");
      std::set<uint64_t> seen;
      for (const auto& e : mem) {
        if (!e.is_object() || !e.contains("index") || !e["index"].is_number_unsigned() || !e.contains("data") ||
            !e["data"].is_string())
          throw Error(what + ": each memory entry needs a numeric \"index\" and a string \"data\"");
        uint64_t idx = e["index"].get<uint64_t>();
        if (idx > kMaxPageIndex) throw Error(what + ": page index " + std::to_string(idx) + " out of range");
        if (!seen.insert(idx).second) throw Error(what + ": duplicate page index " + std::to_string(idx));
        Bytes page = fromHex(e["data"].get<std::string>(), what + ": page " + std::to_string(idx));
        if (page.size() != merkle::kPageSize)
          throw Error(what + ": page " + std::to_string(idx) + " has " + std::to_string(page.size()) + " bytes, expected 4096");
        st.memory.setPage(idx, page.data());
      }
    }
    std::string key = str("preimageKey");
    if (!key.empty()) st.preimageKey = hash32FromHex(key, what + ": preimageKey");
    st.preimageOffset = u64("preimageOffset");
    st.pc = u64("pc");
    uint64_t exitCode = u64("exit");
    if (exitCode > 255) throw Error(what + ": field \"exit\" exceeds 255");
    st.exitCode = static_cast<uint8_t>(exitCode);
    if (doc.contains("exited") && !doc["exited"].is_null()) {
      if (!doc["exited"].is_boolean()) throw Error(what + ": field \"exited\" must be a boolean");
      st.exited = doc["exited"].get<bool>();
    }
    st.step = u64("step");
    st.heap = u64("heap");
    st.loadReservation = u64("loadReservation");
    if (doc.contains("registers") && !doc["registers"].is_null()) {
      const auto& regs = doc["registers"];
      if (!regs.is_array() || regs.size() != 32) throw Error(what + ": field \"registers\" must be an array of 32 numbers");
      for (size_t i = 0; i < 32; ++i) {
        if (!regs[i].is_number_unsigned())
          throw Error(what + ": register " + std::to_string(i) + " must be a non-negative integer");
        st.registers[i] = regs[i].get<uint64_t>();
      }
    }
    if (st.registers[0] != 0) throw Error(what + ": register x0 is not zero");
    std::string hint = str("lastHint");
    if (!hint.empty()) st.lastHint = fromHex(hint, what + ": lastHint");
    std::string complete = str("lastCompleteHint");
    if (!complete.empty()) st.lastCompleteHint = fromHex(complete, what + ": lastCompleteHint");
    std::string wit = str("witness");
    if (!wit.empty()) st.storedWitness = fromBase64(wit, what + ": witness");
    std::string sh = str("stateHash");
    if (!sh.empty()) st.storedStateHash = hash32FromHex(sh, what + ": stateHash");
  } catch (const nlohmann::json::exception& e) {
    throw Error(what + ": invalid JSON state: " + e.what());
  }
  return st;
}

VmState readStateFile(const std::string& path) {
  StateFormat f = StateFormat::fromPath(path);
  const MappedFile file(path);
  if (f.gzip) {
    const Bytes raw = gzipDecompress(file.bytes(), path.c_str());
    return f.binary ? decodeStateBinary(raw, path) : decodeStateJson(raw, path);
  }
  return f.binary ? decodeStateBinary(file.bytes(), path) : decodeStateJson(file.bytes(), path);
}

Bytes encodeStateFile(const VmState& state, const std::string& path) {
  BytesSink sink;
  if (StateFormat::fromPath(path).binary) streamStateBinary(state, sink);
  else streamStateJson(state, sink);
  return std::move(sink.bytes);
}

void writeOutputFile(const std::string& path, ByteView data) {
  if (path.empty()) return;
  if (path == "-") {
    size_t off = 0;
    while (off < data.size()) {
      ssize_t n = ::write(1, data.data() + off, data.size() - off);
      if (n <= 0) throw Error("cannot write to stdout");
      off += static_cast<size_t>(n);
    }
    return;
  }
  if (StateFormat::fromPath(path).gzip) {
    Bytes z = gzipCompress(data);
    writeFileAtomic(path, z, 0755);
  } else {
    writeFileAtomic(path, data, 0755);
  }
}

void writeStateFile(const VmState& state, const std::string& path) {
  if (path.empty()) return;
  const StateFormat f = StateFormat::fromPath(path);
  auto stream = [&](ByteSink& sink) {
    if (f.binary) streamStateBinary(state, sink);
    else streamStateJson(state, sink);
  };
  if (path == "-") {
    StdoutSink out;
    stream(out);
    return;
  }
  AtomicFileSink file(path, f.gzip, 0755);
  stream(file);
  file.commit();
}

}  // namespace fpvm::image
