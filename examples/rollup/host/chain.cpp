#include "chain.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/hex.hpp"
#include "common/keccak256.hpp"

namespace rollup {
namespace {

void put64(Bytes& out, uint64_t v) {
  uint8_t b[8];
  fpvm::putBE64(b, v);
  out.insert(out.end(), b, b + 8);
}

void put32(Bytes& out, const Hash32& h) { out.insert(out.end(), h.b.begin(), h.b.end()); }

/// splitmix64: small, deterministic and identical everywhere.
struct Rng {
  uint64_t s;
  uint64_t next() {
    uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
};

Account* findAccount(std::vector<Account>& accounts, uint64_t id) {
  auto it = std::lower_bound(accounts.begin(), accounts.end(), id, [](const Account& a, uint64_t v) { return a.id < v; });
  return it != accounts.end() && it->id == id ? &*it : nullptr;
}

}  // namespace

Bytes encodeState(const std::vector<Account>& accounts) {
  Bytes out;
  out.reserve(accounts.size() * kAccountSize);
  for (const auto& a : accounts) {
    put64(out, a.id);
    put64(out, a.balance);
    put64(out, a.nonce);
  }
  return out;
}

Bytes encodeTxs(const std::vector<Tx>& txs) {
  Bytes out;
  out.reserve(txs.size() * kTxSize);
  for (const auto& t : txs) {
    put64(out, t.from);
    put64(out, t.to);
    put64(out, t.amount);
    put64(out, t.nonce);
  }
  return out;
}

Bytes encodeHeader(const Header& h) {
  Bytes out;
  out.reserve(kHeaderSize);
  put64(out, h.number);
  put32(out, h.parent);
  put32(out, h.txListHash);
  put32(out, h.stateRoot);
  return out;
}

size_t applyTxs(std::vector<Account>& accounts, const std::vector<Tx>& txs) {
  size_t applied = 0;
  for (const auto& t : txs) {
    Account* from = findAccount(accounts, t.from);
    Account* to = findAccount(accounts, t.to);
    if (!from || !to || from->nonce != t.nonce || from->balance < t.amount) continue;
    if (from != to && to->balance + t.amount < to->balance) continue;
    from->balance -= t.amount;
    to->balance += t.amount;
    from->nonce += 1;
    ++applied;
  }
  return applied;
}

Chain generateChain(const GenerateOptions& opt) {
  if (opt.accounts == 0) throw fpvm::Error("--accounts must be at least 1");
  if (opt.accounts > 4096 || opt.txsPerBlock > 4096 || opt.blocks > 4000)
    throw fpvm::Error("the guest holds at most 4096 accounts, 4096 transactions per block and 4000 blocks");
  const uint64_t agreed = opt.agreed < 0 ? std::min<uint64_t>(2, opt.blocks) : static_cast<uint64_t>(opt.agreed);
  if (agreed > opt.blocks) throw fpvm::Error("--agreed must not exceed --blocks");
  Chain chain;
  chain.blocks = opt.blocks;
  chain.agreedBlock = agreed;
  chain.claimBlock = opt.claim < 0 ? opt.blocks : static_cast<uint64_t>(opt.claim);
  if (chain.claimBlock > opt.blocks) throw fpvm::Error("--claim must not exceed --blocks");
  if (chain.claimBlock < agreed) throw fpvm::Error("--claim must not precede the agreed block");

  Rng rng{opt.seed};
  std::vector<Account> accounts(opt.accounts);
  for (uint64_t i = 0; i < opt.accounts; ++i) {
    accounts[i].id = (i + 1) * 16 + rng.below(16);
    accounts[i].balance = 1000 + rng.below(1000000);
  }

  std::map<std::array<uint8_t, 32>, size_t> seen;
  auto add = [&](const char* kind, Bytes value) {
    Hash32 h = fpvm::keccak256(value);
    if (seen.emplace(h.b, chain.preimages.size()).second) chain.preimages.push_back({kind, std::move(value)});
    return h;
  };

  Header header;
  header.number = 0;
  header.txListHash = add(kKindTxList, {});
  header.stateRoot = add(kKindState, encodeState(accounts));
  Hash32 parent = add(kKindHeader, encodeHeader(header));
  chain.outputRoots.push_back(parent);
  if (agreed == 0) chain.agreedStateRoot = header.stateRoot;

  Bytes batches;
  put64(batches, 1);
  for (uint64_t b = 1; b <= opt.blocks; ++b) {
    // Build transfers against a scratch copy so that nonces and balances of earlier transfers in
    // the same block are taken into account; some are deliberately invalid.
    std::vector<Account> scratch = accounts;
    std::vector<Tx> txs;
    for (uint64_t k = 0; k < opt.txsPerBlock; ++k) {
      Account& from = scratch[rng.below(scratch.size())];
      Account& to = scratch[rng.below(scratch.size())];
      Tx t{from.id, to.id, rng.below(from.balance / 4 + 1), from.nonce};
      switch (rng.below(10)) {
        case 0: t.nonce += 1 + rng.below(3); break;            // bad nonce
        case 1: t.amount = from.balance + 1 + rng.below(1000); break;  // insufficient balance
        case 2: t.to = 3; break;                                // unknown receiver (ids start at 16)
        default: break;
      }
      applyTxs(scratch, {t});
      txs.push_back(t);
    }
    header.number = b;
    header.parent = parent;
    header.txListHash = add(kKindTxList, encodeTxs(txs));
    applyTxs(accounts, txs);
    header.stateRoot = add(kKindState, encodeState(accounts));
    put32(batches, header.txListHash);
    parent = add(kKindHeader, encodeHeader(header));
    chain.outputRoots.push_back(parent);
    if (b == agreed) chain.agreedStateRoot = header.stateRoot;
  }
  chain.batchesHash = add(kKindBatches, std::move(batches));
  return chain;
}

std::string chainToJson(const Chain& c) {
  nlohmann::ordered_json j;
  j["format"] = "fpvm-rollup-chain/1";
  j["blocks"] = c.blocks;
  j["agreedBlock"] = c.agreedBlock;
  j["claimBlock"] = c.claimBlock;
  j["batchesHash"] = fpvm::toHex(c.batchesHash);
  j["agreedStateRoot"] = fpvm::toHex(c.agreedStateRoot);
  j["outputRoots"] = nlohmann::json::array();
  for (const auto& r : c.outputRoots) j["outputRoots"].push_back(fpvm::toHex(r));
  j["preimages"] = nlohmann::json::array();
  for (const auto& p : c.preimages)
    j["preimages"].push_back({{"kind", p.kind}, {"hash", fpvm::toHex(fpvm::keccak256(p.value))}, {"value", fpvm::toHex(p.value)}});
  return j.dump(1) + "\n";
}

Chain chainFromJson(const std::string& text, const std::string& what) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw fpvm::Error(what + ": malformed JSON: " + e.what());
  }
  if (j.value("format", "") != "fpvm-rollup-chain/1") throw fpvm::Error(what + ": not an fpvm-rollup chain file");
  Chain c;
  try {
    c.blocks = j.at("blocks").get<uint64_t>();
    c.agreedBlock = j.at("agreedBlock").get<uint64_t>();
    c.claimBlock = j.at("claimBlock").get<uint64_t>();
    c.batchesHash = fpvm::hash32FromHex(j.at("batchesHash").get<std::string>(), what + ": batchesHash");
    c.agreedStateRoot = fpvm::hash32FromHex(j.at("agreedStateRoot").get<std::string>(), what + ": agreedStateRoot");
    for (const auto& r : j.at("outputRoots")) c.outputRoots.push_back(fpvm::hash32FromHex(r.get<std::string>(), what + ": outputRoots"));
    for (const auto& p : j.at("preimages")) {
      Preimage pre{p.at("kind").get<std::string>(), fpvm::fromHex(p.at("value").get<std::string>(), what + ": preimage value")};
      Hash32 h = fpvm::hash32FromHex(p.at("hash").get<std::string>(), what + ": preimage hash");
      if (!(fpvm::keccak256(pre.value) == h)) throw fpvm::Error(what + ": preimage " + fpvm::toHex(h) + " does not match its hash");
      c.preimages.push_back(std::move(pre));
    }
  } catch (const nlohmann::json::exception& e) {
    throw fpvm::Error(what + ": " + e.what());
  }
  return c;
}

}  // namespace rollup
