#pragma once
/// Keccak-256 of many independent inputs at once. On x86-64 the inputs are hashed 8 at a time
/// with AVX-512F or 4 at a time with AVX2 when the CPU has them (checked at run time); elsewhere,
/// and for a lone leftover input, by the scalar permutation. Results equal keccak256() exactly.
#include <cstddef>
#include <cstdint>

namespace fpvm {

/// An implementation of the many-input hashing.
enum class KeccakPath : uint8_t {
  Scalar,    ///< one input at a time (every machine)
  Avx2x4,    ///< 4 inputs per permutation (x86-64 with AVX2)
  Avx512x8,  ///< 8 inputs per permutation (x86-64 with AVX-512F)
};

/// All paths, in the order above (tests and benchmarks iterate over them).
inline constexpr KeccakPath kAllKeccakPaths[] = {KeccakPath::Scalar, KeccakPath::Avx2x4, KeccakPath::Avx512x8};

/// "scalar", "avx2x4" or "avx512x8".
const char* keccakPathName(KeccakPath path);
/// Inputs one permutation of the path hashes (1, 4 or 8).
unsigned keccakPathLanes(KeccakPath path);
/// True when this build contains the path and this CPU can run it.
bool keccakPathAvailable(KeccakPath path);
/// The path used by default: the widest available one, unless the environment variable
/// FPVM_KECCAK names an available path ("scalar", "avx2x4", "avx512x8"). Chosen once.
KeccakPath keccakDefaultPath();

/// Keccak-256 of `count` 64-byte inputs: input i at in + 64·i, its digest at out + 32·i.
/// `out` must not overlap `in`.
void keccak256Of64Many(const uint8_t* in, uint8_t* out, size_t count);
/// The same on a given path (which must be available).
void keccak256Of64Many(const uint8_t* in, uint8_t* out, size_t count, KeccakPath path);

/// Keccak-256 of `count` messages of `len` bytes each: message i at in + stride·i, its digest
/// at out + 32·i. `out` must not overlap `in`.
void keccak256Many(const uint8_t* in, size_t len, size_t stride, uint8_t* out, size_t count);
/// The same on a given path (which must be available).
void keccak256Many(const uint8_t* in, size_t len, size_t stride, uint8_t* out, size_t count, KeccakPath path);

}  // namespace fpvm
