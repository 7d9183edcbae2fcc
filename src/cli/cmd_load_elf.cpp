// `fpvm load-elf` (spec §8.1, §7.1): ELF → prestate and meta.json.
#include "cli/commands.hpp"
#include "cli/flag_set.hpp"
#include "common/file_io.hpp"
#include "image/elf_loader.hpp"
#include "image/state_file.hpp"
#include "image/symbols.hpp"

namespace fpvm::cli {

int runLoadElf(const Args& args) {
  FlagSet flags("load-elf", "load an ELF file into a VM state");
  std::string path, out = "state.bin.gz", meta = "meta.json";
  flags.add("path", &path, "ELF file to load");
  flags.require("path");
  flags.add("out", &out, "output state file (.json, .bin, optional .gz; - = stdout)");
  flags.add("meta", &meta, "symbol metadata output (\"\" = none)");
  if (!flags.parse(args)) return 0;

  image::ElfFile elf = image::parseElf(readFile(path), path);
  vm::VmState state = image::loadElf(elf);
  image::writeStateFile(state, out);
  if (!meta.empty()) {
    std::string json = image::SymbolTable(elf.symbols).toJson();
    image::writeOutputFile(meta, ByteView(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
  }
  return 0;
}

}  // namespace fpvm::cli
