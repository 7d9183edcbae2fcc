#include "segment/segment_proof.hpp"

#include <cstring>
#include <string>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "merkle/zero_hashes.hpp"

namespace fpvm::segment {
namespace {

void putVarint(Bytes& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

bool isZero(const Hash32& h) { return h == Hash32{}; }

/// Bounds-checked reader; every failure names the field and the offset.
class Reader {
 public:
  Reader(ByteView data, const std::string& what) : d_(data), what_(what) {}
  size_t offset() const { return pos_; }
  size_t remaining() const { return d_.size() - pos_; }
  [[noreturn]] void fail(const std::string& msg) const {
    throw Error("segment proof " + what_ + ": " + msg + " (at byte " + std::to_string(pos_) + ")");
  }
  const uint8_t* take(size_t n, const char* field) {
    if (remaining() < n)
      fail(std::string("truncated: ") + field + " needs " + std::to_string(n) + " bytes, " + std::to_string(remaining()) +
           " left");
    const uint8_t* p = d_.data() + pos_;
    pos_ += n;
    return p;
  }
  uint8_t byte(const char* field) { return *take(1, field); }
  uint64_t u64(const char* field) { return getBE64(take(8, field)); }
  Hash32 hash(const char* field) {
    Hash32 h;
    std::memcpy(h.data(), take(32, field), 32);
    return h;
  }
  uint64_t varint(const char* field) {
    uint64_t v = 0;
    for (unsigned i = 0; i < 10; ++i) {
      const uint8_t b = byte(field);
      if (i == 9 && b > 1) fail(std::string("varint ") + field + " overflows 64 bits");
      v |= uint64_t(b & 0x7F) << (7 * i);
      if (!(b & 0x80)) return v;
    }
    fail(std::string("varint ") + field + " longer than 10 bytes");
  }
  /// A count of items that each take at least `minBytes`; rejects counts the rest cannot hold.
  uint64_t count(const char* field, size_t minBytes) {
    uint64_t n = varint(field);
    if (minBytes && n > remaining() / minBytes)
      fail(std::string("truncated: ") + field + " is " + std::to_string(n) + " but only " + std::to_string(remaining()) +
           " bytes follow");
    return n;
  }
  /// A bitmap of `bits` bits; unused high bits of the last byte must be zero.
  std::vector<bool> bitmap(uint64_t bits, const char* field) {
    const size_t bytes = static_cast<size_t>((bits + 7) / 8);
    const uint8_t* p = take(bytes, field);
    std::vector<bool> out(static_cast<size_t>(bits));
    for (size_t i = 0; i < out.size(); ++i) out[i] = (p[i / 8] >> (i % 8)) & 1;
    if (bits % 8 && (p[bytes - 1] >> (bits % 8))) fail(std::string(field) + " has padding bits set");
    return out;
  }

 private:
  ByteView d_;
  std::string what_;
  size_t pos_ = 0;
};

void putBitmap(Bytes& out, const std::vector<bool>& bits) {
  const size_t start = out.size();
  out.resize(start + (bits.size() + 7) / 8, 0);
  for (size_t i = 0; i < bits.size(); ++i)
    if (bits[i]) out[start + i / 8] |= static_cast<uint8_t>(1u << (i % 8));
}

}  // namespace

std::vector<uint64_t> SegmentProof::leafAddrs() const {
  std::vector<uint64_t> a(leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) a[i] = leaves[i].addr;
  return a;
}

Bytes encodeSegmentProof(const SegmentProof& p, SizeBreakdown* sizes) {
  const std::vector<uint64_t> addrs = p.leafAddrs();
  const std::vector<uint8_t> heights = multiproofSiblingHeights(addrs);  // checks the leaf order
  if (heights.size() != p.siblings.size())
    throw Error("cannot encode segment proof: " + std::to_string(p.siblings.size()) + " siblings, the leaf set needs " +
                std::to_string(heights.size()));
  for (size_t i = 1; i < p.preimages.size(); ++i)
    if (!keyLess(p.preimages[i - 1].key, p.preimages[i].key))
      throw Error("cannot encode segment proof: preimage keys not strictly ascending");

  Bytes out;
  out.insert(out.end(), kSegmentMagic, kSegmentMagic + 4);
  out.push_back(kSegmentFormatVersion);
  out.push_back(0);  // flags
  uint8_t u[8];
  putBE64(u, p.toStep);
  out.insert(out.end(), u, u + 8);
  out.insert(out.end(), p.preHash.b.begin(), p.preHash.b.end());
  out.insert(out.end(), p.postHash.b.begin(), p.postHash.b.end());
  out.insert(out.end(), p.preWitness.begin(), p.preWitness.end());
  SizeBreakdown sz;
  sz.header = out.size();

  size_t mark = out.size();
  putVarint(out, p.leaves.size());
  uint64_t prev = 0;
  std::vector<bool> zeroLeaf(p.leaves.size());
  for (size_t i = 0; i < p.leaves.size(); ++i) {
    const uint64_t idx = p.leaves[i].addr >> merkle::kLeafBits;
    putVarint(out, i == 0 ? idx : idx - prev);
    prev = idx;
    zeroLeaf[i] = isZero(p.leaves[i].value);
  }
  putBitmap(out, zeroLeaf);
  for (size_t i = 0; i < p.leaves.size(); ++i)
    if (!zeroLeaf[i]) out.insert(out.end(), p.leaves[i].value.b.begin(), p.leaves[i].value.b.end());
  sz.leaves = out.size() - mark;

  mark = out.size();
  putVarint(out, p.siblings.size());
  std::vector<bool> zeroSib(p.siblings.size());
  for (size_t j = 0; j < p.siblings.size(); ++j) zeroSib[j] = p.siblings[j] == merkle::zeroHash(heights[j]);
  putBitmap(out, zeroSib);
  for (size_t j = 0; j < p.siblings.size(); ++j)
    if (!zeroSib[j]) out.insert(out.end(), p.siblings[j].b.begin(), p.siblings[j].b.end());
  sz.multiproof = out.size() - mark;

  mark = out.size();
  putVarint(out, p.preimages.size());
  for (const Preimage& pi : p.preimages) {
    out.insert(out.end(), pi.key.b.begin(), pi.key.b.end());
    putVarint(out, pi.data.size());
    out.insert(out.end(), pi.data.begin(), pi.data.end());
  }
  sz.preimages = out.size() - mark;
  if (sizes) *sizes = sz;
  return out;
}

SegmentProof decodeSegmentProof(ByteView data, const std::string& what) {
  Reader r(data, what);
  SegmentProof p;
  const uint8_t* magic = r.take(4, "magic");
  if (std::memcmp(magic, kSegmentMagic, 4) != 0) r.fail("not a segment proof (bad magic, expected \"FPSG\")");
  const uint8_t version = r.byte("version");
  if (version != kSegmentFormatVersion)
    r.fail("unsupported format version " + std::to_string(version) + " (this fpvm reads version " +
           std::to_string(kSegmentFormatVersion) + ")");
  const uint8_t flags = r.byte("flags");
  if (flags != 0) r.fail("unknown flags 0x" + toHex(ByteView(&flags, 1), false));
  p.toStep = r.u64("end step");
  p.preHash = r.hash("pre-state hash");
  p.postHash = r.hash("post-state hash");
  std::memcpy(p.preWitness.data(), r.take(vm::kWitnessSize, "witness"), vm::kWitnessSize);

  const uint64_t n = r.count("leaf count", 1);
  p.leaves.resize(static_cast<size_t>(n));
  uint64_t idx = 0;
  constexpr uint64_t kMaxIndex = (uint64_t(1) << merkle::kTreeDepth) - 1;
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t d = r.varint("leaf index");
    if (i > 0 && d == 0) r.fail("leaf indices not strictly ascending (leaf " + std::to_string(i) + ")");
    if (d > kMaxIndex || (i > 0 && idx > kMaxIndex - d)) r.fail("leaf index beyond 2^59 (leaf " + std::to_string(i) + ")");
    idx = i == 0 ? d : idx + d;
    p.leaves[i].addr = idx << merkle::kLeafBits;
  }
  const std::vector<bool> zeroLeaf = r.bitmap(n, "zero-leaf bitmap");
  for (uint64_t i = 0; i < n; ++i)
    if (!zeroLeaf[i]) p.leaves[i].value = r.hash("leaf value");

