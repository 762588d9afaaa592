#include "ccsim/policy/builtin/builtin.hpp"
#include "ccsim/policy/registry.hpp"

#include <gtest/gtest.h>

using namespace ccsim;

TEST(Registry, BuiltinsAreRegisteredByName)
{
  const auto& r = PolicyRegistry::global();
  EXPECT_TRUE(r.has_queue("fcfs"));
  EXPECT_TRUE(r.has_placement("first-fit"));
  EXPECT_FALSE(r.has_queue("easy-typo"));
  EXPECT_NE(r.make_queue("fcfs"), nullptr);
  EXPECT_NE(r.make_placement("first-fit"), nullptr);
}

TEST(Registry, DuplicateNamesAreRefused)
{
  PolicyRegistry r;
  r.add_queue("x", "first", make_fcfs);
  EXPECT_THROW(r.add_queue("x", "second", make_fcfs), std::invalid_argument);
  EXPECT_THROW(make_fcfs(nlohmann::json{{"depth", 2}}), std::invalid_argument);
}
