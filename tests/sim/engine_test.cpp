// SimGrid-backed tests: one simulation per process (ctest runs each TEST separately).
#include "../support/helpers.hpp"

#include "ccsim/engine/simulation.hpp"

#include <gtest/gtest.h>

#include <algorithm>

using namespace ccsim;

namespace {
//! One SimGrid run of `prep` with the given policies, every record kept.
struct Simulated {
  SimulationRun run;
  RunResult result;
};
Simulated simulate(const PreparedRun& prep, QueuePolicy& queue, PlacementPolicy& placement,
                   EnergyMeter* meter = nullptr)
{
  RunCollector records;
  const auto jobs = prep.open_jobs();
  SimulationRun run = run_simulation(prep.scenario, prep.cluster, *jobs, queue, placement, meter, {&records});
  RunResult result = records.take(run.counters, prep.job_count);
  return {std::move(run), std::move(result)};
}
} // namespace

TEST(Engine, FcfsScheduleOnTheSimGridClock)
{
  const PreparedRun prep = test::prepared_from_text(test::one_site_scenario(2, 1, R"([
      {"id": "j1", "submit_s": 0, "accelerators": 1, "duration_s": 10},
      {"id": "j2", "submit_s": 0, "accelerators": 2, "duration_s": 5},
      {"id": "j3", "submit_s": 1, "accelerators": 1, "duration_s": 3}])"));
  auto queue = PolicyRegistry::global().queues.make("fcfs");
  auto placement = PolicyRegistry::global().placements.make("first-fit");
  const auto [run, result] = simulate(prep, *queue, *placement);
  const auto& r = result.records;
  EXPECT_EQ(r[0].start_s, 0.0);
  EXPECT_EQ(r[0].finish_s, 10.0);
  EXPECT_EQ(r[1].start_s, 10.0);
  EXPECT_EQ(r[1].finish_s, 15.0);
  EXPECT_EQ(r[2].start_s, 15.0);
  EXPECT_EQ(r[2].finish_s, 18.0);
  // The SimGrid clock advanced to 1, 10, 15 and 18 and ended at the last completion.
  EXPECT_EQ(run.clock_advances, 4U);
  EXPECT_EQ(run.simulated_end_s, 18.0);
}

TEST(Engine, PinsTheNetworkModel)
{
  // The default transfer: 4 streams of 256 MiB windows (docs/model.md "Data staging").
  const auto cfg = simgrid_configuration(TransferSpec{}.window_bytes());
  EXPECT_NE(std::find(cfg.begin(), cfg.end(), "network/model:CM02"), cfg.end());
  EXPECT_NE(std::find(cfg.begin(), cfg.end(), "network/TCP-gamma:1073741824"), cfg.end());
}

TEST(Engine, EmptyWorkloadEndsAtZero)
{
  const PreparedRun prep = test::prepared_from_text(test::one_site_scenario(1, 1, "[]"));
  auto queue = PolicyRegistry::global().queues.make("fcfs");
  auto placement = PolicyRegistry::global().placements.make("first-fit");
  const auto [run, result] = simulate(prep, *queue, *placement);
  EXPECT_EQ(run.simulated_end_s, 0.0);
  EXPECT_EQ(result.events, 0U);
}

namespace {
//! A broken plug-in: never starts anything.
class Hoarder final : public QueuePolicy {
public:
  void decide(SchedulingContext& ctx) override { n_ += ctx.submitted().size(); }
  std::size_t queued() const override { return n_; }

private:
  std::size_t n_ = 0;
};
} // namespace

TEST(Engine, APolicyThatStarvesJobsIsReportedNotHung)
{
  const PreparedRun prep = test::prepared_from_text(
      test::one_site_scenario(1, 1, R"([{"id": "a", "submit_s": 0, "accelerators": 1, "duration_s": 1}])"));
  Hoarder queue;
  auto placement = PolicyRegistry::global().placements.make("first-fit");
  // The policy's fault, reported as such (ccsim: "error: policy: ...", exit 1; Python: ccsim.PolicyError).
  EXPECT_THROW(simulate(prep, queue, *placement), PolicyError);
}

TEST(Engine, AnExceptionInsideTheSimulationIsRethrownNotAborted)
{
  // 10,000 s sampled every millisecond: the meter refuses to record 10 million samples. The error crosses the
  // SimGrid actor boundary as an InputError (exit code 2 in the CLI), not an abort.
  PreparedRun prep = test::prepared_from_text(
      test::one_site_scenario(1, 1, R"([{"id": "a", "submit_s": 0, "accelerators": 1, "duration_s": 10000}])"));
  prep.scenario.output.timeseries_interval_s = 0.001;
  const Scenario& s = prep.scenario;
  EnergyMeter meter(prep.cluster, s.output.timeseries_interval_s, "test.json");
  try {
    simulate(prep, *prep.policies.queue, *prep.policies.placement, &meter);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.diagnostics()[0].location, "/output/timeseries_interval_s");
  }
}

TEST(Engine, ManyEventsAtOneTimestamp)
{
  // 2,000 one-accelerator jobs submitted at the same instant on 1,000 accelerators: two waves, one pass each.
  std::string jobs = "[";
  for (int i = 0; i < 2000; i++)
    jobs += (i ? "," : "") + std::string(R"({"id": )") + std::to_string(i) +
            R"(, "submit_s": 5, "accelerators": 1, "duration_s": 7})";
  jobs += "]";
  const PreparedRun prep = test::prepared_from_text(test::one_site_scenario(125, 8, jobs));
  const auto [run, result] = simulate(prep, *prep.policies.queue, *prep.policies.placement);
  EXPECT_EQ(result.events, 4000U);
  EXPECT_EQ(result.decision_points, 3U); // t = 5, 12, 19
  EXPECT_EQ(run.simulated_end_s, 19.0);
  EXPECT_EQ(test::schedule_problem(prep.cluster, prep.jobs, result), "");
}