  const std::vector<uint8_t> heights = multiproofSiblingHeights(p.leafAddrs());
  const uint64_t s = r.varint("sibling count");
  if (s != heights.size())
    r.fail("multiproof holds " + std::to_string(s) + " siblings, the " + std::to_string(n) + " leaves need " +
           std::to_string(heights.size()));
  const std::vector<bool> zeroSib = r.bitmap(s, "zero-sibling bitmap");
  p.siblings.resize(static_cast<size_t>(s));
  for (uint64_t j = 0; j < s; ++j) p.siblings[j] = zeroSib[j] ? merkle::zeroHash(heights[j]) : r.hash("sibling hash");

  const uint64_t pc = r.count("preimage count", 33);
  p.preimages.resize(static_cast<size_t>(pc));
  for (uint64_t i = 0; i < pc; ++i) {
    Preimage& pi = p.preimages[i];
    pi.key = r.hash("preimage key");
    if (i > 0 && !keyLess(p.preimages[i - 1].key, pi.key)) r.fail("preimage keys not strictly ascending");
    const uint64_t len = r.count("preimage length", 1);
    const uint8_t* d = r.take(static_cast<size_t>(len), "preimage data");
    pi.data.assign(d, d + len);
  }
  if (r.remaining()) r.fail(std::to_string(r.remaining()) + " trailing bytes after the last preimage");
  return p;
}

}  // namespace fpvm::segment
