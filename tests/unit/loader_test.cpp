#include "../support/helpers.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace ccsim;
using ccsim::test::has_error;
using ccsim::test::load_errors;
using ccsim::test::one_site_scenario;
using ccsim::test::scenario_from_text;

TEST(Loader, DefaultsAreApplied)
{
  const PreparedRun prep = test::prepared_from_text(
      one_site_scenario(2, 1, R"([{"id": 1, "submit_s": 0, "accelerators": 1, "duration_s": 10}])", "{}"));
  const Scenario& s = prep.scenario;
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.seed, 1U);
  EXPECT_EQ(s.output.dir, "results/t");
  EXPECT_EQ(s.scheduler.queue_policy, "fcfs");
  EXPECT_EQ(s.scheduler.placement_policy, "first-fit");
  EXPECT_FALSE(s.scheduler.kill_at_walltime);
  ASSERT_EQ(prep.jobs.size(), 1U);
  EXPECT_EQ(prep.jobs[0].id, "1");                    // integer ids become strings
  EXPECT_EQ(prep.jobs[0].walltime_s, 10.0);           // default walltime: the duration
  EXPECT_EQ(prep.jobs[0].precision, Precision::BF16); // training default
  EXPECT_EQ(prep.jobs[0].eligible_types, 1U);
  const auto& g = s.accelerators[static_cast<std::size_t>(s.find_accelerator("G"))];
  EXPECT_EQ(g.peak_flop_per_s[static_cast<std::size_t>(Precision::BF16)], 100e12);
  EXPECT_EQ(g.peak_flop_per_s[static_cast<std::size_t>(Precision::FP64)], 0.0);
  EXPECT_EQ(g.memory_gib, 16.0);
  EXPECT_EQ(g.idle_w, 10.0);
  EXPECT_EQ(g.max_w, 110.0);
  EXPECT_EQ(s.output.timeseries_interval_s, 3600.0);
}

TEST(Loader, WorkJobDefaultWalltimeIsItsRuntimeOnTheSlowestEligibleType)
{
  // 3.6e15 FLOP on 2 accelerators of 100 TFLOP/s bf16 at efficiency 0.5: 36 s.
  const PreparedRun prep = test::prepared_from_text(one_site_scenario(
      2, 1, R"([{"id": "w", "submit_s": 0, "accelerators": 2, "work_flop": 3.6e15, "efficiency": 0.5}])"));
  EXPECT_DOUBLE_EQ(prep.jobs[0].walltime_s, 36.0);
}

TEST(Loader, ClassSetsDefaultPrecision)
{
  const PreparedRun prep = test::prepared_from_text(one_site_scenario(
      1, 1, R"([{"id": "a", "submit_s": 0, "accelerators": 1, "duration_s": 1, "class": "inference"}])"));
  EXPECT_EQ(prep.jobs[0].precision, Precision::FP16);
}

TEST(Loader, ReportsEveryErrorWithItsJsonPointer)
{
  const auto diags = load_errors(one_site_scenario(2, 1, R"([
      {"id": "a", "submit_s": -5, "accelerators": 1, "duration_s": 10},
      {"id": "b", "accelerators": 0, "duration_s": 10},
      {"id": "a", "submit_s": 1, "accelerators": 1, "duration_s": 1, "work_flop": 5},
      {"id": "d", "submit_s": 1, "accelerators": 1, "duration_s": 1, "precison": "fp16"},
      {"id": "e", "submit_s": 1, "accelerators": 1, "duration_s": "ten"},
      {"id": "f", "submit_s": 1, "accelerators": 1, "duration_s": 1, "precision": "fp4"}])"));
  EXPECT_TRUE(has_error(diags, "/workload/jobs/0/submit_s", "expected a finite number >= 0 and <= 1e+10, found -5"));
  EXPECT_TRUE(has_error(diags, "/workload/jobs/1/submit_s", "missing required field"));
  EXPECT_TRUE(
      has_error(diags, "/workload/jobs/1/accelerators", "expected an integer in [1, 1000000000], found number 0"));
  EXPECT_TRUE(has_error(diags, "/workload/jobs/2", "exactly one of \"duration_s\""));
  EXPECT_TRUE(has_error(diags, "/workload/jobs/2/id", "duplicate job id \"a\""));
  EXPECT_TRUE(has_error(diags, "/workload/jobs/3/precison", "unknown field \"precison\""));
  EXPECT_TRUE(has_error(diags, "/workload/jobs/4/duration_s", "expected a number, found string \"ten\""));
  EXPECT_TRUE(has_error(diags, "/workload/jobs/5/precision", "unknown precision \"fp4\""));
  EXPECT_EQ(diags.size(), 8U);
  for (const auto& d : diags)
    EXPECT_EQ(d.file, "test.json");
}

