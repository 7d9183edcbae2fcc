#pragma once
/// Internal to src/common: the SIMD Keccak-256 kernels that hash several independent inputs at
/// once (one input per vector element), and the CPU checks that guard them. Only built on
/// x86-64 (FPVM_KECCAK_X86); each kernel lives in a translation unit compiled for its instruction
/// set and must only be called after its check returned true. Callers go through keccak_multi.hpp.
#include <cstddef>
#include <cstdint>

namespace fpvm::keccak_detail {

/// Bytes absorbed per permutation by Keccak-256 (the rate).
inline constexpr size_t kRate = 136;

#if defined(FPVM_KECCAK_X86)
/// True when the CPU and the OS support AVX2 (ymm state saved).
bool cpuHasAvx2();
/// True when the CPU and the OS support AVX-512F (zmm state saved).
bool cpuHasAvx512();

/// Keccak-256 of the 64 bytes at in[j] into the 32 bytes at out[j], j < 4 (AVX2).
void of64x4Avx2(const uint8_t* const* in, uint8_t* const* out);
/// Keccak-256 of 4 messages already padded to `blocks` × 136 bytes at in[j] (AVX2).
void spongex4Avx2(const uint8_t* const* in, size_t blocks, uint8_t* const* out);
/// Keccak-256 of the 64 bytes at in[j] into the 32 bytes at out[j], j < 8 (AVX-512F).
void of64x8Avx512(const uint8_t* const* in, uint8_t* const* out);
/// Keccak-256 of 8 messages already padded to `blocks` × 136 bytes at in[j] (AVX-512F).
void spongex8Avx512(const uint8_t* const* in, size_t blocks, uint8_t* const* out);
#endif

}  // namespace fpvm::keccak_detail
