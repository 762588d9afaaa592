// Placement policies: for each, a case where it must choose differently from first-fit; the SIMD kernel equals
// its scalar build.
#include "../support/helpers.hpp"

#include "ccsim/cluster/score_kernel.hpp"
#include "ccsim/policy/builtin/builtin.hpp"

#include <gtest/gtest.h>

#include <random>

using namespace ccsim;

namespace {
//! Where `policy` puts a job of `n` accelerators after `busy` slots are taken: the pieces it chose, checked to be
//! free, n in all, and accepted by ClusterState::allocate (which refuses busy slots and rack cap overruns).
std::vector<NodeSlots> placed_slots(const std::string& scenario_text, const std::string& policy,
                                    std::vector<NodeSlots> busy, std::uint32_t n, const char* job_extra = "",
                                    const nlohmann::json& params = nullptr)
{
  const PreparedRun prep = test::prepared_from_text(scenario_text);
  const Cluster& c = prep.cluster;
  ClusterState st(c);
  st.allocate(busy);
  Job job;
  job.id = "probe";
  job.accelerators = n;
  job.eligible_types = (1ULL << c.types.size()) - 1;
  if (std::string(job_extra) == "fp64")
    job.precision = Precision::FP64;
  auto placement = PolicyRegistry::global().placements.make(policy, params);
  std::vector<NodeSlots> out;
  EXPECT_TRUE(placement->place(job, ClusterView{c, st}, out)) << policy;
  std::uint32_t got = 0;
  for (const auto& p : out) {
    got += static_cast<std::uint32_t>(std::popcount(p.mask));
    EXPECT_EQ(st.used_mask(p.node) & p.mask, 0U) << policy << " chose busy slots";
  }
  EXPECT_EQ(got, n) << policy;
  EXPECT_NO_THROW(st.allocate(out)) << policy << " chose slots the cluster state refuses (busy or over a rack cap)";
  return out;
}

//! The nodes of placed_slots(), in the order the policy gave them.
std::vector<std::uint32_t> placed_nodes(const std::string& scenario_text, const std::string& policy,
                                        std::vector<NodeSlots> busy, std::uint32_t n, const char* job_extra = "",
                                        const nlohmann::json& params = nullptr)
{
  std::vector<std::uint32_t> nodes;
  for (const auto& p : placed_slots(scenario_text, policy, std::move(busy), n, job_extra, params))
    nodes.push_back(p.node);
  return nodes;
}

// Two nodes of 4 in one rack.
const std::string TWO_NODES = test::one_site_scenario(2, 4, "[]");
} // namespace

TEST(Placement, BestFitTakesTheNodeWithLeastLeftover)
{
  // Node 0 fully free, node 1 has 1 free: a 1-accelerator job fits exactly on node 1.
  EXPECT_EQ(placed_nodes(TWO_NODES, "first-fit", {{1, 0b0111}}, 1), std::vector<std::uint32_t>{0});
  EXPECT_EQ(placed_nodes(TWO_NODES, "best-fit", {{1, 0b0111}}, 1), std::vector<std::uint32_t>{1});
}

TEST(Placement, PackingPrefersPartlyUsedNodes)
{
  EXPECT_EQ(placed_nodes(TWO_NODES, "packing", {{1, 0b0011}}, 1), std::vector<std::uint32_t>{1});
}

TEST(Placement, SpreadPrefersEmptyNodes)
{
  // Node 0 has 1 busy: first-fit stays on node 0, spread goes to the empty node 1.
  EXPECT_EQ(placed_nodes(TWO_NODES, "first-fit", {{0, 0b0001}}, 1), std::vector<std::uint32_t>{0});
  EXPECT_EQ(placed_nodes(TWO_NODES, "spread", {{0, 0b0001}}, 1), std::vector<std::uint32_t>{1});
}

TEST(Placement, DotProductAlignsDemandWithFreeCapacity)
{
  // A 3-accelerator job: node 0 has 3 free (ef x min(ef, 3) = 9), node 1 has 4 (12): Tetris takes node 1.
  EXPECT_EQ(placed_nodes(TWO_NODES, "first-fit", {{0, 0b0001}}, 3), std::vector<std::uint32_t>{0});
  EXPECT_EQ(placed_nodes(TWO_NODES, "dot-product", {{0, 0b0001}}, 3), std::vector<std::uint32_t>{1});
}

