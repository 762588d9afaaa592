// Exact, hand-computed schedules driven in-process (the SimGrid engine drives the same Dispatcher).
#include "../support/helpers.hpp"

#include <gtest/gtest.h>

using namespace ccsim;
using ccsim::test::one_site_scenario;
using ccsim::test::run_inline;

namespace {
struct Outcome {
  PreparedRun run;
  RunResult result;
  const Cluster& cluster() const { return run.cluster; }
};
Outcome simulate(const std::string& text)
{
  PreparedRun p = test::prepared_from_text(text);
  RunResult r = run_inline(p);
  return Outcome{std::move(p), std::move(r)};
}
std::vector<std::uint32_t> accelerators_of(const Outcome& o, std::size_t job)
{
  std::vector<std::uint32_t> out;
  const JobRecord& rec = o.result.records[job];
  for (std::uint32_t k = rec.first_slot; k < rec.first_slot + rec.slot_count; k++)
    for (unsigned b = 0; b < 64; b++)
      if ((o.result.slots[k].mask >> b & 1U) != 0)
        out.push_back(o.cluster().node_first_accel[o.result.slots[k].node] + b);
  return out;
}
} // namespace

TEST(Dispatcher, FcfsThreeJobsOnTwoAccelerators)
{
  // j1 (1 acc, 10 s) starts at 0; j2 (2 acc) waits for j1; j3 (1 acc, submitted at 1) waits behind j2 under FCFS.
  const Outcome o = simulate(one_site_scenario(2, 1, R"([
      {"id": "j1", "submit_s": 0, "accelerators": 1, "duration_s": 10},
      {"id": "j2", "submit_s": 0, "accelerators": 2, "duration_s": 5},
      {"id": "j3", "submit_s": 1, "accelerators": 1, "duration_s": 3}])"));
  const auto& r = o.result.records;
  EXPECT_EQ(r[0].start_s, 0.0);
  EXPECT_EQ(r[0].finish_s, 10.0);
  EXPECT_EQ(r[1].start_s, 10.0);
  EXPECT_EQ(r[1].finish_s, 15.0);
  EXPECT_EQ(r[2].start_s, 15.0);
  EXPECT_EQ(r[2].finish_s, 18.0);
  EXPECT_EQ(accelerators_of(o, 0), std::vector<std::uint32_t>{0});
  EXPECT_EQ(accelerators_of(o, 1), (std::vector<std::uint32_t>{0, 1}));
  EXPECT_EQ(accelerators_of(o, 2), std::vector<std::uint32_t>{0});
  EXPECT_EQ(o.result.events, 6U);
  // Decision points: t = 0, 1, 10, 15, 18.
  EXPECT_EQ(o.result.decision_points, 5U);
}

TEST(Dispatcher, EndsAtTBeforeSubmissionsAtT)
{
  // A ends at 10 and frees both accelerators; B, submitted at 10, needs both and starts at 10.
  const Outcome o = simulate(one_site_scenario(1, 2, R"([
      {"id": "A", "submit_s": 0, "accelerators": 2, "duration_s": 10},
      {"id": "B", "submit_s": 10, "accelerators": 2, "duration_s": 1}])"));
  EXPECT_EQ(o.result.records[1].start_s, 10.0);
  EXPECT_EQ(o.result.records[1].finish_s, 11.0);
}

TEST(Dispatcher, WorkBasedRuntime)
{
  // 3.6e15 FLOP / (2 x 100e12 FLOP/s x 0.5) = 36 s.
  const Outcome o = simulate(one_site_scenario(
      2, 1, R"([{"id": "w", "submit_s": 4, "accelerators": 2, "work_flop": 3.6e15, "efficiency": 0.5}])"));
  EXPECT_EQ(o.result.records[0].start_s, 4.0);
  EXPECT_DOUBLE_EQ(o.result.records[0].finish_s, 40.0);
}

TEST(Dispatcher, ZeroDurationJobsRunAndRelease)
{
  // Z takes the only accelerator for 0 s at t = 2; Y (queued behind it at 2) starts at 2 too.
  const Outcome o = simulate(one_site_scenario(1, 1, R"([
      {"id": "Z", "submit_s": 2, "accelerators": 1, "duration_s": 0, "walltime_s": 1},
      {"id": "Y", "submit_s": 2, "accelerators": 1, "duration_s": 5}])"));
  EXPECT_EQ(o.result.records[0].start_s, 2.0);
  EXPECT_EQ(o.result.records[0].finish_s, 2.0);
  EXPECT_EQ(o.result.records[1].start_s, 2.0);
  EXPECT_EQ(o.result.records[1].finish_s, 7.0);
}

TEST(Dispatcher, FcfsHeadBlocksSmallerJobs)
{
  // 4 accelerators. A holds 3 until 100; B needs 4 and waits; C needs 1 (1 is free) but FCFS does not backfill.
  const Outcome o = simulate(one_site_scenario(4, 1, R"([
      {"id": "A", "submit_s": 0, "accelerators": 3, "duration_s": 100},
      {"id": "B", "submit_s": 1, "accelerators": 4, "duration_s": 10},
      {"id": "C", "submit_s": 2, "accelerators": 1, "duration_s": 10}])"));
  EXPECT_EQ(o.result.records[1].start_s, 100.0);
  EXPECT_EQ(o.result.records[2].start_s, 110.0);
  EXPECT_EQ(o.result.records[2].finish_s, 120.0);
}

