// Network: topology queries, the communication model, staging semantics and site-aware placement, all with
// hand-computed values. The same cases on SimGrid's link-sharing network are in tests/sim/network_test.cpp.
#include "../support/helpers.hpp"

#include "ccsim/metrics/metrics.hpp"
#include "ccsim/network/topology.hpp"
#include "ccsim/output/writers.hpp"
#include "ccsim/perf/comm_model.hpp"

#include <gtest/gtest.h>

#include <tuple>

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

TEST(CommModel, SpanningTwoNodesSlowsTheJobByItsHierarchicalAllreduce)
{
  // Nodes of 4 accelerators, 2 per rack. "x" takes 2 accelerators of node 0, so first-fit gives "j" (4) 2 on
  // node 0 and 2 on node 1: it spans nodes of one rack; its reference is one node.
  // Reference, a ring of 4 in one node: 2 x 3 x 1 us + 2 x 3/4 x 1e9 / 100e9 = 0.015006 s.
  // Placed: a ring of 2 in each node, 2 x 1 us + 1e9 / 100e9 = 0.010002 s, then a ring of the 2 nodes over their
  // NICs, 2 x (2 x 5 us) + 1e9 / 10e9 = 0.10002 s: 0.110022 s.
  // j spends 0.5 x 100 = 50 s in collectives at its reference, 50 / 0.015006 all-reduces; placed, they take
  // 50 x 0.110022 / 0.015006 = 366.593362654938 s, so j runs 100 - 50 + 366.593362654938 = 416.593362654938 s,
  // slowdown 4.16593362654938 (a flat ring of 4 over the NICs gave 5.5).
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
  const double run_s = 100 - 50 + 50 * ((2e-6 + 1e9 / 1e11) + (2e-5 + 1e9 / 1e10)) / (6e-6 + 1.5e9 / 1e11);
  EXPECT_NEAR(run_s, 416.593362654938, 1e-9);
  EXPECT_DOUBLE_EQ(record_of(prep, r, "j").comm_slowdown, run_s / 100);
  EXPECT_DOUBLE_EQ(record_of(prep, r, "j").finish_s, run_s);
  EXPECT_DOUBLE_EQ(record_of(prep, r, "j").run_s, run_s);
  // Alone, k fits on one node: its reference placement, no slowdown, exactly its 100 s.
  EXPECT_EQ(record_of(prep, r, "k").comm_slowdown, 1.0);
  EXPECT_EQ(record_of(prep, r, "k").finish_s, 2100.0);
  // The summary: one job slowed; the mean is over j and k (x has no comm_share): (4.1659... + 1) / 2; j's
  // slowdown added 4 accelerators x (416.59 - 100) s = 0.35177 h.
  const auto summary = summarize(s, c, prep.jobs, r);
  EXPECT_EQ(summary["comm_slowdown"]["jobs"], 1);
  EXPECT_DOUBLE_EQ(summary["comm_slowdown"]["mean"].get<double>(), (run_s / 100 + 1) / 2);
  EXPECT_DOUBLE_EQ(summary["comm_slowdown"]["max"].get<double>(), run_s / 100);
  EXPECT_NEAR(summary["comm_slowdown"]["accelerator_hours"].get<double>(), 0.3517704029499311, 1e-12);
  // Delivered work is not stretched (issue 23, item 1): x 2 x 1000 s, j 4 x 100 s (not 416.6), k 4 x 100 s, at
  // 100 TFLOP/s: 2,800 accelerator-s x 1e14 = 2.8e17 FLOP.
  EXPECT_DOUBLE_EQ(summary["flops"]["delivered_eflop"].get<double>(), 0.28);
  // Productive utilization counts the same 2,800 accelerator-s (issue 23, item 11), busy counts j's 416.6 s:
  // over 8 accelerators x 2,100 s, 0.1667 against 0.2420.
  EXPECT_DOUBLE_EQ(summary["utilization"]["productive"].get<double>(), 2800 / (8 * 2100.0));
  EXPECT_DOUBLE_EQ(summary["utilization"]["accelerators"].get<double>(), (2000 + 4 * run_s + 400) / (8 * 2100.0));
  // Bounded slowdown is relative to the run time at the reference placement (issue 23, item 4): j ran 416.6 s
  // for 100 s of reference run time; x and k 1.
  EXPECT_DOUBLE_EQ(summary["bounded_slowdown"]["max"].get<double>(), run_s / 100);
  EXPECT_DOUBLE_EQ(summary["bounded_slowdown"]["mean"].get<double>(), (run_s / 100 + 2) / 3);
}

