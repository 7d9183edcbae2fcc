/* fpvm.h — the C interface of libfpvm, the fault-proof VM library.
 *
 * One API over both machines fpvm runs: RISC-V (bit-compatible with Asterisc) and MIPS64
 * (Cannon's multithreaded MT64, state version 8). An embedding program loads an ELF or a state
 * file into a machine, gives it pre-images (callbacks or an op-program data directory), runs it
 * under a step target and a time limit, reads its step, exit and state hash, and produces and
 * verifies one-step and segment proofs.
 *
 * Conventions:
 * - Every function that can fail returns an fpvm_status; FPVM_OK is 0. On failure,
 *   fpvm_last_error() names the problem (per thread, until the thread's next failing call).
 * - Handles are opaque and owned by the caller: each *_free takes NULL. A machine is not
 *   thread-safe: one thread at a time, except fpvm_machine_interrupt.
 * - Memory fpvm returns (fpvm_bytes) is freed with fpvm_bytes_free.
 * - No C++ exception crosses this interface; bad arguments (NULL handles, wrong sizes) give
 *   FPVM_ERR_INVALID_ARGUMENT, never a crash.
 */
#ifndef FPVM_FPVM_H
#define FPVM_FPVM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define FPVM_API __attribute__((visibility("default")))
#else
#define FPVM_API
#endif

/** Version of this header's ABI; fpvm_abi_version() returns the library's. Same major = compatible. */
#define FPVM_ABI_VERSION 1

typedef enum fpvm_status {
  FPVM_OK = 0,
  FPVM_ERR_INVALID_ARGUMENT = 1, /**< a NULL handle or pointer, a size or value out of range */
  FPVM_ERR_BAD_INPUT = 2,        /**< a malformed ELF, state file or proof */
  FPVM_ERR_IO = 3,               /**< a file could not be read or written */
  FPVM_ERR_ORACLE = 4,           /**< a pre-image is missing or a callback failed: the machine is broken */
  FPVM_ERR_BROKEN = 5,           /**< the machine reverted or failed earlier and cannot move */
  FPVM_ERR_UNSUPPORTED = 6,      /**< the operation does not exist for this machine (yet) */
  FPVM_ERR_BUFFER_TOO_SMALL = 7, /**< the output buffer is too small; the needed size was written */
  FPVM_ERR_VERIFY_FAILED = 8,    /**< a proof does not verify */
  FPVM_ERR_INTERNAL = 9          /**< anything else (a bug: please report fpvm_last_error()) */
} fpvm_status;

typedef enum fpvm_isa {
  FPVM_ISA_RISCV64 = 1, /**< Asterisc's RV64IMA machine (362-byte witness) */
  FPVM_ISA_MIPS64 = 2   /**< Cannon's MT64 machine, state version 8 (188-byte witness) */
} fpvm_isa;

typedef enum fpvm_engine {
  FPVM_ENGINE_FAST = 0,     /**< validation speed */
  FPVM_ENGINE_PROVING = 1,  /**< cheap state hashes at any step (RISC-V; the MT64 machine runs its fast engine) */
  FPVM_ENGINE_REFERENCE = 2 /**< the reference interpreter on every step */
} fpvm_engine;

typedef enum fpvm_stop {
  FPVM_STOP_REACHED = 0,    /**< the target step was reached */
  FPVM_STOP_EXITED = 1,     /**< the program exited */
  FPVM_STOP_REVERTED = 2,   /**< a step is invalid (the on-chain step would revert); the machine is broken */
  FPVM_STOP_INTERRUPTED = 3,/**< fpvm_machine_interrupt was called */
  FPVM_STOP_TIME_LIMIT = 4  /**< the run's time limit passed */
} fpvm_stop;

/** Bytes owned by the caller after a successful call; free with fpvm_bytes_free. */
typedef struct fpvm_bytes {
  uint8_t* data;
  size_t len;
} fpvm_bytes;

typedef struct fpvm_machine fpvm_machine;