TEST(Dispatcher, KillAtWalltime)
{
  const std::string jobs = R"([{"id": "k", "submit_s": 0, "accelerators": 1, "duration_s": 10, "walltime_s": 4}])";
  const Outcome killed = simulate(one_site_scenario(1, 1, jobs, R"({"kill_at_walltime": true})"));
  EXPECT_EQ(killed.result.records[0].finish_s, 4.0);
  EXPECT_EQ(killed.result.records[0].state, JobState::COMPLETED_WALLTIME_REACHED);
  const Outcome kept = simulate(one_site_scenario(1, 1, jobs));
  EXPECT_EQ(kept.result.records[0].finish_s, 10.0);
  EXPECT_EQ(kept.result.records[0].state, JobState::COMPLETED_SUCCESSFULLY);
}

TEST(Dispatcher, AJobWhoseRunTimeEqualsItsWalltimeIsNotKilled)
{
  // Mutation guard ("mutant kill-boundary"): a job is killed only when its run time exceeds its walltime
  // (Batsim's rule); one that needs exactly its walltime completes successfully, at the same time.
  const std::string jobs = R"([{"id": "e", "submit_s": 0, "accelerators": 1, "duration_s": 4, "walltime_s": 4},
      {"id": "k", "submit_s": 0, "accelerators": 1, "duration_s": 4.5, "walltime_s": 4}])";
  const Outcome o = simulate(one_site_scenario(2, 1, jobs, R"({"kill_at_walltime": true})"));
  EXPECT_EQ(o.result.records[0].finish_s, 4.0);
  EXPECT_EQ(o.result.records[0].state, JobState::COMPLETED_SUCCESSFULLY);
  EXPECT_EQ(o.result.records[1].finish_s, 4.0);
  EXPECT_EQ(o.result.records[1].state, JobState::COMPLETED_WALLTIME_REACHED);
}

TEST(Dispatcher, JobSpansNodesOfItsPoolLowestSlotsFirst)
{
  // Nodes of 2 accelerators: a 3-accelerator job takes node 0 slots 0-1 and node 1 slot 0.
  const Outcome o =
      simulate(one_site_scenario(3, 2, R"([{"id": "x", "submit_s": 0, "accelerators": 3, "duration_s": 1}])"));
  EXPECT_EQ(accelerators_of(o, 0), (std::vector<std::uint32_t>{0, 1, 2}));
  EXPECT_EQ(o.result.records[0].slot_count, 2U);
}

TEST(Dispatcher, Fp64JobNeverLandsOnATypeWithoutFp64)
{
  // Site a (first in order) has NPUs without fp64; the hpc job goes to site b's GPUs although a is idle.
  const Outcome o = simulate(R"({"accelerators": {
      "N": {"kind": "asic", "peak_tflops": {"bf16": 300}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}},
      "G": {"kind": "gpu", "peak_tflops": {"fp64": 50, "bf16": 1000}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [
      {"name": "a", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "N", "count": 8}}]},
      {"name": "b", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 8}}]}],
    "workload": {"jobs": [
      {"id": "hpc", "submit_s": 0, "accelerators": 2, "work_flop": 1e15, "class": "hpc"},
      {"id": "train", "submit_s": 0, "accelerators": 2, "work_flop": 6e14}]}})");
  const Pool& hpc_pool = o.cluster().pools[o.result.records[0].pool];
  EXPECT_EQ(o.cluster().sites[hpc_pool.site].name, "b");
  EXPECT_DOUBLE_EQ(o.result.records[0].finish_s, 1e15 / (2 * 50e12)); // 10 s
  const Pool& train_pool = o.cluster().pools[o.result.records[1].pool];
  EXPECT_EQ(o.cluster().sites[train_pool.site].name, "a");
  EXPECT_DOUBLE_EQ(o.result.records[1].finish_s, 6e14 / (2 * 300e12)); // 1 s
}

TEST(Dispatcher, JobGoesToNextSiteWhenFirstIsFull)
{
  const Outcome o = simulate(
      R"({"accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 1}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "a", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 2, "node": {"accelerator": "G", "count": 1}}]},
              {"name": "b", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 2, "node": {"accelerator": "G", "count": 1}}]}],
    "workload": {"jobs": [
      {"id": "1", "submit_s": 0, "accelerators": 1, "duration_s": 5},
      {"id": "2", "submit_s": 0, "accelerators": 2, "duration_s": 5}]}})");
  EXPECT_EQ(o.result.records[1].start_s, 0.0);
  EXPECT_EQ(o.cluster().pools[o.result.records[1].pool].site, 1U);
  EXPECT_EQ(accelerators_of(o, 1), (std::vector<std::uint32_t>{2, 3}));
}

TEST(Dispatcher, UnsortedSubmissionsAreReplayedInTimeOrder)
{
  const Outcome o = simulate(one_site_scenario(1, 1, R"([
      {"id": "late", "submit_s": 50, "accelerators": 1, "duration_s": 1},
      {"id": "early", "submit_s": 0, "accelerators": 1, "duration_s": 100}])"));
  EXPECT_EQ(o.result.records[1].start_s, 0.0);
  EXPECT_EQ(o.result.records[0].start_s, 100.0);
}
