// Fuzz target: the C interface (include/fpvm/fpvm.h) with arbitrary bytes where a caller passes
// data — ELF images (both machines; images whose segments would load more than 4 MiB are left to
// fuzz_elf), one-step proofs of either machine with arbitrary fields, segment proofs — and
// pre-image callbacks that return arbitrary data or fail. Every call must return a status (with a
// message when it is not FPVM_OK), never crash, leak or hang.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "fpvm/fpvm.h"
#include "fuzz_check.hpp"

namespace {

/// Reads big- or little-endian integers of an ELF64 image (0 past the end).
uint64_t field(const uint8_t* d, size_t size, size_t off, unsigned n, bool big) {
  if (off > size || n > size - off) return 0;  // off + n may wrap
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= uint64_t(d[off + i]) << (8 * (big ? n - 1 - i : i));
  return v;
}

/// Total p_memsz of the program headers (saturating), to keep loads small.
uint64_t loadBytes(const uint8_t* d, size_t size) {
  if (size < 64) return 0;
  const bool big = d[5] == 2;
  const uint64_t phoff = field(d, size, 32, 8, big), phentsize = field(d, size, 54, 2, big), phnum = field(d, size, 56, 2, big);
  uint64_t total = 0;
  for (uint64_t i = 0; i < phnum && i < 64; ++i) {
    const uint64_t memsz = field(d, size, phoff + i * phentsize + 40, 8, big);
    total = memsz > ~uint64_t(0) - total ? ~uint64_t(0) : total + memsz;
  }
  return phnum > 64 ? ~uint64_t(0) : total;
}

struct Feed {
  const uint8_t* data;
  size_t size;
  size_t pos = 0;
  int calls = 0;
};

int onHint(void* user, const uint8_t*, size_t) { return static_cast<Feed*>(user)->calls++ % 7 == 6 ? 1 : 0; }

int onPreimage(void* user, const uint8_t*, const uint8_t** out, size_t* len) {
  Feed* f = static_cast<Feed*>(user);
  if (f->calls++ % 5 == 4) return -1;
  const size_t n = f->pos < f->size ? f->data[f->pos] : 0;
  const size_t take = f->pos + 1 + n <= f->size ? n : 0;
  *out = take ? f->data + f->pos + 1 : nullptr;
  *len = take;
  f->pos += 1 + take;
  return 0;
}

void checkStatus(fpvm_status s) { FUZZ_CHECK(s == FPVM_OK || std::strlen(fpvm_last_error()) > 0); }

void fuzzElf(const uint8_t* d, size_t size) {
  if (loadBytes(d, size) > (uint64_t(4) << 20)) return;
  fpvm_machine* m = nullptr;
  const fpvm_status s = fpvm_machine_load_elf(d, size, &m);
  checkStatus(s);
  FUZZ_CHECK((s == FPVM_OK) == (m != nullptr));
  if (!m) return;
  Feed feed{d, size};
  fpvm_oracle_callbacks cb{&feed, onHint, onPreimage};
  checkStatus(fpvm_machine_set_oracle(m, &cb));
  fpvm_run_result r;
  checkStatus(fpvm_machine_run(m, 2000, FPVM_ENGINE_FAST, 0, &r));
  uint8_t hash[32];
  checkStatus(fpvm_machine_state_hash(m, hash));
  fpvm_step_proof p;
  if (fpvm_machine_prove_step(m, &p, &r) == FPVM_OK) {
    uint8_t post[32];
    const fpvm_status v = fpvm_verify_step(&p, post);
    checkStatus(v);
    if (r.stop != FPVM_STOP_REVERTED) FUZZ_CHECK(v == FPVM_OK && std::memcmp(post, p.post, 32) == 0);
    fpvm_step_proof_free(&p);
  }
  fpvm_machine_free(m);
}

void fuzzStepProof(const uint8_t* d, size_t size) {
  if (size < 4) return;
  fpvm_step_proof p{};
  p.isa = (d[0] & 1) ? FPVM_ISA_MIPS64 : FPVM_ISA_RISCV64;
  const size_t stateLen = p.isa == FPVM_ISA_MIPS64 ? 188 : 362;
  std::vector<uint8_t> state(d + 2, d + 2 + std::min(size - 2, stateLen)), proof, value;
  if (d[1] & 1) state.resize(stateLen);  // mostly the right size, sometimes short
  const size_t rest = 2 + std::min(size - 2, stateLen);
  proof.assign(d + rest, d + size);
  if (d[0] & 2) {
    p.has_oracle = 1;
    std::memset(p.oracle_key, d[0], 32);
    p.oracle_key[0] = d[0] & 2 ? 2 : 1;
    value.assign(proof.begin(), proof.begin() + std::min<size_t>(proof.size(), 80));
    p.oracle_value = {value.data(), value.size()};
  }
  p.state_data = {state.data(), state.size()};
  p.proof_data = {proof.data(), proof.size()};
  uint8_t post[32];
  checkStatus(fpvm_verify_step(&p, post));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  switch (data[0] % 3) {
    case 0: fuzzElf(data + 1, size - 1); break;
    case 1: fuzzStepProof(data + 1, size - 1); break;
    default: {
      fpvm_segment_result r;
      checkStatus(fpvm_verify_segment(data + 1, size - 1, 100000, &r));
    }
  }
  return 0;
}
