// The report's chart data (hand-computed bins, occupancy segments, wait histogram, power groups) and escaping.
#include "ccsim/core/error.hpp"
#include "ccsim/output/html_report.hpp"
#include "ccsim/output/report_data.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;
using ccsim::report::Limits;
using ccsim::report::run_data;

namespace {

fs::path results_dir(const std::string& name)
{
  const fs::path dir = fs::temp_directory_path() / ("ccsim-report-" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write(const fs::path& file, const std::string& text)
{
  std::ofstream(file, std::ios::binary) << text;
}

// Two racks: A (accelerators 0-1, type X at site s1) and B (2-3, type Y at site s2); makespan 10 s.
// j1 holds 0-2 (both of A, one of B) over [0, 10); j2 holds 3 over [2.5, 7.5) after a 61 s wait; j3 never ran.
fs::path two_rack_run()
{
  const fs::path dir = results_dir("two-racks");
  write(dir / "summary.json", R"({"scenario": {"name": "two"}, "seed": 3, "makespan_s": 10,
    "scheduler": {"queue": "fcfs", "placement": "first-fit"}, "utilization": {"accelerators": 0.875},
    "cost": {"electricity": 2.5, "currency": "CNY"}})");
  write(dir / "racks.csv", "rack,site,region,accelerator_type,nodes,accelerators,first_accelerator,power_cap_w,"
                           "max_busy\nA,s1,east,X,1,2,0,,2\nB,s2,west,Y,1,2,2,1000,2\n");
  write(dir / "jobs.csv", "job_id,starting_time,finish_time,waiting_time,allocated_resources\n"
                          "j1,0,10,0,0-2\nj2,2.5,7.5,61,3\nj3,,,-1,\n");
  write(dir / "timeseries.csv", "time_s,it_power_w,facility_power_w\n0,100,150\n5,300,390\n10,200,300\n");
  return dir;
}

} // namespace

TEST(Report, UtilizationIsBusyAcceleratorSecondsPerBin)
{
  Limits limits;
  limits.time_bins = 2; // [0, 5) and [5, 10)
  const auto run = run_data(two_rack_run(), "label", limits);
  // Bin 0: A 2 x 5 = 10 acc-s of 10 -> 1; B 1 x 5 + 1 x 2.5 = 7.5 of 10 -> 0.75; all 17.5 of 20 -> 0.875.
  // Bin 1: the same by symmetry (j2 covers [5, 7.5)).
  EXPECT_EQ(run["utilization"]["total"], nlohmann::json::parse("[0.875, 0.875]"));
  const auto& by_type = run["utilization"]["by_type"];
  ASSERT_EQ(by_type.size(), 2U);
  EXPECT_EQ(by_type[0]["name"], "X");
  EXPECT_EQ(by_type[0]["values"], nlohmann::json::parse("[1.0, 1.0]"));
  EXPECT_EQ(by_type[1]["name"], "Y");
  EXPECT_EQ(by_type[1]["accelerators"], 2);
  EXPECT_EQ(by_type[1]["values"], nlohmann::json::parse("[0.75, 0.75]"));
  EXPECT_EQ(run["utilization"]["by_site"][1]["name"], "s2");
  // The mean over bins is summary.json's utilization: busy accelerator-seconds / (A x makespan) = 35 / 40.
  EXPECT_EQ(run["time"]["horizon_s"], 10.0);
  double mean = 0;
  for (const auto& v : run["utilization"]["total"])
    mean += v.get<double>() / 2;
  EXPECT_DOUBLE_EQ(mean, 35.0 / 40.0);
}

TEST(Report, BinsSplitAJobAtTheirEdges)
{
  Limits limits;
  limits.time_bins = 4; // 2.5 s each: j2 fills bins 1 and 2 of rack B exactly
  const auto run = run_data(two_rack_run(), "label", limits);
  EXPECT_EQ(run["utilization"]["by_type"][1]["values"], nlohmann::json::parse("[0.5, 1.0, 1.0, 0.5]"));
  // Occupancy rows: A is full throughout (one segment); B changes tenth at 2.5 and 7.5 s.
  EXPECT_EQ(
      run["gantt"]["segments"],
      nlohmann::json::parse("[[0, 0.0, 10.0, 1.0], [1, 0.0, 2.5, 0.5], [1, 2.5, 7.5, 1.0], [1, 7.5, 10.0, 0.5]]"));
  EXPECT_EQ(run["gantt"]["racks_total"], 2);
}

TEST(Report, WaitCdfPerClassFromTheClassColumn)
{
  // Training: waits 0, 10, 100 s; inference: 0, 0 s (a pending inference job counts in no CDF).
  const fs::path dir = two_rack_run();
  write(dir / "jobs.csv", "job_id,starting_time,finish_time,waiting_time,allocated_resources,class\n"
                          "a,0,1,0,0,training\nb,0,1,10,1,training\nc,0,1,100,2,training\n"
                          "d,0,1,0,3,inference\ne,0,1,0,3,inference\nf,,,-1,,inference\n");
  const auto run = run_data(dir, "label", Limits{});
  // Overall: 5 ended, 3 did not wait; CDF points from 10 to 100 s (the last point: every job).
  EXPECT_EQ(run["wait_cdf"]["zero_share"], 0.6);
  EXPECT_EQ(run["wait_cdf"]["share"].back(), 1.0);
  const auto& by = run["wait_cdf_by_class"];
  ASSERT_EQ(by.size(), 2U); // in name order
  EXPECT_EQ(by[0]["class"], "inference");
  EXPECT_EQ(by[0]["jobs"], 2);
  EXPECT_EQ(by[0]["zero_share"], 1.0);
  EXPECT_EQ(by[0]["t_s"].size(), 0U); // nobody waited
  EXPECT_EQ(by[1]["class"], "training");
  EXPECT_EQ(by[1]["jobs"], 3);
  EXPECT_DOUBLE_EQ(by[1]["zero_share"].get<double>(), 1.0 / 3);
  ASSERT_EQ(by[1]["t_s"].size(), 100U); // 100 points evenly in log t from 10 to 100 s
  EXPECT_EQ(by[1]["t_s"][0], 10.0);
  EXPECT_EQ(by[1]["t_s"][99], 100.0);
  EXPECT_DOUBLE_EQ(by[1]["share"][0].get<double>(), 2.0 / 3);  // at 10 s: the job that waited 0 and the one 10 s
  EXPECT_DOUBLE_EQ(by[1]["share"][98].get<double>(), 2.0 / 3); // just below 100 s
  EXPECT_EQ(by[1]["share"][99], 1.0);
  // One class only: no per-class CDFs (the overall one says it all).
  write(dir / "jobs.csv", "job_id,starting_time,finish_time,waiting_time,allocated_resources,class\n"
                          "a,0,1,0,0,hpc\nb,0,1,10,1,hpc\n");
  EXPECT_FALSE(run_data(dir, "label", Limits{}).contains("wait_cdf_by_class"));
}

TEST(Report, WaitHistogramAndPowerGroups)
{
  Limits limits;
  limits.power_points = 2; // 3 rows -> groups of 2: rows {0, 1} and {2}
  const auto run = run_data(two_rack_run(), "label", limits);
  EXPECT_EQ(run["waits"]["counts"], nlohmann::json::parse("[1, 0, 1, 0, 0, 0, 0]")); // 0 s and 1-10 min
  EXPECT_EQ(run["waits"]["jobs"], 2);
  EXPECT_EQ(run["waits"]["pending"], 1);
  // The CDF (issue 26): one of the two ended jobs did not wait; the other waited w, so the one point is (w, 1).
  EXPECT_EQ(run["wait_cdf"]["zero_share"], 0.5);
  ASSERT_EQ(run["wait_cdf"]["t_s"].size(), 1U);
  EXPECT_GT(run["wait_cdf"]["t_s"][0].get<double>(), 60.0);
  EXPECT_EQ(run["wait_cdf"]["share"], nlohmann::json::parse("[1.0]"));
  EXPECT_EQ(run["power"]["time_s"], nlohmann::json::parse("[2.5, 10.0]"));
  EXPECT_EQ(run["power"]["it_w"], nlohmann::json::parse("[200.0, 200.0]"));
  EXPECT_EQ(run["power"]["facility_w"], nlohmann::json::parse("[270.0, 300.0]"));
  EXPECT_EQ(run["power"]["pue"], nlohmann::json::parse("[1.35, 1.5]"));
  EXPECT_FALSE(run.contains("waiting")); // no waiting.<cause> columns: waits were not attributed
  // Headline metrics carry their units, the currency from the summary.
  bool cost = false;
  for (const auto& h : run["headline"])
    if (h["pointer"] == "/cost/electricity") {
      cost = true;
      EXPECT_EQ(h["unit"], "CNY");
      EXPECT_EQ(h["value"], 2.5);
    }
  EXPECT_TRUE(cost);
}

TEST(Report, AcceleratorsWaitingByCauseAreAveragedLikePower)
{
  // timeseries.csv with the waiting.<cause> columns of a run whose waits were attributed (two of them here, in the
  // order ccsim writes them): the same groups of 2 rows as power.
  const fs::path dir = two_rack_run();
  write(dir / "timeseries.csv", "time_s,it_power_w,facility_power_w,waiting.policy,waiting.capacity\n"
                                "0,100,150,0,4\n5,300,390,2,8\n10,200,300,1,0\n");
  Limits limits;
  limits.power_points = 2;
  const auto run = run_data(dir, "label", limits);
  EXPECT_EQ(run.at("waiting").at("time_s"), nlohmann::json::parse("[2.5, 10.0]"));
  EXPECT_EQ(
      run["waiting"].at("by_cause"),
      nlohmann::ordered_json::parse(
          R"([{"cause": "policy", "accelerators": [1.0, 1.0]}, {"cause": "capacity", "accelerators": [6.0, 0.0]}])"));
  EXPECT_EQ(run["power"]["it_w"], nlohmann::json::parse("[200.0, 200.0]"));
}

TEST(Report, ManyRacksAreSampledEvenlyAndSmallSitesGrouped)
{
  const fs::path dir = results_dir("many");
  write(dir / "summary.json", R"({"makespan_s": 4})");
  std::string racks = "rack,site,region,accelerator_type,nodes,accelerators,first_accelerator,power_cap_w,max_busy\n";
  for (int r = 0; r < 10; r++) // sites s0..s4, two racks each; s0 has the largest racks
    racks += "r" + std::to_string(r) + ",s" + std::to_string(r / 2) + ",x,T,1," + (r < 2 ? "4," : "1,") +
             std::to_string(r < 2 ? 4 * r : 8 + (r - 2)) + ",,1\n";
  write(dir / "racks.csv", racks);
  write(dir / "jobs.csv", "starting_time,finish_time,waiting_time,allocated_resources\n0,4,0,0-15\n");
  Limits limits;
  limits.time_bins = 1;
  limits.gantt_racks = 4;
  limits.site_lines = 2;
  const auto run = run_data(dir, "x", limits);
  std::vector<std::string> rows;
  for (const auto& r : run["gantt"]["racks"])
    rows.push_back(r["name"]);
  EXPECT_EQ(rows, (std::vector<std::string>{"r0", "r2", "r5", "r7"})); // j x 10 / 4
  const auto& sites = run["utilization"]["by_site"];
  ASSERT_EQ(sites.size(), 3U);
  EXPECT_EQ(sites[0]["name"], "s0");
  EXPECT_EQ(sites[1]["name"], "s1"); // ties broken by platform order
  EXPECT_EQ(sites[2]["name"], "other 3 sites");
  EXPECT_EQ(sites[2]["accelerators"], 6);
  // Accelerators 0-15: all of s0 (8), s1 (2), s2 (2), s3 (2), s4 (2): every rack full.
  EXPECT_EQ(sites[2]["values"], nlohmann::json::parse("[1.0]"));
  EXPECT_EQ(run["utilization"]["total"], nlohmann::json::parse("[1.0]"));
}

TEST(Report, BadFilesAreLocated)
{
  const fs::path dir = two_rack_run();
  write(dir / "jobs.csv", "starting_time,finish_time,waiting_time,allocated_resources\n0,10,0,0-2\n0,1,0,9\n");
  try {
    (void)run_data(dir, "x");
    FAIL() << "an accelerator outside racks.csv was accepted";
  } catch (const ccsim::InputError& e) {
    const std::string msg = e.diagnostics().at(0).to_string();
    EXPECT_NE(msg.find("jobs.csv: line 3"), std::string::npos) << msg;
    EXPECT_NE(msg.find("index 9 is in no rack"), std::string::npos) << msg;
  }
  // A range that runs past the last rack (found by the report fuzz target: it read past the rack list).
  const auto expect_no_rack = [&](const std::string& jobs, const std::string& index) {
    write(dir / "jobs.csv", "starting_time,finish_time,waiting_time,allocated_resources\n" + jobs);
    try {
      (void)run_data(dir, "x");
      ADD_FAILURE() << jobs << ": accepted";
    } catch (const ccsim::InputError& e) {
      const std::string msg = e.diagnostics().at(0).to_string();
      EXPECT_NE(msg.find("index " + index + " is in no rack"), std::string::npos) << msg;
    }
  };
  expect_no_rack("0,10,0,3-4\n", "4");
  expect_no_rack("0,10,0,2-18446744073709551615\n", "4");
  // A gap between racks: B starts at 3, so accelerator 2 is in no rack; 3-4 is all of B.
  write(dir / "racks.csv", "rack,site,accelerator_type,accelerators,first_accelerator\nA,s1,X,2,0\nB,s2,Y,2,3\n");
  expect_no_rack("0,10,0,1-3\n", "2");
  write(dir / "jobs.csv", "starting_time,finish_time,waiting_time,allocated_resources\n0,10,0,3-4\n");
  EXPECT_EQ(run_data(dir, "x")["utilization"]["by_type"][1]["values"][0], 1.0);
  write(dir / "jobs.csv", "starting_time,finish_time,waiting_time,allocated_resources\n0,10,0,0-x\n");
  EXPECT_THROW((void)run_data(dir, "x"), ccsim::InputError);
  write(dir / "summary.json", "{\"makespan_s\": ");
  EXPECT_THROW((void)run_data(dir, "x"), ccsim::InputError);
}

TEST(Report, MissingOptionalFilesLeaveNotes)
{
  const fs::path dir = two_rack_run();
  fs::remove(dir / "racks.csv");
  fs::remove(dir / "timeseries.csv");
  const auto run = run_data(dir, "x");
  EXPECT_FALSE(run.contains("utilization"));
  EXPECT_FALSE(run.contains("power"));
  EXPECT_EQ(run["waits"]["jobs"], 2); // waits need only jobs.csv
  ASSERT_EQ(run["notes"].size(), 2U);
  EXPECT_NE(run["notes"][0].get<std::string>().find("racks.csv"), std::string::npos);
}

TEST(Report, NamesFromInputsCannotEscapeThePage)
{
  const std::string hostile = "<script>alert(1)</script>";
  EXPECT_EQ(ccsim::report::html_escape(hostile), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(ccsim::report::html_escape("a&b\"'"), "a&amp;b&quot;&#39;");
  const nlohmann::ordered_json data = {{"name", hostile + "<!-- \xE2\x80\xA8"}};
  EXPECT_EQ(ccsim::report::script_json(data),
            R"({"name":"\u003cscript\u003ealert(1)\u003c/script\u003e\u003c!-- \u2028"})");
  const nlohmann::ordered_json runs = {{"runs", {{{"label", hostile}}}}, {"sweeps", nlohmann::json::array()}};
  const std::string page = ccsim::report::html_page(hostile, runs);
  EXPECT_EQ(page.find(hostile), std::string::npos);
  EXPECT_NE(page.find("<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>"), std::string::npos);
  // The page carries Chart.js inline (no network), and the same data gives the same bytes.
  EXPECT_NE(page.find("Chart.js v3"), std::string::npos);
  EXPECT_EQ(page.find("src=\"http"), std::string::npos);
  EXPECT_EQ(page, ccsim::report::html_page(hostile, runs));
}

TEST(Report, EnergyAndCostByHourOfTheDayFromTheSummary)
{
  const fs::path dir = two_rack_run();
  nlohmann::json summary = nlohmann::json::parse(R"({"makespan_s": 10, "cost": {"currency": "CNY"}})");
  for (int h = 0; h < 24; h++)
    summary["by_hour_of_day"].push_back({{"facility_kwh", h}, {"cost", 0.5 * h}, {"tco2", 0.001 * h}});
  write(dir / "summary.json", summary.dump());
  const auto run = run_data(dir, "label", Limits{});
  ASSERT_TRUE(run.contains("by_hour"));
  EXPECT_EQ(run["by_hour"]["facility_kwh"].size(), 24U);
  EXPECT_EQ(run["by_hour"]["cost"][14], 7.0);
  EXPECT_EQ(run["by_hour"]["currency"], "CNY");
  EXPECT_FALSE(run_data(two_rack_run(), "label", Limits{}).contains("by_hour")); // no energy metering: none
}
