// fpvm-rollup-host: generates the example rollup's chain data and serves it as a preimage server
// for `fpvm run … -- fpvm-rollup-host serve --chain DIR`.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "chain.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/hex.hpp"
#include "common/keccak256.hpp"
#include "preimage/datadir_source.hpp"
#include "preimage/keys.hpp"
#include "preimage/local_values.hpp"
#include "preimage/oracle_server.hpp"

namespace {

using fpvm::Bytes;
using fpvm::ByteView;
using fpvm::Hash32;

void writeText(const std::string& path, const std::string& text) {
  fpvm::writeFileAtomic(path, ByteView(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

std::string bootJson(const rollup::Chain& c, const Hash32& claim) {
  uint8_t number[8];
  fpvm::putBE64(number, c.claimBlock);
  return "{\n  \"1\": \"" + fpvm::toHex(c.outputRoots.at(c.agreedBlock)) + "\",\n  \"2\": \"" + fpvm::toHex(claim) +
         "\",\n  \"3\": \"" + fpvm::toHex(ByteView(number, 8)) + "\",\n  \"4\": \"" + fpvm::toHex(c.batchesHash) + "\"\n}\n";
}

int runGenerate(const std::string& out, const rollup::GenerateOptions& opt) {
  rollup::Chain chain = rollup::generateChain(opt);
  // Start the preimage folder afresh so that files of an earlier chain do not linger.
  std::filesystem::remove_all(out + "/preimages");
  std::filesystem::create_directories(out + "/preimages");
  writeText(out + "/chain.json", rollup::chainToJson(chain));
  Hash32 claim = chain.outputRoots.at(chain.claimBlock);
  writeText(out + "/boot-valid.json", bootJson(chain, claim));
  Hash32 wrong = claim;
  wrong[31] ^= 0x01;
  writeText(out + "/boot-invalid.json", bootJson(chain, wrong));
  fpvm::preimage::DataDirSource dir(out + "/preimages");
  size_t bytes = 0;
  for (const auto& p : chain.preimages) {
    dir.put(fpvm::preimage::keccak256Key(p.value), p.value);
    bytes += p.value.size();
  }
  std::cout << "generated " << chain.blocks << " blocks (agreed " << chain.agreedBlock << ", claim " << chain.claimBlock
            << "), " << chain.preimages.size() << " preimages, " << bytes << " bytes in " << out << "\n"
            << "claimed output root " << fpvm::toHex(claim) << "\n";
  return 0;
}

/// Which requests misbehave (counted from 1; a switch at N affects request N+1 onwards).
struct Faults {
  int64_t failAfter = -1, hangAfter = -1, corruptAfter = -1, garbageAfter = -1;
  int64_t slowAfter = -1;  ///< request N+1 (only that one) is answered after slowMs
  int64_t slowMs = 0;
};

[[noreturn]] void hangForever() {
  for (;;) ::pause();  // SIGINT/SIGKILL from the host ends it
}

/// Serves a chain's preimages, each only after a hint has named it: the data a host would have to
/// prepare (fetch from L1/L2 nodes) before it can answer.
class RollupServer final : public fpvm::preimage::OracleServerHandler {
 public:
  RollupServer(const rollup::Chain& chain, Faults faults, fpvm::preimage::LocalValues boot, bool verbose)
      : faults_(faults), boot_(std::move(boot)), verbose_(verbose) {
    for (const auto& p : chain.preimages) byKey_[fpvm::preimage::keccak256Key(p.value).b] = &p;
  }

  void onHint(ByteView hint) override {
    std::string text(hint.begin(), hint.end());
    if (verbose_) std::fprintf(stderr, "rollup-host: hint %s\n", text.c_str());
    size_t sp = text.find(' ');
    if (sp == std::string::npos) throw fpvm::Error("malformed hint \"" + text + "\"");
    std::string kind = text.substr(0, sp);
    Hash32 key = fpvm::hash32FromHex(text.substr(sp + 1), "hint hash");
    key[0] = static_cast<uint8_t>(fpvm::preimage::KeyType::Keccak256);
    auto it = byKey_.find(key.b);
    if (it == byKey_.end()) throw fpvm::Error("hint \"" + text + "\" names unknown data");
    if (it->second->kind != kind) throw fpvm::Error("hint \"" + text + "\" names a " + it->second->kind);
    prepared_.insert(key.b);
  }

  std::optional<Bytes> onPreimage(const Hash32& key) override {
    // Boot values (type-1 keys), as op-program serves its --l1.head, --l2.claim, … itself.
    if (key[0] == static_cast<uint8_t>(fpvm::preimage::KeyType::Local)) {
      auto it = boot_.find(fpvm::getBE64(key.data() + 24));
      if (it != boot_.end()) return it->second;
    }
    ++requests_;
    if (faults_.slowAfter >= 0 && requests_ == static_cast<uint64_t>(faults_.slowAfter) + 1) {
      std::fprintf(stderr, "rollup-host: --slow-after %lld: answering in %lld ms\n", static_cast<long long>(faults_.slowAfter),
                   static_cast<long long>(faults_.slowMs));
      std::this_thread::sleep_for(std::chrono::milliseconds(faults_.slowMs));
    }
    auto past = [&](int64_t n) { return n >= 0 && requests_ > static_cast<uint64_t>(n); };
    if (past(faults_.failAfter)) {
      std::fprintf(stderr, "rollup-host: --fail-after %lld: exiting with code 3\n", static_cast<long long>(faults_.failAfter));
      std::fflush(stderr);
      std::_Exit(3);
    }
    if (past(faults_.hangAfter)) {
      std::fprintf(stderr, "rollup-host: --hang-after %lld: not answering\n", static_cast<long long>(faults_.hangAfter));
      hangForever();
    }
    if (past(faults_.garbageAfter)) {
      std::fprintf(stderr, "rollup-host: --garbage-after %lld: sending an absurd length\n",
                   static_cast<long long>(faults_.garbageAfter));
      uint8_t absurd[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xf0};
      if (::write(6, absurd, sizeof absurd) != sizeof absurd) std::_Exit(4);
      hangForever();
    }
    auto it = byKey_.find(key.b);
    if (it == byKey_.end()) {
      std::fprintf(stderr, "rollup-host: no preimage for key %s\n", fpvm::toHex(key).c_str());
      return std::nullopt;
    }
    if (!prepared_.count(key.b)) {
      std::fprintf(stderr, "rollup-host: preimage %s requested before any hint named it\n", fpvm::toHex(key).c_str());
      return std::nullopt;
    }
    Bytes value = it->second->value;
    if (past(faults_.corruptAfter)) {
      if (value.empty())
        value.push_back(0x5a);
      else
        value[value.size() / 2] ^= 0x01;
    }
    if (verbose_) std::fprintf(stderr, "rollup-host: serving %s (%zu bytes)\n", fpvm::toHex(key).c_str(), value.size());
    return value;
  }

 private:
  Faults faults_;
  fpvm::preimage::LocalValues boot_;
  bool verbose_;
  std::map<std::array<uint8_t, 32>, const rollup::Preimage*> byKey_;
  std::set<std::array<uint8_t, 32>> prepared_;
  uint64_t requests_ = 0;
};

int runServe(const std::string& chainDir, const std::string& bootFile, const Faults& faults, bool verbose) {
  std::string path = chainDir + "/chain.json";
  Bytes text = fpvm::readFile(path);
  rollup::Chain chain = rollup::chainFromJson(std::string(text.begin(), text.end()), path);
  fpvm::preimage::LocalValues boot;
  if (!bootFile.empty()) {
    Bytes b = fpvm::readFile(bootFile);
    fpvm::preimage::addLocalJson(boot, std::string(b.begin(), b.end()), bootFile);
  }
  RollupServer server(chain, faults, std::move(boot), verbose);
  fpvm::preimage::serveOracle(server);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Example rollup host for fpvm: generates chain data and serves it as preimages", "fpvm-rollup-host");
  app.require_subcommand(1);

  auto* gen = app.add_subcommand("generate", "write chain data, boot files and a preimage directory");
  std::string out;
  rollup::GenerateOptions opt;
  gen->add_option("--out", out, "output directory")->required();
  gen->add_option("--blocks", opt.blocks, "blocks after genesis");
  gen->add_option("--accounts", opt.accounts, "number of accounts");
  gen->add_option("--txs-per-block", opt.txsPerBlock, "transfers per block");
  gen->add_option("--seed", opt.seed, "random seed");
  gen->add_option("--agreed", opt.agreed, "agreed starting block");
  gen->add_option("--claim", opt.claim, "claimed block (default: the last)");

  auto* serve = app.add_subcommand("serve", "serve chain data on fds 3-6 (run by `fpvm run … --`)");
  std::string chainDir, bootFile;
  Faults faults;
  bool verbose = false;
  serve->add_option("--chain", chainDir, "directory written by generate")->required();
  serve->add_option("--fail-after", faults.failAfter, "exit with code 3 on preimage request N+1");
  serve->add_option("--hang-after", faults.hangAfter, "stop answering at preimage request N+1");
  serve->add_option("--corrupt-after", faults.corruptAfter, "serve wrong bytes from preimage request N+1 on");
  serve->add_option("--garbage-after", faults.garbageAfter, "send an absurd length at preimage request N+1");
  serve->add_option("--slow-after", faults.slowAfter, "answer preimage request N+1 only after --slow-ms");
  serve->add_option("--slow-ms", faults.slowMs, "delay of --slow-after, in milliseconds");
  serve->add_option("--boot", bootFile, "serve the local boot values (type-1 keys) of this JSON file, as op-program does");
  serve->add_flag("-v,--verbose", verbose, "log hints and preimages to stderr");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    if (*gen) return runGenerate(out, opt);
    return runServe(chainDir, bootFile, faults, verbose);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fpvm-rollup-host: error: %s\n", e.what());
    return 2;
  }
}
