// libfpvm: the C interface (include/fpvm/fpvm.h) over core::AnyMachine. Every entry point
// checks its arguments and turns every exception into a status and a per-thread message.
#include "fpvm/fpvm.h"

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <new>
#include <string>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "core/any_machine.hpp"
#include "preimage/host_oracle.hpp"

#ifndef FPVM_VERSION_STRING
#define FPVM_VERSION_STRING "0.0.0"
#endif

namespace {

using fpvm::Bytes;
using fpvm::ByteView;
using fpvm::Hash32;

thread_local std::string lastError;

fpvm_status fail(fpvm_status status, const std::string& message) {
  lastError = message;
  return status;
}

/// A callback reported failure (or returned something unusable): the step cannot complete.
class CallbackFailure : public fpvm::Error {
 public:
  using Error::Error;
};

/// Pre-images from the embedding program's callbacks.
class CallbackOracle final : public fpvm::vm::PreimageOracle {
 public:
  explicit CallbackOracle(const fpvm_oracle_callbacks& cb) : cb_(cb) {}
  void hint(ByteView h) override {
    if (!cb_.hint) return;
    if (const int rc = cb_.hint(cb_.user, h.data(), h.size()); rc != 0)
      throw CallbackFailure("the hint callback failed (returned " + std::to_string(rc) + ")");
  }
  Bytes getPreimage(const Hash32& key) override {
    if (!cb_.get_preimage) throw CallbackFailure("no get_preimage callback: the guest read a pre-image");
    const uint8_t* data = nullptr;
    size_t len = 0;
    if (const int rc = cb_.get_preimage(cb_.user, key.data(), &data, &len); rc != 0)
      throw CallbackFailure("the get_preimage callback failed (returned " + std::to_string(rc) + ")");
    if (!data && len != 0) throw CallbackFailure("the get_preimage callback returned no data for a non-empty pre-image");
    if (len > (size_t(1) << 32))
      throw CallbackFailure("the get_preimage callback returned " + std::to_string(len) + " bytes (over 4 GiB)");
    return Bytes(data, data + len);
  }

 private:
  fpvm_oracle_callbacks cb_;
};

/// Guest output to the embedding program's callback.
class CallbackOutput final : public fpvm::vm::GuestOutput {
 public:
  void* user = nullptr;
  void (*fn)(void*, int, const uint8_t*, size_t) = nullptr;
  void write(unsigned fd, ByteView data) override {
    if (fn) fn(user, static_cast<int>(fd), data.data(), data.size());
  }
};

void copyHash(const Hash32& h, uint8_t out[32]) { std::memcpy(out, h.data(), 32); }

bool toBytes(const Bytes& in, fpvm_bytes& out) {
  out.data = static_cast<uint8_t*>(std::malloc(in.empty() ? 1 : in.size()));
  if (!out.data) return false;
  if (!in.empty()) std::memcpy(out.data, in.data(), in.size());
  out.len = in.size();
  return true;
}

Bytes fromBytes(const fpvm_bytes& b) { return b.data ? Bytes(b.data, b.data + b.len) : Bytes(); }

}  // namespace

/// The opaque handle.
struct fpvm_machine {
  std::unique_ptr<fpvm::core::AnyMachine> m;
  std::unique_ptr<fpvm::vm::PreimageOracle> oracle;
  CallbackOutput output;
  std::atomic<bool> interrupted{false};
};

