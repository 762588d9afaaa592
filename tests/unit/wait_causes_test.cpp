// tests/unit/wait_causes_test.cpp: every waiting second attributed to one cause (docs/metrics.md "Why jobs wait"),
// hand-computed on small schedules.
#include "../support/helpers.hpp"

#include "ccsim/metrics/metrics.hpp"
#include "ccsim/output/writers.hpp"

#include <gtest/gtest.h>

#include <filesystem>

using namespace ccsim;

namespace {

constexpr auto STAGING = static_cast<std::size_t>(WaitCause::STAGING);
constexpr auto POLICY = static_cast<std::size_t>(WaitCause::POLICY);
constexpr auto FRAGMENTATION = static_cast<std::size_t>(WaitCause::FRAGMENTATION);
constexpr auto POWER_CAP = static_cast<std::size_t>(WaitCause::POWER_CAP);
constexpr auto ELIGIBILITY = static_cast<std::size_t>(WaitCause::ELIGIBILITY);
constexpr auto CAPACITY = static_cast<std::size_t>(WaitCause::CAPACITY);

//! The wait of job `id` by cause, every cause not listed in `expected` being 0.
WaitSeconds causes(const PreparedRun& prep, const RunResult& r, const std::string& id)
{
  return r.records[test::job_index(prep, id)].wait_s;
}

WaitSeconds only(std::initializer_list<std::pair<std::size_t, double>> seconds)
{
  WaitSeconds w{};
  for (const auto& [cause, s] : seconds)
    w[cause] = s;
  return w;
}

// One node of 4: a holds 3 until 100; b (4) waits for all 4; c (1) could use the free one but is queued behind b.
const std::string THREE_JOBS =
    R"([{"id": "a", "submit_s": 0, "accelerators": 3, "duration_s": 100, "walltime_s": 100},
        {"id": "b", "submit_s": 1, "accelerators": 4, "duration_s": 50, "walltime_s": 50},
        {"id": "c", "submit_s": 2, "accelerators": 1, "duration_s": 5, "walltime_s": 200},
        {"id": "d", "submit_s": 3, "accelerators": 1, "duration_s": 10, "walltime_s": 50}])";

} // namespace

