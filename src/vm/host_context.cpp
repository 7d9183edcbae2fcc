#include "vm/host_context.hpp"

#include "common/error.hpp"

namespace fpvm::vm {

const Bytes& HostContext::prefixedPreimage(const Hash32& key) {
  if (preimage.valid && preimage.key == key) return preimage.prefixed;
  if (!oracle) throw Error("no preimage oracle configured");
  Bytes data = oracle->getPreimage(key);
  preimage.prefixed.resize(8 + data.size());
  putBE64(preimage.prefixed.data(), data.size());
  std::copy(data.begin(), data.end(), preimage.prefixed.begin() + 8);
  preimage.key = key;
  preimage.valid = true;
  return preimage.prefixed;
}

}  // namespace fpvm::vm
