// Platform over time (docs/scenario.md "Platform over time"): commissioning, maintenance windows and power-cap
// changes, with exact hand-computed schedules, energies and utilizations.
#include "../support/helpers.hpp"

#include "ccsim/metrics/metrics.hpp"

#include <gtest/gtest.h>

using namespace ccsim;
using ccsim::test::has_error;
using ccsim::test::load_errors;
using ccsim::test::run_inline;

namespace {

//! One site, one rack group `group_json` (its "name", "count", "nodes_per_rack", "node" given; keys added) of type G
//! (idle 10 W, max 110 W: 100 W per busy accelerator), `site_extra` added to the site, jobs and scheduler.
std::string scenario(const std::string& group_extra, const std::string& site_extra, const std::string& jobs,
                     const std::string& queue = "easy", int per_node = 4)
{
  return R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"fp32": 10, "bf16": 100},
             "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
             "sites": [{"name": "s", "region": "east", "pue": 1.0)" +
         site_extra + R"(, "racks": [{"name": "a", "count": 1, "nodes_per_rack": 1,
             "node": {"accelerator": "G", "count": )" +
         std::to_string(per_node) + "}" + group_extra + R"(}]}],
             "workload": {"jobs": )" +
         jobs + R"(}, "scheduler": {"queue": ")" + queue + R"(", "placement": "first-fit"}})";
}

struct Starts {
  std::vector<double> start, finish;
};
Starts run(const std::string& text, EnergyMeter* meter = nullptr, PreparedRun* keep = nullptr)
{
  PreparedRun p = test::prepared_from_text(text);
  const RunResult r = run_inline(p, meter);
  const std::string problem = test::schedule_problem(p.cluster, p.jobs, r, p.scenario.scheduler);
  EXPECT_EQ(problem, "");
  Starts s;
  for (const auto& rec : r.records) {
    s.start.push_back(rec.start_s);
    s.finish.push_back(rec.finish_s);
  }
  if (keep != nullptr)
    *keep = std::move(p);
  return s;
}

} // namespace

TEST(Capacity, AJobStartsOnlyOnceItsRacksComeOnline)
{
  // The only rack group is commissioned at 100 s: the job submitted at 0 starts then.
  const Starts s = run(scenario(R"(, "online_s": 100)", "", R"([{"id": "j", "submit_s": 0, "accelerators": 1,
      "duration_s": 10}])",
                                "fcfs"));
  EXPECT_EQ(s.start[0], 100.0);
  EXPECT_EQ(s.finish[0], 110.0);
}

