/* A toy rollup fault-proof program.
 *
 * Boot values (local keys): 1 = agreed L2 header hash, 2 = claimed output root, 3 = claimed
 * block number (u64 BE), 4 = hash of the L1 batches blob. Everything else is a keccak256
 * preimage, each requested after a hint naming it:
 *   "l2-header 0x<hash>"   header (104 bytes): number u64 BE | parent hash | tx-list hash | state root
 *   "l2-state 0x<root>"    state: accounts sorted by id, 24 bytes each: id | balance | nonce (u64 BE)
 *   "l1-batches 0x<hash>"  first block number u64 BE | one 32-byte tx-list hash per block
 *   "tx-list 0x<hash>"     transfers, 32 bytes each: from | to | amount | nonce (u64 BE)
 * A block's output root is the keccak256 of its header. The program derives every block after
 * the agreed one up to the claimed number and compares the last output root with the claim:
 * exit 0 = valid, 1 = invalid, >= 2 = malformed data.
 * A transfer is skipped when an account is unknown, the nonce is not the sender's nonce, the
 * sender's balance is too small, or the receiver's balance would overflow. */
#include "io.h"

#define HEADER_SIZE 104
#define ACCOUNT_SIZE 24
#define TX_SIZE 32
#define MAX_ACCOUNTS 4096
#define MAX_TXS 4096
#define MAX_BLOCKS 4096

typedef struct {
  uint64_t id, balance, nonce;
} account;

static account accounts[MAX_ACCOUNTS];
static size_t num_accounts;
static uint8_t blob[MAX_TXS * TX_SIZE]; /* state and tx-list preimages land here */
static uint8_t batches[8 + MAX_BLOCKS * 32];