TEST(Loader, UnknownAcceleratorTypeIsNamedWithTheKnownOnes)
{
  const auto diags = load_errors(
      R"({"accelerators": {"G": {"kind": "gpu", "peak_tflops": {"fp32": 1}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1,
               "node": {"accelerator": "H100", "count": 8}}]}],
    "workload": {"jobs": []}})");
  ASSERT_EQ(diags.size(), 1U);
  EXPECT_EQ(diags[0].location, "/sites/0/racks/0/node/accelerator");
  EXPECT_NE(diags[0].message.find("unknown accelerator type \"H100\" (expected a name from /accelerators: "),
            std::string::npos);
  // The message lists the built-in catalog too.
  EXPECT_NE(diags[0].message.find("G, H100-SXM, H20"), std::string::npos) << diags[0].message;
}

TEST(Loader, CatalogErrors)
{
  const auto diags = load_errors(
      R"({"accelerators": {"G": {"kind": "tpu", "peak_tflops": {"fp32": -1, "fp4": 1}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1,
               "node": {"accelerator": "G", "count": 65}}]}],
    "workload": {"jobs": []}})");
  EXPECT_TRUE(has_error(diags, "/accelerators/G/kind", "unknown accelerator kind \"tpu\""));
  EXPECT_TRUE(has_error(diags, "/accelerators/G/peak_tflops/fp32", "expected a finite number > 0"));
  EXPECT_TRUE(has_error(diags, "/accelerators/G/peak_tflops/fp4", "unknown field"));
  EXPECT_TRUE(has_error(diags, "/sites/0/racks/0/node/count", "expected an integer in [1, 64]"));
}

TEST(Loader, JobLargerThanAnyPoolIsRejected)
{
  // Two sites of 2 accelerators each: a job runs within one site, so 3 never fits.
  const auto diags = load_errors(
      R"({"accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 1}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "a", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 2, "node": {"accelerator": "G", "count": 1}}]},
              {"name": "b", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 2, "node": {"accelerator": "G", "count": 1}}]}],
    "workload": {"jobs": [{"id": "big", "submit_s": 0, "accelerators": 3, "duration_s": 1}]}})");
  ASSERT_EQ(diags.size(), 1U);
  EXPECT_EQ(diags[0].location, "/workload/jobs/0/accelerators");
  EXPECT_NE(diags[0].message.find("asks for 3 accelerators but the largest site pool of an eligible type holds 2"),
            std::string::npos);
}

TEST(Loader, JobWithoutHardwareForItsPrecisionIsRejected)
{
  const auto diags = load_errors(
      one_site_scenario(1, 1, R"([{"id": "h", "submit_s": 0, "accelerators": 1, "work_flop": 1e12, "class": "hpc"},
                {"id": "k", "submit_s": 0, "accelerators": 1, "duration_s": 1, "accept": ["fpga"]}])"));
  EXPECT_TRUE(has_error(diags, "/workload/jobs/0", "needs fp64 but no accepted accelerator type"));
  EXPECT_TRUE(has_error(diags, "/workload/jobs/1/accept/0", "\"fpga\" names no accelerator type or kind"));
}

TEST(Loader, StructuralErrors)
{
  EXPECT_TRUE(has_error(load_errors("[1, 2]"), "/", "expected an object, found an array"));
  const auto diags = load_errors(R"({"accelerators": [], "sites": [], "workload": {"jobs": {}}, "seed": -1,
                                     "scheduler": {"queue": 3}})");
  EXPECT_TRUE(has_error(diags, "/accelerators", "expected an object mapping accelerator names"));
  EXPECT_TRUE(has_error(diags, "/sites", "expected at least one site"));
  EXPECT_TRUE(has_error(diags, "/workload/jobs", "expected an array of jobs"));
  EXPECT_TRUE(has_error(diags, "/seed", "expected an integer"));
  EXPECT_TRUE(has_error(diags, "/scheduler/queue", "expected a non-empty string"));
}

TEST(Loader, DuplicateSiteNames)
{
  const auto diags = load_errors(
      R"({"accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 1}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "a", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 1}}]},
              {"name": "a", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 1}}]}],
    "workload": {"jobs": []}})");
  EXPECT_TRUE(has_error(diags, "/sites/1/name", "duplicate site name \"a\""));
}

TEST(Loader, AtMost64AcceleratorTypesInThePlatform)
{
  std::string catalog, racks;
  for (int i = 0; i < 65; i++) {
    catalog +=
        (i ? "," : "") + std::string("\"T") + std::to_string(i) +
        R"(": {"kind": "gpu", "peak_tflops": {"bf16": 1}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}})";
    racks += (i ? "," : "") + std::string(R"({"name": "g)") + std::to_string(i) +
             R"(", "count": 1, "nodes_per_rack": 1, "node": {"accelerator": "T)" + std::to_string(i) +
             R"(", "count": 1}})";
  }
  const auto diags = load_errors("{\"accelerators\": {" + catalog +
                                 "}, \"sites\": [{\"name\": \"s\", \"region\": \"e\", \"racks\": [" + racks +
                                 "]}], \"workload\": {\"jobs\": []}}");
  EXPECT_TRUE(has_error(diags, "/sites", "nodes use 65 accelerator types (expected at most 64)"));
}