TEST(Placement, PowerAwarePrefersRacksWithHeadroom)
{
  // Rack a (node 0) is capped: idle 2 x 70 + 100 = 240 W, cap 1.5 kW -> floor(1260 / 630) = 2 busy at most.
  // Rack b (node 1) is uncapped. First-fit uses rack a; power-aware goes where the power is.
  const std::string text = R"({"accelerators": {"X": {"kind": "gpu", "peak_tflops": {"bf16": 100},
      "memory_gib": 80, "power_w": {"idle": 70, "max": 700}}},
    "sites": [{"name": "s", "region": "east", "racks": [
      {"name": "a", "count": 1, "nodes_per_rack": 1, "power_cap_kw": 1.5, "node": {"accelerator": "X", "count": 2, "base_power_w": 100}},
      {"name": "b", "count": 1, "nodes_per_rack": 1, "node": {"accelerator": "X", "count": 2, "base_power_w": 100}}]}],
    "workload": {"jobs": []}})";
  EXPECT_EQ(placed_nodes(text, "first-fit", {}, 1), std::vector<std::uint32_t>{0});
  EXPECT_EQ(placed_nodes(text, "power-aware", {{0, 0b01}}, 1), std::vector<std::uint32_t>{1});
}

TEST(Placement, HeterogeneityAwarePicksTheBestThroughputPerWatt)
{
  // Site a (first): Slow, 100 TFLOP/s at 700 W. Site b: Fast, 1000 TFLOP/s at 700 W.
  const std::string text = R"({"accelerators": {
      "Slow": {"kind": "gpu", "peak_tflops": {"bf16": 100, "fp64": 50}, "memory_gib": 80, "power_w": {"idle": 70, "max": 700}},
      "Fast": {"kind": "gpu", "peak_tflops": {"bf16": 1000, "fp64": 10}, "memory_gib": 80, "power_w": {"idle": 70, "max": 700}}},
    "sites": [{"name": "a", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "Slow", "count": 4}}]},
              {"name": "b", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "Fast", "count": 4}}]}],
    "workload": {"jobs": []}})";
  EXPECT_EQ(placed_nodes(text, "first-fit", {}, 2), std::vector<std::uint32_t>{0});
  EXPECT_EQ(placed_nodes(text, "heterogeneity-aware", {}, 2), std::vector<std::uint32_t>{1});
  // At fp64 the ranking flips: Slow has 50, Fast 10.
  EXPECT_EQ(placed_nodes(text, "heterogeneity-aware", {}, 2, "fp64"), std::vector<std::uint32_t>{0});
  // A measured throughput table overrides peaks (Gavel): training runs 3x better on Slow.
  const nlohmann::json table = {{"throughput", {{"training", {{"Slow", 3.0}, {"Fast", 1.0}}}}}};
  EXPECT_EQ(placed_nodes(text, "heterogeneity-aware", {}, 2, "", table), std::vector<std::uint32_t>{0});
}