TEST(Capacity, ARackOutOfServiceDrawsNothingAndUtilizationIsOverCapacityInService)
{
  // 2 accelerators of 10 W idle, 110 W busy. Before 100 s the rack is not installed: 0 W. The job runs 100-110 s with
  // one accelerator busy: 20 + 100 = 120 W, so 1200 J of IT energy (PUE 1). Utilization: 10 busy accelerator-seconds
  // over 2 x 10 in service = 50 % (not 10 / (2 x 110)).
  const std::string text = scenario(R"(, "online_s": 100)", "",
                                    R"([{"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 10}])", "fcfs", 2);
  PreparedRun p = test::prepared_from_text(text);
  EnergyMeter meter(p.cluster, 0);
  const RunResult r = run_inline(p, &meter);
  EXPECT_EQ(r.records[0].start_s, 100.0);
  EXPECT_DOUBLE_EQ(meter.it_energy_j(0), 1200.0);
  EXPECT_DOUBLE_EQ(meter.facility_energy_j(0), 1200.0);
  EXPECT_DOUBLE_EQ(p.cluster.online_accelerator_s(0, 110), 20.0);
  const auto summary = summarize(p.scenario, p.cluster, p.jobs, r, &meter);
  EXPECT_DOUBLE_EQ(summary["utilization"]["accelerators"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(summary["accelerator_hours"]["in_service"].get<double>(), 20.0 / 3600.0);
  // January: the job waited 100 s for its rack; busy 10 over 20 accelerator-seconds in service.
  EXPECT_EQ(summary["by_month"][0]["jobs"], 1);
  EXPECT_EQ(summary["by_month"][0]["wait_s_mean"], 100.0);
  EXPECT_DOUBLE_EQ(summary["by_month"][0]["utilization"].get<double>(), 0.5);
}

// A maintenance window [50, 80) on a node of 4 accelerators. A (2, 30 s) starts at 0. B (4, walltime 40) cannot
// start: at 30 [30, 70) would cross the window, so its reservation is at 80 (ends 120). C (2, 20 s) backfills at 1
// (ends 21). D (1, walltime 60) never fits before the window ([21, 81), [30, 90), [46, 106) all cross it) and waits
// behind B: 120-180. E (2, 25 s) backfills at 21 (ends 46 <= 50 and <= B's reservation).
const std::string MAINTENANCE_JOBS = R"([
    {"id": "A", "submit_s": 0, "accelerators": 2, "duration_s": 30, "walltime_s": 30},
    {"id": "B", "submit_s": 0, "accelerators": 4, "duration_s": 40, "walltime_s": 40},
    {"id": "C", "submit_s": 1, "accelerators": 2, "duration_s": 20, "walltime_s": 20},
    {"id": "D", "submit_s": 2, "accelerators": 1, "duration_s": 60, "walltime_s": 60},
    {"id": "E", "submit_s": 3, "accelerators": 2, "duration_s": 25, "walltime_s": 25}])";

TEST(Capacity, EasyReservationRespectsAMaintenanceWindow)
{
  const Starts s = run(scenario("", R"(, "maintenance": [{"start_s": 50, "end_s": 80}])", MAINTENANCE_JOBS, "easy"));
  EXPECT_EQ(s.start, (std::vector<double>{0, 80, 1, 120, 21}));
  EXPECT_EQ(s.finish, (std::vector<double>{30, 120, 21, 180, 46}));
}

TEST(Capacity, ConservativeReservationsRespectAMaintenanceWindow)
{
  const Starts s = run(scenario("", R"(, "maintenance": [{"start_s": 50, "end_s": 80, "rack_groups": ["a"]}])",
                                MAINTENANCE_JOBS, "conservative"));
  EXPECT_EQ(s.start, (std::vector<double>{0, 80, 1, 120, 21}));
  EXPECT_EQ(s.finish, (std::vector<double>{30, 120, 21, 180, 46}));
}

TEST(Capacity, NoJobStartsWhoseWalltimeCrossesAPowerCapCut)
{
  // 2 accelerators of 100 W above idle (idle 20 W); from 100 s the cap of 0.12 kW lets one be busy. J1 (1, walltime
  // 200) starts at 0 (it alone fits under the cut); J2 (1, walltime 50) starts at 0 (it ends before the cut). J3 (1,
  // walltime 200, submitted at 10) would hold a second accelerator past 100 s: it waits until J1 ends at 200.
  const Starts s = run(scenario(R"(, "power_cap_changes": [{"at_s": 100, "power_cap_kw": 0.12}])", "", R"([
      {"id": "J1", "submit_s": 0, "accelerators": 1, "duration_s": 200, "walltime_s": 200},
      {"id": "J2", "submit_s": 0, "accelerators": 1, "duration_s": 50, "walltime_s": 50},
      {"id": "J3", "submit_s": 10, "accelerators": 1, "duration_s": 10, "walltime_s": 200}])",
                                "fcfs", 2));
  EXPECT_EQ(s.start, (std::vector<double>{0, 0, 200}));
  // One accelerator stranded by the cut from 100 s to the makespan (J3 ends at 210 s): 110 accelerator-seconds;
  // none is stranded for the whole run (the rack ran both before the cut).
  const PreparedRun p =
      test::prepared_from_text(scenario(R"(, "power_cap_changes": [{"at_s": 100, "power_cap_kw": 0.12}])", "",
                                        R"([{"id": "J", "submit_s": 0, "accelerators": 1,
                                                              "duration_s": 210}])",
                                        "fcfs", 2));
  EXPECT_DOUBLE_EQ(p.cluster.stranded_accelerator_s(0, 210), 110.0);
  EXPECT_EQ(p.cluster.stranded_by_caps(), 0U);
  const auto summary = summarize(p.scenario, p.cluster, p.jobs, run_inline(p));
  EXPECT_DOUBLE_EQ(summary["stranded"]["accelerator_s"].get<double>(), 110.0);
}