TEST(WaitCauses, FcfsCapacityThenPolicy)
{
  // FCFS: a [0, 100); b waits 1 -> 100 with 1 free of the 4 it needs (capacity), runs [100, 150); c and d could
  // take the free accelerator from their submission to 100 but wait behind b (policy), then nothing is free until
  // 150 (capacity); c runs [150, 155), d [150, 160) on the accelerators b left. The same with a placement that is
  // asked where it would place each job (locality declares no places_whenever_a_pool_has_room()).
  for (const char* placement : {"first-fit", "locality"}) {
    SCOPED_TRACE(placement);
    std::string text = test::one_site_scenario(
        1, 4, THREE_JOBS, std::string(R"({"queue": "fcfs", "placement": ")") + placement + R"("})");
    text.insert(text.rfind('}'), R"(, "output": {"wait_causes": true})");
    const PreparedRun prep = test::prepared_from_text(text);
    const RunResult r = test::run_inline(prep);
    EXPECT_EQ(causes(prep, r, "a"), only({}));
    EXPECT_EQ(causes(prep, r, "b"), only({{CAPACITY, 99}}));
    EXPECT_EQ(causes(prep, r, "c"), only({{POLICY, 98}, {CAPACITY, 50}}));
    EXPECT_EQ(causes(prep, r, "d"), only({{POLICY, 97}, {CAPACITY, 50}}));
    // Accelerator-seconds: capacity 4 x 99 + 50 + 50 = 496, policy 98 + 97 = 195: capacity dominates.
    const auto w = summarize(prep.scenario, prep.cluster, prep.jobs, r)["wait_causes"];
    EXPECT_DOUBLE_EQ(w["accelerator_hours"]["capacity"].get<double>(), 496 / 3600.0);
    EXPECT_DOUBLE_EQ(w["accelerator_hours"]["policy"].get<double>(), 195 / 3600.0);
    EXPECT_EQ(w.at("bottleneck").at("what_if"), "more G at s");
    // By job size (the researcher's "why do the big jobs wait"): a (3) and b (4) in 3-4, c and d (1 each) in 1.
    EXPECT_DOUBLE_EQ(w.at("by_size").at("3-4").at("capacity").get<double>(), 4 * 99 / 3600.0);
    EXPECT_DOUBLE_EQ(w.at("by_size").at("1").at("capacity").get<double>(), 100 / 3600.0);
    EXPECT_DOUBLE_EQ(w.at("by_size").at("1").at("policy").get<double>(), 195 / 3600.0);
    const auto s = summarize(prep.scenario, prep.cluster, prep.jobs, r);
    EXPECT_EQ(s.at("by_size").at("1").at("jobs"), 2);
    EXPECT_EQ(s.at("by_size").at("1").at("wait_s").at("mean"), (148 + 147) / 2.0);
    EXPECT_EQ(s.at("by_size").at("3-4").at("jobs"), 2);
    EXPECT_EQ(s.at("by_size").at("3-4").at("wait_s").at("max"), 99.0);
    EXPECT_FALSE(s.at("by_size").contains("2")); // no job of 2
  }
}

TEST(WaitCauses, SizesAreGroupedByPowersOfTwo)
{
  for (const auto& [n, name] :
       std::vector<std::pair<std::uint64_t, std::string>>{{1, "1"},
                                                          {2, "2"},
                                                          {3, "3-4"},
                                                          {4, "3-4"},
                                                          {5, "5-8"},
                                                          {8, "5-8"},
                                                          {9, "9-16"},
                                                          {17, "17-32"},
                                                          {1024, "513-1024"},
                                                          {1025, "1025-2048"},
                                                          {UINT32_MAX, "2147483649-4294967296"}})
    EXPECT_EQ(size_bucket_name(size_bucket(n)), name) << n;
  EXPECT_LT(size_bucket(UINT32_MAX), SIZE_BUCKETS);
}

TEST(WaitCauses, OnByDefaultOnlyForPlacementsThatPlaceWheneverAPoolHasRoom)
{
  // Default: on under first-fit, off under locality (asking it about every waiting job at every pass cost 10x on
  // the national scenario: docs/performance.md); output.wait_causes overrides both ways.
  const auto attributed = [](const std::string& placement, const std::string& output) {
    std::string text =
        test::one_site_scenario(1, 4, THREE_JOBS, R"({"queue": "fcfs", "placement": ")" + placement + R"("})");
    if (not output.empty())
      text.insert(text.rfind('}'), R"(, "output": {"wait_causes": )" + output + "}");
    const PreparedRun prep = test::prepared_from_text(text);
    const RunResult r = test::run_inline(prep);
    const JobRecord& c = r.records[test::job_index(prep, "c")];
    const auto summary = summarize(prep.scenario, prep.cluster, prep.jobs, r);
    const std::string row = jobs_csv(prep.cluster, "w", prep.jobs, r);
    const bool empty_columns = row.ends_with(",,,,,,\n"); // the last row's six cause columns
    EXPECT_EQ(summary.contains("wait_causes"), c.wait_attributed);
    EXPECT_EQ(empty_columns, not c.wait_attributed);
    return c.wait_attributed;
  };
  EXPECT_TRUE(attributed("first-fit", ""));
  EXPECT_TRUE(attributed("best-fit", ""));
  EXPECT_TRUE(attributed("compact", ""));
  EXPECT_FALSE(attributed("locality", ""));
  EXPECT_FALSE(attributed("pue-aware", ""));
  EXPECT_TRUE(attributed("locality", "true"));
  EXPECT_FALSE(attributed("first-fit", "false"));
}

TEST(WaitCauses, EasyAndConservativeHoldTheReservation)
{
  // EASY and conservative alike: b is reserved at 100 (a's walltime end). d (walltime 50) is backfilled at 3: it
  // ends by 53 < 100. c (walltime 200) would delay b: held by the policy from 2 to 100 while an accelerator is free
  // (d holds it [3, 13): capacity then, no accelerator being free), then capacity until b ends at 150.
  for (const char* queue : {"easy", "conservative"}) {
    SCOPED_TRACE(queue);
    const PreparedRun prep = test::prepared_from_text(test::one_site_scenario(
        1, 4, THREE_JOBS, std::string(R"({"queue": ")") + queue + R"(", "placement": "first-fit"})"));
    const RunResult r = test::run_inline(prep);
    EXPECT_EQ(r.records[test::job_index(prep, "d")].start_s, 3.0);
    EXPECT_EQ(causes(prep, r, "d"), only({}));
    EXPECT_EQ(causes(prep, r, "b"), only({{CAPACITY, 99}}));
    EXPECT_EQ(causes(prep, r, "c"), only({{POLICY, 1 + 87}, {CAPACITY, 10 + 50}}));
  }
}

namespace {
//! The wait log of THREE_JOBS under `queue` (first-fit), one "job from to cause at_head" line per row, in the order
//! the rows were written; `meter` (optional) samples the run.
std::string three_jobs_log(const std::string& queue, EnergyMeter* meter = nullptr)
{
  const PreparedRun prep = test::prepared_from_text(
      test::one_site_scenario(1, 4, THREE_JOBS, R"({"queue": ")" + queue + R"(", "placement": "first-fit"})"));
  WaitLogRecorder log;
  const RunResult r = test::run_inline(prep, meter, &log);
  EXPECT_EQ(wait_log_problem(prep.jobs, r, log.intervals), "");
  std::string out;
  for (const auto& i : log.intervals)
    out += prep.jobs[i.job].id + " " + std::to_string(static_cast<int>(i.from_s)) + " " +
           std::to_string(static_cast<int>(i.to_s)) + " " + std::string(WAIT_CAUSE_NAMES[static_cast<int>(i.cause)]) +
           (i.at_head ? " 1\n" : " 0\n");
  return out;
}
} // namespace

TEST(WaitCauses, TheLogTilesEachWaitAndMarksTheHead)
{
  // FCFS (the causes of FcfsCapacityThenPolicy): b heads the queue from 1 to its start at 100, then c until 150.
  // Rows go out once the job's next one has begun (or it starts): c's and d's policy rows at 150.
  EXPECT_EQ(three_jobs_log("fcfs"), "b 1 100 capacity 1\n"
                                    "c 2 100 policy 0\n"
                                    "c 100 150 capacity 1\n"
                                    "d 3 100 policy 0\n"
                                    "d 100 150 capacity 0\n");
  // EASY and conservative (EasyAndConservativeHoldTheReservation): b holds the reservation c waits behind; d,
  // backfilled at 3, never waits. c's rows follow its causes: policy, capacity while d runs, policy, then capacity
  // at the head once b runs.
  for (const char* queue : {"easy", "conservative"})
    EXPECT_EQ(three_jobs_log(queue), "c 2 3 policy 0\n"
                                     "b 1 100 capacity 1\n"
                                     "c 3 13 capacity 0\n"
                                     "c 13 100 policy 0\n"
                                     "c 100 150 capacity 1\n")
        << queue;
}

TEST(WaitCauses, TheTimeseriesCountsWaitingAcceleratorsByCause)
{
  // FCFS, sampled every 50 s: at 50 b (4) waits for capacity, c and d (1 each) behind it; at 100 (after b started)
  // c and d wait for capacity; at 150 they run.
  const PreparedRun prep = test::prepared_from_text(
      test::one_site_scenario(1, 4, THREE_JOBS, R"({"queue": "fcfs", "placement": "first-fit"})"));
  EnergyMeter meter(prep.cluster, 50);
  (void)three_jobs_log("fcfs", &meter);
  const Timeseries& ts = meter.timeseries();
  const auto value = [&](std::size_t row, const std::string& column) {
    const auto c =
        static_cast<std::size_t>(std::find(ts.columns.begin(), ts.columns.end(), column) - ts.columns.begin());
    EXPECT_LT(c, ts.columns.size()) << column;
    return c < ts.columns.size() ? ts.values[row * ts.columns.size() + c] : -1.0;
  };
  ASSERT_EQ(ts.rows(), 4U); // 0, 50, 100, 150 (the run ends at 160)
  const std::vector<std::array<double, 3>> expected = {{0, 0, 0}, {4, 2, 0}, {2, 0, 0}, {0, 0, 0}};
  for (std::size_t row = 0; row < expected.size(); row++) {
    EXPECT_EQ(value(row, "waiting.capacity"), expected[row][0]) << row;
    EXPECT_EQ(value(row, "waiting.policy"), expected[row][1]) << row;
    EXPECT_EQ(value(row, "waiting.staging") + value(row, "waiting.fragmentation") + value(row, "waiting.power_cap") +
                  value(row, "waiting.eligibility"),
              expected[row][2])
        << row;
  }
}

TEST(WaitCauses, EligibilityWhenOnlyOtherTypesAreFree)
{
  // A node of G and a node of H; a and b accept only G: b waits 10 -> 100 while 4 H are free.
  std::string text = test::one_site_scenario(
      1, 4, R"([{"id": "a", "submit_s": 0, "accelerators": 4, "duration_s": 100, "accept": ["G"]},
                {"id": "b", "submit_s": 10, "accelerators": 2, "duration_s": 10, "accept": ["G"]}])");
  const std::string rack = R"({"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 4}})";
  text.replace(text.find(rack) + rack.size(), 0,
               R"(, {"name": "h", "count": 1, "nodes_per_rack": 1, "node": {"accelerator": "H", "count": 4}})");
  text.replace(
      text.find(R"("accelerators": {)") + 17, 0,
      R"("H": {"kind": "gpu", "peak_tflops": {"fp32": 10}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}, )");
  const PreparedRun prep = test::prepared_from_text(text);
  const RunResult r = test::run_inline(prep);
  EXPECT_EQ(causes(prep, r, "b"), only({{ELIGIBILITY, 90}}));
  EXPECT_EQ(summarize(prep.scenario, prep.cluster, prep.jobs, r).at("wait_causes").at("bottleneck").at("type"), "G");
}

