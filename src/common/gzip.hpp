#pragma once
/// gzip compression for `.gz` state and proof files.
#include <cstddef>

#include "common/bytes.hpp"

namespace fpvm {

/// gzip-compresses `data` (default level).
Bytes gzipCompress(ByteView data);
/// Decompresses a gzip stream; throws Error naming `what` on corrupt or truncated input, or when
/// the output would exceed `maxOutput` bytes.
Bytes gzipDecompress(ByteView data, const char* what, size_t maxOutput = size_t(64) << 30);

}  // namespace fpvm
