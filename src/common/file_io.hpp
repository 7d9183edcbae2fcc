#pragma once
/// Whole-file reads and atomic writes (temp file in the same folder, fsync, rename).
#include <string>

#include "common/bytes.hpp"

namespace fpvm {

/// Reads the whole file; throws Error naming the path on failure.
Bytes readFile(const std::string& path);
/// Writes `data` to `path` atomically: a reader sees the old file or the new one, never a part.
/// `mode` is the permission of the new file. A path naming an existing device, FIFO or socket
/// (`/dev/null`, `/dev/stdout`) is written in place instead: renaming a file onto it would replace
/// the device. Throws Error naming the path on failure.
void writeFileAtomic(const std::string& path, ByteView data, unsigned mode = 0644);
/// True when `path` names an existing device, FIFO or socket (following symlinks): something
/// to write into, never to replace.
bool isSpecialFile(const std::string& path);
/// Opens an existing special file (isSpecialFile) for writing; throws Error naming the path.
int openSpecialForWrite(const std::string& path);
/// True when `path` names an existing file.
bool fileExists(const std::string& path);

}  // namespace fpvm
