#include "mips64/step_calldata.hpp"

namespace fpvm::mips64 {

namespace {

void appendWord(Bytes& out, uint64_t v) {
  uint8_t word[32] = {};
  putBE64(word + 24, v);
  out.insert(out.end(), word, word + 32);
}

void appendPadded(Bytes& out, ByteView data) {
  out.insert(out.end(), data.begin(), data.end());
  out.resize(out.size() + (32 - data.size() % 32) % 32, 0);
}

size_t padded(size_t n) { return (n + 31) / 32 * 32; }

}  // namespace

Bytes encodeStepCalldata(ByteView stateData, ByteView proofData, const Hash32& localContext) {
  Bytes out(kStepSelector.begin(), kStepSelector.end());
  appendWord(out, 0x60);                                  // offset of _stateData
  appendWord(out, 0x60 + 32 + padded(stateData.size()));  // offset of _proof
  out.insert(out.end(), localContext.data(), localContext.data() + 32);
  appendWord(out, stateData.size());
  appendPadded(out, stateData);
  appendWord(out, proofData.size());
  appendPadded(out, proofData);
  return out;
}

}  // namespace fpvm::mips64
