/* oracle_demo.c — the guest SDK's C example: a tiny fault-proof program.
 *
 * Boot values: 1 = keccak256 hash of a document, 2 = the claimed length of that document
 * (u64 BE). The program hints "document 0x<hash>", fetches the document as a keccak256
 * pre-image (checked against the hash), prints it and its length, and exits with the verdict:
 * valid (0) when the length is the claim, invalid (1) when it is not, panic (2) when a boot value
 * is malformed or the oracle fails.
 *
 * Built twice by sdk/CMakeLists.txt, from this one source: without libc (sdk/c/rt/start_bare.S,
 * -nostdlib) and with picolibc and the SDK runtime (sdk/c/rt). It only uses the SDK headers, so
 * both print the same bytes. */
#include <stddef.h>
#include <stdint.h>

#include "fpvm/oracle.h"

static void put(const char *s) {
  size_t n = 0;
  while (s[n]) ++n;
  (void)fpvm_write_all(FPVM_FD_STDOUT, s, n);
}

static void put_u64(uint64_t v) {
  char tmp[21];
  int n = 20;
  tmp[n] = 0;
  do {
    tmp[--n] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  put(tmp + n);
}

static __attribute__((noreturn)) void fail(const char *what, int64_t code) {
  put("panic: ");
  put(what);
  put(": ");
  put(fpvm_oracle_error_name(code));
  put("\n");
  fpvm_exit_verdict(FPVM_VERDICT_PANIC);
}

int main(void) {
  /* On the stack: a .bss-only data segment has a file offset past the end of the file, which
   * fpvm's MIPS64 ELF reader rejects (Cannon's Go loader does not). */
  uint8_t hash[32], claim_be[8], document[4096];
  int64_t n = fpvm_local_get(1, hash, sizeof hash);
  if (n != 32) {
    put("panic: local 1 (document hash) must be 32 bytes\n");
    return FPVM_VERDICT_PANIC;
  }
  n = fpvm_local_get(2, claim_be, sizeof claim_be);
  if (n != 8) {
    put("panic: local 2 (claimed length) must be 8 bytes\n");
    return FPVM_VERDICT_PANIC;
  }
  uint64_t claim = fpvm_get_be64(claim_be);

  int64_t len = fpvm_keccak256_get_hinted("document", hash, document, sizeof document - 1);
  if (len < 0) fail("document", len);
  document[len] = 0;
  put("document: ");
  put((const char *)document);
  put("\nlength: ");
  put_u64((uint64_t)len);
  put(", claimed: ");
  put_u64(claim);
  put("\n");
  if ((uint64_t)len == claim) {
    put("claim valid\n");
    return FPVM_VERDICT_VALID;
  }
  put("claim INVALID\n");
  return FPVM_VERDICT_INVALID;
}
