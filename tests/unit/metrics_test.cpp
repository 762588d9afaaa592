#include "../support/helpers.hpp"

#include "ccsim/metrics/metrics.hpp"
#include "ccsim/output/report_text.hpp"
#include "ccsim/output/writers.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace ccsim;

namespace {
const std::string THREE_JOBS = test::one_site_scenario(2, 1, R"([
    {"id": "j1", "submit_s": 0, "accelerators": 1, "duration_s": 10, "walltime_s": 20},
    {"id": "j2", "submit_s": 0, "accelerators": 2, "duration_s": 5, "walltime_s": 5},
    {"id": "j3", "submit_s": 1, "accelerators": 1, "duration_s": 3, "walltime_s": 4}])");
}

TEST(Metrics, BoundedSlowdownUsesTau10)
{
  Job job;
  job.submit_s = 0;
  JobRecord rec;
  rec.start_s = 2;
  rec.finish_s = 5; // run 3 s < tau: turnaround 5 / 10 -> clamped to 1
  EXPECT_EQ(job_metrics(job, rec).bounded_slowdown, 1.0);
  rec.start_s = 30;
  rec.finish_s = 50; // run 20 s: turnaround 50 / 20
  const JobMetrics m = job_metrics(job, rec);
  EXPECT_EQ(m.bounded_slowdown, 2.5);
  EXPECT_EQ(m.wait_s, 30.0);
  EXPECT_EQ(m.execution_s, 20.0);
  EXPECT_EQ(m.turnaround_s, 50.0);
}