TEST(Capacity, EasyReservesOnRacksThatComeOnlineLater)
{
  // Group a (4 accelerators) is in service; the second node arrives at 500 s. H needs 8: its reservation is at 500,
  // and F (4, walltime 600) may not backfill onto group a at 10, since it would end after 500 on slots H reserved...
  // F ends at 610 > 500 and the reservation needs all 8: F waits until H ends (500 + 100). G (2, walltime 400)
  // backfills at 10: it ends at 410 <= 500.
  const std::string text = R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 100},
      "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
      "sites": [{"name": "s", "region": "east", "racks": [
        {"name": "a", "count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 4}},
        {"name": "b", "count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 4}, "online_s": 500}]}],
      "workload": {"jobs": [
        {"id": "H", "submit_s": 0, "accelerators": 8, "duration_s": 100, "walltime_s": 100},
        {"id": "F", "submit_s": 10, "accelerators": 4, "duration_s": 600, "walltime_s": 600},
        {"id": "G", "submit_s": 10, "accelerators": 2, "duration_s": 400, "walltime_s": 400}]},
      "scheduler": {"queue": "easy", "placement": "first-fit"}})";
  const Starts s = run(text);
  EXPECT_EQ(s.start, (std::vector<double>{500, 600, 10}));
}

TEST(Capacity, BadServiceDatesAndWindowsAreLocated)
{
  const auto dates = load_errors(scenario(R"(, "online_s": 100, "offline_s": 50)", "", "[]"));
  EXPECT_TRUE(has_error(dates, "/sites/0/racks/0/offline_s", "not after commissioning")) << dates.size();
  const auto window = load_errors(scenario("", R"(, "maintenance": [{"start_s": 80, "end_s": 50}])", "[]"));
  EXPECT_TRUE(has_error(window, "/sites/0/maintenance/0/end_s", "expected end_s > start_s"));
  const auto unknown =
      load_errors(scenario("", R"(, "maintenance": [{"start_s": 0, "end_s": 50, "rack_groups": ["hall-9"]}])", "[]"));
  EXPECT_TRUE(has_error(unknown, "/sites/0/maintenance/0/rack_groups/0", "unknown rack group \"hall-9\""));
  const auto order = load_errors(scenario(R"(, "power_cap_changes": [{"at_s": 100, "power_cap_kw": 1},
      {"at_s": 50, "power_cap_kw": 2}])",
                                          "", "[]"));
  EXPECT_TRUE(has_error(order, "/sites/0/racks/0/power_cap_changes/1/at_s", "ascending order"));
  const auto low = load_errors(scenario(R"(, "power_cap_changes": [{"at_s": 100, "power_cap_kw": 0.001}])", "", "[]"));
  EXPECT_TRUE(has_error(low, "/sites/0/racks/0/power_cap_changes/0/power_cap_kw", "below the rack's idle power"));
  std::string windows = R"(, "maintenance": [)";
  for (int i = 0; i < 1001; i++)
    windows += (i > 0 ? ", " : "") + std::string(R"({"start_s": )") + std::to_string(10 * i) + R"(, "end_s": )" +
               std::to_string(10 * i + 5) + "}";
  const auto many = load_errors(scenario("", windows + "]", "[]"));
  EXPECT_TRUE(has_error(many, "/sites/0/maintenance/1000", "more than 1000 maintenance windows"));
  const auto never = load_errors(scenario(R"(, "online_s": 100)", R"(, "offline_s": 50)", "[]"));
  EXPECT_TRUE(has_error(never, "/sites/0", "never in service"));
}

