// Shifting flexible work (docs/policies.md "Shifting flexible work"): a job with slack held back into the valley
// hours of a time-of-use tariff, with the exact saving.
#include "../support/helpers.hpp"

#include "ccsim/metrics/metrics.hpp"

#include <gtest/gtest.h>

using namespace ccsim;
using ccsim::test::has_error;
using ccsim::test::load_errors;
using ccsim::test::run_inline;

namespace {

//! One accelerator drawing 0 W idle and 100 W busy, PUE 1, a daily tariff of 0.3 (0-8 h), 1.2 (8-22 h), 0.3
//! (22-24 h) per kWh; `jobs` and the scheduler's `shift`.
std::string scenario(const std::string& jobs, const std::string& shift)
{
  return R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16,
             "power_w": {"idle": 0, "max": 100}}},
             "sites": [{"name": "s", "region": "east", "pue": 1.0,
               "electricity_price_per_kwh": {"daily": [{"from_hour": 0, "value": 0.3}, {"from_hour": 8, "value": 1.2},
                                                       {"from_hour": 22, "value": 0.3}]},
               "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 1}}]}],
             "workload": {"jobs": )" +
         jobs + R"(}, "scheduler": {"queue": "easy", "placement": "first-fit", "shift": ")" + shift + R"("}})";
}

struct Outcome {
  std::vector<double> start;
  double cost = 0;
  nlohmann::ordered_json summary;
};
Outcome simulate(const std::string& text)
{
  const PreparedRun p = test::prepared_from_text(text);
  EnergyMeter meter(p.cluster, 0);
  const RunResult r = run_inline(p, &meter);
  Outcome o;
  for (const auto& rec : r.records)
    o.start.push_back(rec.start_s);
  o.cost = meter.cost(0);
  o.summary = summarize(p.scenario, p.cluster, p.jobs, r, &meter);
  return o;
}

// F: 1 accelerator for 2 h (walltime 2 h), submitted at 9 h with 14 h of slack (it may start until 23 h). Its price
// over [t, t + 2 h) is least (0.3 x 2) from 22 h on: held back to 22 h, the earliest of the cheapest starts.
const std::string FLEXIBLE =
    R"({"id": "F", "submit_s": 32400, "accelerators": 1, "duration_s": 7200, "walltime_s": 7200, "slack_s": 50400})";

} // namespace

TEST(Shift, AFlexibleJobIsHeldBackIntoTheValleyHoursWithTheExactSaving)
{
  const Outcome plain = simulate(scenario("[" + FLEXIBLE + "]", "none"));
  const Outcome shifted = simulate(scenario("[" + FLEXIBLE + "]", "price"));
  EXPECT_EQ(plain.start[0], 32400.0);
  EXPECT_EQ(shifted.start[0], 79200.0); // 22 h
  // 100 W x 2 h = 0.2 kWh: at 1.2 per kWh 0.24, at 0.3 per kWh 0.06; the saving is 0.18.
  EXPECT_NEAR(plain.cost, 0.24, 1e-12);
  EXPECT_NEAR(shifted.cost, 0.06, 1e-12);
  EXPECT_NEAR(plain.cost - shifted.cost, 0.18, 1e-12);
  EXPECT_EQ(shifted.summary["flexible"]["jobs"], 1);
  EXPECT_EQ(shifted.summary["flexible"]["deferred"], 1);
  EXPECT_EQ(shifted.summary["flexible"]["wait_s_mean"], 46800.0);
  EXPECT_EQ(shifted.summary["flexible"]["started_after_slack"], 0);
  EXPECT_EQ(plain.summary["flexible"]["deferred"], 0);
}

TEST(Shift, InflexibleWorkIsNotDelayedByHeldBackJobs)
{
  // I (inflexible, 1 accelerator, 1 h) arrives at 9 h right after F. Without shifting F takes the only accelerator
  // and I waits 2 h; with it F is held back to 22 h and I starts at once.
  const std::string jobs = "[" + FLEXIBLE +
                           R"(, {"id": "I", "submit_s": 32400, "accelerators": 1, "duration_s": 3600,
                                  "walltime_s": 3600}])";
  const Outcome plain = simulate(scenario(jobs, "none"));
  const Outcome shifted = simulate(scenario(jobs, "price"));
  EXPECT_EQ(plain.start, (std::vector<double>{32400, 39600}));
  EXPECT_EQ(shifted.start, (std::vector<double>{79200, 32400}));
}

TEST(Shift, NothingCheaperWithinTheSlackMeansNoDeferral)
{
  // Submitted at 22 h with 1 h of slack: every start in [22 h, 23 h] costs the same: it starts at once.
  const Outcome o = simulate(scenario(
      R"([{"id": "F", "submit_s": 79200, "accelerators": 1, "duration_s": 3600, "walltime_s": 3600, "slack_s": 3600}])",
      "price"));
  EXPECT_EQ(o.start[0], 79200.0);
  EXPECT_EQ(o.summary["flexible"]["deferred"], 0);
}

TEST(Shift, BadInputIsLocated)
{
  const auto slack = load_errors(
      scenario(R"([{"id": "F", "submit_s": 0, "accelerators": 1, "duration_s": 1, "slack_s": -5}])", "price"));
  EXPECT_TRUE(has_error(slack, "/workload/jobs/0/slack_s", ">= 0")) << (slack.empty() ? "" : slack[0].message);
  const auto signal = load_errors(scenario("[]", "wind"));
  EXPECT_TRUE(has_error(signal, "/scheduler/shift", "expected \"none\", \"price\" or \"carbon\""));
}

TEST(Shift, FlexibleWorkQueuesBehindWorkThatMayNotWait)
{
  // In the valley (22 h), nothing is cheaper within F's slack: it is not held back, but under shifting it queues
  // behind inflexible work. R holds the accelerator until 22 h + 100 s; F (flexible) arrived before I (inflexible):
  // with shifting I starts first, without it F does.
  const std::string jobs = R"([
      {"id": "R", "submit_s": 79200, "accelerators": 1, "duration_s": 100, "walltime_s": 100},
      {"id": "F", "submit_s": 79200, "accelerators": 1, "duration_s": 100, "walltime_s": 100, "slack_s": 60},
      {"id": "I", "submit_s": 79210, "accelerators": 1, "duration_s": 100, "walltime_s": 100}])";
  const Outcome plain = simulate(scenario(jobs, "none"));
  const Outcome shifted = simulate(scenario(jobs, "price"));
  EXPECT_EQ(plain.start, (std::vector<double>{79200, 79300, 79400}));
  EXPECT_EQ(shifted.start, (std::vector<double>{79200, 79400, 79300}));
  EXPECT_EQ(shifted.summary["flexible"]["deferred"], 0);
}