namespace {

/// Runs `fn`, mapping exceptions to statuses; `hostFailure` is the status for fpvm::Error.
template <class Fn>
fpvm_status guarded(fpvm_status errorStatus, Fn&& fn) {
  try {
    return fn();
  } catch (const fpvm::core::Unsupported& e) {
    return fail(FPVM_ERR_UNSUPPORTED, e.what());
  } catch (const CallbackFailure& e) {
    return fail(FPVM_ERR_ORACLE, e.what());
  } catch (const fpvm::Error& e) {
    return fail(errorStatus, e.what());
  } catch (const std::bad_alloc&) {
    return fail(FPVM_ERR_INTERNAL, "out of memory");
  } catch (const std::exception& e) {
    return fail(FPVM_ERR_INTERNAL, e.what());
  } catch (...) {
    return fail(FPVM_ERR_INTERNAL, "unknown exception");
  }
}

fpvm_status wrap(std::unique_ptr<fpvm::core::AnyMachine> m, fpvm_machine** out) {
  auto* h = new fpvm_machine;
  h->m = std::move(m);
  h->m->setOutput(&h->output);
  *out = h;
  return FPVM_OK;
}

fpvm_status requireMachine(const fpvm_machine* machine) {
  return machine && machine->m ? FPVM_OK : fail(FPVM_ERR_INVALID_ARGUMENT, "machine is NULL");
}

void fillResult(const fpvm::core::Outcome& o, uint64_t step, fpvm_run_result* r) {
  if (!r) return;
  *r = fpvm_run_result{};
  switch (o.stop) {
    case fpvm::core::Stop::Reached: r->stop = FPVM_STOP_REACHED; break;
    case fpvm::core::Stop::Exited: r->stop = FPVM_STOP_EXITED; break;
    case fpvm::core::Stop::Reverted: r->stop = FPVM_STOP_REVERTED; break;
    case fpvm::core::Stop::Cancelled:
    case fpvm::core::Stop::ShuttingDown: r->stop = FPVM_STOP_INTERRUPTED; break;
    case fpvm::core::Stop::DeadlinePassed: r->stop = FPVM_STOP_TIME_LIMIT; break;
  }
  r->step = step;
  r->revert_step = o.revertStep;
  r->revert_pc = o.revertPc;
  std::strncpy(r->revert, o.revert.c_str(), sizeof r->revert - 1);
}

}  // namespace

