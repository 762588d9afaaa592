// Network: topology queries, the communication model, staging semantics and site-aware placement, all with
// hand-computed values. The same cases on SimGrid's link-sharing network are in tests/sim/network_test.cpp.
#include "../support/helpers.hpp"

#include "ccsim/metrics/metrics.hpp"
#include "ccsim/network/topology.hpp"
#include "ccsim/output/writers.hpp"
#include "ccsim/perf/comm_model.hpp"

#include <gtest/gtest.h>

using namespace ccsim;

namespace {

//! Sites east, west and central (in that order), one node each of `per_node` accelerators "G" (100 TFLOP/s bf16,
//! idle 10 W, max 110 W), PUE 1.6 / 1.1 / 1.3, prices 0.5 / 1.0 / 0.6 per kWh; east-central regional 100 Gb/s
//! (2.5 ms), central-west national 100 Gb/s at 30 ms, east-west national 100 Gb/s at 20 ms (one-way latencies), so
//! east-west data takes the direct link (20 ms < 2.5 + 30 ms).
std::string three_sites(const std::string& jobs, const std::string& scheduler, int per_node = 1)
{
  const std::string node =
      R"({"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": )" + std::to_string(per_node) + "}}";
  return R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "east", "region": "east", "pue": 1.6, "electricity_price_per_kwh": 0.5, "racks": [)" +
         node + R"(]},
              {"name": "west", "region": "west", "pue": 1.1, "electricity_price_per_kwh": 1.0, "racks": [)" +
         node + R"(]},
              {"name": "central", "region": "central", "pue": 1.3, "electricity_price_per_kwh": 0.6, "racks": [)" +
         node + R"(]}],
    "network": {"links": [{"from": "east", "to": "central", "tier": "regional", "bandwidth_gbps": 100},
                          {"from": "central", "to": "west", "tier": "national", "bandwidth_gbps": 100, "latency_ms": 30},
                          {"from": "east", "to": "west", "tier": "national", "bandwidth_gbps": 100, "latency_ms": 20}]},
    "workload": {"jobs": )" +
         jobs + R"(}, "scheduler": )" + scheduler + "}";
}

const JobRecord& record_of(const PreparedRun& run, const RunResult& r, const std::string& id)
{
  return r.records[test::job_index(run, id)];
}

std::string site_of(const Cluster& c, const JobRecord& rec)
{
  return c.sites[c.pools[rec.pool].site].name;
}

} // namespace

TEST(Topology, LowestLatencyRoutesWithBottleneckAndTier)
{
  // A-H metro 400 Gb/s (0.5 ms: half the 1 ms round trip), H-B regional 100 Gb/s (2.5 ms), B-C national 40 Gb/s
  // at 12 ms (given), A-C national 10 Gb/s (10 ms).
  NetworkSpec spec;
  spec.hubs = {"H"};
  spec.links = {{"A", "H", Tier::METRO, 0.5e-3, 50e9},
                {"H", "B", Tier::REGIONAL, 2.5e-3, 12.5e9},
                {"B", "C", Tier::NATIONAL, 12e-3, 5e9},
                {"A", "C", Tier::NATIONAL, 10e-3, 1.25e9}};
  const std::vector<std::string> sites = {"A", "B", "C"};
  const Topology t = Topology::build(sites, spec);
  EXPECT_TRUE(t.connected());
  // A -> B through the hub: 0.5 + 2.5 ms, bottleneck 12.5e9 B/s, regional.
  EXPECT_DOUBLE_EQ(t.latency_s(0, 1), 3e-3);
  EXPECT_EQ(t.bandwidth_Bps(0, 1), 12.5e9);
  EXPECT_EQ(t.tier(0, 1), Tier::REGIONAL);
  ASSERT_EQ(t.route(0, 1).size(), 2U);
  EXPECT_EQ(t.route(0, 1)[0].link, 0U);
  EXPECT_TRUE(t.route(0, 1)[0].forward);
  EXPECT_EQ(t.route(0, 1)[1].link, 1U);
  // The reverse route takes the same links backwards.
  ASSERT_EQ(t.route(1, 0).size(), 2U);
  EXPECT_EQ(t.route(1, 0)[0].link, 1U);
  EXPECT_FALSE(t.route(1, 0)[0].forward);
  EXPECT_FALSE(t.route(1, 0)[1].forward);
  // A -> C: direct 10 ms beats 3 + 12 ms through B.
  EXPECT_DOUBLE_EQ(t.latency_s(0, 2), 10e-3);
  EXPECT_EQ(t.bandwidth_Bps(0, 2), 1.25e9);
  EXPECT_EQ(t.tier(0, 2), Tier::NATIONAL);
  // B -> C: direct 12 ms beats 2.5 + 0.5 + 10 ms.
  EXPECT_DOUBLE_EQ(t.latency_s(1, 2), 12e-3);
  // Transfer alone: latency + bytes / bottleneck.
  EXPECT_DOUBLE_EQ(t.transfer_time_s(0, 1, 1e9), 3e-3 + 1e9 / 12.5e9);
  EXPECT_EQ(t.transfer_time_s(1, 1, 1e9), 0.0);
}

TEST(Topology, ReportsTheFirstUnreachablePair)
{
  NetworkSpec spec;
  spec.links = {{"A", "B", Tier::METRO, 1e-3, 1e9}};
  const std::vector<std::string> sites = {"A", "B", "C"};
  const Topology t = Topology::build(sites, spec);
  EXPECT_FALSE(t.connected());
  EXPECT_EQ(t.first_unreachable(), (std::pair<std::uint32_t, std::uint32_t>{0, 2}));
  EXPECT_FALSE(t.reachable(1, 2));
}

TEST(Network, LinkLatencyDefaultsToHalfTheTierRoundTrip)
{
  const Scenario s = test::scenario_from_text(three_sites("[]", R"({"queue": "fcfs"})"));
  ASSERT_EQ(s.network.links.size(), 3U);
  EXPECT_DOUBLE_EQ(s.network.links[0].latency_s, 2.5e-3); // regional: 5 ms round trip
  EXPECT_DOUBLE_EQ(s.network.links[1].latency_s, 30e-3);  // given one-way
  EXPECT_DOUBLE_EQ(s.network.links[2].latency_s, 20e-3);
  EXPECT_EQ(s.network.links[0].bandwidth_Bps, 12.5e9); // 100 Gb/s
}

TEST(Network, RejectsBadLinksAndDisconnectedTopologies)
{
  const std::string platform =
      R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "a", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 1}}]},
              {"name": "b", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 1}}]},
              {"name": "c", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 1}}]}],
    "workload": {"jobs": [{"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 1, "data_site": "a", "data_bytes": 5}]},
    "network": )";
  auto errors =
      test::load_errors(platform + R"({"links": [{"from": "a", "to": "b", "tier": "metro", "bandwidth_gbps": 10}]}})");
  EXPECT_TRUE(test::has_error(errors, "/network/links", "site \"a\" cannot reach site \"c\""));
  errors = test::load_errors(platform + R"({"links": [{"from": "a", "to": "x", "tier": "metro", "bandwidth_gbps": 10},
      {"from": "a", "to": "b", "tier": "galactic", "bandwidth_gbps": 0, "latency_ms": -1},
      {"from": "c", "to": "c", "tier": "metro", "bandwidth_gbps": 1}]}})");
  EXPECT_TRUE(test::has_error(errors, "/network/links/0/to", "\"x\" is not a site or hub"));
  EXPECT_TRUE(test::has_error(errors, "/network/links/1/tier", "unknown tier \"galactic\""));
  EXPECT_TRUE(test::has_error(errors, "/network/links/1/bandwidth_gbps", ">= 1e-09 and <= 1e+09"));
  EXPECT_TRUE(test::has_error(errors, "/network/links/1/latency_ms", "> 0"));
  EXPECT_TRUE(test::has_error(errors, "/network/links/2/to", "two different places"));
  // Data at one site of several and no network at all: the job could need a path that does not exist.
  const auto no_net = platform.substr(0, platform.rfind(",")) + "}";
  errors = test::load_errors(no_net);
  EXPECT_TRUE(test::has_error(errors, "/workload/jobs/0/data_site", "no path"));
  errors = test::load_errors(three_sites(
      R"([{"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 1, "data_site": "mars", "data_bytes": 1}])",
      R"({"queue": "fcfs"})"));
  EXPECT_TRUE(test::has_error(errors, "/workload/jobs/0/data_site", "not a site of the platform"));
}