TEST(Metrics, QuantileInterpolatesLinearly)
{
  std::vector<double> v = {4, 1, 3, 2};
  EXPECT_DOUBLE_EQ(quantile(v, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile(v, 0.95), 3.85);
  EXPECT_DOUBLE_EQ(quantile(v, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(quantile(v, 0.0), 1.0);
  std::vector<double> empty;
  EXPECT_EQ(quantile(empty, 0.5), 0.0);
}

// The run keeps only the positive waits and counts the zeros (docs/metrics.md): its quantiles must equal
// quantile() over every wait, bit for bit, wherever the positions fall (among the zeros, across, among the rest).
TEST(Metrics, WaitQuantilesFromCountedZerosEqualThoseOfEveryWait)
{
  const Cluster c = Cluster::build(test::scenario_from_text(test::one_site_scenario(1, 1, "[]")));
  const std::vector<std::vector<double>> cases = {
      {}, {0}, {7}, {0, 0, 0}, {0, 0, 0, 5, 1, 3}, {0, 9, 0, 2.5, 0.125, 0, 0, 11, 4}, {3, 1, 2, 0}, {0, 0, 0, 0, 1e9}};
  for (const auto& waits : cases) {
    RunMetrics m(c);
    for (const double w : waits) {
      Job job;
      job.submit_s = 100;
      JobRecord rec;
      rec.state = JobState::COMPLETED_SUCCESSFULLY;
      rec.start_s = 100 + w;
      rec.finish_s = rec.start_s + 1;
      m.job_ended(job, rec, {});
    }
    for (const double q : {0.0, 0.1, 0.25, 0.5, 0.6, 0.95, 1.0}) {
      std::vector<double> all = waits;
      EXPECT_EQ(m.wait_quantile(q), quantile(all, q)) << "q " << q << ", " << waits.size() << " waits";
    }
  }
}

TEST(Metrics, SummaryOfTheThreeJobSchedule)
{
  const PreparedRun prep = test::prepared_from_text(THREE_JOBS);
  const Scenario& s = prep.scenario;
  const Cluster& c = prep.cluster;
  const RunResult r = test::run_inline(prep);
  const auto sum = summarize(s, c, prep.jobs, r);
  EXPECT_EQ(sum["jobs"]["submitted"], 3);
  EXPECT_EQ(sum["jobs"]["completed"], 3);
  // waits 0, 10, 14; turnarounds 10, 15, 17; runs 10, 5, 3.
  EXPECT_DOUBLE_EQ(sum["wait_s"]["mean"].get<double>(), 8.0);
  EXPECT_DOUBLE_EQ(sum["wait_s"]["median"].get<double>(), 10.0);
  EXPECT_DOUBLE_EQ(sum["wait_s"]["p95"].get<double>(), 13.6);
  EXPECT_EQ(sum["wait_s"]["max"].get<double>(), 14.0);
  EXPECT_DOUBLE_EQ(sum["turnaround_s"]["mean"].get<double>(), 14.0);
  // bsld: max(1, 10/10) = 1, 15/10 = 1.5, 17/10 = 1.7.
  EXPECT_DOUBLE_EQ(sum["bounded_slowdown"]["mean"].get<double>(), 4.2 / 3);
  EXPECT_EQ(sum["makespan_s"].get<double>(), 18.0);
  // busy accelerator-seconds 10 + 2 x 5 + 3 = 23 over 2 accelerators x 18 s.
  EXPECT_DOUBLE_EQ(sum["utilization"]["accelerators"].get<double>(), 23.0 / 36.0);
  EXPECT_DOUBLE_EQ(sum["utilization"]["by_type"]["G"].get<double>(), 23.0 / 36.0);
  EXPECT_DOUBLE_EQ(sum["utilization"]["by_site"]["s"].get<double>(), 23.0 / 36.0);
}

TEST(Output, IntervalSet)
{
  const std::vector<std::uint32_t> v = {0, 1, 2, 5, 7, 8};
  EXPECT_EQ(interval_set(v), "0-2 5 7-8");
  EXPECT_EQ(interval_set(std::vector<std::uint32_t>{}), "");
  EXPECT_EQ(interval_set(std::vector<std::uint32_t>{3}), "3");
}

TEST(Output, JobsCsvUsesBatsimColumns)
{
  const PreparedRun prep = test::prepared_from_text(THREE_JOBS);
  const Cluster& c = prep.cluster;
  const RunResult r = test::run_inline(prep);
  EXPECT_EQ(
      jobs_csv(c, "w0", prep.jobs, r),
      "job_id,workload_name,profile,submission_time,requested_number_of_resources,requested_time,success,"
      "starting_time,execution_time,"
      "finish_time,waiting_time,turnaround_time,stretch,consumed_energy,allocated_resources,final_state,"
      "site,accelerator_type,nodes,staging_time,staged_bytes,comm_slowdown,class,tenant,precision,data_site,"
      "wait_staging_s,wait_policy_s,wait_fragmentation_s,wait_power_cap_s,wait_eligibility_s,wait_capacity_s\n"
      // consumed_energy: execution x accelerators x 110 W max (node base power 0). No tenant or data site.
      // Waits: j2 (2) finds 1 free of 2 until 10 (capacity); j3 (1) could take the free one but is behind j2
      // until 10 (policy 9 s), then j2 holds both until 15 (capacity 5 s).
      "j1,w0,training,0,1,20,1,0,10,10,0,10,1,1100,0,COMPLETED_SUCCESSFULLY,s,G,1,0,0,1,training,,bf16,,0,0,0,0,0,"
      "0\n"
      "j2,w0,training,0,2,5,1,10,5,15,10,15,3,1100,0-1,COMPLETED_SUCCESSFULLY,s,G,2,0,0,1,training,,bf16,,0,0,0,0,0,"
      "10\n"
      "j3,w0,training,1,1,4,1,15,3,18,14,17,5.666666666666667,330,0,COMPLETED_SUCCESSFULLY,s,G,1,0,0,1,training,,"
      "bf16,,0,9,0,0,0,5\n");
}

TEST(Output, CsvQuotesFieldsWithCommas)
{
  const PreparedRun prep = test::prepared_from_text(
      test::one_site_scenario(1, 1, R"([{"id": "a,\"b\"", "submit_s": 0, "accelerators": 1, "duration_s": 0}])"));
  const Cluster& c = prep.cluster;
  const std::string csv = jobs_csv(c, "a \"w\", 1", prep.jobs, test::run_inline(prep));
  // Zero execution time: stretch is left empty, energy is 0. The workload's name is quoted too.
  EXPECT_NE(csv.find("\n\"a,\"\"b\"\"\",\"a \"\"w\"\", 1\",training,0,1,0,1,0,0,0,0,0,,0,0,"), std::string::npos)
      << csv;
}

TEST(Output, AtomicFileLeavesNothingWhenNotCommitted)
{
  const auto dir = std::filesystem::temp_directory_path() / ("ccsim-atomic-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    AtomicFile f(dir / "a.txt");
    f.write("half");
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  {
    AtomicFile f(dir / "b.txt");
    f.write("whole");
    f.commit();
  }
  std::ifstream in(dir / "b.txt");
  std::string text;
  in >> text;
  EXPECT_EQ(text, "whole");
  EXPECT_FALSE(std::filesystem::exists(dir / "b.txt.tmp"));
  std::filesystem::remove_all(dir);
}

TEST(Output, HumanDuration)
{
  EXPECT_EQ(human_duration(42), "42 s");
  EXPECT_EQ(human_duration(90), "1.5 min");
  EXPECT_EQ(human_duration(5400), "1.5 h");
  EXPECT_EQ(human_duration(172800), "2.0 d");
}
