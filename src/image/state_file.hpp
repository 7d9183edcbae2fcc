#pragma once
/// State files (spec §7.3-§7.5): JSON or binary by file name, optionally gzipped; "-" = stdout.
#include <string>

#include "common/byte_sink.hpp"
#include "common/bytes.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::image {

/// Encoding chosen from a path's suffix.
struct StateFormat {
  bool binary = false;  ///< `.bin` / `.bin.gz`
  bool gzip = false;    ///< `.gz`
  static StateFormat fromPath(const std::string& path);
};

/// JSON encoding of a state (stored witness/stateHash are written as held).
std::string encodeStateJson(const vm::VmState& state);
/// Binary encoding of a state (pages ascending).
Bytes encodeStateBinary(const vm::VmState& state);
/// Streams the JSON / binary encoding of a state (page by page) into a sink.
void streamStateJson(const vm::VmState& state, ByteSink& sink);
void streamStateBinary(const vm::VmState& state, ByteSink& sink);
/// Parses a JSON state; throws Error naming `what` and the bad field.
vm::VmState decodeStateJson(ByteView text, const std::string& what);
/// Parses a binary state; throws Error naming `what` and what is wrong.
vm::VmState decodeStateBinary(ByteView data, const std::string& what);

/// Reads a state file, format by name. Throws Error on any problem.
vm::VmState readStateFile(const std::string& path);
/// Serialises `state` in the format its name selects.
Bytes encodeStateFile(const vm::VmState& state, const std::string& path);
/// Writes a state file atomically (mode 0755 as Asterisc); "" = skip, "-" = stdout.
void writeStateFile(const vm::VmState& state, const std::string& path);
/// Writes bytes to a path with the §7.3 rules ("" = skip, "-" = stdout, else atomic, gzip by suffix).
void writeOutputFile(const std::string& path, ByteView data);

}  // namespace fpvm::image