TEST(CommModel, RingAllreduceFormula)
{
  // 2 (p - 1) latency + 2 (p - 1) / p x bytes / bandwidth.
  EXPECT_DOUBLE_EQ(ring_allreduce_s(4, 1e9, 1e-3, 1e9), 6e-3 + 1.5);
  EXPECT_EQ(ring_allreduce_s(1, 1e9, 1e-3, 1e9), 0.0);
}

TEST(CommModel, SpanningTwoNodesSlowsTheJobByTheRingCostRatio)
{
  // Nodes of 4 accelerators, 2 per rack. "x" takes 2 accelerators of node 0, so first-fit gives "j" (4) 2 on
  // node 0 and 2 on node 1: it spans nodes of one rack, its reference is one node.
  // Node ring: 2 x 3 x 1 us + 1.5 x 1e9 / 100e9 = 0.015006 s; rack ring: 2 x 3 x (2 x 5 us) + 1.5 x 1e9 / 10e9
  // = 0.15006 s; ratio 10, so slowdown = 0.5 + 0.5 x 10 = 5.5 and j runs 100 x 5.5 = 550 s.
  const std::string text =
      R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 2, "node": {"accelerator": "G", "count": 4}}]}],
    "network": {"fabric": {"hop_latency_us": 5, "nic_gbps": 80, "intra_node_latency_us": 1, "intra_node_gbps": 800}},
    "workload": {"jobs": [{"id": "x", "submit_s": 0, "accelerators": 2, "duration_s": 1000},
                          {"id": "j", "submit_s": 0, "accelerators": 4, "duration_s": 100, "comm_share": 0.5, "allreduce_bytes": 1e9},
                          {"id": "k", "submit_s": 2000, "accelerators": 4, "duration_s": 100, "comm_share": 0.5}]},
    "scheduler": {"queue": "fcfs", "placement": "first-fit"}})";
  const PreparedRun prep = test::prepared_from_text(text);
  const Scenario& s = prep.scenario;
  const Cluster& c = prep.cluster;
  const RunResult r = test::run_inline(prep);
  EXPECT_DOUBLE_EQ(record_of(prep, r, "j").comm_slowdown, 5.5);
  EXPECT_DOUBLE_EQ(record_of(prep, r, "j").finish_s, 550.0);
  // Alone, k fits on one node: its reference placement, no slowdown.
  EXPECT_EQ(record_of(prep, r, "k").comm_slowdown, 1.0);
  EXPECT_EQ(record_of(prep, r, "k").finish_s, 2100.0);
  // The summary: one job slowed; the mean is over j and k (x has no comm_share): (5.5 + 1) / 2; j's slowdown
  // added 4 accelerators x 550 s x (1 - 1 / 5.5) = 1800 accelerator-s = 0.5 h.
  const auto summary = summarize(s, c, prep.jobs, r);
  EXPECT_EQ(summary["comm_slowdown"]["jobs"], 1);
  EXPECT_DOUBLE_EQ(summary["comm_slowdown"]["mean"].get<double>(), 3.25);
  EXPECT_DOUBLE_EQ(summary["comm_slowdown"]["max"].get<double>(), 5.5);
  EXPECT_DOUBLE_EQ(summary["comm_slowdown"]["accelerator_hours"].get<double>(), 0.5);
  // Delivered work is not stretched (issue 23, item 1): x 2 x 1000 s, j 4 x 100 s (not 550), k 4 x 100 s, at
  // 100 TFLOP/s: 2,800 accelerator-s x 1e14 = 2.8e17 FLOP.
  EXPECT_DOUBLE_EQ(summary["flops"]["delivered_eflop"].get<double>(), 0.28);
  // Bounded slowdown is relative to the run time at the reference placement (issue 23, item 4): j ran 550 s for
  // 100 s of reference run time, 5.5 (it was 550 / 550 = 1); x and k 1. Mean (5.5 + 1 + 1) / 3 = 2.5.
  EXPECT_DOUBLE_EQ(summary["bounded_slowdown"]["max"].get<double>(), 5.5);
  EXPECT_DOUBLE_EQ(summary["bounded_slowdown"]["mean"].get<double>(), 2.5);
}

