#pragma once
/// Step patterns of the `run` flags (spec §8.2): never, always, =N, %N.
#include <cstdint>
#include <string>

namespace fpvm::image {

/// A predicate over step numbers.
class StepPattern {
 public:
  enum class Kind { Never, Always, Equal, Every };
  StepPattern() = default;
  /// Parses "never", "" (never), "always", "=N" or "%N" with Go base-0 integer syntax.
  /// Throws Error naming `flag` on anything else, including "%0".
  static StepPattern parse(const std::string& text, const std::string& flag);
  bool matches(uint64_t step) const {
    switch (kind_) {
      case Kind::Never: return false;
      case Kind::Always: return true;
      case Kind::Equal: return step == n_;
      case Kind::Every: return step % n_ == 0;
    }
    return false;
  }
  Kind kind() const { return kind_; }
  uint64_t value() const { return n_; }

 private:
  Kind kind_ = Kind::Never;
  uint64_t n_ = 0;
};

/// Expands a printf-style pattern with `%d` = step; a pattern without a verb gets Go's
/// "%!(EXTRA uint64=N)" suffix, as Asterisc does.
std::string formatStepPath(const std::string& pattern, uint64_t step);

}  // namespace fpvm::image
