#include "ccsim/policy/builtin/builtin.hpp"
#include "ccsim/policy/registry.hpp"

#include <gtest/gtest.h>

using namespace ccsim;

TEST(Registry, BuiltinsAreRegisteredByName)
{
  const auto& r = PolicyRegistry::global();
  EXPECT_TRUE(r.queues.has("fcfs"));
  EXPECT_TRUE(r.placements.has("first-fit"));
  EXPECT_FALSE(r.queues.has("easy-typo"));
  EXPECT_NE(r.queues.make("fcfs"), nullptr);
  EXPECT_NE(r.placements.make("first-fit"), nullptr);
}

TEST(Registry, DuplicateNamesAreRefused)
{
  PolicyRegistry r;
  r.queues.add("x", "first", make_fcfs);
  EXPECT_THROW(r.queues.add("x", "second", make_fcfs), std::invalid_argument);
  EXPECT_THROW(make_fcfs(nlohmann::json{{"depth", 2}}), std::invalid_argument);
}