TEST(Placement, MultiNodeJobsRespectRackCapsAndAscendingNodes)
{
  // Rack c (nodes 0-2, 4 accelerators each) is capped at 0.6 kW: 6 busy at 100 W each; rack u (nodes 3-5) is not.
  // An 8-accelerator job fits the pool only if at least 2 of its accelerators are outside rack c: every policy
  // must stop at the cap (a policy that filled nodes 0 and 1 would put 8 in rack c), and give pieces in ascending
  // node order. ClusterState::allocate checks the cap too.
  const std::string text = R"({"accelerators": {"X": {"kind": "gpu", "peak_tflops": {"bf16": 100},
      "memory_gib": 80, "power_w": {"idle": 0, "max": 100}}},
    "sites": [{"name": "s", "region": "east", "racks": [
      {"name": "c", "count": 1, "nodes_per_rack": 3, "power_cap_kw": 0.6, "node": {"accelerator": "X", "count": 4}},
      {"name": "u", "count": 1, "nodes_per_rack": 3, "node": {"accelerator": "X", "count": 4}}]}],
    "workload": {"jobs": []}})";
  for (const char* policy :
       {"first-fit", "best-fit", "packing", "spread", "dot-product", "power-aware", "heterogeneity-aware", "compact"}) {
    SCOPED_TRACE(policy);
    // Busy: 1 slot on node 1 (rack c's allowance is 5 more) and 3 on node 4, so that policies differ.
    const auto pieces = placed_slots(text, policy, {{1, 0b0001}, {4, 0b0111}}, 8);
    std::uint32_t in_capped = 0;
    for (const auto& p : pieces)
      in_capped += p.node < 3 ? static_cast<std::uint32_t>(std::popcount(p.mask)) : 0;
    EXPECT_LE(in_capped, 5U);
    EXPECT_TRUE(std::is_sorted(pieces.begin(), pieces.end(),
                               [](const NodeSlots& a, const NodeSlots& b) { return a.node < b.node; }));
  }
  // First fit, by hand: node 0 gives 4, node 1 the 1 the cap still allows, node 2 none, node 3 gives 3.
  const auto ff = placed_slots(text, "first-fit", {{1, 0b0001}, {4, 0b0111}}, 8);
  ASSERT_EQ(ff.size(), 3U);
  EXPECT_EQ(ff[0].node, 0U);
  EXPECT_EQ(ff[0].mask, 0b1111U);
  EXPECT_EQ(ff[1].node, 1U);
  EXPECT_EQ(ff[1].mask, 0b0010U);
  EXPECT_EQ(ff[2].node, 3U);
  EXPECT_EQ(ff[2].mask, 0b0111U);
}

namespace {
//! `racks` racks of 2 nodes x 4 accelerators at one site; `cap_kw` caps the first rack (0: uncapped). Per
//! accelerator 70 W idle, 700 W busy; 100 W per node.
std::string racks_of_two_nodes(int racks, double cap_kw = 0)
{
  const std::string node = R"("nodes_per_rack": 2, "node": {"accelerator": "X", "count": 4, "base_power_w": 100})";
  std::string text = R"({"accelerators": {"X": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 80,
      "power_w": {"idle": 70, "max": 700}}}, "sites": [{"name": "s", "region": "east", "racks": [)";
  text += cap_kw > 0 ? R"({"name": "capped", "count": 1, "power_cap_kw": )" + std::to_string(cap_kw) + ", " + node +
                           R"(}, {"name": "r", "count": )" + std::to_string(racks - 1) + ", " + node + "}"
                     : R"({"name": "r", "count": )" + std::to_string(racks) + ", " + node + "}";
  return text + R"(]}], "workload": {"jobs": []}})";
}
} // namespace

TEST(Placement, BestFitBreaksTiesToTheLowestNode)
{
  // Mutation guard ("mutant best-fit-tie"): two empty nodes leave the same 2 free after a 2-accelerator job: node 0.
  EXPECT_EQ(placed_nodes(TWO_NODES, "best-fit", {}, 2), std::vector<std::uint32_t>{0});
  // Three nodes: node 0 is full, nodes 1 and 2 tie: node 1.
  const std::string three = test::one_site_scenario(3, 4, "[]");
  EXPECT_EQ(placed_nodes(three, "best-fit", {{0, 0b1111}}, 2), std::vector<std::uint32_t>{1});
  // Across racks: node 1 (rack 0) and node 2 (rack 1) both hold it with nothing left over: node 1.
  EXPECT_EQ(placed_nodes(racks_of_two_nodes(2), "best-fit", {{0, 0b1111}, {1, 0b0011}, {2, 0b0011}}, 2),
            std::vector<std::uint32_t>{1});
}

