#include "segment/proof_sections.hpp"

#include <cstring>

#include "common/error.hpp"
#include "merkle/geometry.hpp"
#include "merkle/zero_hashes.hpp"

namespace fpvm::segment::detail {
namespace {

bool isZero(const Hash32& h) { return h == Hash32{}; }

void putBitmap(Bytes& out, const std::vector<bool>& bits) {
  const size_t start = out.size();
  out.resize(start + (bits.size() + 7) / 8, 0);
  for (size_t i = 0; i < bits.size(); ++i)
    if (bits[i]) out[start + i / 8] |= static_cast<uint8_t>(1u << (i % 8));
}

}  // namespace

void putVarint(Bytes& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<uint8_t>(v));
}

void Reader::fail(const std::string& msg) const {
  throw Error("segment proof " + what_ + ": " + msg + " (at byte " + std::to_string(pos_) + ")");
}

const uint8_t* Reader::take(size_t n, const char* field) {
  if (remaining() < n)
    fail(std::string("truncated: ") + field + " needs " + std::to_string(n) + " bytes, " + std::to_string(remaining()) + " left");
  const uint8_t* p = d_.data() + pos_;
  pos_ += n;
  return p;
}

Hash32 Reader::hash(const char* field) {
  Hash32 h;
  std::memcpy(h.data(), take(32, field), 32);
  return h;
}

uint64_t Reader::varint(const char* field) {
  uint64_t v = 0;
  for (unsigned i = 0; i < 10; ++i) {
    const uint8_t b = byte(field);
    if (i == 9 && b > 1) fail(std::string("varint ") + field + " overflows 64 bits");
    v |= uint64_t(b & 0x7F) << (7 * i);
    if (!(b & 0x80)) return v;
  }
  fail(std::string("varint ") + field + " longer than 10 bytes");
}

uint64_t Reader::count(const char* field, size_t minBytes) {
  uint64_t n = varint(field);
  if (minBytes && n > remaining() / minBytes)
    fail(std::string("truncated: ") + field + " is " + std::to_string(n) + " but only " + std::to_string(remaining()) +
         " bytes follow");
  return n;
}

std::vector<bool> Reader::bitmap(uint64_t bits, const char* field) {
  const size_t bytes = static_cast<size_t>((bits + 7) / 8);
  const uint8_t* p = take(bytes, field);
  std::vector<bool> out(static_cast<size_t>(bits));
  for (size_t i = 0; i < out.size(); ++i) out[i] = (p[i / 8] >> (i % 8)) & 1;
  if (bits % 8 && (p[bytes - 1] >> (bits % 8))) fail(std::string(field) + " has padding bits set");
  return out;
}

SectionSizes putSections(Bytes& out, std::span<const Leaf> leaves, std::span<const Hash32> siblings,
                         std::span<const Preimage> preimages) {
  std::vector<uint64_t> addrs(leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) addrs[i] = leaves[i].addr;
  const std::vector<uint8_t> heights = multiproofSiblingHeights(addrs);  // checks the leaf order
  if (heights.size() != siblings.size())
    throw Error("cannot encode segment proof: " + std::to_string(siblings.size()) + " siblings, the leaf set needs " +
                std::to_string(heights.size()));
  for (size_t i = 1; i < preimages.size(); ++i)
    if (!keyLess(preimages[i - 1].key, preimages[i].key))
      throw Error("cannot encode segment proof: preimage keys not strictly ascending");

  SectionSizes sz;
  size_t mark = out.size();
  putVarint(out, leaves.size());
  uint64_t prev = 0;
  std::vector<bool> zeroLeaf(leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) {
    const uint64_t idx = leaves[i].addr >> merkle::kLeafBits;
    putVarint(out, i == 0 ? idx : idx - prev);
    prev = idx;
    zeroLeaf[i] = isZero(leaves[i].value);
  }
  putBitmap(out, zeroLeaf);
  for (size_t i = 0; i < leaves.size(); ++i)
    if (!zeroLeaf[i]) out.insert(out.end(), leaves[i].value.b.begin(), leaves[i].value.b.end());
  sz.leaves = out.size() - mark;

  mark = out.size();
  putVarint(out, siblings.size());
  std::vector<bool> zeroSib(siblings.size());
  for (size_t j = 0; j < siblings.size(); ++j) zeroSib[j] = siblings[j] == merkle::zeroHash(heights[j]);
  putBitmap(out, zeroSib);
  for (size_t j = 0; j < siblings.size(); ++j)
    if (!zeroSib[j]) out.insert(out.end(), siblings[j].b.begin(), siblings[j].b.end());
  sz.multiproof = out.size() - mark;

  mark = out.size();
  putVarint(out, preimages.size());
  for (const Preimage& pi : preimages) {
    out.insert(out.end(), pi.key.b.begin(), pi.key.b.end());
    putVarint(out, pi.data.size());
    out.insert(out.end(), pi.data.begin(), pi.data.end());
  }
  sz.preimages = out.size() - mark;
  return sz;
}

void readSections(Reader& r, std::vector<Leaf>& leaves, std::vector<Hash32>& siblings, std::vector<Preimage>& preimages) {
  const uint64_t n = r.count("leaf count", 1);
  leaves.assign(static_cast<size_t>(n), Leaf{});
  uint64_t idx = 0;
  constexpr uint64_t kMaxIndex = (uint64_t(1) << merkle::kTreeDepth) - 1;
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t d = r.varint("leaf index");
    if (i > 0 && d == 0) r.fail("leaf indices not strictly ascending (leaf " + std::to_string(i) + ")");
    if (d > kMaxIndex || (i > 0 && idx > kMaxIndex - d)) r.fail("leaf index beyond 2^59 (leaf " + std::to_string(i) + ")");
    idx = i == 0 ? d : idx + d;
    leaves[i].addr = idx << merkle::kLeafBits;
  }
  const std::vector<bool> zeroLeaf = r.bitmap(n, "zero-leaf bitmap");
  for (uint64_t i = 0; i < n; ++i)
    if (!zeroLeaf[i]) leaves[i].value = r.hash("leaf value");

  std::vector<uint64_t> addrs(leaves.size());
  for (size_t i = 0; i < leaves.size(); ++i) addrs[i] = leaves[i].addr;
  const std::vector<uint8_t> heights = multiproofSiblingHeights(addrs);
  const uint64_t s = r.varint("sibling count");
  if (s != heights.size())
    r.fail("multiproof holds " + std::to_string(s) + " siblings, the " + std::to_string(n) + " leaves need " +
           std::to_string(heights.size()));
  const std::vector<bool> zeroSib = r.bitmap(s, "zero-sibling bitmap");
  siblings.assign(static_cast<size_t>(s), Hash32{});
  for (uint64_t j = 0; j < s; ++j) siblings[j] = zeroSib[j] ? merkle::zeroHash(heights[j]) : r.hash("sibling hash");

  const uint64_t pc = r.count("preimage count", 33);
  preimages.assign(static_cast<size_t>(pc), Preimage{});
  for (uint64_t i = 0; i < pc; ++i) {
    Preimage& pi = preimages[i];
    pi.key = r.hash("preimage key");
    if (i > 0 && !keyLess(preimages[i - 1].key, pi.key)) r.fail("preimage keys not strictly ascending");
    const uint64_t len = r.count("preimage length", 1);
    const uint8_t* d = r.take(static_cast<size_t>(len), "preimage data");
    pi.data.assign(d, d + len);
  }
}

}  // namespace fpvm::segment::detail
