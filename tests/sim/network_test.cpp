// Data staging on SimGrid's network (CM02, no TCP window, factors 1): transfers take latency + bytes / bandwidth
// alone and share link bandwidth max-min fairly. One simulation per process (ctest runs each TEST alone).
#include "../support/helpers.hpp"

#include "ccsim/engine/simulation.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace ccsim;

namespace {

//! East (type X, which no job accepts) and west (two nodes of one G), joined by one national link of 100 Gb/s at
//! 20 ms one-way. Staging goes east storage -> east gateway -> link -> west gateway -> west storage; the storage
//! links (400 Gb/s, no latency) are not the bottleneck.
std::string east_west(const std::string& jobs)
{
  return R"({"name": "t", "accelerators": {
      "G": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}},
      "X": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "east", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "X", "count": 1}}]},
              {"name": "west", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 2, "node": {"accelerator": "G", "count": 1}}]}],
    "network": {"links": [{"from": "east", "to": "west", "tier": "national", "bandwidth_gbps": 100, "latency_ms": 20}]},
    "workload": {"jobs": )" +
         jobs + R"(}, "scheduler": {"queue": "fcfs", "placement": "first-fit"}})";
}

//! One SimGrid run, every record kept.
RunResult simulate(const PreparedRun& prep)
{
  RunCollector records;
  const auto jobs = prep.open_jobs();
  const SimulationRun run = run_simulation(prep.scenario, prep.cluster, *jobs, *prep.policies.queue,
                                           *prep.policies.placement, nullptr, {&records});
  return records.take(run.counters, prep.job_count);
}

} // namespace

TEST(Network, TenGigabytesOverTwentyMillisecondsAndHundredGigabitsTakes082Seconds)
{
  // 0.020 s latency + 1e10 B / (100e9 / 8 B/s) = 0.82 s.
  const PreparedRun prep = test::prepared_from_text(east_west(
      R"([{"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 0, "accept": ["G"], "data_site": "east", "data_bytes": 1e10}])"));
  const RunResult result = simulate(prep);
  const JobRecord& j = result.records[0];
  EXPECT_LT(std::abs(j.staging_s - 0.82) / 0.82, 1e-6) << j.staging_s;
  EXPECT_LT(std::abs(j.finish_s - 0.82) / 0.82, 1e-6) << j.finish_s;
  EXPECT_EQ(result.staged_bytes_by_tier[static_cast<std::size_t>(Tier::NATIONAL)], 1e10);
}

// Issue 17, item 3: staging 3e19 bytes made SimGrid abort ("Deadlock detected"); validation now stops at 1e18
// bytes (bad-inputs data-bytes-beyond-simgrid), and 1e18 runs: 0.020 s + 1e18 B / (100e9 / 8 B/s) = 8e7 + 0.02 s.
TEST(Network, AnExabyteOfStagingRuns)
{
  const PreparedRun prep = test::prepared_from_text(east_west(
      R"([{"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 0, "accept": ["G"], "data_site": "east", "data_bytes": 1e18}])"));
  const RunResult result = simulate(prep);
  EXPECT_LT(std::abs(result.records[0].staging_s - 8e7) / 8e7, 1e-6) << result.records[0].staging_s;
}

// Issue 23, item 10: one Linux TCP flow with a 6 MiB window on a 40 ms round trip moves 6 MiB / 0.04 s =
// 157,286,400 B/s, whatever the 100 Gb/s link offers: 1e10 B take 0.02 + 1e10 / 157,286,400 = 63.598 s. Two such
// transfers at once do not share the link (each is window-bound); 4 streams move 4x as fast.
TEST(Network, ATransferIsBoundByItsTcpWindowOverTheRoundTrip)
{
  const auto scenario = [](const std::string& transfers) {
    std::string text = east_west(R"([
      {"id": "a", "submit_s": 0, "accelerators": 1, "duration_s": 0, "accept": ["G"], "data_site": "east", "data_bytes": 1e10},
      {"id": "b", "submit_s": 0, "accelerators": 1, "duration_s": 0, "accept": ["G"], "data_site": "east", "data_bytes": 1e10}])");
    const std::string links = R"("network": {)";
    text.replace(text.find(links), links.size(), links + R"("transfers": )" + transfers + ", ");
    return text;
  };
  const PreparedRun prep = test::prepared_from_text(scenario(R"({"tcp_window_mib": 6, "streams": 1})"));
  const double expected_s = 0.02 + 1e10 / (6 * 1048576 / 0.04);
  EXPECT_DOUBLE_EQ(prep.cluster.topology.transfer_time_s(0, 1, 1e10), expected_s);
  const RunResult result = simulate(prep);
  for (const JobRecord& j : result.records)
    EXPECT_LT(std::abs(j.staging_s - expected_s) / expected_s, 1e-6) << j.staging_s;
  const PreparedRun four = test::prepared_from_text(scenario(R"({"tcp_window_mib": 6, "streams": 4})"));
  EXPECT_DOUBLE_EQ(four.cluster.topology.transfer_time_s(0, 1, 1e10), 0.02 + 1e10 / (4 * 6 * 1048576 / 0.04));
}