TEST(Placement, CompactKeepsAJobInOneRackWhereBestFitSpansTwo)
{
  // Rack 0: node 0 has 3 free, node 1 none; rack 1: node 2 has 2 free, node 3 all 4. A 5-accelerator job: best-fit
  // takes the nodes that give the most (3: 4, then 0: 1) across both racks; rack 0 can give only 3, rack 1 gives 6,
  // so compact takes rack 1: all of node 3, then 1 of node 2 (the least that holds the rest).
  const std::vector<NodeSlots> busy = {{0, 0b0001}, {1, 0b1111}, {2, 0b0011}};
  const std::string two = racks_of_two_nodes(2);
  EXPECT_EQ(placed_nodes(two, "best-fit", busy, 5), (std::vector<std::uint32_t>{0, 3}));
  EXPECT_EQ(placed_nodes(two, "compact", busy, 5), (std::vector<std::uint32_t>{2, 3}));
  // One node holds 2: the exact fit (node 2, leftover 0) before node 0 (leftover 1) or node 3 (2).
  EXPECT_EQ(placed_nodes(two, "compact", busy, 2), std::vector<std::uint32_t>{2});
  // On an idle platform a 4-accelerator job takes the lowest node; 6 takes rack 0: node 0 whole, 2 of node 1.
  EXPECT_EQ(placed_nodes(two, "compact", {}, 4), std::vector<std::uint32_t>{0});
  EXPECT_EQ(placed_nodes(two, "compact", {}, 6), (std::vector<std::uint32_t>{0, 1}));
}