extern "C" {

const char* fpvm_version(void) { return FPVM_VERSION_STRING; }
uint32_t fpvm_abi_version(void) { return FPVM_ABI_VERSION; }
const char* fpvm_last_error(void) { return lastError.c_str(); }

const char* fpvm_status_name(fpvm_status status) {
  switch (status) {
    case FPVM_OK: return "FPVM_OK";
    case FPVM_ERR_INVALID_ARGUMENT: return "FPVM_ERR_INVALID_ARGUMENT";
    case FPVM_ERR_BAD_INPUT: return "FPVM_ERR_BAD_INPUT";
    case FPVM_ERR_IO: return "FPVM_ERR_IO";
    case FPVM_ERR_ORACLE: return "FPVM_ERR_ORACLE";
    case FPVM_ERR_BROKEN: return "FPVM_ERR_BROKEN";
    case FPVM_ERR_UNSUPPORTED: return "FPVM_ERR_UNSUPPORTED";
    case FPVM_ERR_BUFFER_TOO_SMALL: return "FPVM_ERR_BUFFER_TOO_SMALL";
    case FPVM_ERR_VERIFY_FAILED: return "FPVM_ERR_VERIFY_FAILED";
    case FPVM_ERR_INTERNAL: return "FPVM_ERR_INTERNAL";
  }
  return "unknown status";
}

void fpvm_bytes_free(fpvm_bytes* bytes) {
  if (!bytes) return;
  std::free(bytes->data);
  bytes->data = nullptr;
  bytes->len = 0;
}

fpvm_status fpvm_machine_load_elf_flags(const uint8_t* elf, size_t len, uint32_t flags, fpvm_machine** out) {
  if (!out) return fail(FPVM_ERR_INVALID_ARGUMENT, "out is NULL");
  *out = nullptr;
  if (!elf && len != 0) return fail(FPVM_ERR_INVALID_ARGUMENT, "elf is NULL");
  if (flags & ~uint32_t(FPVM_LOAD_BARE)) return fail(FPVM_ERR_INVALID_ARGUMENT, "unknown load flags " + std::to_string(flags));
  return guarded(FPVM_ERR_BAD_INPUT,
                 [&] { return wrap(fpvm::core::machineFromElf(ByteView(elf, len), "ELF", (flags & FPVM_LOAD_BARE) != 0), out); });
}

fpvm_status fpvm_machine_load_elf(const uint8_t* elf, size_t len, fpvm_machine** out) {
  return fpvm_machine_load_elf_flags(elf, len, 0, out);
}

fpvm_status fpvm_machine_load_elf_file(const char* path, fpvm_machine** out) {
  if (!out) return fail(FPVM_ERR_INVALID_ARGUMENT, "out is NULL");
  *out = nullptr;
  if (!path) return fail(FPVM_ERR_INVALID_ARGUMENT, "path is NULL");
  Bytes data;
  if (const fpvm_status s = guarded(FPVM_ERR_IO,
                                    [&] {
                                      data = fpvm::readFile(path);
                                      return FPVM_OK;
                                    });
      s != FPVM_OK)
    return s;
  return guarded(FPVM_ERR_BAD_INPUT, [&] { return wrap(fpvm::core::machineFromElf(data, path), out); });
}

fpvm_status fpvm_machine_load_state_file(const char* path, fpvm_machine** out) {
  if (!out) return fail(FPVM_ERR_INVALID_ARGUMENT, "out is NULL");
  *out = nullptr;
  if (!path) return fail(FPVM_ERR_INVALID_ARGUMENT, "path is NULL");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return fail(FPVM_ERR_IO, std::string(path) + ": no such file");
  return guarded(FPVM_ERR_BAD_INPUT, [&] { return wrap(fpvm::core::machineFromStateFile(path), out); });
}

fpvm_status fpvm_machine_clone(const fpvm_machine* machine, fpvm_machine** out) {
  if (!out) return fail(FPVM_ERR_INVALID_ARGUMENT, "out is NULL");
  *out = nullptr;
  if (const fpvm_status s = requireMachine(machine); s != FPVM_OK) return s;
  return guarded(FPVM_ERR_INTERNAL, [&] { return wrap(machine->m->clone(), out); });
}

void fpvm_machine_free(fpvm_machine* machine) { delete machine; }

fpvm_isa fpvm_machine_isa(const fpvm_machine* machine) {
  if (!machine || !machine->m) return static_cast<fpvm_isa>(0);
  return machine->m->isa() == fpvm::core::Isa::Mips64 ? FPVM_ISA_MIPS64 : FPVM_ISA_RISCV64;
}
uint64_t fpvm_machine_step(const fpvm_machine* machine) { return machine && machine->m ? machine->m->step() : 0; }
uint64_t fpvm_machine_pc(const fpvm_machine* machine) { return machine && machine->m ? machine->m->pc() : 0; }
int fpvm_machine_exited(const fpvm_machine* machine) { return machine && machine->m && machine->m->exited() ? 1 : 0; }
uint8_t fpvm_machine_exit_code(const fpvm_machine* machine) { return machine && machine->m ? machine->m->exitCode() : 0; }

fpvm_status fpvm_machine_state_hash(fpvm_machine* machine, uint8_t out[32]) {
  if (const fpvm_status s = requireMachine(machine); s != FPVM_OK) return s;
  if (!out) return fail(FPVM_ERR_INVALID_ARGUMENT, "out is NULL");
  return guarded(FPVM_ERR_INTERNAL, [&] {
    copyHash(machine->m->stateHash(), out);
    return FPVM_OK;
  });
}

fpvm_status fpvm_machine_witness(fpvm_machine* machine, uint8_t* buf, size_t cap, size_t* len) {
  if (const fpvm_status s = requireMachine(machine); s != FPVM_OK) return s;
  if (!len) return fail(FPVM_ERR_INVALID_ARGUMENT, "len is NULL");
  return guarded(FPVM_ERR_INTERNAL, [&] {
    const Bytes w = machine->m->witness();
    *len = w.size();
    if (!buf || cap < w.size())
      return fail(FPVM_ERR_BUFFER_TOO_SMALL,
                  "the witness needs " + std::to_string(w.size()) + " bytes, the buffer has " + std::to_string(buf ? cap : 0));
    std::memcpy(buf, w.data(), w.size());
    return FPVM_OK;
  });
}

fpvm_status fpvm_machine_write_state(fpvm_machine* machine, const char* path) {
  if (const fpvm_status s = requireMachine(machine); s != FPVM_OK) return s;
  if (!path) return fail(FPVM_ERR_INVALID_ARGUMENT, "path is NULL");
  return guarded(FPVM_ERR_IO, [&] {
    machine->m->writeState(path);
    return FPVM_OK;
  });
}

fpvm_status fpvm_machine_set_oracle(fpvm_machine* machine, const fpvm_oracle_callbacks* callbacks) {
  if (const fpvm_status s = requireMachine(machine); s != FPVM_OK) return s;
  return guarded(FPVM_ERR_INTERNAL, [&] {
    machine->m->setOracle(nullptr);
    machine->oracle.reset();
    if (callbacks) machine->oracle = std::make_unique<CallbackOracle>(*callbacks);
    machine->m->setOracle(machine->oracle.get());
    return FPVM_OK;
  });
}

fpvm_status fpvm_machine_set_preimage_dir(fpvm_machine* machine, const char* dir, const char* localJsonPath) {
  if (const fpvm_status s = requireMachine(machine); s != FPVM_OK) return s;
  if (!dir) return fail(FPVM_ERR_INVALID_ARGUMENT, "dir is NULL");
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return fail(FPVM_ERR_IO, std::string(dir) + ": not a directory");
  return guarded(FPVM_ERR_BAD_INPUT, [&] {
    fpvm::preimage::HostOracleConfig config;
    config.dataDir = dir;
    if (localJsonPath) {
      const Bytes text = fpvm::readFile(localJsonPath);
      fpvm::preimage::addLocalJson(config.locals, std::string(text.begin(), text.end()), localJsonPath);
    }
    machine->m->setOracle(nullptr);
    machine->oracle = std::make_unique<fpvm::preimage::HostOracle>(std::move(config));
    machine->m->setOracle(machine->oracle.get());
    return FPVM_OK;
  });
}

fpvm_status fpvm_machine_set_output(fpvm_machine* machine, void* user, void (*write)(void*, int, const uint8_t*, size_t)) {
  if (const fpvm_status s = requireMachine(machine); s != FPVM_OK) return s;
  machine->output.user = user;
  machine->output.fn = write;
  return FPVM_OK;
}

fpvm_status fpvm_machine_run(fpvm_machine* machine, uint64_t targetStep, fpvm_engine engine, uint64_t timeLimitMs,
                             fpvm_run_result* result) {
  if (const fpvm_status s = requireMachine(machine); s != FPVM_OK) return s;
  fpvm::vm::Engine e;
  switch (engine) {
    case FPVM_ENGINE_FAST: e = fpvm::vm::Engine::Fast; break;
    case FPVM_ENGINE_PROVING: e = fpvm::vm::Engine::Proving; break;
    case FPVM_ENGINE_REFERENCE: e = fpvm::vm::Engine::Reference; break;
    default: return fail(FPVM_ERR_INVALID_ARGUMENT, "unknown engine " + std::to_string(int(engine)));
  }
  if (machine->m->broken()) return fail(FPVM_ERR_BROKEN, "the machine reverted or failed earlier and cannot move");
  return guarded(FPVM_ERR_ORACLE, [&] {
    fpvm::vm::Budget budget;
    budget.cancel = &machine->interrupted;
    if (timeLimitMs != 0) budget.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeLimitMs);
    const fpvm::core::Outcome o = machine->m->advance(targetStep, e, budget);
    fillResult(o, machine->m->step(), result);
    return FPVM_OK;
  });
}