static account *find_account(uint64_t id) {
  size_t lo = 0, hi = num_accounts;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (accounts[mid].id == id) return &accounts[mid];
    if (accounts[mid].id < id)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

static void state_root(uint8_t out[32]) {
  fpvm_keccak_ctx c;
  fpvm_keccak_init(&c);
  for (size_t i = 0; i < num_accounts; ++i) {
    uint8_t enc[ACCOUNT_SIZE];
    fpvm_put_be64(enc, accounts[i].id);
    fpvm_put_be64(enc + 8, accounts[i].balance);
    fpvm_put_be64(enc + 16, accounts[i].nonce);
    fpvm_keccak_update(&c, enc, sizeof enc);
  }
  fpvm_keccak_final(&c, out);
}

static void load_state(const uint8_t root[32]) {
  size_t n = keccak_preimage_get("l2-state", root, blob, sizeof blob);
  if (n % ACCOUNT_SIZE != 0 || n / ACCOUNT_SIZE > MAX_ACCOUNTS) panic(EXIT_BAD_DATA, "malformed state");
  num_accounts = n / ACCOUNT_SIZE;
  for (size_t i = 0; i < num_accounts; ++i) {
    const uint8_t *p = blob + i * ACCOUNT_SIZE;
    accounts[i].id = fpvm_get_be64(p);
    accounts[i].balance = fpvm_get_be64(p + 8);
    accounts[i].nonce = fpvm_get_be64(p + 16);
    if (i > 0 && accounts[i].id <= accounts[i - 1].id) panic(EXIT_BAD_DATA, "state accounts not sorted");
  }
}

/* Applies one block's transfers; returns the number applied. */
static size_t apply_txs(size_t n) {
  size_t applied = 0;
  for (size_t i = 0; i < n; ++i) {
    const uint8_t *p = blob + i * TX_SIZE;
    uint64_t from_id = fpvm_get_be64(p), to_id = fpvm_get_be64(p + 8);
    uint64_t amount = fpvm_get_be64(p + 16), nonce = fpvm_get_be64(p + 24);
    account *from = find_account(from_id), *to = find_account(to_id);
    if (!from || !to || from->nonce != nonce || from->balance < amount) continue;
    if (from != to && to->balance + amount < to->balance) continue;
    from->balance -= amount;
    to->balance += amount;
    from->nonce += 1;
    ++applied;
  }
  return applied;
}

static void header_hash(uint64_t number, const uint8_t parent[32], const uint8_t txs[32], const uint8_t root[32],
                        uint8_t out[32]) {
  uint8_t h[HEADER_SIZE];
  fpvm_put_be64(h, number);
  memcpy(h + 8, parent, 32);
  memcpy(h + 40, txs, 32);
  memcpy(h + 72, root, 32);
  fpvm_keccak256(h, sizeof h, out);
}

int main(void) {
  uint8_t agreed[32], claim[32], number_be[8], batches_hash[32];
  if (local_get(1, agreed, 32) != 32) panic(EXIT_BAD_DATA, "local 1 (agreed header hash) must be 32 bytes");
  if (local_get(2, claim, 32) != 32) panic(EXIT_BAD_DATA, "local 2 (claimed output root) must be 32 bytes");
  if (local_get(3, number_be, 8) != 8) panic(EXIT_BAD_DATA, "local 3 (claimed block number) must be 8 bytes");
  if (local_get(4, batches_hash, 32) != 32) panic(EXIT_BAD_DATA, "local 4 (L1 batches hash) must be 32 bytes");
  uint64_t claim_number = fpvm_get_be64(number_be);

  uint8_t header[HEADER_SIZE];
  if (keccak_preimage_get("l2-header", agreed, header, sizeof header) != HEADER_SIZE)
    panic(EXIT_BAD_DATA, "malformed header");
  uint64_t number = fpvm_get_be64(header);
  out_str("agreed block ");
  out_u64(number);
  out_str(" output root ");
  out_hex(agreed, 32);
  out_str("\nclaim: block ");
  out_u64(claim_number);
  out_str(" output root ");
  out_hex(claim, 32);
  out_str("\n");

  load_state(header + 72);
  out_str("state: ");
  out_u64(num_accounts);
  out_str(" accounts\n");

  uint8_t output[32];
  memcpy(output, agreed, 32);
  if (claim_number < number) {
    out_str("claim INVALID: block ");
    out_u64(claim_number);
    out_str(" precedes the agreed block\n");
    return EXIT_INVALID;
  }
  if (claim_number > number) {
    size_t bn = keccak_preimage_get("l1-batches", batches_hash, batches, sizeof batches);
    if (bn < 8 || (bn - 8) % 32 != 0) panic(EXIT_BAD_DATA, "malformed L1 batches");
    uint64_t first = fpvm_get_be64(batches), count = (bn - 8) / 32;
    out_str("L1 batches: blocks ");
    out_u64(first);
    out_str("..");
    out_u64(first + count - 1);
    out_str("\n");
    for (uint64_t b = number + 1; b <= claim_number; ++b) {
      if (b < first || b - first >= count) {
        out_str("claim INVALID: no L1 batch for block ");
        out_u64(b);
        out_str("\n");
        return EXIT_INVALID;
      }
      const uint8_t *tx_hash = batches + 8 + (b - first) * 32;
      size_t tn = keccak_preimage_get("tx-list", tx_hash, blob, sizeof blob);
      if (tn % TX_SIZE != 0) panic(EXIT_BAD_DATA, "malformed tx list");
      size_t applied = apply_txs(tn / TX_SIZE);
      uint8_t root[32];
      state_root(root);
      header_hash(b, output, tx_hash, root, output);
      out_str("block ");
      out_u64(b);
      out_str(": ");
      out_u64(applied);
      out_str("/");
      out_u64(tn / TX_SIZE);
      out_str(" txs applied, output root ");
      out_hex(output, 32);
      out_str("\n");
    }
  }
  if (memcmp(output, claim, 32) == 0) {
    out_str("claim valid\n");
    return EXIT_VALID;
  }
  out_str("claim INVALID: computed ");
  out_hex(output, 32);
  out_str(" claimed ");
  out_hex(claim, 32);
  out_str("\n");
  return EXIT_INVALID;
}
