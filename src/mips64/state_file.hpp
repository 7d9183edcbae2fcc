#pragma once
/// Cannon's binary state files for state version 8 (docs/spec/cannon-mt64.md §8.1): the version
/// byte, the pages in ascending order, the scalar fields, both thread stacks bottom first and the
/// last partial hint, integers big-endian. `.bin` or `.bin.gz` (gzip) by file name; there is no
/// JSON form of this state.
#include <string>

#include "common/byte_sink.hpp"
#include "common/bytes.hpp"
#include "mips64/state.hpp"

namespace fpvm::mips64 {

/// Name of state version 8 (Cannon's `multithreaded64-5`).
inline constexpr char kStateVersionName[] = "multithreaded64-5";

/// Cannon's name of a state version (versions/version.go), "unknown" for others.
std::string stateVersionName(uint8_t version);

/// True when `path` ends in `.bin` or `.bin.gz` (serialize.IsBinaryFile).
bool isBinaryStateName(const std::string& path);

/// Streams the binary encoding (version byte first) of `state`.
void streamState(const State& state, ByteSink& sink);
/// The binary encoding of `state`.
Bytes encodeState(const State& state);
/// Parses a binary state. Throws Error naming `what` and the problem: an empty input, a version
/// other than 8, a truncated field, a page index beyond the 64-bit address space, a duplicated
/// page, an `exited`/`traverseRight` byte other than 0/1, or bytes after the last field.
State decodeState(ByteView data, const std::string& what);

/// The state version of a state file: its first (decompressed) byte; 0 (singlethreaded) for a
/// name that is not binary, as multicannon's DetectVersion. Throws Error when unreadable.
uint8_t detectStateVersion(const std::string& path);
/// Reads a `.bin`/`.bin.gz` state file. Throws Error naming the path on any problem, including a
/// name that is not binary ("unsupported version: singlethreaded").
State readStateFile(const std::string& path);
/// Writes `state` atomically (temp file + rename, mode 0755 as Cannon) to `path`, gzipped for
/// `.gz`. "" = nothing is written; a non-binary name throws "json not supported".
void writeStateFile(const State& state, const std::string& path);

}  // namespace fpvm::mips64
