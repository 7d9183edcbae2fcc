#pragma once
/// The toy rollup's data model, shared by the generator and the server. It mirrors the guest
/// (examples/rollup/guest/rollup.c): every encoding and validity rule here must match it byte for
/// byte, or the guest computes different output roots.
#include <cstdint>
#include <string>
#include <vector>

#include "common/bytes.hpp"

namespace rollup {

using fpvm::Bytes;
using fpvm::Hash32;

inline constexpr size_t kHeaderSize = 104;  ///< number | parent | tx-list hash | state root
inline constexpr size_t kAccountSize = 24;  ///< id | balance | nonce (u64 BE each)
inline constexpr size_t kTxSize = 32;       ///< from | to | amount | nonce (u64 BE each)

struct Account {
  uint64_t id = 0, balance = 0, nonce = 0;
};

struct Tx {
  uint64_t from = 0, to = 0, amount = 0, nonce = 0;
};

struct Header {
  uint64_t number = 0;
  Hash32 parent, txListHash, stateRoot;
};

/// Accounts sorted by id (strictly ascending), 24 bytes each.
Bytes encodeState(const std::vector<Account>& accounts);
Bytes encodeTxs(const std::vector<Tx>& txs);
Bytes encodeHeader(const Header& h);

/// Applies transfers in order, skipping invalid ones (unknown account, wrong nonce, balance too
/// small, receiver overflow). Returns how many were applied.
size_t applyTxs(std::vector<Account>& accounts, const std::vector<Tx>& txs);

/// Kinds of preimage; the hint for one is "<kind> 0x<keccak256 of the value>".
inline constexpr const char* kKindHeader = "l2-header";
inline constexpr const char* kKindState = "l2-state";
inline constexpr const char* kKindBatches = "l1-batches";
inline constexpr const char* kKindTxList = "tx-list";

struct Preimage {
  std::string kind;
  Bytes value;
};

/// Everything `generate` produces.
struct Chain {
  uint64_t blocks = 0;        ///< blocks 1..blocks after genesis 0
  uint64_t agreedBlock = 0;   ///< starting point given to the guest
  uint64_t claimBlock = 0;    ///< block whose output root is claimed
  std::vector<Hash32> outputRoots;  ///< per block 0..blocks
  Hash32 batchesHash;
  Hash32 agreedStateRoot;
  std::vector<Preimage> preimages;  ///< unique by value
};

struct GenerateOptions {
  uint64_t blocks = 24, accounts = 48, txsPerBlock = 16, seed = 1;
  int64_t agreed = -1;  ///< -1: block 2 (or the last block when there are fewer)
  int64_t claim = -1;  ///< -1: the last block
};

Chain generateChain(const GenerateOptions& opt);

/// chain.json round trip.
std::string chainToJson(const Chain& c);
Chain chainFromJson(const std::string& text, const std::string& what);

}  // namespace rollup