TEST(CommModel, CompactPlacementKeepsTheJobAtItsReferenceLevel)
{
  // Rack a: one node of 4 (node 0); rack b: two nodes of 3 (nodes 1, 2). "j" needs 6: no node holds it, rack b
  // does, so its reference is one rack: 2 nodes of (at most) 4, a ring of 4 in a node (default 1 us, 3,600 Gb/s):
  // 6 x 1 us + 1.5 x 1e9 / 450e9 = 0.0033393 s, then a ring of the 2 nodes: 2 x 10 us + 1e9 / 1e10 = 0.10002 s;
  // 0.10335933 s in all. Best-fit takes the nodes that give the most, 4 of node 0 and 2 of node 1: the ring of 4,
  // then one across the 2 racks of one node each (uplinks 80 / 4 Gb/s): 2 x 20 us + 1e9 / 2.5e9 = 0.40004 s;
  // 0.40337933 s in all. j runs 100 - 50 + 50 x 0.40337933 / 0.10335933 = 245.13445004160243 s. Compact takes
  // rack b (rings of 3 then 2: 0.10298696 s, a little less than the reference): slowdown 1, exactly 100 s.
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
  const double node_s = ring_allreduce_s(4, 1e9, 1e-6, 450e9);
  const double expected =
      (100 - 50 +
       50 * (node_s + ring_allreduce_s(2, 1e9, 20e-6, 2.5e9)) / (node_s + ring_allreduce_s(2, 1e9, 10e-6, 1e10))) /
      100;
  EXPECT_NEAR(expected, 2.4513445004160244, 1e-12);
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
  // It waited 0.5 s for b's accelerator, the only G, while the two X were free (eligibility); held idle while its
  // data moves is part of its run, not of its wait (docs/metrics.md "Why jobs wait").
  WaitSeconds wait{};
  wait[static_cast<std::size_t>(WaitCause::ELIGIBILITY)] = 0.5;
  EXPECT_EQ(j.wait_s, wait);
  // Energy: 5 s at 110 W plus 0.82 s held idle at 10 W.
  EXPECT_DOUBLE_EQ(job_energy_j(c, j, r.slots_of(j), 1.0), 5 * 110 + 0.82 * 10);
  // Slowed down from 5 s of run time, as under prefetch (issue 23, item 4: hold counted the staging as run time).
  EXPECT_DOUBLE_EQ(job_metrics(prep.jobs[test::job_index(prep, "j")], j).reference_run_s, 5.0);
  // Busy counts the 0.82 s held; productive does not (issue 23, item 11): b 0.5 s + j 5 s = 5.5 accelerator-s of
  // 6.32 busy, over 3 accelerators x 6.32 s.
  const auto summary = summarize(prep.scenario, c, prep.jobs, r);
  EXPECT_DOUBLE_EQ(summary["accelerator_hours"]["busy"].get<double>(), (0.5 + 5.82) / 3600);
  EXPECT_DOUBLE_EQ(summary["accelerator_hours"]["productive"].get<double>(), 5.5 / 3600);
  EXPECT_DOUBLE_EQ(summary["utilization"]["productive"].get<double>(), 5.5 / (3 * 6.32));
}

