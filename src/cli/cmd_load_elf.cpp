// `fpvm load-elf` (spec §8.1, §7.1): ELF → prestate and meta.json.
#include "cli/cli_parse.hpp"
#include "common/file_io.hpp"
#include "image/elf_loader.hpp"
#include "image/state_file.hpp"
#include "image/symbols.hpp"

namespace fpvm::cli {

int runLoadElf(const Args& args) {
  CLI::App app("Load an ELF file into a VM state", "load-elf");
  std::string path, out = "state.bin.gz", meta = "meta.json";
  app.add_option("--path", path, "ELF file to load")->required();
  app.add_option("--out", out, "output state file (.json, .bin, optional .gz; - = stdout)");
  app.add_option("--meta", meta, "symbol metadata output (\"\" = none)");
  if (!parseArgs(app, args)) return 0;

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