TEST(CommModel, CompactPlacementKeepsTheJobAtItsReferenceLevel)
{
  // Rack a: one node of 4 (node 0); rack b: two nodes of 3 (nodes 1, 2). "j" needs 6: no node holds it, rack b
  // does, so its reference is one rack. Best-fit takes the nodes that give the most, 4 of node 0 and 2 of node 1:
  // several racks. Rack ring: alpha = 2 x 5 us, beta = 80 Gb/s; cross-rack: alpha = 4 x 5 us, beta = 80 / 4 Gb/s.
  // slowdown = 0.5 + 0.5 x (2 x 5 x 20e-6 + 2 x 5/6 x 1e9 / 2.5e9) / (2 x 5 x 10e-6 + 2 x 5/6 x 1e9 / 1e10)
  //          = 0.5 + 0.5 x 0.66686667 / 0.16676667 = 2.49940036. Compact takes rack b: slowdown 1.
  const auto text = [](const char* placement) {
    return std::string(
               R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "s", "region": "east", "racks": [
      {"name": "a", "count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 4}},
      {"name": "b", "count": 1, "nodes_per_rack": 2, "node": {"accelerator": "G", "count": 3}}]}],
    "network": {"fabric": {"hop_latency_us": 5, "nic_gbps": 80, "rack_oversubscription": 4}},
    "workload": {"jobs": [{"id": "j", "submit_s": 0, "accelerators": 6, "duration_s": 100, "comm_share": 0.5, "allreduce_bytes": 1e9}]},
    "scheduler": {"queue": "fcfs", "placement": ")") +
           placement + R"("}})";
  };
  const double expected = 0.5 + 0.5 * ring_allreduce_s(6, 1e9, 20e-6, 2.5e9) / ring_allreduce_s(6, 1e9, 10e-6, 1e10);
  EXPECT_NEAR(expected, 2.4994003597841, 1e-12);
  {
    const PreparedRun prep = test::prepared_from_text(text("best-fit"));
    const RunResult r = test::run_inline(prep);
    EXPECT_DOUBLE_EQ(record_of(prep, r, "j").comm_slowdown, expected);
    EXPECT_DOUBLE_EQ(record_of(prep, r, "j").finish_s, 100 * expected);
  }
  const PreparedRun prep = test::prepared_from_text(text("compact"));
  const Scenario& s = prep.scenario;
  const Cluster& c = prep.cluster;
  const RunResult r = test::run_inline(prep);
  EXPECT_EQ(record_of(prep, r, "j").comm_slowdown, 1.0);
  EXPECT_EQ(record_of(prep, r, "j").finish_s, 100.0);
  const auto summary = summarize(s, c, prep.jobs, r);
  EXPECT_EQ(summary["comm_slowdown"]["jobs"], 0);
  EXPECT_EQ(summary["comm_slowdown"]["max"], 1.0);
  EXPECT_EQ(summary["comm_slowdown"]["accelerator_hours"], 0.0);
}

