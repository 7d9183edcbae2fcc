#include "vm/syscall_numbers.hpp"

namespace fpvm::vm::sys {

const char* syscallName(uint64_t number) {
  switch (number) {
    case kFcntl: return "fcntl";
    case kOpenat: return "openat";
    case kRead: return "read";
    case kWrite: return "write";
    case kExit: return "exit";
    case kExitGroup: return "exit_group";
    case kNanosleep: return "nanosleep";
    case kClockGettime: return "clock_gettime";
    case kGetrlimit: return "getrlimit";
    case kBrk: return "brk";
    case kClone: return "clone";
    case kMmap: return "mmap";
    case kPrlimit64: return "prlimit64";
    case kFutexTime64: return "futex_time64";
    default: return nullptr;
  }
}

}  // namespace fpvm::vm::sys
