// Integration: queue policies on the Batsim paper workload (801 jobs, 32 single-accelerator machines).
// Needs ../shared/data beside the repository; skipped with a message when it is absent.
#include "../support/helpers.hpp"

#include "ccsim/metrics/metrics.hpp"
#include "ccsim/workload/importers.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace ccsim;

namespace {
const std::filesystem::path SHARED = std::filesystem::path(CCSIM_SOURCE_DIR) / ".." / "shared" / "data";

PreparedRun batsim_paper(const std::string& queue)
{
  Overrides o;
  o.queue_policy = queue;
  return test::prepared_from_file(
      (std::filesystem::path(CCSIM_SOURCE_DIR) / "scenarios/traces/batsim-paper.json").string(), o);
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
  const PreparedRun prep = batsim_paper(GetParam());
  ASSERT_EQ(prep.jobs.size(), 801U);
  EXPECT_EQ(prep.workload_report.read, 801U);
  const Scenario& s = prep.scenario;
  const Cluster& c = prep.cluster;
  ASSERT_EQ(c.accelerator_count(), 32U);
  const RunResult r = test::run_inline(prep);
  EXPECT_EQ(test::schedule_problem(c, prep.jobs, r, s.scheduler), "");
  const auto summary = summarize(s, c, prep.jobs, r);
  EXPECT_EQ(summary["jobs"]["completed"], 801);
  EXPECT_EQ(summary["jobs"]["killed_at_walltime"], 0); // every delay <= its walltime (docs/sources.md)
  // The late job (id 424242, submitted at 16,000 s) arrives on an idle platform and starts at once.
  const auto late = static_cast<std::size_t>(
      std::find_if(prep.jobs.begin(), prep.jobs.end(), [](const Job& j) { return j.id == "424242"; }) -
      prep.jobs.begin());
  EXPECT_EQ(r.records[late].start_s, 16000.0);
}

INSTANTIATE_TEST_SUITE_P(Policies, BatsimPaper, ::testing::Values("fcfs", "sjf", "easy", "conservative"));

TEST(BatsimPaperComparison, BackfillingWaitsLessThanFcfs)
{
  if (not std::filesystem::exists(SHARED / "batsim/input/batsim_paper_workload_example_late_job.json"))
    GTEST_SKIP() << "../shared/data/batsim is absent";
  // docs/policies.md's table ("The Batsim paper workload"), at full precision: mean and p95 wait (s), mean bounded
  // slowdown; the makespan (16,088.51 s) is fixed by the late job under every policy.
  const struct {
    const char* policy;
    double wait_mean, wait_p95, bsld_mean;
  } expected[] = {{"fcfs", 19.736295026590227, 138.6432001019084, 1.7064947777359305},
                  {"easy", 9.516325704587745, 63.9119856294119, 1.2409493326510501},
                  {"conservative", 9.852251355127189, 62.41688460546743, 1.2383477916682757}};
  for (const auto& e : expected) {
    SCOPED_TRACE(e.policy);
    const PreparedRun prep = batsim_paper(e.policy);
    const auto summary = summarize(prep.scenario, prep.cluster, prep.jobs, test::run_inline(prep));
    EXPECT_DOUBLE_EQ(summary["wait_s"]["mean"].get<double>(), e.wait_mean);
    EXPECT_DOUBLE_EQ(summary["wait_s"]["p95"].get<double>(), e.wait_p95);
    EXPECT_DOUBLE_EQ(summary["bounded_slowdown"]["mean"].get<double>(), e.bsld_mean);
    EXPECT_DOUBLE_EQ(summary["makespan_s"].get<double>(), 16088.51);
  }
}

namespace {
const std::filesystem::path SWF = SHARED / "swf";
ImportedWorkload swf(const char* file, const nlohmann::json& options = nullptr)
{
  return import_swf((SWF / file).string(), options);
}
} // namespace

class SwfTraces : public ::testing::Test {
protected:
  void SetUp() override
  {
    if (not std::filesystem::exists(SWF))
      GTEST_SKIP() << "../shared/data/swf is absent: skipping the SWF logs";
  }
};

TEST_F(SwfTraces, CountsMatchTheMeasuredFacts)
{
  // docs/sources.md: jobs per file, and the jobs with neither allocated nor requested processors.
  const struct {
    const char* file;
    std::uint64_t jobs, no_procs;
  } cases[] = {{"KTH-SP2-1996-2.1-cln.swf.gz", 28476, 1},
               {"LANL-CM5-1994-4.1-cln.swf.gz", 122060, 3},
               {"NASA-iPSC-1993-3.1-cln.swf.gz", 18239, 0},
               {"lublin_256.swf", 10000, 0},
               {"lublin_256_new2.swf", 10000, 0}};
  for (const auto& c : cases) {
    const ImportedWorkload w = swf(c.file);
    EXPECT_EQ(w.report.read, c.jobs) << c.file;
    EXPECT_EQ(w.report.kept, c.jobs - c.no_procs) << c.file;
    std::uint64_t skipped = 0;
    for (const auto& [reason, n] : w.report.skipped)
      skipped += n;
    EXPECT_EQ(w.report.kept + skipped, w.report.read) << c.file;
    EXPECT_EQ(w.jobs.size(), w.report.kept);
    EXPECT_EQ(w.report.lines.size(), w.report.kept);
  }
}

TEST_F(SwfTraces, HeaderWalltimeAndStatusRules)
{
  const ImportedWorkload kth = swf("KTH-SP2-1996-2.1-cln.swf.gz");
  EXPECT_EQ(kth.report.header.at("MaxProcs"), "100");
  EXPECT_EQ(kth.report.header.at("UnixStartTime"), "843480031");
  // start_at_zero: the first submission (599850 s in the log) is at 0.
  EXPECT_EQ(kth.jobs.front().submit_s, 0.0);
  EXPECT_EQ(kth.jobs.front().id, "15");
  // 475 jobs ran longer than their requested time: raised to the run time by default, kept on request.
  std::size_t below = 0;
  for (const Job& j : kth.jobs)
    below += j.walltime_s < j.duration_s;
  EXPECT_EQ(below, 0U);
  const ImportedWorkload kept = swf("KTH-SP2-1996-2.1-cln.swf.gz", {{"walltime_below_runtime", "keep"}});
  below = 0;
  for (const Job& j : kept.jobs)
    below += j.walltime_s < j.duration_s;
  EXPECT_EQ(below, 475U);
  // Failed jobs (status 0: 7,946 in KTH) are kept by default and dropped on request.
  const ImportedWorkload dropped = swf("KTH-SP2-1996-2.1-cln.swf.gz", {{"failed", "drop"}});
  EXPECT_EQ(dropped.report.skipped.at("failed (status 0)"), 7946U);
  // Lublin has no requested times (-1): the walltime is the run time.
  const ImportedWorkload lublin = swf("lublin_256.swf");
  EXPECT_EQ(lublin.report.header.at("MaxNodes"), "256");
  for (std::size_t i = 0; i < 10; i++)
    EXPECT_EQ(lublin.jobs[i].walltime_s, lublin.jobs[i].duration_s == 0 ? UNSET : lublin.jobs[i].duration_s);
}

TEST_F(SwfTraces, KthUnderEasyIsFeasibleAndMatchesTheOfferedLoad)
{
  const PreparedRun prep =
      test::prepared_from_file((std::filesystem::path(CCSIM_SOURCE_DIR) / "scenarios/traces/kth-sp2.json").string());
  const Scenario& s = prep.scenario;
  const Cluster& c = prep.cluster;
  const RunResult r = test::run_inline(prep);
  EXPECT_EQ(test::schedule_problem(c, prep.jobs, r, s.scheduler), "");
  const auto summary = summarize(s, c, prep.jobs, r);
  EXPECT_EQ(summary["jobs"]["completed"], 28475);
  // docs/sources.md: offered load sum(run x procs) / (100 x span) = 0.701; every job runs, so utilization
  // over the makespan is close to it: 0.70109 (the busy accelerator-seconds are the trace's; the makespan is this
  // schedule's).
  EXPECT_DOUBLE_EQ(summary["utilization"]["accelerators"].get<double>(), 0.7010872007903274);
}

TEST(SwfText, MalformedRowsAreLocatedByLine)
{
  const auto message = [](const std::string& text) {
    try {
      import_swf_text(text, "t.swf", nullptr);
    } catch (const InputError& e) {
      return e.diagnostics()[0].to_string();
    }
    return std::string("no error");
  };
  EXPECT_EQ(message("; c\n1 0 0 10 1 -1 -1 1 20 -1 1 1 1 -1 -1 -1 -1\n"),
            "t.swf: line 2: 17 fields (expected 18 whitespace-separated SWF fields)");
  EXPECT_EQ(message("1 0 0 1x 1 -1 -1 1 20 -1 1 1 1 -1 -1 -1 -1 -1\n"),
            "t.swf: line 1: field 4 is \"1x\" (expected a number)");
  // Tabs, runs of spaces and floats are fine.
  const ImportedWorkload w = import_swf_text("  7\t5   0  18.00 4 -1 -1 4 -1 -1 1 1 1 -1 -1 -1 -1 -1", "t.swf",
                                             {{"start_at_zero", false}, {"processors_per_accelerator", 3}});
  ASSERT_EQ(w.jobs.size(), 1U);
  EXPECT_EQ(w.jobs[0].id, "7");
  EXPECT_EQ(w.jobs[0].submit_s, 5.0);
  EXPECT_EQ(w.jobs[0].duration_s, 18.0);
  EXPECT_EQ(w.jobs[0].accelerators, 2U); // ceil(4 / 3)
  EXPECT_EQ(w.jobs[0].walltime_s, 18.0); // field 9 is -1: the run time
}