// Issue 23, item 10: a job computing across two sites all-reduces over the wide area; its ring sends each site's
// share of every all-reduce to the other site: allreduces x 2 (k - 1) / k x allreduce_bytes over its run, k = 2. On
// SimGrid that is a flow each way at that rate, and a transfer of input data sharing the east -> west link gets
// what the flow leaves: 1e10 B take 0.02 + 1e10 / (12.5e9 - rate) s instead of 0.82 s.
TEST(Network, CollectivesAcrossSitesLoadTheLinksStagingUses)
{
  const PreparedRun prep = test::prepared_from_text(R"({"name": "t", "accelerators": {
      "G": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "east", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 2, "node": {"accelerator": "G", "count": 1}}]},
              {"name": "west", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 2, "node": {"accelerator": "G", "count": 1}}]}],
    "network": {"links": [{"from": "east", "to": "west", "tier": "national", "bandwidth_gbps": 100, "latency_ms": 20}]},
    "workload": {"jobs": [
      {"id": "span", "submit_s": 0, "accelerators": 3, "duration_s": 100, "comm_share": 0.02, "allreduce_bytes": 4e9, "span_sites": true},
      {"id": "stage", "submit_s": 0, "accelerators": 1, "duration_s": 10, "data_site": "east", "data_bytes": 1e10}]},
    "scheduler": {"queue": "fcfs", "placement": "first-fit"}})");
  const RunResult result = simulate(prep);
  const Job& span = prep.jobs[test::job_index(prep, "span")];
  const JobRecord& s = result.records[test::job_index(prep, "span")];
  const JobRecord& j = result.records[test::job_index(prep, "stage")];
  ASSERT_GT(span.allreduce_reference_s, 0);
  const double rate_Bps = span.comm_reference_s / span.allreduce_reference_s * 4e9 / s.run_s;
  ASSERT_LT(rate_Bps, 12.5e9 / 2); // below its fair share: it gets all it asks for
  const double expected_s = 0.02 + 1e10 / (12.5e9 - rate_Bps);
  EXPECT_LT(std::abs(j.staging_s - expected_s) / expected_s, 1e-6) << j.staging_s << " vs " << expected_s;
}

TEST(Network, TwoConcurrentTransfersShareTheBottleneckLink)
{
  // Both start at 0 on the same link: each gets 50 Gb/s, 0.02 + 1e10 / 6.25e9 = 1.62 s. A third transfer that
  // starts when they are done (t = 10) has the link alone again: 0.82 s.
  const PreparedRun prep = test::prepared_from_text(east_west(R"([
      {"id": "a", "submit_s": 0, "accelerators": 1, "duration_s": 1, "accept": ["G"], "data_site": "east", "data_bytes": 1e10},
      {"id": "b", "submit_s": 0, "accelerators": 1, "duration_s": 1, "accept": ["G"], "data_site": "east", "data_bytes": 1e10},
      {"id": "c", "submit_s": 10, "accelerators": 1, "duration_s": 1, "accept": ["G"], "data_site": "east", "data_bytes": 1e10}])"));
  const RunResult result = simulate(prep);
  const auto& r = result.records;
  for (int k : {0, 1}) {
    EXPECT_LT(std::abs(r[k].staging_s - 1.62) / 1.62, 1e-6) << r[k].staging_s;
    EXPECT_LT(std::abs(r[k].finish_s - 2.62) / 2.62, 1e-6) << r[k].finish_s;
  }
  EXPECT_LT(std::abs(r[2].staging_s - 0.82) / 0.82, 1e-6) << r[2].staging_s;
  EXPECT_EQ(result.staged_bytes_by_tier[static_cast<std::size_t>(Tier::NATIONAL)], 3e10);
}

TEST(Network, JobAtItsDataSiteStagesNothing)
{
  const PreparedRun prep = test::prepared_from_text(east_west(
      R"([{"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 3, "accept": ["G"], "data_site": "west", "data_bytes": 1e10}])"));
  const RunResult result = simulate(prep);
  EXPECT_EQ(result.records[0].staging_s, 0.0);
  EXPECT_EQ(result.records[0].staged_bytes, 0.0);
  EXPECT_EQ(result.records[0].finish_s, 3.0);
  EXPECT_EQ(result.end_s, 3.0);
}

TEST(Network, PrefetchOnSimGridMatchesTheAnalyticalTimesWhenTransfersDoNotOverlap)
{
  std::string text = east_west(
      R"([{"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 5, "accept": ["G"], "data_site": "east", "data_bytes": 1e10}])");
  text.replace(text.find(R"("queue": "fcfs")"), 15, R"("queue": "fcfs", "staging": "prefetch")");
  const PreparedRun prep = test::prepared_from_text(text);
  const RunResult result = simulate(prep);
  const JobRecord& j = result.records[0];
  EXPECT_LT(std::abs(j.start_s - 0.82) / 0.82, 1e-6) << j.start_s;
  EXPECT_LT(std::abs(j.finish_s - 5.82) / 5.82, 1e-6) << j.finish_s;
  EXPECT_EQ(j.held_idle_s, 0.0);
}