TEST(WaitCauses, PowerCapWhenFreeAcceleratorsAreOverTheRackBudget)
{
  // The rack's 240 W cap allows 2 busy of its 4 (4 x 10 W idle + 2 x 100 W above idle): b waits 10 -> 100 with
  // 2 free accelerators the cap forbids.
  std::string text = test::one_site_scenario(1, 4, R"([{"id": "a", "submit_s": 0, "accelerators": 2, "duration_s": 100},
                {"id": "b", "submit_s": 10, "accelerators": 2, "duration_s": 10}])");
  text.replace(text.find(R"("count": 1, "nodes_per_rack")"), 0, R"("power_cap_kw": 0.24, )");
  const PreparedRun prep = test::prepared_from_text(text);
  ASSERT_EQ(prep.cluster.racks[0].max_busy, 2U);
  const RunResult r = test::run_inline(prep);
  EXPECT_EQ(causes(prep, r, "b"), only({{POWER_CAP, 90}}));
  // summary.json: 2 accelerators x 90 s = 0.05 accelerator-hours, all power_cap, and the what-if that tests it.
  const auto summary = summarize(prep.scenario, prep.cluster, prep.jobs, r);
  const auto& w = summary.at("wait_causes");
  EXPECT_DOUBLE_EQ(w["accelerator_hours"]["power_cap"].get<double>(), 2 * 90 / 3600.0);
  EXPECT_DOUBLE_EQ(w["total_accelerator_hours"].get<double>(), 2 * 90 / 3600.0);
  EXPECT_EQ(w.at("dominant"), "power_cap");
  EXPECT_EQ(w.at("bottleneck").at("site"), "s");
  EXPECT_EQ(w.at("bottleneck").at("what_if"), "higher rack power caps at s (power_cap_kw of its rack groups)");
}