TEST(Staging, JobAtItsDataSiteStagesNothing)
{
  const PreparedRun prep = test::prepared_from_text(three_sites(
      R"([{"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 10, "data_site": "east", "data_bytes": 1e10}])",
      R"({"queue": "fcfs", "placement": "locality"})"));
  const Cluster& c = prep.cluster;
  const RunResult r = test::run_inline(prep);
  EXPECT_EQ(site_of(c, r.records[0]), "east");
  EXPECT_EQ(r.records[0].staging_s, 0.0);
  EXPECT_EQ(r.records[0].staged_bytes, 0.0);
  EXPECT_EQ(r.records[0].finish_s, 10.0);
  EXPECT_EQ(r.staged_bytes_by_tier[static_cast<std::size_t>(Tier::NATIONAL)], 0.0);
}

namespace {
// West holds the only accelerator "j" accepts (east and central run type X); "b" (no data) runs first for 0.5 s.
// j's 1e10 bytes take 0.02 + 1e10 / 12.5e9 = 0.82 s over the direct east-west link.
std::string hold_or_prefetch(const std::string& mode)
{
  std::string text = three_sites(
      R"([{"id": "b", "submit_s": 0, "accelerators": 1, "duration_s": 0.5, "accept": ["G"]},
          {"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 5, "accept": ["G"], "data_site": "east", "data_bytes": 1e10}])",
      R"({"queue": "fcfs", "placement": "first-fit", "staging": ")" + mode + R"("})");
  // East and central get type X instead of G.
  const std::string g_node = R"("node": {"accelerator": "G", "count": 1})";
  const std::string x_node = R"("node": {"accelerator": "X", "count": 1})";
  text.replace(text.find(g_node), g_node.size(), x_node);
  text.replace(text.rfind(g_node), g_node.size(), x_node);
  text.replace(
      text.find(R"("accelerators": {)") + 17, 0,
      R"("X": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}, )");
  return text;
}
} // namespace

TEST(Staging, HoldKeepsTheAcceleratorIdleWhileDataMoves)
{
  const PreparedRun prep = test::prepared_from_text(hold_or_prefetch("hold"));
  const Cluster& c = prep.cluster;
  const RunResult r = test::run_inline(prep);
  const JobRecord& j = record_of(prep, r, "j");
  EXPECT_EQ(site_of(c, j), "west");
  EXPECT_EQ(j.start_s, 0.5); // held from 0.5
  EXPECT_DOUBLE_EQ(j.staging_s, 0.82);
  EXPECT_DOUBLE_EQ(j.finish_s, 0.5 + 0.82 + 5);
  EXPECT_DOUBLE_EQ(j.held_idle_s, 0.82);
  EXPECT_EQ(j.staged_bytes, 1e10);
  EXPECT_EQ(r.staged_bytes_by_tier[static_cast<std::size_t>(Tier::NATIONAL)], 1e10);
  // Energy: 5 s at 110 W plus 0.82 s held idle at 10 W.
  EXPECT_DOUBLE_EQ(job_energy_j(c, j, r.slots_of(j)), 5 * 110 + 0.82 * 10);
  // Slowed down from 5 s of run time, as under prefetch (issue 23, item 4: hold counted the staging as run time).
  EXPECT_DOUBLE_EQ(job_metrics(prep.jobs[test::job_index(prep, "j")], j).reference_run_s, 5.0);
}

TEST(Staging, PrefetchMovesDataWhileTheJobWaits)
{
  const PreparedRun prep = test::prepared_from_text(hold_or_prefetch("prefetch"));
  const Cluster& c = prep.cluster;
  const RunResult r = test::run_inline(prep);
  const JobRecord& j = record_of(prep, r, "j");
  // Pinned at submission to west (the only site that runs it); queued when the data arrives at 0.82 s, when b
  // has already left; no accelerator held idle.
  EXPECT_EQ(site_of(c, j), "west");
  EXPECT_DOUBLE_EQ(j.staging_s, 0.82);
  EXPECT_DOUBLE_EQ(j.start_s, 0.82);
  EXPECT_DOUBLE_EQ(j.finish_s, 5.82);
  EXPECT_EQ(j.held_idle_s, 0.0);
  EXPECT_DOUBLE_EQ(job_energy_j(c, j, r.slots_of(j)), 5 * 110);
  EXPECT_DOUBLE_EQ(job_metrics(prep.jobs[test::job_index(prep, "j")], j).reference_run_s, 5.0);
}

TEST(SitePlacement, LocalityPueAwareAndCostAwareChooseByTheirObjective)
{
  const std::string job =
      R"([{"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 100, "data_site": "east", "data_bytes": 1e10}])";
  const auto site_under = [&](const std::string& placement) {
    const PreparedRun prep =
        test::prepared_from_text(three_sites(job, R"({"queue": "fcfs", "placement_params": )" + placement + "}"));
    const Cluster& c = prep.cluster;
    return site_of(c, test::run_inline(prep).records[0]);
  };
  const auto run_with = [&](const std::string& name, const std::string& params = "{}") {
    return site_under(params + R"(, "placement": ")" + name + "\"");
  };
  // Locality: the data's site.
  EXPECT_EQ(run_with("locality"), "east");
  // pue-aware, facility energy: east 11,000 J x 1.6 = 17,600 J; west (11,000 + 0.82 s x 10 W idle) x 1.1 =
  // 12,109.02 J; central (11,000 + (2.5 ms + 0.8 s) x 10 W) x 1.3 = 14,310.43 J: west.
  EXPECT_EQ(run_with("pue-aware"), "west");
  // ... unless staging may take at most 0.1 % of the 100 s runtime (0.82 s is more): the data's site.
  EXPECT_EQ(run_with("pue-aware", R"({"max_staging_share": 0.001})"), "east");
  // cost-aware: east 17,600 J x 0.5 = 8,800; west 12,109.02 x 1.0; central 14,310.43 x 0.6 = 8,586.3: central.
  EXPECT_EQ(run_with("cost-aware"), "central");
}

