#include "mips64/thread_stack.hpp"

#include "common/keccak256.hpp"

namespace fpvm::mips64 {

const Hash32& emptyThreadRoot() {
  static const Hash32 empty = keccak256Pair(Hash32{}, Hash32{});
  return empty;
}

Hash32 wrapThreadRoot(const Hash32& inner, const Thread& t) { return keccak256Pair(inner, threadHash(t)); }

void ThreadStack::push(const Thread& t) {
  // The old top becomes fixed: its prefix root is now needed for the new top.
  if (!threads_.empty()) prefixRoots_.push_back(wrapThreadRoot(prefixRoots_.back(), threads_.back()));
  threads_.push_back(t);
}

void ThreadStack::pop() {
  threads_.pop_back();
  if (prefixRoots_.size() > 1) prefixRoots_.pop_back();
}

Hash32 ThreadStack::root() const {
  if (threads_.empty()) return emptyThreadRoot();
  return wrapThreadRoot(prefixRoots_.back(), threads_.back());
}

Hash32 ThreadStack::innerRoot() const { return prefixRoots_.back(); }

}  // namespace fpvm::mips64