TEST(WaitCauses, FragmentationWhenFreeAcceleratorsAreSplitOverSites)
{
  // Three sites of one node of 2 G; locality keeps a at east, b at west, d at central (their data's sites). c
  // (2, no data, may not span sites) finds 1 free at east and 1 at west from 1 to 50: enough in all, in no one
  // site. b ends at 50: c runs at west.
  std::string text = R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 100},
      "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}}, "sites": [)";
  for (const char* site : {"east", "west", "central"})
    text += std::string(R"({"name": ")") + site + R"(", "region": ")" + site +
            R"(", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 2}}]},)";
  text.back() = ']';
  text += R"(, "network": {"links": [{"from": "east", "to": "west", "tier": "national", "bandwidth_gbps": 100},
                                     {"from": "west", "to": "central", "tier": "national", "bandwidth_gbps": 100}]},
      "workload": {"jobs": [
        {"id": "a", "submit_s": 0, "accelerators": 1, "duration_s": 100, "data_site": "east", "data_bytes": 1},
        {"id": "b", "submit_s": 0, "accelerators": 1, "duration_s": 50, "data_site": "west", "data_bytes": 1},
        {"id": "d", "submit_s": 0, "accelerators": 2, "duration_s": 100, "data_site": "central", "data_bytes": 1},
        {"id": "c", "submit_s": 1, "accelerators": 2, "duration_s": 10}]},
      "scheduler": {"queue": "fcfs", "placement": "locality"}, "output": {"wait_causes": true}})";
  const PreparedRun prep = test::prepared_from_text(text);
  const RunResult r = test::run_inline(prep);
  EXPECT_EQ(r.records[test::job_index(prep, "c")].start_s, 50.0);
  EXPECT_EQ(causes(prep, r, "c"), only({{FRAGMENTATION, 49}}));

  // The same split under first-fit (decided from counts, the placement not asked): p (2) takes east [0, 10), q1 and
  // q2 west [0, 100) and [0, 20), r central [0, 100); s (1, at 1) waits for capacity until p ends, then takes one
  // at east. From 20, one is free at east and one at west: c (2, at 21) waits 79 s for fragmentation, then runs
  // at west when q1 and r end at 100.
  std::string first_fit = text.substr(0, text.find(R"("workload")"));
  first_fit += R"("workload": {"jobs": [
        {"id": "p", "submit_s": 0, "accelerators": 2, "duration_s": 10},
        {"id": "q1", "submit_s": 0, "accelerators": 1, "duration_s": 100},
        {"id": "q2", "submit_s": 0, "accelerators": 1, "duration_s": 20},
        {"id": "r", "submit_s": 0, "accelerators": 2, "duration_s": 100},
        {"id": "s", "submit_s": 1, "accelerators": 1, "duration_s": 1000},
        {"id": "c", "submit_s": 21, "accelerators": 2, "duration_s": 10}]},
      "scheduler": {"queue": "fcfs", "placement": "first-fit"}})";
  const PreparedRun ff = test::prepared_from_text(first_fit);
  const RunResult rf = test::run_inline(ff);
  EXPECT_EQ(causes(ff, rf, "s"), only({{CAPACITY, 9}}));
  EXPECT_EQ(rf.records[test::job_index(ff, "c")].start_s, 100.0);
  EXPECT_EQ(causes(ff, rf, "c"), only({{FRAGMENTATION, 79}}));
}