TEST(SpanSites, AJobLargerThanAnySiteSpansTwoAndPaysTheWideAreaRing)
{
  // East and west: one node of 2 G each, one national link (100 Gb/s, 20 ms). "j" needs 3: only with span_sites.
  // Fabric: 5 us per hop, NIC 80 Gb/s = 1e10 B/s. Reference (3 > a node's and a rack's 2): the site fabric,
  // 4 hops = 2e-5 s, 1e10 B/s. Actual: 2e-5 + 0.02 s, min(1e10, 1.25e10) B/s.
  // T = 2 (p - 1) latency + 2 (p - 1) / p x 1e9 / bandwidth with p = 3.
  const std::string text =
      R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "east", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 2}}]},
              {"name": "west", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 2}}]}],
    "network": {"links": [{"from": "east", "to": "west", "tier": "national", "bandwidth_gbps": 100, "latency_ms": 20}],
                "fabric": {"hop_latency_us": 5, "nic_gbps": 80}},
    "workload": {"jobs": [{"id": "j", "submit_s": 0, "accelerators": 3, "duration_s": 100, "comm_share": 0.5,
                           "data_site": "east", "data_bytes": 1e10 SPAN}]},
    "scheduler": {"queue": "easy", "placement": "best-fit"}})";
  const auto with = [&](const std::string& span) {
    std::string t = text;
    return t.replace(t.find(" SPAN"), 5, span);
  };
  EXPECT_TRUE(test::has_error(test::load_errors(with("")), "/workload/jobs/0/accelerators",
                              "the largest site pool of an eligible type holds 2"));
  const PreparedRun prep = test::prepared_from_text(with(R"(, "span_sites": true)"));
  const Scenario& s = prep.scenario;
  const Cluster& c = prep.cluster;
  const RunResult r = test::run_inline(prep);
  const JobRecord& j = r.records[0];
  const double t_actual = 2 * 2 * (2e-5 + 0.02) + 2.0 * 2 / 3 * 1e9 / 1e10;
  const double t_ref = 2 * 2 * 2e-5 + 2.0 * 2 / 3 * 1e9 / 1e10;
  EXPECT_DOUBLE_EQ(j.comm_slowdown, 0.5 + 0.5 * t_actual / t_ref);
  // East's 2 accelerators and one of west's; the data moves to west only (0.82 s), then it computes.
  EXPECT_EQ(j.slot_count, 2U);
  EXPECT_EQ(j.staged_bytes, 1e10);
  EXPECT_DOUBLE_EQ(j.staging_s, 0.82);
  EXPECT_DOUBLE_EQ(j.finish_s, 0.82 + 100 * j.comm_slowdown);
  EXPECT_NE(jobs_csv(c, prep.jobs, r).find(",east+west,G,2,0.82"), std::string::npos) << jobs_csv(c, prep.jobs, r);
  EXPECT_TRUE(test::schedule_problem(c, prep.jobs, r, s.scheduler).empty());
}
