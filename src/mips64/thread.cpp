#include "mips64/thread.hpp"

#include <string>

#include "common/error.hpp"
#include "common/keccak256.hpp"

namespace fpvm::mips64 {

namespace {
constexpr size_t kOffExitCode = 8;
constexpr size_t kOffExited = 9;
constexpr size_t kOffPc = 10;
constexpr size_t kOffNextPc = 18;
constexpr size_t kOffLo = 26;
constexpr size_t kOffHi = 34;
constexpr size_t kOffRegisters = 42;
static_assert(kOffRegisters + 32 * 8 == kThreadRecordSize);
}  // namespace

ThreadRecord encodeThread(const Thread& t) {
  ThreadRecord r{};
  putBE64(r.data(), t.threadId);
  r[kOffExitCode] = t.exitCode;
  r[kOffExited] = t.exited ? 1 : 0;
  putBE64(r.data() + kOffPc, t.pc);
  putBE64(r.data() + kOffNextPc, t.nextPC);
  putBE64(r.data() + kOffLo, t.lo);
  putBE64(r.data() + kOffHi, t.hi);
  for (size_t i = 0; i < 32; ++i) putBE64(r.data() + kOffRegisters + 8 * i, t.registers[i]);
  return r;
}

Thread decodeThread(ByteView record) {
  if (record.size() < kThreadRecordSize)
    throw Error("thread record has " + std::to_string(record.size()) + " bytes, expected " + std::to_string(kThreadRecordSize));
  Thread t;
  t.threadId = getBE64(record.data());
  t.exitCode = record[kOffExitCode];
  t.exited = record[kOffExited] != 0;
  t.pc = getBE64(record.data() + kOffPc);
  t.nextPC = getBE64(record.data() + kOffNextPc);
  t.lo = getBE64(record.data() + kOffLo);
  t.hi = getBE64(record.data() + kOffHi);
  for (size_t i = 0; i < 32; ++i) t.registers[i] = getBE64(record.data() + kOffRegisters + 8 * i);
  return t;
}

Hash32 threadHash(const Thread& t) {
  const ThreadRecord r = encodeThread(t);
  return keccak256(ByteView(r.data(), r.size()));
}

}  // namespace fpvm::mips64