void fpvm_machine_interrupt(fpvm_machine* machine) {
  if (machine) machine->interrupted.store(true);
}
void fpvm_machine_clear_interrupt(fpvm_machine* machine) {
  if (machine) machine->interrupted.store(false);
}

fpvm_status fpvm_machine_prove_step(fpvm_machine* machine, fpvm_step_proof* proof, fpvm_run_result* result) {
  if (const fpvm_status s = requireMachine(machine); s != FPVM_OK) return s;
  if (!proof) return fail(FPVM_ERR_INVALID_ARGUMENT, "proof is NULL");
  *proof = fpvm_step_proof{};
  if (machine->m->broken()) return fail(FPVM_ERR_BROKEN, "the machine reverted or failed earlier and cannot move");
  return guarded(FPVM_ERR_ORACLE, [&] {
    fpvm::core::OneStepProof p;
    const fpvm::core::Outcome o = machine->m->proveStep(p);
    fillResult(o, machine->m->step(), result);
    proof->isa = p.isa == fpvm::core::Isa::Mips64 ? FPVM_ISA_MIPS64 : FPVM_ISA_RISCV64;
    proof->step = p.step;
    copyHash(p.pre, proof->pre);
    if (o.stop != fpvm::core::Stop::Reverted) copyHash(p.post, proof->post);
    if (!toBytes(p.stateData, proof->state_data) || !toBytes(p.proofData, proof->proof_data)) throw std::bad_alloc();
    if (p.oracleKey) {
      proof->has_oracle = 1;
      copyHash(*p.oracleKey, proof->oracle_key);
      if (!toBytes(p.oracleValue, proof->oracle_value)) throw std::bad_alloc();
      proof->oracle_offset = p.oracleOffset;
    }
    return FPVM_OK;
  });
}

