// Profile aggregation (self and total steps, recursion, ordering), the call tree and folded stacks.
#include <gtest/gtest.h>

#include <vector>

#include "profile/call_tree.hpp"
#include "profile/folded.hpp"
#include "profile/profile.hpp"

namespace fpvm::profile {
namespace {

/// Adds the stack named innermost first.
void add(Profile& p, std::vector<std::string> innermostFirst, uint64_t steps) {
  std::vector<FrameId> ids;
  for (const auto& n : innermostFirst) ids.push_back(p.intern(n));
  p.add(ids, steps);
}

const Profile::Function& fn(const std::vector<Profile::Function>& fns, const Profile& p, const std::string& name) {
  for (const auto& f : fns)
    if (p.name(f.id) == name) return f;
  throw std::runtime_error("no function " + name);
}

TEST(Profile, InternsNamesOnce) {
  Profile p;
  EXPECT_EQ(p.intern("main"), p.intern("main"));
  EXPECT_NE(p.intern("main"), p.intern("hot"));
  EXPECT_EQ(p.name(p.intern("hot")), "hot");
  EXPECT_EQ(p.nameCount(), 2u);
}

TEST(Profile, SelfAndTotalSteps) {
  Profile p;
  add(p, {"hot", "middle", "main"}, 70);
  add(p, {"warm", "middle", "main"}, 20);
  add(p, {"main"}, 5);
  add(p, {"hot", "middle", "main"}, 30);  // the same stack again
  EXPECT_EQ(p.totalSteps(), 125u);
  EXPECT_EQ(p.stackCount(), 3u);
  const auto fns = p.functions();
  ASSERT_EQ(fns.size(), 4u);
  EXPECT_EQ(p.name(fns[0].id), "hot");  // most self steps first
  EXPECT_EQ(fn(fns, p, "hot").self, 100u);
  EXPECT_EQ(fn(fns, p, "hot").total, 100u);
  EXPECT_EQ(fn(fns, p, "middle").self, 0u);
  EXPECT_EQ(fn(fns, p, "middle").total, 120u);
  EXPECT_EQ(fn(fns, p, "main").self, 5u);
  EXPECT_EQ(fn(fns, p, "main").total, 125u);
  uint64_t self = 0;
  for (const auto& f : fns) self += f.self;
  EXPECT_EQ(self, p.totalSteps());
}

TEST(Profile, RecursionCountsTotalOncePerStack) {
  Profile p;
  add(p, {"fib", "fib", "fib", "main"}, 10);
  const auto fns = p.functions();
  EXPECT_EQ(fn(fns, p, "fib").self, 10u);
  EXPECT_EQ(fn(fns, p, "fib").total, 10u);
}

TEST(Profile, EmptyStacksAndZeroStepsAreNotCounted) {
  Profile p;
  p.add({}, 10);
  add(p, {"main"}, 0);
  EXPECT_EQ(p.totalSteps(), 0u);
  EXPECT_EQ(p.stackCount(), 0u);
  EXPECT_TRUE(p.functions().empty());
}

TEST(Profile, StacksRootFirstMostStepsFirst) {
  Profile p;
  add(p, {"b", "main"}, 5);
  add(p, {"a", "main"}, 9);
  add(p, {"c", "main"}, 5);
  const auto s = p.stacks();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(p.name(s[0].frames[0]), "main");
  EXPECT_EQ(p.name(s[0].frames[1]), "a");
  EXPECT_EQ(p.name(s[1].frames[1]), "b");  // ties by name
  EXPECT_EQ(p.name(s[2].frames[1]), "c");
}

TEST(Profile, Percent) {
  EXPECT_DOUBLE_EQ(percent(1, 4), 25.0);
  EXPECT_DOUBLE_EQ(percent(1, 0), 0.0);
}

TEST(CallTree, MergesStacksFromTheRoot) {
  Profile p;
  add(p, {"hot", "middle", "main"}, 70);
  add(p, {"warm", "middle", "main"}, 20);
  add(p, {"main"}, 5);
  add(p, {"warm", "main"}, 3);
  const CallNode root = buildCallTree(p);
  EXPECT_EQ(root.total, 98u);
  ASSERT_EQ(root.children.size(), 1u);
  const CallNode& main = root.children[0];
  EXPECT_EQ(p.name(main.frame), "main");
  EXPECT_EQ(main.total, 98u);
  EXPECT_EQ(main.self, 5u);
  ASSERT_EQ(main.children.size(), 2u);
  EXPECT_EQ(p.name(main.children[0].frame), "middle");  // by name
  EXPECT_EQ(p.name(main.children[1].frame), "warm");
  EXPECT_EQ(main.children[0].total, 90u);
  EXPECT_EQ(main.children[1].total, 3u);
  ASSERT_EQ(main.children[0].children.size(), 2u);
  EXPECT_EQ(main.children[0].children[0].self, 70u);
}

TEST(Folded, OneLinePerStackSorted) {
  Profile p;
  add(p, {"hot", "middle", "main"}, 70);
  add(p, {"warm", "middle", "main"}, 20);
  add(p, {"main"}, 5);
  EXPECT_EQ(foldedStacks(p), "main 5\nmain;middle;hot 70\nmain;middle;warm 20\n");
}

TEST(Folded, NamesCannotBreakTheFormat) {
  EXPECT_EQ(foldedFrameName("a;b"), "a:b");
  EXPECT_EQ(foldedFrameName("line\nbreak"), "line?break");
  EXPECT_EQ(foldedFrameName("main.(*T).m"), "main.(*T).m");
  EXPECT_EQ(foldedFrameName("operator<<(a, b)"), "operator<<(a, b)");  // spaces are fine: the count is after the last
  Profile p;
  add(p, {"x;y", "main"}, 2);
  EXPECT_EQ(foldedStacks(p), "main;x:y 2\n");
}

}  // namespace
}  // namespace fpvm::profile