TEST(Staging, PrefetchMovesDataWhileTheJobWaits)
{
  const PreparedRun prep = test::prepared_from_text(hold_or_prefetch("prefetch"));
  const Cluster& c = prep.cluster;
  WaitLogRecorder log;
  const RunResult r = test::run_inline(prep, nullptr, &log);
  const JobRecord& j = record_of(prep, r, "j");
  // The wait log: one row, staging from 0 to 0.82 s (a job whose data moves is not in the queue: never its head).
  ASSERT_EQ(log.intervals.size(), 1U);
  EXPECT_EQ(prep.jobs[log.intervals[0].job].id, "j");
  EXPECT_EQ(log.intervals[0].from_s, 0.0);
  EXPECT_EQ(log.intervals[0].to_s, j.start_s);
  EXPECT_EQ(log.intervals[0].cause, WaitCause::STAGING);
  EXPECT_FALSE(log.intervals[0].at_head);
  // Pinned at submission to west (the only site that runs it); queued when the data arrives at 0.82 s, when b
  // has already left; no accelerator held idle.
  EXPECT_EQ(site_of(c, j), "west");
  EXPECT_DOUBLE_EQ(j.staging_s, 0.82);
  EXPECT_DOUBLE_EQ(j.start_s, 0.82);
  EXPECT_DOUBLE_EQ(j.finish_s, 5.82);
  EXPECT_EQ(j.held_idle_s, 0.0);
  // Its whole wait is staging (the data arrives after b has left).
  WaitSeconds wait{};
  wait[static_cast<std::size_t>(WaitCause::STAGING)] = j.start_s;
  EXPECT_EQ(j.wait_s, wait);
  EXPECT_DOUBLE_EQ(job_energy_j(c, j, r.slots_of(j), 1.0), 5 * 110);
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

TEST(CommModel, TheNicIsTheNodesAggregateAndMayDifferByNodeType)
{
  // Issue 23, item 8. Nodes of 8; "x" holds 4 of node 0, so "j" (8, comm_share 0.5, 1e9 bytes, 100 s) takes 4 of
  // node 0 and 4 of node 1. Reference, a ring of 8 in one node (defaults 1 us, 450e9 B/s):
  // 14e-6 + 1.75e9 / 450e9 = 0.0039028889 s. Placed: a ring of 4 in each node, 6e-6 + 1.5e9 / 450e9, then the two
  // nodes over their NICs (2 hops of the default 2 us): 8e-6 + 1e9 / NIC. With the default NIC, an HGX node's
  // 8 x 400 Gb/s = 400e9 B/s: slowdown 1.2491; a node type given "nic_gbps": 200 (25e9 B/s): 6.05.
  const auto text = [](const std::string& node_extra) {
    return R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 2, "node": {"accelerator": "G", "count": 8)" +
           node_extra + R"(}}]}],
    "workload": {"jobs": [{"id": "x", "submit_s": 0, "accelerators": 4, "duration_s": 1000},
                          {"id": "j", "submit_s": 0, "accelerators": 8, "duration_s": 100, "comm_share": 0.5, "allreduce_bytes": 1e9}]},
    "scheduler": {"queue": "fcfs", "placement": "first-fit"}})";
  };
  const double reference_s = 14e-6 + 1.75e9 / 450e9;
  const auto expected = [&](double nic_Bps) {
    return (50 + 50 * (6e-6 + 1.5e9 / 450e9 + 8e-6 + 1e9 / nic_Bps) / reference_s) / 100;
  };
  for (const auto& [extra, nic_Bps, approx] :
       {std::tuple<std::string, double, double>{"", 400e9, 1.2491}, {R"(, "nic_gbps": 200)", 25e9, 6.05}}) {
    SCOPED_TRACE(extra);
    const PreparedRun prep = test::prepared_from_text(text(extra));
    const RunResult r = test::run_inline(prep);
    const JobRecord& j = record_of(prep, r, "j");
    EXPECT_EQ(j.slot_count, 2U);
    EXPECT_DOUBLE_EQ(j.comm_slowdown, expected(nic_Bps));
    EXPECT_NEAR(j.comm_slowdown, approx, 0.005);
  }
}

