#include "common/keccak_multi.hpp"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "common/error.hpp"
#include "common/keccak256.hpp"
#include "common/keccak_lanes.hpp"

namespace fpvm {
namespace {

using keccak_detail::kRate;

/// A kernel hashing `lanes` 64-byte inputs, and one hashing `lanes` padded messages.
struct Kernels {
  unsigned lanes = 1;
  void (*of64)(const uint8_t* const*, uint8_t* const*) = nullptr;
  void (*sponge)(const uint8_t* const*, size_t, uint8_t* const*) = nullptr;
};

Kernels kernelsFor(KeccakPath path) {
#if defined(FPVM_KECCAK_X86)
  if (path == KeccakPath::Avx2x4) return {4, keccak_detail::of64x4Avx2, keccak_detail::spongex4Avx2};
  if (path == KeccakPath::Avx512x8) return {8, keccak_detail::of64x8Avx512, keccak_detail::spongex8Avx512};
#endif
  (void)path;
  return {};
}

KeccakPath choosePath() {
  if (const char* env = std::getenv("FPVM_KECCAK")) {
    for (KeccakPath p : kAllKeccakPaths)
      if (std::string(env) == keccakPathName(p) && keccakPathAvailable(p)) return p;
  }
  if (keccakPathAvailable(KeccakPath::Avx512x8)) return KeccakPath::Avx512x8;
  if (keccakPathAvailable(KeccakPath::Avx2x4)) return KeccakPath::Avx2x4;
  return KeccakPath::Scalar;
}

Kernels checkedKernels(KeccakPath path) {
  if (!keccakPathAvailable(path))
    throw Error(std::string("keccak path ") + keccakPathName(path) + " is not available on this machine");
  return kernelsFor(path);
}

/// A group of fewer inputs than lanes still takes the SIMD kernel from this many inputs on (the
/// unused lanes hash a dummy input); a single leftover input is hashed by the scalar code.
constexpr size_t kMinSimdGroup = 2;

}  // namespace

#if defined(FPVM_KECCAK_X86)
namespace keccak_detail {
bool cpuHasAvx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}
bool cpuHasAvx512() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f");
}
}  // namespace keccak_detail
#endif

const char* keccakPathName(KeccakPath path) {
  switch (path) {
    case KeccakPath::Scalar: return "scalar";
    case KeccakPath::Avx2x4: return "avx2x4";
    case KeccakPath::Avx512x8: return "avx512x8";
  }
  return "?";
}

unsigned keccakPathLanes(KeccakPath path) {
  switch (path) {
    case KeccakPath::Scalar: return 1;
    case KeccakPath::Avx2x4: return 4;
    case KeccakPath::Avx512x8: return 8;
  }
  return 1;
}

bool keccakPathAvailable(KeccakPath path) {
  switch (path) {
    case KeccakPath::Scalar: return true;
#if defined(FPVM_KECCAK_X86)
    case KeccakPath::Avx2x4: {
      static const bool ok = keccak_detail::cpuHasAvx2();
      return ok;
    }
    case KeccakPath::Avx512x8: {
      static const bool ok = keccak_detail::cpuHasAvx512();
      return ok;
    }
#else
    case KeccakPath::Avx2x4:
    case KeccakPath::Avx512x8: return false;
#endif
  }
  return false;
}

KeccakPath keccakDefaultPath() {
  static const KeccakPath path = choosePath();
  return path;
}

void keccak256Of64Many(const uint8_t* in, uint8_t* out, size_t count) { keccak256Of64Many(in, out, count, keccakDefaultPath()); }

void keccak256Of64Many(const uint8_t* in, uint8_t* out, size_t count, KeccakPath path) {
  const Kernels k = checkedKernels(path);
  size_t i = 0;
  if (k.of64) {
    const uint8_t* ins[8];
    uint8_t* outs[8];
    uint8_t dummyIn[64] = {};
    uint8_t dummyOut[8][32];
    for (; i + kMinSimdGroup <= count; i += k.lanes) {
      for (unsigned j = 0; j < k.lanes; ++j) {
        const bool real = i + j < count;
        ins[j] = real ? in + 64 * (i + j) : dummyIn;
        outs[j] = real ? out + 32 * (i + j) : dummyOut[j];
      }
      k.of64(ins, outs);
    }
  }
  for (; i < count; ++i) keccak256Of64(in + 64 * i, out + 32 * i);
}

void keccak256Many(const uint8_t* in, size_t len, size_t stride, uint8_t* out, size_t count) {
  keccak256Many(in, len, stride, out, count, keccakDefaultPath());
}

void keccak256Many(const uint8_t* in, size_t len, size_t stride, uint8_t* out, size_t count, KeccakPath path) {
  const Kernels k = checkedKernels(path);
  size_t i = 0;
  if (k.sponge && count >= kMinSimdGroup) {
    // Each message is copied with its padding (0x01 … 0x80) into whole blocks.
    const size_t blocks = len / kRate + 1;
    const size_t padded = blocks * kRate;
    std::vector<uint8_t> scratch(padded * k.lanes);
    const uint8_t* ins[8];
    uint8_t* outs[8];
    uint8_t dummyOut[8][32];
    for (; i + kMinSimdGroup <= count; i += k.lanes) {
      for (unsigned j = 0; j < k.lanes; ++j) {
        uint8_t* block = scratch.data() + padded * j;
        const bool real = i + j < count;
        if (real) {
          if (len) std::memcpy(block, in + stride * (i + j), len);
          std::memset(block + len, 0, padded - len);
          block[len] ^= 0x01;
          block[padded - 1] ^= 0x80;
        }
        ins[j] = block;  // a dummy lane hashes whatever the block holds
        outs[j] = real ? out + 32 * (i + j) : dummyOut[j];
      }
      k.sponge(ins, blocks, outs);
    }
  }
  for (; i < count; ++i) {
    const Hash32 h = keccak256(ByteView(in + stride * i, len));
    std::memcpy(out + 32 * i, h.data(), 32);
  }
}

}  // namespace fpvm