/** Library version, e.g. "0.1.0". */
FPVM_API const char* fpvm_version(void);
/** ABI version of the library (FPVM_ABI_VERSION it was built with). */
FPVM_API uint32_t fpvm_abi_version(void);
/** Message of this thread's last failing call ("" when none). Valid until the thread's next call. */
FPVM_API const char* fpvm_last_error(void);
/** Name of a status, e.g. "FPVM_ERR_BAD_INPUT". */
FPVM_API const char* fpvm_status_name(fpvm_status status);
/** Frees bytes returned by fpvm (NULL or zeroed structs are fine) and zeroes the struct. */
FPVM_API void fpvm_bytes_free(fpvm_bytes* bytes);

/* ---- machines ---- */

/** A machine from ELF bytes; the instruction set comes from e_machine (RISC-V or MIPS). */
FPVM_API fpvm_status fpvm_machine_load_elf(const uint8_t* elf, size_t len, fpvm_machine** out);
/** Flags of fpvm_machine_load_elf_flags. */
#define FPVM_LOAD_BARE 1u /**< segments only: no initial stack or argument block, no Go runtime patches
                               (the riscv-tests harness path; MT64: no initial stack) */

/** fpvm_machine_load_elf with FPVM_LOAD_* flags (0 = as load-elf does it). */
FPVM_API fpvm_status fpvm_machine_load_elf_flags(const uint8_t* elf, size_t len, uint32_t flags, fpvm_machine** out);
/** A machine from an ELF file. */
FPVM_API fpvm_status fpvm_machine_load_elf_file(const char* path, fpvm_machine** out);
/** A machine from a state file: RISC-V .bin, .bin.gz, .json, .json.gz as `fpvm run` writes them,
 *  or MIPS64 .bin/.bin.gz as `cannon run` (and `fpvm cannon run`) writes them. */
FPVM_API fpvm_status fpvm_machine_load_state_file(const char* path, fpvm_machine** out);
/** An independent copy of the state (without oracle or output). */
FPVM_API fpvm_status fpvm_machine_clone(const fpvm_machine* machine, fpvm_machine** out);
FPVM_API void fpvm_machine_free(fpvm_machine* machine);

/** Instruction set (0 for NULL). */
FPVM_API fpvm_isa fpvm_machine_isa(const fpvm_machine* machine);
/** Step counter, pc, exit flag and exit code (0 for NULL). */
FPVM_API uint64_t fpvm_machine_step(const fpvm_machine* machine);
FPVM_API uint64_t fpvm_machine_pc(const fpvm_machine* machine);
FPVM_API int fpvm_machine_exited(const fpvm_machine* machine);
FPVM_API uint8_t fpvm_machine_exit_code(const fpvm_machine* machine);
/** The 32-byte state hash (its first byte is the status: 0 valid, 1 invalid, 2 panic, 3 unfinished). */
FPVM_API fpvm_status fpvm_machine_state_hash(fpvm_machine* machine, uint8_t out[32]);
/** The state witness (362 bytes RISC-V, 188 bytes MIPS64): needs `cap` bytes; `*len` is always set. */
FPVM_API fpvm_status fpvm_machine_witness(fpvm_machine* machine, uint8_t* buf, size_t cap, size_t* len);
/** Writes the state atomically to `path` (format from the name, as `fpvm run --output`; MIPS64:
 *  .bin or .bin.gz only, else FPVM_ERR_UNSUPPORTED). */
FPVM_API fpvm_status fpvm_machine_write_state(fpvm_machine* machine, const char* path);

/* ---- host side ---- */

/** Pre-images by callback. `hint` gets each complete hint; `get_preimage` must point `*data` and
 *  `*len` at the pre-image of the 32-byte key (fpvm copies it before the callback is called
 *  again). Return 0 on success; anything else fails the step with FPVM_ERR_ORACLE. */
typedef struct fpvm_oracle_callbacks {
  void* user;
  int (*hint)(void* user, const uint8_t* hint, size_t len);
  int (*get_preimage)(void* user, const uint8_t key[32], const uint8_t** data, size_t* len);
} fpvm_oracle_callbacks;

/** Uses `callbacks` (copied; NULL = no oracle: pre-image reads fail the run). Replaces a data directory. */
FPVM_API fpvm_status fpvm_machine_set_oracle(fpvm_machine* machine, const fpvm_oracle_callbacks* callbacks);
/** Serves pre-images from an op-program data directory (0x<key>.txt files of hex) and local boot
 *  values from a JSON file {"1": "0x…", …} (NULL = none). Replaces callbacks. */
