/* The C interface (include/fpvm/fpvm.h) from a C program built against the installed library
 * (tests/capi/capi_test.sh installs it and compiles this file with pkg-config's flags, shared
 * and static). Exercises both machines:
 *   capi_test ROLLUP_RISCV_ELF CHAIN_DIR MIPS64_PREIMAGE_ELF SCRATCH_DIR
 * - the example rollup (RISC-V) with an op-program data directory: runs to the verdict on each
 *   engine with equal state hashes, one-step proofs verify to the next state's hash (and a
 *   tampered one does not), a segment proof verifies, a state file round-trips;
 * - a MIPS64 guest with pre-images from callbacks: output, exit, a proof of every step verified,
 *   a failing callback, a broken machine;
 * - NULL handles, wrong sizes and malformed input get an error code and a message. */
#include <fpvm/fpvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;
#define CHECK(cond)                                                                        \
  do {                                                                                     \
    if (!(cond)) {                                                                         \
      fprintf(stderr, "%s:%d: CHECK(%s) failed; last error: %s\n", __FILE__, __LINE__, #cond, \
              fpvm_last_error());                                                          \
      failures++;                                                                          \
    }                                                                                      \
  } while (0)
#define CHECK_STATUS(call, expected) CHECK((call) == (expected))

static void null_and_bad_input(void) {
  fpvm_machine* m = (fpvm_machine*)0x1;
  uint8_t hash[32];
  size_t len = 0;
  CHECK_STATUS(fpvm_machine_load_elf(NULL, 10, &m), FPVM_ERR_INVALID_ARGUMENT);
  CHECK(m == NULL);
  CHECK(strlen(fpvm_last_error()) > 0);
  CHECK_STATUS(fpvm_machine_load_elf((const uint8_t*)"\x7f" "ELF", 4, NULL), FPVM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(fpvm_machine_load_elf((const uint8_t*)"not an elf at all", 17, &m), FPVM_ERR_BAD_INPUT);
  CHECK(strstr(fpvm_last_error(), "ELF") != NULL);
  CHECK_STATUS(fpvm_machine_load_elf_file("/nonexistent/program.elf", &m), FPVM_ERR_IO);
  CHECK_STATUS(fpvm_machine_load_state_file("/nonexistent/state.bin.gz", &m), FPVM_ERR_IO);
  CHECK_STATUS(fpvm_machine_state_hash(NULL, hash), FPVM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(fpvm_machine_witness(NULL, NULL, 0, &len), FPVM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(fpvm_machine_run(NULL, 10, FPVM_ENGINE_FAST, 0, NULL), FPVM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(fpvm_machine_prove_step(NULL, NULL, NULL), FPVM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(fpvm_verify_step(NULL, hash), FPVM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(fpvm_verify_segment(NULL, 5, 0, NULL), FPVM_ERR_INVALID_ARGUMENT);
  CHECK_STATUS(fpvm_verify_segment((const uint8_t*)"garbage", 7, 0, NULL), FPVM_ERR_VERIFY_FAILED);
  CHECK(fpvm_machine_step(NULL) == 0 && fpvm_machine_isa(NULL) == 0);
  fpvm_machine_free(NULL);
  fpvm_bytes_free(NULL);
  fpvm_step_proof_free(NULL);
  CHECK(strcmp(fpvm_status_name(FPVM_ERR_ORACLE), "FPVM_ERR_ORACLE") == 0);
}

static void hash_of(fpvm_machine* m, uint8_t out[32]) { CHECK_STATUS(fpvm_machine_state_hash(m, out), FPVM_OK); }

static void riscv_rollup(const char* elf, const char* chain, const char* scratch) {
  char preimages[1024], boot[1024], state_path[1024];
  snprintf(preimages, sizeof preimages, "%s/preimages", chain);
  snprintf(boot, sizeof boot, "%s/boot-valid.json", chain);
  snprintf(state_path, sizeof state_path, "%s/mid.bin.gz", scratch);

  fpvm_machine *m = NULL, *start = NULL, *ref = NULL;
  CHECK_STATUS(fpvm_machine_load_elf_file(elf, &m), FPVM_OK);
  if (!m) return;
  CHECK(fpvm_machine_isa(m) == FPVM_ISA_RISCV64);
  CHECK_STATUS(fpvm_machine_clone(m, &start), FPVM_OK);
  CHECK_STATUS(fpvm_machine_set_preimage_dir(m, preimages, boot), FPVM_OK);
  CHECK_STATUS(fpvm_machine_set_preimage_dir(m, "/nonexistent", NULL), FPVM_ERR_IO);
  CHECK_STATUS(fpvm_machine_set_preimage_dir(m, preimages, boot), FPVM_OK);

  fpvm_run_result r;
  CHECK_STATUS(fpvm_machine_run(m, UINT64_MAX, FPVM_ENGINE_FAST, 60000, &r), FPVM_OK);
  CHECK(r.stop == FPVM_STOP_EXITED);
  CHECK(fpvm_machine_exited(m) && fpvm_machine_exit_code(m) == 0);
  uint8_t fast_hash[32], ref_hash[32];
  hash_of(m, fast_hash);
  CHECK(fast_hash[0] == 0); /* status valid */
  const uint64_t steps = fpvm_machine_step(m);
  printf("riscv64 rollup: %llu steps, exit %d\n", (unsigned long long)steps, fpvm_machine_exit_code(m));

  uint8_t w[512];
  size_t wlen = 0;
  CHECK_STATUS(fpvm_machine_witness(m, w, 10, &wlen), FPVM_ERR_BUFFER_TOO_SMALL);
  CHECK(wlen == 362);
  CHECK_STATUS(fpvm_machine_witness(m, w, sizeof w, &wlen), FPVM_OK);

  /* The reference interpreter to the same end, in two legs with a state file in between. */
  CHECK_STATUS(fpvm_machine_clone(start, &ref), FPVM_OK);
  CHECK_STATUS(fpvm_machine_set_preimage_dir(ref, preimages, boot), FPVM_OK);
  CHECK_STATUS(fpvm_machine_run(ref, steps / 2, FPVM_ENGINE_REFERENCE, 0, &r), FPVM_OK);
  CHECK(r.stop == FPVM_STOP_REACHED && r.step == steps / 2);
  CHECK_STATUS(fpvm_machine_write_state(ref, state_path), FPVM_OK);
  fpvm_machine* reloaded = NULL;
  CHECK_STATUS(fpvm_machine_load_state_file(state_path, &reloaded), FPVM_OK);
  if (reloaded) {
    uint8_t a[32], b[32];
    hash_of(ref, a);
    hash_of(reloaded, b);
    CHECK(memcmp(a, b, 32) == 0);
    fpvm_machine_free(reloaded);
  }

  /* One-step proofs over the next 200 steps: each verifies to the hash after the step. */
  int read_preimage = 0;
  for (int i = 0; i < 200 && !fpvm_machine_exited(ref); i++) {
    fpvm_step_proof p;
    CHECK_STATUS(fpvm_machine_prove_step(ref, &p, &r), FPVM_OK);
    uint8_t post[32], now[32];
    CHECK_STATUS(fpvm_verify_step(&p, post), FPVM_OK);
    hash_of(ref, now);
    CHECK(memcmp(post, now, 32) == 0 && memcmp(p.post, now, 32) == 0);
    read_preimage |= p.has_oracle;
    if (i == 0 && p.proof_data.len > 0) {
      p.proof_data.data[p.proof_data.len / 2] ^= 1; /* tampered: never the honest post */
      const fpvm_status s = fpvm_verify_step(&p, post);
      CHECK(s == FPVM_ERR_VERIFY_FAILED || (s == FPVM_OK && memcmp(post, now, 32) != 0));
    }
    fpvm_step_proof_free(&p);
  }
  (void)read_preimage;

  /* A segment proof of 5,000 steps verifies and ends where the machine ends. */
  fpvm_bytes seg = {0};
  const uint64_t from = fpvm_machine_step(ref);
  CHECK_STATUS(fpvm_machine_prove_segment(ref, from + 5000, &seg), FPVM_OK);
  fpvm_segment_result sr;
  CHECK_STATUS(fpvm_verify_segment(seg.data, seg.len, 0, &sr), FPVM_OK);
  uint8_t now[32];
  hash_of(ref, now);
  CHECK(sr.from_step == from && sr.end_step == fpvm_machine_step(ref) && memcmp(sr.post, now, 32) == 0);
  CHECK_STATUS(fpvm_verify_segment(seg.data, seg.len, 10, &sr), FPVM_ERR_VERIFY_FAILED); /* over max_steps */
  printf("riscv64 segment proof: %zu bytes for %llu steps\n", seg.len, (unsigned long long)(sr.end_step - sr.from_step));
  fpvm_bytes_free(&seg);

  CHECK_STATUS(fpvm_machine_run(ref, UINT64_MAX, FPVM_ENGINE_PROVING, 0, &r), FPVM_OK);
  hash_of(ref, ref_hash);
  CHECK(memcmp(fast_hash, ref_hash, 32) == 0);

  /* An interrupted run stops at once and can be resumed. */
  fpvm_machine_interrupt(start);
  CHECK_STATUS(fpvm_machine_run(start, 1000, FPVM_ENGINE_FAST, 0, &r), FPVM_OK);
  CHECK(r.stop == FPVM_STOP_INTERRUPTED);
  fpvm_machine_clear_interrupt(start);
  /* No oracle: the first pre-image read fails the run with an oracle error. */
  CHECK_STATUS(fpvm_machine_run(start, UINT64_MAX, FPVM_ENGINE_FAST, 0, &r), FPVM_ERR_ORACLE);
  CHECK_STATUS(fpvm_machine_run(start, UINT64_MAX, FPVM_ENGINE_FAST, 0, &r), FPVM_ERR_BROKEN);

  fpvm_machine_free(m);
  fpvm_machine_free(start);
  fpvm_machine_free(ref);
}

/* ---- MIPS64 with callbacks ---- */

struct host {
  int hints, requests, fail;
  char out[256];
  size_t out_len;
};

static int on_hint(void* user, const uint8_t* hint, size_t len) {
  (void)hint;
  (void)len;
  ((struct host*)user)->hints++;
  return 0;
}

static int on_preimage(void* user, const uint8_t key[32], const uint8_t** data, size_t* len) {
  struct host* h = (struct host*)user;
  static const char value[] = "hello preimage";
  h->requests++;
  if (h->fail) return 7;
  if (key[0] != 1 || key[31] != 2) return 1;
  *data = (const uint8_t*)value;
  *len = sizeof value - 1;
  return 0;
}

static void on_output(void* user, int fd, const uint8_t* data, size_t len) {
  struct host* h = (struct host*)user;
  if (fd == 1 && h->out_len + len < sizeof h->out) {
    memcpy(h->out + h->out_len, data, len);
    h->out_len += len;
  }
}

static void mips64_callbacks(const char* elf, const char* scratch) {
  struct host h = {0};
  fpvm_oracle_callbacks cb = {&h, on_hint, on_preimage};
  fpvm_machine *m = NULL, *copy = NULL;
  CHECK_STATUS(fpvm_machine_load_elf_file(elf, &m), FPVM_OK);
  if (!m) return;
  CHECK(fpvm_machine_isa(m) == FPVM_ISA_MIPS64);
  CHECK_STATUS(fpvm_machine_clone(m, &copy), FPVM_OK);
  CHECK_STATUS(fpvm_machine_set_oracle(m, &cb), FPVM_OK);
  CHECK_STATUS(fpvm_machine_set_output(m, &h, on_output), FPVM_OK);
  /* Every step proved and verified. */
  fpvm_run_result r;
  int proved = 0;
  while (!fpvm_machine_exited(m) && proved < 100000) {
    fpvm_step_proof p;
    if (fpvm_machine_prove_step(m, &p, &r) != FPVM_OK) {
      CHECK(0);
      break;
    }
    uint8_t post[32], now[32];
    CHECK_STATUS(fpvm_verify_step(&p, post), FPVM_OK);
    hash_of(m, now);
    CHECK(memcmp(post, now, 32) == 0);
    CHECK(p.state_data.len == 188 && p.proof_data.len == 6090);
    fpvm_step_proof_free(&p);
    proved++;
  }
  CHECK(fpvm_machine_exited(m) && fpvm_machine_exit_code(m) == 0);
  CHECK(h.hints == 1 && h.requests >= 1);
  CHECK(h.out_len > 0 && strstr(h.out, "hello preimage") != NULL);
  printf("mips64 preimage guest: %d steps proved and verified\n", proved);
  size_t wlen = 0;
  uint8_t w[188];
  CHECK_STATUS(fpvm_machine_witness(m, w, sizeof w, &wlen), FPVM_OK);
  CHECK(wlen == 188);
  /* Cannon's binary state file round-trips; JSON is not a format of this machine. */
  {
    char state_path[1024];
    snprintf(state_path, sizeof state_path, "%s/mips64-final.bin.gz", scratch);
    CHECK_STATUS(fpvm_machine_write_state(m, state_path), FPVM_OK);
    fpvm_machine* back = NULL;
    CHECK_STATUS(fpvm_machine_load_state_file(state_path, &back), FPVM_OK);
    if (back) {
      uint8_t a[32], b[32];
      hash_of(m, a);
      hash_of(back, b);
      CHECK(memcmp(a, b, 32) == 0 && fpvm_machine_isa(back) == FPVM_ISA_MIPS64 && fpvm_machine_exited(back));
      fpvm_machine_free(back);
    }
    snprintf(state_path, sizeof state_path, "%s/mips64-final.json", scratch);
    CHECK_STATUS(fpvm_machine_write_state(m, state_path), FPVM_ERR_UNSUPPORTED);
  }
  /* The whole run as one MT64 segment proof (format version 2): it verifies statelessly and ends
     in the state the step-by-step run reached. */
  fpvm_machine* whole = NULL;
  CHECK_STATUS(fpvm_machine_clone(copy, &whole), FPVM_OK);
  if (whole) {
    struct host h2 = {0};
    fpvm_oracle_callbacks cb2 = {&h2, on_hint, on_preimage};
    CHECK_STATUS(fpvm_machine_set_oracle(whole, &cb2), FPVM_OK);
    fpvm_bytes seg = {0};
    CHECK_STATUS(fpvm_machine_prove_segment(whole, 1000000, &seg), FPVM_OK);
    fpvm_segment_result sr;
    CHECK_STATUS(fpvm_verify_segment(seg.data, seg.len, 0, &sr), FPVM_OK);
    uint8_t final_hash[32];
    hash_of(m, final_hash);
    CHECK(sr.from_step == 0 && sr.end_step == fpvm_machine_step(m) && sr.exited && memcmp(sr.post, final_hash, 32) == 0);
    printf("mips64 segment proof: %zu bytes for %llu steps\n", seg.len, (unsigned long long)sr.end_step);
    fpvm_bytes_free(&seg);
    fpvm_machine_free(whole);
  }

  /* A failing callback fails the run; the machine is broken afterwards. */
  struct host bad = {0};
  bad.fail = 1;
  fpvm_oracle_callbacks badcb = {&bad, on_hint, on_preimage};
  CHECK_STATUS(fpvm_machine_set_oracle(copy, &badcb), FPVM_OK);
  CHECK_STATUS(fpvm_machine_run(copy, UINT64_MAX, FPVM_ENGINE_FAST, 0, &r), FPVM_ERR_ORACLE);
  CHECK(strstr(fpvm_last_error(), "returned 7") != NULL);
  CHECK_STATUS(fpvm_machine_run(copy, UINT64_MAX, FPVM_ENGINE_FAST, 0, &r), FPVM_ERR_BROKEN);
  fpvm_machine_free(m);
  fpvm_machine_free(copy);
}

int main(int argc, char** argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: capi_test ROLLUP_RISCV_ELF CHAIN_DIR MIPS64_PREIMAGE_ELF SCRATCH_DIR\n");
    return 2;
  }
  printf("libfpvm %s, ABI %u (header %d)\n", fpvm_version(), fpvm_abi_version(), FPVM_ABI_VERSION);
  CHECK(fpvm_abi_version() == FPVM_ABI_VERSION);
  null_and_bad_input();
  riscv_rollup(argv[1], argv[2], argv[4]);
  mips64_callbacks(argv[3], argv[4]);
  if (failures) {
    fprintf(stderr, "%d checks failed\n", failures);
    return 1;
  }
  printf("all checks passed\n");
  return 0;
}