TEST(Capacity, ByMonthCountsJobsByTheirSubmissionAndSplitsBusyTimeAtMonthBoundaries)
{
  // One accelerator. A job submitted at day 30.5 runs one day: half in January (day 30.5-31), half in February.
  // Capacity up to the makespan (day 31.5): 31 days in January, 0.5 in February. January: 1 job, utilization
  // 0.5 / 31; February: no job submitted, utilization 0.5 / 0.5 = 1.
  const double day = 86400;
  const std::string text = scenario(
      "", "", R"([{"id": "j", "submit_s": 2635200, "accelerators": 1, "duration_s": 86400, "walltime_s": 86400}])",
      "fcfs", 1);
  PreparedRun p = test::prepared_from_text(text);
  EnergyMeter meter(p.cluster, 0);
  const RunResult r = run_inline(p, &meter);
  const auto summary = summarize(p.scenario, p.cluster, p.jobs, r, &meter);
  const auto& months = summary["by_month"];
  EXPECT_EQ(months[0]["jobs"], 1);
  EXPECT_EQ(months[0]["wait_s_mean"], 0.0);
  EXPECT_DOUBLE_EQ(months[0]["utilization"].get<double>(), 0.5 * day / (31 * day));
  EXPECT_EQ(months[1]["jobs"], 0);
  EXPECT_DOUBLE_EQ(months[1]["utilization"].get<double>(), 1.0);
  EXPECT_EQ(months[2]["utilization"], 0.0);
}

TEST(Capacity, ByYearSplitsARunPastAYearIntoItsYears)
{
  // One accelerator, two jobs: j1 submitted on day 364 runs two days (one in each year), j2 submitted on day 400
  // runs one day. Makespan day 401: two years. Year 0: j1, capacity 365 days, busy 1 day; year 1: j2 (and j1's
  // second day), capacity 36 days, busy 2 days. No by_year for a run within a year (the by-month test above).
  const double day = 86400;
  const std::string text = scenario("", "",
                                    R"([{"id": "j1", "submit_s": 31449600, "accelerators": 1, "duration_s": 172800,
                                         "walltime_s": 172800},
                                        {"id": "j2", "submit_s": 34560000, "accelerators": 1, "duration_s": 86400,
                                         "walltime_s": 86400}])",
                                    "fcfs", 1);
  PreparedRun p = test::prepared_from_text(text);
  EnergyMeter meter(p.cluster, 0);
  const RunResult r = run_inline(p, &meter);
  const auto summary = summarize(p.scenario, p.cluster, p.jobs, r, &meter);
  ASSERT_TRUE(summary.contains("by_year"));
  const auto& years = summary["by_year"];
  ASSERT_EQ(years.size(), 2U);
  EXPECT_EQ(years[0]["jobs"], 1);
  EXPECT_EQ(years[1]["jobs"], 1);
  EXPECT_DOUBLE_EQ(years[0]["utilization"].get<double>(), day / (365 * day));
  EXPECT_DOUBLE_EQ(years[1]["utilization"].get<double>(), 2 * day / (36 * day));
  // Energy by year adds up to the run's, and to the months' (which fold the second year into January and February).
  const double total = summary["energy"]["facility_kwh"].get<double>();
  EXPECT_NEAR(years[0]["facility_kwh"].get<double>() + years[1]["facility_kwh"].get<double>(), total, 1e-9 * total);
  double months = 0;
  for (const auto& m : summary["by_month"])
    months += m["facility_kwh"].get<double>();
  EXPECT_NEAR(months, total, 1e-9 * total);
  EXPECT_GT(years[1]["facility_kwh"].get<double>(), years[0]["facility_kwh"].get<double>() * 36 / 365);
}
