// `cannon load-elf` (docs/spec/cannon-mt64.md §9.1): ELF → version-8 prestate and meta.json.
#include "cli/cannon_commands.hpp"
#include "cli/flag_set.hpp"
#include "common/file_io.hpp"
#include "image/state_file.hpp"
#include "mips64/arch.hpp"
#include "mips64/elf_loader.hpp"
#include "mips64/elf_reader.hpp"
#include "mips64/metadata.hpp"
#include "mips64/state_file.hpp"

namespace fpvm::cli {

namespace {

/// versions.ParseStateVersion, then IsSupportedMultiThreaded64.
void checkStateType(const std::string& type) {
  for (unsigned v = 0; v <= mips64::kStateVersion; ++v) {
    if (type != mips64::stateVersionName(static_cast<uint8_t>(v))) continue;
    if (v == mips64::kStateVersion) return;
    throw Error("unsupported state version: " + std::to_string(v) + " (" + type + "); fpvm cannon supports " +
                mips64::kStateVersionName);
  }
  throw Error("unknown state version \"" + type + "\" (expected " + mips64::kStateVersionName + ")");
}

}  // namespace

int runCannonLoadElf(const Args& args) {
  FlagSet flags("cannon load-elf", "load an ELF file into a Cannon MT64 state");
  std::string type, path, out = "state.bin.gz", meta = "meta.json";
  flags.add("type", &type, std::string("VM type to create state for (") + mips64::kStateVersionName + ")");
  flags.require("type");
  flags.add("path", &path, "path to a 64-bit big-endian MIPS ELF file");
  flags.require("path");
  flags.add("out", &out, "output state (.bin or .bin.gz; \"\" = none)");
  flags.add("meta", &meta, "metadata output for symbol lookup (\"\" = none, - = stdout)");
  if (!flags.parse(args)) return 0;

  Bytes elf;
  try {
    elf = readFile(path);
  } catch (const Error& e) {
    throw Error("failed to open ELF file \"" + path + "\": " + e.what());
  }
  checkStateType(type);
  mips64::State state;
  try {
    state = mips64::loadElf(elf);
  } catch (const Error& e) {
    throw Error(std::string("failed to load ELF data into VM state: ") + e.what());
  }
  mips64::Metadata metadata;
  try {
    metadata = mips64::Metadata::fromElf(elf);
  } catch (const Error& e) {
    throw Error(std::string("failed to compute program metadata: ") + e.what());
  }
  const std::string metaJson = metadata.toJson();
  // meta.json first, then the state (Cannon's order: a bad --out fails after meta.json exists).
  if (meta == "-") image::writeOutputFile("-", ByteView(reinterpret_cast<const uint8_t*>(metaJson.data()), metaJson.size()));
  else if (!meta.empty())
    writeFileAtomic(meta, ByteView(reinterpret_cast<const uint8_t*>(metaJson.data()), metaJson.size()), 0755);
  mips64::writeStateFile(state, out);
  return 0;
}

}  // namespace fpvm::cli
