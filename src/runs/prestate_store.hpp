#pragma once
/// Prestates the server can run (spec/validation-server.md "Prestates"): loaded once at start
/// from one folder per prestate, named 0x<state hash> or `latest`, holding the state file
/// (prestate.bin.gz, prestate.bin, prestate.json.gz, prestate.json, or the only state file
/// there) and optionally meta.json (symbols for error messages). A state file of either machine
/// is accepted: RISC-V (Asterisc's formats) or Cannon MT64 (its binary state, version byte 8).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/bytes.hpp"
#include "core/any_machine.hpp"
#include "image/symbols.hpp"
#include "vm/vm_state.hpp"

namespace fpvm::runs {

/// One loaded prestate. `machine` is Merkleized, so its clones hash without rehashing everything.
struct Prestate {
  Hash32 hash;
  std::string folder;  ///< folder name (0x… or latest)
  std::string path;    ///< state file path
  std::shared_ptr<const core::AnyMachine> machine;
  Bytes witness;  ///< the state witness (362 or 188 bytes)
  image::SymbolTable symbols;
  core::Isa isa() const { return machine->isa(); }
};

/// A prestate over `machine` (Merkleizes it once), named `folder` (empty = 0x<hash>).
std::shared_ptr<Prestate> makePrestate(std::unique_ptr<core::AnyMachine> machine, const std::string& folder = "");

class PrestateStore {
 public:
  /// Loads every prestate folder under `dir`. Folders that cannot be used (name does not match
  /// the state's hash, no state file, unreadable state) are refused with an error log line and
  /// listed in refused(); the store keeps the rest. Throws Error when `dir` is not a folder.
  static PrestateStore load(const std::string& dir);
  /// Adds a prestate (tests); returns it.
  std::shared_ptr<const Prestate> add(std::unique_ptr<core::AnyMachine> machine, const std::string& folder);
  /// Adds a RISC-V prestate (tests); returns it.
  std::shared_ptr<const Prestate> add(vm::VmState state, const std::string& folder);

  /// By "0x<hash>" (any case) or "latest"; nullptr when unknown.
  std::shared_ptr<const Prestate> find(const std::string& name) const;
  std::shared_ptr<const Prestate> find(const Hash32& hash) const;
  /// Loaded hashes, ascending.
  std::vector<Hash32> hashes() const;
  size_t size() const { return byHash_.size(); }
  /// "folder: reason" for every refused folder.
  const std::vector<std::string>& refused() const { return refused_; }

 private:
  std::map<std::array<uint8_t, 32>, std::shared_ptr<const Prestate>> byHash_;
  std::shared_ptr<const Prestate> latest_;
  std::vector<std::string> refused_;
};

/// Writes a prestate folder `<dir>/0x<hash>` (or `<dir>/<folder>` when given) holding
/// prestate.bin.gz in the machine's own format (and meta.json when `metaJson` is not empty);
/// returns the folder path.
std::string writePrestateFolder(const std::string& dir, core::AnyMachine& machine, const std::string& metaJson = "",
                                const std::string& folder = "");
/// writePrestateFolder for a RISC-V state.
std::string writePrestateFolder(const std::string& dir, const vm::VmState& state, const std::string& metaJson = "",
                                const std::string& folder = "");

}  // namespace fpvm::runs
