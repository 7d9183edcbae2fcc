#include "preimage/datadir_source.hpp"

#include <filesystem>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"

namespace fpvm::preimage {

DataDirSource::DataDirSource(std::string dir) : dir_(std::move(dir)) {
  if (!std::filesystem::is_directory(dir_)) throw Error("preimage directory " + dir_ + " does not exist");
}

std::string DataDirSource::pathOf(const Hash32& key) const { return dir_ + "/" + toHex(key) + ".txt"; }

std::optional<Bytes> DataDirSource::get(const Hash32& key) const {
  std::string path = pathOf(key);
  if (!fileExists(path)) return std::nullopt;
  Bytes text = readFile(path);
  std::string s(text.begin(), text.end());
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return fromHex(s, "preimage file " + path);
}

void DataDirSource::put(const Hash32& key, ByteView value) const {
  std::string hex = toHex(value, false);
  writeFileAtomic(pathOf(key), ByteView(reinterpret_cast<const uint8_t*>(hex.data()), hex.size()), 0644);
}

}  // namespace fpvm::preimage