TEST(CommModel, CollectivesTakeTheSameTimeOnASlowerType)
{
  // Issue 23, item 9. G runs 100 TFLOP/s, S 10; both in nodes of 4. "x" holds the G node until t = 1000, so "j"
  // (4 accelerators, 4e16 FLOP, comm_share 0.5) runs on S; "k", the same job, runs on G at t = 1000. j's
  // reference is G (its fastest type): 100 s, 50 of them in collectives. On S it computes 10x longer, (1 - 0.5) x
  // 1000 = 500 s, and its collectives, the same all-reduces on the same node shape, still take 50 s: 550 s, not
  // 1000 (the share-of-compute model made a 10x slower type pay 10x the network time). Its delivered work is its
  // 4e16 FLOP on either type.
  const std::string text =
      R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}},
                                   "S": {"kind": "gpu", "peak_tflops": {"bf16": 10}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "s", "region": "east", "racks": [{"name": "g", "count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 4}},
                                                        {"name": "w", "count": 1, "nodes_per_rack": 1, "node": {"accelerator": "S", "count": 4}}]}],
    "workload": {"jobs": [{"id": "x", "submit_s": 0, "accelerators": 4, "duration_s": 1000, "accept": ["G"]},
                          {"id": "j", "submit_s": 0, "accelerators": 4, "work_flop": 4e16, "comm_share": 0.5},
                          {"id": "k", "submit_s": 1000, "accelerators": 4, "work_flop": 4e16, "comm_share": 0.5}]},
    "scheduler": {"queue": "fcfs", "placement": "first-fit"}})";
  const PreparedRun prep = test::prepared_from_text(text);
  const RunResult r = test::run_inline(prep);
  const JobRecord& j = record_of(prep, r, "j");
  EXPECT_EQ(prep.cluster.types[prep.cluster.pools[j.pool].type].name, "S");
  EXPECT_EQ(j.finish_s, 550.0);
  EXPECT_EQ(j.comm_slowdown, 1.0); // at its pool's reference placement
  EXPECT_EQ(record_of(prep, r, "k").finish_s, 1100.0);
  const auto summary = summarize(prep.scenario, prep.cluster, prep.jobs, r);
  // x 4 x 1000 s x 1e14 = 0.4 EFLOP, j and k 0.04 each.
  EXPECT_DOUBLE_EQ(summary["flops"]["delivered_eflop"].get<double>(), 0.48);
}