void fpvm_step_proof_free(fpvm_step_proof* proof) {
  if (!proof) return;
  fpvm_bytes_free(&proof->state_data);
  fpvm_bytes_free(&proof->proof_data);
  fpvm_bytes_free(&proof->oracle_value);
}

fpvm_status fpvm_verify_step(const fpvm_step_proof* proof, uint8_t post[32]) {
  if (!proof) return fail(FPVM_ERR_INVALID_ARGUMENT, "proof is NULL");
  if (proof->isa != FPVM_ISA_RISCV64 && proof->isa != FPVM_ISA_MIPS64)
    return fail(FPVM_ERR_INVALID_ARGUMENT, "unknown isa " + std::to_string(int(proof->isa)));
  if ((!proof->state_data.data && proof->state_data.len) || (!proof->proof_data.data && proof->proof_data.len) ||
      (proof->has_oracle && !proof->oracle_value.data && proof->oracle_value.len))
    return fail(FPVM_ERR_INVALID_ARGUMENT, "a proof field has a length but no data");
  return guarded(FPVM_ERR_BAD_INPUT, [&] {
    fpvm::core::OneStepProof p;
    p.isa = proof->isa == FPVM_ISA_MIPS64 ? fpvm::core::Isa::Mips64 : fpvm::core::Isa::Riscv64;
    p.step = proof->step;
    p.stateData = fromBytes(proof->state_data);
    p.proofData = fromBytes(proof->proof_data);
    if (proof->has_oracle) {
      Hash32 key;
      std::memcpy(key.data(), proof->oracle_key, 32);
      p.oracleKey = key;
      p.oracleValue = fromBytes(proof->oracle_value);
      p.oracleOffset = proof->oracle_offset;
    }
    const fpvm::core::VerifyOutcome v = fpvm::core::verifyOneStep(p);
    if (!v.ok) return fail(FPVM_ERR_VERIFY_FAILED, "the step reverts: " + v.revert);
    if (post) copyHash(v.post, post);
    return FPVM_OK;
  });
}

fpvm_status fpvm_machine_prove_segment(fpvm_machine* machine, uint64_t toStep, fpvm_bytes* proof) {
  if (const fpvm_status s = requireMachine(machine); s != FPVM_OK) return s;
  if (!proof) return fail(FPVM_ERR_INVALID_ARGUMENT, "proof is NULL");
  *proof = fpvm_bytes{};
  if (machine->m->broken()) return fail(FPVM_ERR_BROKEN, "the machine reverted or failed earlier and cannot move");
  return guarded(FPVM_ERR_ORACLE, [&] {
    if (!toBytes(machine->m->proveSegment(toStep), *proof)) throw std::bad_alloc();
    return FPVM_OK;
  });
}

fpvm_status fpvm_verify_segment(const uint8_t* proof, size_t len, uint64_t maxSteps, fpvm_segment_result* result) {
  if (!proof && len != 0) return fail(FPVM_ERR_INVALID_ARGUMENT, "proof is NULL");
  return guarded(FPVM_ERR_VERIFY_FAILED, [&] {
    const fpvm::core::SegmentOutcome o = fpvm::core::verifySegmentProof(ByteView(proof, len), maxSteps ? maxSteps : ~uint64_t(0));
    if (result) {
      *result = fpvm_segment_result{};
      copyHash(o.preHash, result->pre);
      copyHash(o.postHash, result->post);
      result->from_step = o.fromStep;
      result->end_step = o.endStep;
      result->exited = o.exited ? 1 : 0;
    }
    return FPVM_OK;
  });
}

}  // extern "C"
