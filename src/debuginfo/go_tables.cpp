#include "debuginfo/go_tables.hpp"

#include <cstring>

#include "common/error.hpp"

namespace fpvm::debuginfo {

namespace {

constexpr uint32_t kMagicGo118 = 0xfffffff0;  // Go 1.18, 1.19
constexpr uint32_t kMagicGo120 = 0xfffffff1;  // Go 1.20 and later
constexpr uint64_t kHeaderSize = 72;
constexpr unsigned kFunctabEntrySize = 8;  // entryOff u32, funcOff u32

}  // namespace

GoTables::GoTables(Bytes bytes, bool bigEndian) : b_(std::move(bytes)), bigEndian_(bigEndian) {
  if (b_.size() < kHeaderSize) throw Error("Go tables: " + std::to_string(b_.size()) + " bytes is shorter than their header");
  const uint32_t magic = u32(0);
  if (magic != kMagicGo118 && magic != kMagicGo120)
    throw Error("Go tables: unknown magic " + std::to_string(magic) + " (fpvm reads the tables of Go 1.18 and later)");
  hasStartLine_ = magic == kMagicGo120;
  quantum_ = b_[6];
  if (b_[7] != 8) throw Error("Go tables: pointer size " + std::to_string(b_[7]) + ", not 8");
  if (quantum_ == 0) throw Error("Go tables: instruction quantum 0");
  nfunc_ = u64(8);
  textStart_ = u64(24);
  funcnameOff_ = u64(32);
  cuOff_ = u64(40);
  filetabOff_ = u64(48);
  pctabOff_ = u64(56);
  functabOff_ = u64(64);
  for (const uint64_t off : {funcnameOff_, cuOff_, filetabOff_, pctabOff_, functabOff_})
    if (off > b_.size()) throw Error("Go tables: a table offset " + std::to_string(off) + " lies past their end");
  if (nfunc_ > (b_.size() - functabOff_) / kFunctabEntrySize - 1)
    throw Error("Go tables: " + std::to_string(nfunc_) + " functions do not fit the function table");
}

uint32_t GoTables::u32(uint64_t off) const {
  if (off > b_.size() || b_.size() - off < 4) throw Error("Go tables: read past their end at offset " + std::to_string(off));
  return bigEndian_ ? getBE32(b_.data() + off) : static_cast<uint32_t>(getLE(b_.data() + off, 4));
}

uint64_t GoTables::u64(uint64_t off) const {
  if (off > b_.size() || b_.size() - off < 8) throw Error("Go tables: read past their end at offset " + std::to_string(off));
  return bigEndian_ ? getBE64(b_.data() + off) : getLE(b_.data() + off, 8);
}

std::string_view GoTables::cString(uint64_t off) const {
  if (off >= b_.size()) return {};
  const char* start = reinterpret_cast<const char*>(b_.data() + off);
  return {start, strnlen(start, b_.size() - off)};
}

uint32_t GoTables::funcField(uint32_t funcOff, unsigned index) const { return u32(functabOff_ + funcOff + 4ull * index); }

std::optional<GoFunc> GoTables::funcAt(uint64_t pc) const {
  if (nfunc_ == 0 || pc < textStart_) return std::nullopt;
  const uint64_t rel = pc - textStart_;
  auto entryOff = [&](uint64_t i) { return u32(functabOff_ + i * kFunctabEntrySize); };
  if (rel >= entryOff(nfunc_)) return std::nullopt;  // entry nfunc is the end of the text
  uint64_t lo = 0, hi = nfunc_;                      // invariant: entryOff(lo) <= rel < entryOff(hi)
  if (rel < entryOff(0)) return std::nullopt;
  while (hi - lo > 1) {
    const uint64_t mid = lo + (hi - lo) / 2;
    if (entryOff(mid) <= rel) lo = mid;
    else hi = mid;
  }
  GoFunc f;
  f.entry = textStart_ + entryOff(lo);
  f.end = textStart_ + entryOff(lo + 1);
  f.offset = u32(functabOff_ + lo * kFunctabEntrySize + 4);
  f.name = cString(funcnameOff_ + funcField(f.offset, 1));
  // funcID, flag, _, nfuncdata follow the nine (Go 1.20+: ten) uint32 fields.
  const uint64_t flagAt = functabOff_ + f.offset + 4ull * (hasStartLine_ ? 10 : 9) + 1;
  f.flag = flagAt < b_.size() ? b_[flagAt] : 0;
  return f;
}

std::optional<int32_t> GoTables::pcValue(const GoFunc& f, uint32_t tableOff, uint64_t pc) const {
  if (tableOff == 0) return std::nullopt;
  uint64_t p = pctabOff_ + tableOff;
  auto varint = [&]() -> uint32_t {
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
      if (p >= b_.size()) throw Error("Go tables: a pc-value table runs past their end");
      const uint8_t byte = b_[p++];
      v |= uint32_t(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return v;
    }
    throw Error("Go tables: an over-long varint in a pc-value table");
  };
  uint64_t at = f.entry;
  int32_t value = -1;
  for (bool first = true;; first = false) {
    const uint32_t uvdelta = varint();
    if (uvdelta == 0 && !first) return std::nullopt;
    value += static_cast<int32_t>(-(uvdelta & 1) ^ (uvdelta >> 1));
    at += uint64_t(varint()) * quantum_;
    if (pc < at) return value;
    if (at >= f.end) return std::nullopt;
  }
}

std::optional<int32_t> GoTables::spDelta(const GoFunc& f, uint64_t pc) const { return pcValue(f, funcField(f.offset, 4), pc); }

std::pair<std::string_view, uint32_t> GoTables::fileLine(const GoFunc& f, uint64_t pc) const {
  const auto line = pcValue(f, funcField(f.offset, 6), pc);
  const auto file = pcValue(f, funcField(f.offset, 5), pc);
  if (!line || !file || *line < 0 || *file < 0) return {{}, 0};
  const uint32_t cu = funcField(f.offset, 8);
  const uint32_t fileOff = u32(cuOff_ + 4ull * (uint64_t(cu) + uint64_t(*file)));
  if (fileOff == ~uint32_t(0)) return {{}, static_cast<uint32_t>(*line)};
  return {cString(filetabOff_ + fileOff), static_cast<uint32_t>(*line)};
}

}  // namespace fpvm::debuginfo