TEST(CommModel, AJobOverTwoSitesCrossesTheWideAreaOncePerAllreduce)
{
  // Issue 23, item 2. Two sites, each one rack of 4 nodes of 8 (32 accelerators), one national link (100 Gb/s,
  // 10 ms one way); NIC 200 Gb/s (25e9 B/s), default hop 2 us, in a node 1 us and 3,600 Gb/s (450e9 B/s).
  // "j" needs 64 (span_sites), comm_share 0.5, 1e9 bytes. Hierarchical all-reduce, by hand:
  //   node ring of 8:  2 x 7 x 1 us + 2 x 7/8 x 1e9 / 450e9                  = 0.003902889 s
  //   rack ring of 4:  2 x 3 x 4 us + 2 x 3/4 x 1e9 / 25e9                   = 0.060024 s
  //   reference, as if one site held it (2 racks of 4 nodes), rack ring of 2 over 4 nodes' uplinks:
  //                    2 x 8 us + 1e9 / (4 x 25e9)                            = 0.010016 s  -> 0.073942889 s
  //   placed, site ring of 2 over the link: 2 x (8 us + 10 ms) + 1e9 / 12.5e9 = 0.100016 s  -> 0.163942889 s
  // slowdown = (100 - 50 + 50 x 0.163942889 / 0.073942889) / 100 = 1.6085778. A flat ring of 64 paying the 10 ms
  // at each of its 126 steps gave 0.5 + 0.5 x 1.418516 / 0.079758 = 9.39.
  const std::string site =
      R"({"name": "NAME", "region": "NAME", "racks": [{"count": 1, "nodes_per_rack": 4, "node": {"accelerator": "G", "count": 8}}]})";
  const auto named = [&](const std::string& name) {
    std::string t = site;
    for (std::size_t at; (at = t.find("NAME")) != std::string::npos;)
      t.replace(at, 4, name);
    return t;
  };
  const std::string text =
      R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [)" +
      named("east") + ", " + named("west") + R"(],
    "network": {"links": [{"from": "east", "to": "west", "tier": "national", "bandwidth_gbps": 100, "latency_ms": 10}],
                "fabric": {"nic_gbps": 200}},
    "workload": {"jobs": [{"id": "j", "submit_s": 0, "accelerators": 64, "duration_s": 100, "comm_share": 0.5, "allreduce_bytes": 1e9, "span_sites": true}]},
    "scheduler": {"queue": "fcfs", "placement": "first-fit"}})";
  const PreparedRun prep = test::prepared_from_text(text);
  const RunResult r = test::run_inline(prep);
  const double node_s = 2 * 7 * 1e-6 + 2.0 * 7 / 8 * 1e9 / 450e9;
  const double rack_s = 2 * 3 * 4e-6 + 2.0 * 3 / 4 * 1e9 / 25e9;
  const double reference_s = node_s + rack_s + 2 * 8e-6 + 1e9 / 1e11;
  const double placed_s = node_s + rack_s + 2 * (8e-6 + 0.01) + 1e9 / 12.5e9;
  EXPECT_NEAR(reference_s, 0.073942889, 1e-9);
  EXPECT_NEAR(placed_s, 0.163942889, 1e-9);
  const JobRecord& j = r.records[0];
  EXPECT_EQ(j.slot_count, 8U);
  EXPECT_DOUBLE_EQ(j.comm_slowdown, (50 + 50 * placed_s / reference_s) / 100);
  EXPECT_NEAR(j.comm_slowdown, 1.6085778, 1e-7);
  EXPECT_DOUBLE_EQ(j.finish_s, 100 * j.comm_slowdown);
}

TEST(SpanSites, AJobLargerThanAnySiteSpansTwoAndPaysTheWideAreaRing)
{
  // East and west: one node of 2 G each, one national link (100 Gb/s, 20 ms). "j" needs 3: only with span_sites.
  // Fabric: 5 us per hop, NIC 80 Gb/s = 1e10 B/s; in a node, 1 us and 450e9 B/s (defaults). Reference (3 > a
  // node's and a rack's 2), as if one site held it: a ring of 2 in each node, 2 x 1 us + 1e9 / 450e9, then one
  // across 2 racks of one node each, 2 x 4 hops + 1e9 / 1e10. Placed: the same ring of 2 in east's node, then a
  // ring across the 2 sites of one node each, 2 x (4 hops + 20 ms) + 1e9 / min(1.25e10, 1e10). A flat ring of
  // 3 over the wide area (before issue 23) paid the 20 ms four times.
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
  const double node_s = 2 * 1e-6 + 1e9 / 450e9;
  const double t_actual = node_s + 2 * (2e-5 + 0.02) + 1e9 / 1e10;
  const double t_ref = node_s + 2 * 2e-5 + 1e9 / 1e10;
  EXPECT_DOUBLE_EQ(j.comm_slowdown, (50 + 50 * t_actual / t_ref) / 100);
  EXPECT_NEAR(j.comm_slowdown, 1.1955718194, 1e-9); // the flat ring: 1.2999
  // East's 2 accelerators and one of west's; the data moves to west only (0.82 s), then it computes.
  EXPECT_EQ(j.slot_count, 2U);
  EXPECT_EQ(j.staged_bytes, 1e10);
  EXPECT_DOUBLE_EQ(j.staging_s, 0.82);
  EXPECT_DOUBLE_EQ(j.finish_s, 0.82 + 100 * j.comm_slowdown);
  EXPECT_NE(jobs_csv(c, "w", prep.jobs, r).find(",east+west,G,2,0.82"), std::string::npos)
      << jobs_csv(c, "w", prep.jobs, r);
  EXPECT_TRUE(test::schedule_problem(c, prep.jobs, r, s.scheduler).empty());
}
