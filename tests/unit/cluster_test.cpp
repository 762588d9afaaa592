#include "../support/helpers.hpp"

#include "ccsim/cluster/state.hpp"

#include <gtest/gtest.h>

using namespace ccsim;

namespace {
const char* TWO_SITES = R"({"accelerators": {
      "N": {"kind": "asic", "peak_tflops": {"bf16": 300}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}},
      "G": {"kind": "gpu", "peak_tflops": {"fp64": 60, "bf16": 1000}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}},
      "unused": {"kind": "fpga", "peak_tflops": {"int8": 1}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [
      {"name": "east1", "region": "east", "racks": [
        {"name": "a", "count": 2, "nodes_per_rack": 2, "node": {"accelerator": "N", "count": 4}},
        {"name": "b", "count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 8}}]},
      {"name": "west1", "region": "west", "racks": [
        {"name": "a", "count": 1, "nodes_per_rack": 2, "node": {"accelerator": "G", "count": 8}}]}],
    "workload": {"jobs": []}})";
}

TEST(Cluster, NumbersSitesRacksNodesAndAcceleratorsInScenarioOrder)
{
  const Cluster c = Cluster::build(test::scenario_from_text(TWO_SITES));
  // Types: catalog entries used by nodes, in catalog (name) order; "unused" is dropped.
  ASSERT_EQ(c.types.size(), 2U);
  EXPECT_EQ(c.types[0].name, "G");
  EXPECT_EQ(c.types[1].name, "N");
  EXPECT_EQ(c.sites.size(), 2U);
  EXPECT_EQ(c.racks.size(), 4U);
  EXPECT_EQ(c.node_count(), 7U);
  EXPECT_EQ(c.accelerator_count(), 4U * 4 + 8 + 2 * 8);
  EXPECT_EQ(c.racks[1].name, "east1/a-1");
  EXPECT_EQ(c.node_name(3), "east1/a-1-n1");
  EXPECT_EQ(c.node_name(4), "east1/b-0-n0");
  EXPECT_EQ(c.node_first_accel[4], 16U);
  EXPECT_EQ(c.node_first_accel[5], 24U);
  EXPECT_EQ(c.accel_node[23], 4U);
  // Pools: (east1, N), (east1, G), (west1, G).
  ASSERT_EQ(c.pools.size(), 3U);
  EXPECT_EQ(c.pools[0].accelerators, 16U);
  EXPECT_EQ(c.pools[1].nodes, std::vector<std::uint32_t>{4});
  EXPECT_EQ(c.pools[2].nodes, (std::vector<std::uint32_t>{5, 6}));
  EXPECT_EQ(c.sites[0].accelerators, 24U);
  EXPECT_EQ(c.accelerators_of_type(0), 24U);
  // The pool index EASY's availability check uses: pools by type (G = 0: pools 1 and 2; N = 1: pool 0), by site
  // and type, and usable accelerators per type (no caps: all of them).
  EXPECT_EQ(c.pools_of_type, (std::vector<std::vector<std::uint32_t>>{{1, 2}, {0}}));
  EXPECT_EQ(c.pool_at(0, 1), 0U);
  EXPECT_EQ(c.pool_at(0, 0), 1U);
  EXPECT_EQ(c.pool_at(1, 0), 2U);
  EXPECT_EQ(c.pool_at(1, 1), UINT32_MAX); // west1 has no N
  EXPECT_EQ(c.usable_of_type, (std::vector<std::uint64_t>{24, 16}));
}

TEST(ClusterState, AllocateAndReleaseKeepCountsAndCursor)
{
  const Cluster c = Cluster::build(test::scenario_from_text(TWO_SITES));
  ClusterState st(c);
  const std::vector<NodeSlots> a = {{0, 0xF}, {1, 0x3}};
  st.allocate(a);
  EXPECT_EQ(st.available_in_pool(0), 10U);
  EXPECT_EQ(st.free_on_node(0), 0U);
  EXPECT_EQ(st.free_on_node(1), 2U);
  EXPECT_EQ(st.pool_first_free(0), 1U);
  EXPECT_EQ(st.busy_accelerators(), 6U);
  EXPECT_EQ(st.busy_of_type(1), 6U);
  st.release(std::vector<NodeSlots>{{0, 0x5}});
  EXPECT_EQ(st.pool_first_free(0), 0U);
  EXPECT_EQ(st.used_mask(0), 0xAU);
  EXPECT_EQ(st.busy_accelerators(), 4U);
}

// The free-node bitmap behind first-fit scans and EASY's reservation: positions across a word boundary (70 nodes
// of one slot), found again after a release, and the pool's node count when every node is full.
TEST(ClusterState, NextFreePositionSkipsFullNodesAcrossWords)
{
  const Cluster c = Cluster::build(test::scenario_from_text(test::one_site_scenario(70, 1, "[]")));
  ClusterState st(c);
  EXPECT_EQ(st.next_free_position(0, 0), 0U);
  std::vector<NodeSlots> first66;
  for (std::uint32_t n = 0; n < 66; n++)
    first66.push_back({c.pools[0].nodes[n], 0x1});
  st.allocate(first66);
  EXPECT_EQ(st.next_free_position(0, 0), 66U);
  EXPECT_EQ(st.pool_first_free(0), 66U);
  EXPECT_EQ(st.next_free_position(0, 67), 67U);
  ASSERT_EQ(st.pool_free_bits(0).size(), 2U);
  EXPECT_EQ(st.pool_free_bits(0)[0], 0U);
  EXPECT_EQ(st.pool_free_bits(0)[1], 0x3CU); // positions 66-69
  st.release(std::vector<NodeSlots>{{c.pools[0].nodes[3], 0x1}});
  EXPECT_EQ(st.next_free_position(0, 0), 3U);
  EXPECT_EQ(st.next_free_position(0, 4), 66U);
  EXPECT_EQ(st.pool_first_free(0), 3U);
  std::vector<NodeSlots> rest = {{c.pools[0].nodes[3], 0x1}};
  for (std::uint32_t n = 66; n < 70; n++)
    rest.push_back({c.pools[0].nodes[n], 0x1});
  st.allocate(rest);
  EXPECT_EQ(st.next_free_position(0, 0), 70U);
  EXPECT_EQ(st.pool_first_free(0), 70U);
  EXPECT_EQ(st.next_free_position(0, 70), 70U);
  EXPECT_EQ(st.changes(), 3U);
}
