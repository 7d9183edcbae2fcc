#include "runs/prestate_store.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "common/logfmt.hpp"

namespace fpvm::runs {
namespace fs = std::filesystem;
namespace {

bool isStateFileName(const std::string& name) {
  auto ends = [&](const char* suffix) {
    std::string s(suffix);
    return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
  };
  if (name == "meta.json") return false;
  return ends(".bin.gz") || ends(".bin") || ends(".json.gz") || ends(".json");
}

std::string findStateFile(const fs::path& folder) {
  for (const char* n : {"prestate.bin.gz", "prestate.bin", "prestate.json.gz", "prestate.json"})
    if (fs::is_regular_file(folder / n)) return (folder / n).string();
  std::vector<std::string> candidates;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.is_regular_file() && isStateFileName(e.path().filename().string())) candidates.push_back(e.path().string());
  if (candidates.size() == 1) return candidates[0];
  if (candidates.empty())
    throw Error("no state file (expected prestate.bin.gz, prestate.bin, prestate.json.gz or prestate.json)");
  throw Error("several state files and none named prestate.*; keep one");
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

PrestateStore PrestateStore::load(const std::string& dir) {
  if (!fs::is_directory(dir)) throw Error("prestates: \"" + dir + "\" is not a folder");
  PrestateStore store;
  std::vector<fs::path> folders;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_directory()) folders.push_back(e.path());
  std::sort(folders.begin(), folders.end());
  for (const auto& folder : folders) {
    const std::string name = folder.filename().string();
    auto refuse = [&](const std::string& reason) {
      store.refused_.push_back(name + ": " + reason);
      logError("prestate refused", {{"folder", folder.string()}, {"reason", reason}});
    };
    const bool isLatest = name == "latest";
    std::optional<Hash32> named;
    if (!isLatest) {
      try {
        if (name.size() != 66 || name[0] != '0' || name[1] != 'x') throw Error("bad name");
        named = hash32FromHex(name, "folder name");
      } catch (const Error&) {
        refuse("folder name is neither 0x<64 hex digits of the state hash> nor latest");
        continue;
      }
    }
    try {
      auto p = std::make_shared<Prestate>();
      p->folder = name;
      p->path = findStateFile(folder);
      std::unique_ptr<core::AnyMachine> machine = core::machineFromStateFile(p->path);
      p->witness = machine->witness();  // also Merkleizes all memory once
      p->hash = core::hashWitness(machine->isa(), p->witness);
      p->machine = std::move(machine);
      if (named && !(*named == p->hash)) {
        refuse("folder name does not match the hash of its state: the state " + p->path + " hashes to " + toHex(p->hash));
        continue;
      }
      if (fs::is_regular_file(folder / "meta.json")) {
        Bytes text = readFile((folder / "meta.json").string());
        p->symbols = image::SymbolTable::fromJson(std::string(text.begin(), text.end()), (folder / "meta.json").string());
      }
      std::shared_ptr<const Prestate> cp = p;
      if (isLatest) store.latest_ = cp;
      auto [it, inserted] = store.byHash_.emplace(p->hash.b, cp);
      if (!inserted && isLatest) {
        // `latest` names a prestate that also has its own folder: the alias points at that one.
        store.latest_ = it->second;
      }
      logInfo("prestate loaded", {{"folder", name},
                                  {"hash", toHex(p->hash)},
                                  {"isa", core::isaName(p->isa())},
                                  {"file", p->path},
                                  {"pages", std::to_string(p->machine->pageCount())},
                                  {"step", std::to_string(p->machine->step())}});
    } catch (const std::exception& e) {
      refuse(e.what());
    }
  }
  return store;
}

std::shared_ptr<const Prestate> PrestateStore::add(vm::VmState state, const std::string& folder) {
  return add(core::machineFromState(std::move(state)), folder);
}

std::shared_ptr<Prestate> makePrestate(std::unique_ptr<core::AnyMachine> machine, const std::string& folder) {
  auto p = std::make_shared<Prestate>();
  p->witness = machine->witness();
  p->hash = core::hashWitness(machine->isa(), p->witness);
  p->machine = std::move(machine);
  p->folder = folder.empty() ? toHex(p->hash) : folder;
  p->path = p->folder;
  return p;
}

std::shared_ptr<const Prestate> PrestateStore::add(std::unique_ptr<core::AnyMachine> machine, const std::string& folder) {
  std::shared_ptr<const Prestate> cp = makePrestate(std::move(machine), folder);
  const Prestate* p = cp.get();
  byHash_[p->hash.b] = cp;
  if (folder == "latest") latest_ = cp;
  return cp;
}

std::shared_ptr<const Prestate> PrestateStore::find(const std::string& name) const {
  if (name == "latest") return latest_;
  if (name.size() != 66 || name[0] != '0' || (name[1] != 'x' && name[1] != 'X')) return nullptr;
  try {
    return find(hash32FromHex(lower(name), "prestate"));
  } catch (const Error&) {
    return nullptr;
  }
}

std::shared_ptr<const Prestate> PrestateStore::find(const Hash32& hash) const {
  auto it = byHash_.find(hash.b);
  return it == byHash_.end() ? nullptr : it->second;
}

std::vector<Hash32> PrestateStore::hashes() const {
  std::vector<Hash32> out;
  for (const auto& [k, p] : byHash_) out.push_back(p->hash);
  return out;
}

std::string writePrestateFolder(const std::string& dir, core::AnyMachine& machine, const std::string& metaJson,
                                const std::string& folder) {
  const Hash32 hash = machine.stateHash();
  fs::path path = fs::path(dir) / (folder.empty() ? toHex(hash) : folder);
  fs::create_directories(path);
  machine.writeState((path / "prestate.bin.gz").string());
  if (!metaJson.empty())
    writeFileAtomic((path / "meta.json").string(), ByteView(reinterpret_cast<const uint8_t*>(metaJson.data()), metaJson.size()));
  return path.string();
}

std::string writePrestateFolder(const std::string& dir, const vm::VmState& state, const std::string& metaJson,
                                const std::string& folder) {
  std::unique_ptr<core::AnyMachine> machine = core::machineFromState(state);
  return writePrestateFolder(dir, *machine, metaJson, folder);
}

}  // namespace fpvm::runs