namespace {
//! Every job's causes sum to its wait (start - submission) exactly, and a job that did not wait has none.
void expect_causes_sum_to_waits(const PreparedRun& prep, const RunResult& r)
{
  std::size_t waited = 0;
  for (const Job& job : prep.jobs) {
    const JobRecord& rec = r.records[job.index];
    ASSERT_NE(rec.state, JobState::PENDING) << job.id;
    double sum = 0;
    for (const double s : rec.wait_s) {
      ASSERT_GE(s, 0.0) << job.id;
      sum += s;
    }
    ASSERT_EQ(sum, rec.start_s - job.submit_s) << job.id;
    waited += rec.start_s > job.submit_s ? 1 : 0;
  }
  EXPECT_GT(waited, 0U); // the property is not vacuous
}
} // namespace

class WaitCausesSum : public ::testing::TestWithParam<const char*> {
protected:
  //! The shipped scenario at `path` (from the repository root), prepared under the test's queue policy.
  static PreparedRun prepared(const std::string& path)
  {
    Overrides o;
    o.queue_policy = GetParam();
    return test::prepared_from_file((std::filesystem::path(CCSIM_SOURCE_DIR) / path).string(), o);
  }
};

TEST_P(WaitCausesSum, OnTheDefaultScenario)
{
  const PreparedRun prep = prepared("scenarios/default.json");
  WaitLogRecorder log;
  const RunResult r = test::run_inline(prep, nullptr, &log);
  expect_causes_sum_to_waits(prep, r);
  EXPECT_EQ(wait_log_problem(prep.jobs, r, log.intervals), "");
}

TEST_P(WaitCausesSum, OnKthSp2)
{
  const auto shared = std::filesystem::path(CCSIM_SOURCE_DIR) / ".." / "shared" / "data";
  if (not std::filesystem::exists(shared / "swf" / "KTH-SP2-1996-2.1-cln.swf.gz"))
    GTEST_SKIP() << "../shared/data/swf is absent: skipping KTH-SP2";
  const PreparedRun prep = prepared("scenarios/traces/kth-sp2.json");
  WaitLogRecorder log;
  const RunResult r = test::run_inline(prep, nullptr, &log);
  expect_causes_sum_to_waits(prep, r);
  EXPECT_EQ(wait_log_problem(prep.jobs, r, log.intervals), "");
  // One type, no caps, one site, first-fit: a job waits only for capacity or behind the queue.
  const auto summary = summarize(prep.scenario, prep.cluster, prep.jobs, r);
  for (const auto cause : {"staging", "fragmentation", "power_cap", "eligibility"})
    EXPECT_EQ(summary["wait_causes"]["accelerator_hours"][cause], 0.0) << cause;
}

INSTANTIATE_TEST_SUITE_P(Policies, WaitCausesSum, ::testing::Values("fcfs", "easy", "conservative"));
