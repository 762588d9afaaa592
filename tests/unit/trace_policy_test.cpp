// Integration: queue policies on the Batsim paper workload (801 jobs, 32 single-accelerator machines).
// Needs ../shared/data beside the repository; skipped with a message when it is absent.
#include "../support/helpers.hpp"

#include "ccsim/metrics/metrics.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace ccsim;

namespace {
const std::filesystem::path SHARED = std::filesystem::path(CCSIM_SOURCE_DIR) / ".." / "shared" / "data";

Scenario batsim_paper(const std::string& queue)
{
  Scenario s = load_scenario((std::filesystem::path(CCSIM_SOURCE_DIR) / "scenarios/traces/batsim-paper.json").string());
  s.scheduler.queue_policy = queue;
  return s;
}
} // namespace

class BatsimPaper : public ::testing::TestWithParam<const char*> {
protected:
  void SetUp() override
  {
    if (not std::filesystem::exists(SHARED / "batsim/input/batsim_paper_workload_example_late_job.json"))
      GTEST_SKIP() << "../shared/data/batsim is absent: skipping the Batsim paper workload";
  }
};

TEST_P(BatsimPaper, EveryJobRunsInAFeasibleSchedule)
{
  const Scenario s = batsim_paper(GetParam());
  ASSERT_EQ(s.jobs.size(), 801U);
  EXPECT_EQ(s.workload_report.read, 801U);
  const Cluster c = Cluster::build(s);
  ASSERT_EQ(c.accelerator_count(), 32U);
  const RunResult r = test::run_inline(s, c);
  EXPECT_EQ(test::schedule_problem(c, s.jobs, r), "");
  const auto summary = summarize(s, c, s.jobs, r);
  EXPECT_EQ(summary["jobs"]["completed"], 801);
  EXPECT_EQ(summary["jobs"]["killed_at_walltime"], 0); // every delay <= its walltime (trace-formats.md)
  // The late job (id 424242, submitted at 16,000 s) arrives on an idle platform and starts at once.
  const auto late = static_cast<std::size_t>(std::find_if(s.jobs.begin(), s.jobs.end(), [](const Job& j) {
                                               return j.id == "424242";
                                             }) - s.jobs.begin());
  EXPECT_EQ(r.records[late].start_s, 16000.0);
}

INSTANTIATE_TEST_SUITE_P(Policies, BatsimPaper, ::testing::Values("fcfs", "sjf", "easy", "conservative"));

TEST(BatsimPaperComparison, BackfillingWaitsLessThanFcfs)
{
  if (not std::filesystem::exists(SHARED / "batsim/input/batsim_paper_workload_example_late_job.json"))
    GTEST_SKIP() << "../shared/data/batsim is absent";
  double wait[3];
  const char* policies[3] = {"fcfs", "easy", "conservative"};
  for (int i = 0; i < 3; i++) {
    const Scenario s = batsim_paper(policies[i]);
    const Cluster c = Cluster::build(s);
    wait[i] = summarize(s, c, s.jobs, test::run_inline(s, c))["wait_s"]["mean"].get<double>();
  }
  EXPECT_LT(wait[1], wait[0]);
  EXPECT_LT(wait[2], wait[0]);
}
