#pragma once
/// Host-side error type. Guest faults are VM states or revert codes, never this.
#include <stdexcept>
#include <string>

namespace fpvm {

/// A failure of the host: bad input file, I/O error, protocol violation. The message names the
/// problem in one line and is shown to the user as `error: <message>`.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace fpvm
