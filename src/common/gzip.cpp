#include "common/gzip.hpp"

#include <zlib.h>

#include <string>

#include "common/error.hpp"

namespace fpvm {

Bytes gzipCompress(ByteView data) {
  z_stream zs{};
  // 15 + 16: zlib window with a gzip header.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error("gzip: deflateInit failed");
  Bytes out(deflateBound(&zs, static_cast<uLong>(data.size())) + 32);
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw Error("gzip: compression failed");
  out.resize(zs.total_out);
  return out;
}

Bytes gzipDecompress(ByteView data, const char* what, size_t maxOutput) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) throw Error(std::string(what) + ": inflateInit failed");
  Bytes out;
  out.resize(std::min(std::max<size_t>(data.size() * 4, 1 << 16), maxOutput));  // the limit applies from the start
  zs.next_in = const_cast<Bytef*>(data.data());
  zs.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (zs.total_out == out.size()) {
      if (out.size() >= maxOutput) {
        inflateEnd(&zs);
        throw Error(std::string(what) + ": decompressed size exceeds limit");
      }
      out.resize(std::min(out.size() * 2, maxOutput));
    }
    zs.next_out = out.data() + zs.total_out;
    zs.avail_out = static_cast<uInt>(out.size() - zs.total_out);
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      inflateEnd(&zs);
      throw Error(std::string(what) + ": truncated gzip stream");
    }
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      inflateEnd(&zs);
      throw Error(std::string(what) + ": corrupt gzip stream (" + (zs.msg ? zs.msg : "inflate error") + ")");
    }
  }
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

}  // namespace fpvm