TEST(Placement, CompactTakesTheRestFromTheNodeThatHoldsItWithTheLeastToSpare)
{
  // Three racks of two nodes; node 5 has 1 free, the others 4. No rack holds 9: compact spans racks, taking
  // nodes 0 and 1 whole, then the last accelerator from node 5 (it holds the rest with nothing to spare). Best-fit
  // takes the last one from node 2, the next node that gives the most, and breaks a whole node.
  const std::vector<NodeSlots> busy = {{5, 0b0111}};
  const std::string three = racks_of_two_nodes(3);
  EXPECT_EQ(placed_nodes(three, "best-fit", busy, 9), (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(placed_nodes(three, "compact", busy, 9), (std::vector<std::uint32_t>{0, 1, 5}));
  const PreparedRun prep = test::prepared_from_text(three);
  const Cluster& c = prep.cluster;
  ClusterState st(c);
  st.allocate(busy);
  Job job;
  job.accelerators = 9;
  job.eligible_types = 1;
  std::vector<NodeSlots> out;
  ASSERT_TRUE(make_compact(nullptr)->place(job, ClusterView{c, st}, out));
  ASSERT_EQ(out.size(), 3U);
  EXPECT_EQ(out[0].mask, 0b1111U);
  EXPECT_EQ(out[1].mask, 0b1111U);
  EXPECT_EQ(out[2].mask, 0b1000U); // node 5's only free slot
}

TEST(Placement, CompactCountsWhatARacksPowerCapAllows)
{
  // Rack 0 ("capped"): idle 2 x (100 + 4 x 70) = 760 W, 630 W more per busy accelerator, cap 3 kW: at most
  // floor(2240 / 630) = 3 busy. Rack 1: node 2 has 2 free, node 3 has 2 free.
  const std::vector<NodeSlots> busy = {{2, 0b0011}, {3, 0b0011}};
  const std::string capped = racks_of_two_nodes(2, 3.0);
  // 3 fit on node 0 within the cap (node level, leftover 0 there).
  EXPECT_EQ(placed_nodes(capped, "compact", busy, 3), std::vector<std::uint32_t>{0});
  // 4: no node can give 4 (node 0 only 3 under the cap), rack 0 only 3 in all: rack 1, both nodes. Best-fit
  // takes 3 of node 0 and 1 more across the racks.
  EXPECT_EQ(placed_nodes(capped, "compact", busy, 4), (std::vector<std::uint32_t>{2, 3}));
  EXPECT_EQ(placed_nodes(capped, "best-fit", busy, 4), (std::vector<std::uint32_t>{0, 2}));
  // 7 needs both racks: all that rack 0's cap allows (3) and rack 1's 4.
  EXPECT_EQ(placed_nodes(capped, "compact", busy, 7), (std::vector<std::uint32_t>{0, 2, 3}));
  EXPECT_THROW(make_compact(nlohmann::json{{"level", "rack"}}), std::invalid_argument);
}

TEST(Placement, UnknownParametersAreRejected)
{
  EXPECT_THROW(make_best_fit(nlohmann::json{{"alpha", 1}}), std::invalid_argument);
  EXPECT_THROW(make_heterogeneity_aware(nlohmann::json{{"objective", "per-carbon"}}), std::invalid_argument);
  EXPECT_THROW(make_heterogeneity_aware(nlohmann::json{{"throughput", {{"gaming", {{"X", 1}}}}}}),
               std::invalid_argument);
}

TEST(ScoreKernel, SimdEqualsScalarOnRandomNodes)
{
  std::mt19937 rng(7);
  for (const std::uint32_t size : {1U, 7U, 8U, 63U, 1000U, 4099U}) {
    // Racks of 1 to 40 nodes, each with its own allowance.
    std::vector<std::uint8_t> ef(size), cap(size);
    std::vector<std::uint32_t> rack(size);
    std::vector<std::int32_t> allow;
    for (std::uint32_t i = 0; i < size; i++) {
      if (i == 0 || rng() % 40 == 0)
        allow.push_back(static_cast<std::int32_t>(rng() % 200));
      rack[i] = static_cast<std::uint32_t>(allow.size() - 1);
      cap[i] = static_cast<std::uint8_t>(1 + rng() % 64);
      ef[i] = static_cast<std::uint8_t>(rng() % (cap[i] + 1));
    }
    const KernelNodes nodes{ef.data(), cap.data(), rack.data(), allow.data()};
    for (const ScoreWeights w : {ScoreWeights{.leftover = -100, .contrib = 1}, ScoreWeights{.busy = 100, .contrib = 1},
                                 ScoreWeights{.free = 3, .product = 2, .rack = -5}}) {
      for (const std::int32_t n : {1, 4, 9, 64}) {
        std::vector<std::int32_t> simd(size), scalar(size);
        score_nodes(nodes, 0, size, n, w, 12345, simd.data());
        score_nodes_scalar(nodes, 0, size, n, w, 12345, scalar.data());
        ASSERT_EQ(simd, scalar) << "size " << size << " n " << n;
        // An unaligned sub-range gives the same values too.
        if (size > 5) {
          std::vector<std::int32_t> part(size, 0);
          score_nodes(nodes, 3, size - 1, n, w, 12345, part.data());
          for (std::uint32_t i = 3; i < size - 1; i++)
            ASSERT_EQ(part[i], scalar[i]);
        }
      }
    }
    const NodeAggregates a = aggregate_nodes(ef.data(), cap.data(), 0, size);
    const NodeAggregates b = aggregate_nodes_scalar(ef.data(), cap.data(), 0, size);
    EXPECT_EQ(a.accelerators, b.accelerators);
    EXPECT_EQ(a.free, b.free);
    EXPECT_EQ(a.free_on_partial, b.free_on_partial);
  }
  EXPECT_NE(std::string(score_kernel_target()), "");
}

TEST(ScoreKernel, HandComputedScores)
{
  // ef 3 of cap 4, rack allows 10, n = 2, all weights 1, bonus 100:
  // 100 + 3 + 1 + max(1, 0) + 2 + 3 x 2 + 10 = 123. ef 0: NO_SCORE.
  const std::uint8_t ef[2] = {3, 0};
  const std::uint8_t cap[2] = {4, 4};
  const std::uint32_t rack[2] = {0, 0};
  const std::int32_t allow[1] = {10};
  std::int32_t out[2];
  score_nodes(KernelNodes{ef, cap, rack, allow}, 0, 2, 2, ScoreWeights{1, 1, 1, 1, 1, 1}, 100, out);
  EXPECT_EQ(out[0], 123);
  EXPECT_EQ(out[1], NO_SCORE);
  const NodeAggregates agg = aggregate_nodes(ef, cap, 0, 2);
  EXPECT_EQ(agg.accelerators, 8U);
  EXPECT_EQ(agg.free, 3U);
  EXPECT_EQ(agg.free_on_partial, 3U);
}
