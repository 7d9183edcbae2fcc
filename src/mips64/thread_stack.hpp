#pragma once
/// A thread stack committed to by a hash onion (docs/spec/cannon-mt64.md §1.4):
/// R_0 = EMPTY = H(0^32 ‖ 0^32), R_{k+1} = H(R_k ‖ H(record(t_k))), root = R_n, bottom first.
#include <cstddef>
#include <vector>

#include "common/bytes.hpp"
#include "mips64/thread.hpp"

namespace fpvm::mips64 {

/// Root of an empty thread stack: ad3228b6…ba5fb5.
const Hash32& emptyThreadRoot();

/// A stack of threads, bottom first. Only the top thread can be changed in place (it is the
/// current thread when this is the active stack), so the roots below it are cached.
class ThreadStack {
 public:
  /// Number of threads.
  size_t size() const { return threads_.size(); }
  bool empty() const { return threads_.empty(); }
  /// Thread `i`, 0 = bottom.
  const Thread& at(size_t i) const { return threads_.at(i); }
  /// The top thread (the stack must not be empty).
  Thread& top() { return threads_.back(); }
  const Thread& top() const { return threads_.back(); }

  /// Pushes `t` on top.
  void push(const Thread& t);
  /// Removes the top thread (the stack must not be empty).
  void pop();

  /// The onion root of the whole stack.
  Hash32 root() const;
  /// The root of the stack without its top thread (EMPTY for a stack of at most one thread).
  Hash32 innerRoot() const;

 private:
  std::vector<Thread> threads_;
  /// prefixRoots_[k] = root of the bottom k threads, for k < size() (the top may still change).
  std::vector<Hash32> prefixRoots_{emptyThreadRoot()};
};

/// The onion step: H(inner ‖ H(record(t))).
Hash32 wrapThreadRoot(const Hash32& inner, const Thread& t);

}  // namespace fpvm::mips64