FPVM_API fpvm_status fpvm_machine_set_preimage_dir(fpvm_machine* machine, const char* dir, const char* local_json_path);
/** Receives the guest's writes to fd 1 and 2 (NULL = dropped). */
FPVM_API fpvm_status fpvm_machine_set_output(fpvm_machine* machine, void* user,
                                             void (*write)(void* user, int fd, const uint8_t* data, size_t len));

/* ---- running ---- */

typedef struct fpvm_run_result {
  fpvm_stop stop;
  uint64_t step;          /**< step counter after the run */
  uint64_t revert_step;   /**< FPVM_STOP_REVERTED: step of the invalid step's pre-state */
  uint64_t revert_pc;     /**< FPVM_STOP_REVERTED: its pc */
  char revert[128];       /**< FPVM_STOP_REVERTED: the verifier's name for the reason, NUL-terminated */
} fpvm_run_result;

/** Runs until step `target_step` (UINT64_MAX = to the end), the exit, a revert, an interrupt or
 *  `time_limit_ms` (0 = none). FPVM_OK with the stop in `result`; FPVM_ERR_ORACLE on a host failure. */
FPVM_API fpvm_status fpvm_machine_run(fpvm_machine* machine, uint64_t target_step, fpvm_engine engine,
                                      uint64_t time_limit_ms, fpvm_run_result* result);
/** Makes a run in progress on another thread stop soon with FPVM_STOP_INTERRUPTED (and the next
 *  one, unless cleared with fpvm_machine_clear_interrupt). Thread-safe. */
FPVM_API void fpvm_machine_interrupt(fpvm_machine* machine);
FPVM_API void fpvm_machine_clear_interrupt(fpvm_machine* machine);

/* ---- proofs ---- */

/** A one-step proof: what the on-chain step() needs. Free with fpvm_step_proof_free. */
typedef struct fpvm_step_proof {
  fpvm_isa isa;
  uint64_t step;          /**< step of the pre-state */
  uint8_t pre[32];        /**< pre-state hash */
  uint8_t post[32];       /**< post-state hash (a reverting step: zero) */
  fpvm_bytes state_data;  /**< the pre-state witness */
  fpvm_bytes proof_data;  /**< the memory proofs (MIPS64: thread witness first) */
  int has_oracle;         /**< the step read a pre-image: the three fields below are set */
  uint8_t oracle_key[32];
  fpvm_bytes oracle_value; /**< BE u64 length ‖ pre-image */
  uint64_t oracle_offset;
} fpvm_step_proof;

/** Executes one step and fills `proof` (reference interpreter); `result` says whether it reverted. */
FPVM_API fpvm_status fpvm_machine_prove_step(fpvm_machine* machine, fpvm_step_proof* proof, fpvm_run_result* result);
FPVM_API void fpvm_step_proof_free(fpvm_step_proof* proof);
/** Verifies a one-step proof statelessly as the machine's contract would: FPVM_OK with the post
 *  hash in `post`, or FPVM_ERR_VERIFY_FAILED with the revert reason in fpvm_last_error(). */
FPVM_API fpvm_status fpvm_verify_step(const fpvm_step_proof* proof, uint8_t post[32]);

/** Steps to `to_step` (or the exit) and returns the encoded segment proof of those steps (format
 *  version 1 for RISC-V, 2 for MIPS64; fpvm_verify_segment reads both). */
FPVM_API fpvm_status fpvm_machine_prove_segment(fpvm_machine* machine, uint64_t to_step, fpvm_bytes* proof);

typedef struct fpvm_segment_result {
  uint8_t pre[32];
  uint8_t post[32];
  uint64_t from_step;
  uint64_t end_step;
  int exited;
} fpvm_segment_result;

/** Re-executes an encoded segment proof claiming at most `max_steps` steps (0 = no limit). */
FPVM_API fpvm_status fpvm_verify_segment(const uint8_t* proof, size_t len, uint64_t max_steps, fpvm_segment_result* result);

#ifdef __cplusplus
}
#endif

#endif /* FPVM_FPVM_H */
