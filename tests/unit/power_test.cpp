// Power, energy, PUE, cost and carbon: hand-computed cases.
#include "../support/helpers.hpp"

#include "ccsim/cooling/cooling.hpp"
#include "ccsim/core/step_function.hpp"
#include "ccsim/metrics/metrics.hpp"
#include "ccsim/output/writers.hpp"
#include "ccsim/power/energy.hpp"
#include "ccsim/scenario/catalog.hpp"
#include "ccsim/scenario/pue.hpp"
#include "ccsim/tco/tco.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

using namespace ccsim;

namespace {
struct Metered {
  Scenario scenario;
  Cluster cluster;
  RunResult result;
  nlohmann::ordered_json summary;
  Timeseries series;
};

Metered run_metered(const std::string& text)
{
  const PreparedRun prep = test::prepared_from_text(text);
  const Scenario& s = prep.scenario;
  const Cluster& c = prep.cluster;
  EnergyMeter meter(c, s.output.timeseries_interval_s);
  if (s.output.window)
    meter.set_window(*s.output.window);
  RunResult r = test::run_inline(prep, &meter);
  auto summary = summarize(s, c, prep.jobs, r, &meter);
  return Metered{std::move(s), std::move(c), std::move(r), std::move(summary), meter.timeseries()};
}

// The issue's case: 2 nodes x 8 accelerators (idle 70 W, max 700 W, node base 400 W), constant PUE 1.25,
// one 3600 s job on 8 accelerators from t = 0.
std::string two_node_scenario(const std::string& extra_site_fields, const std::string& jobs,
                              const std::string& rack_extra = "")
{
  return R"({"currency": "CNY", "accelerators": {"X": {"kind": "gpu", "peak_tflops": {"bf16": 100, "fp64": 10},
               "memory_gib": 80, "power_w": {"idle": 70, "max": 700}}},
    "sites": [{"name": "s", "region": "east", )" +
         extra_site_fields + R"(
               "racks": [{"count": 1, "nodes_per_rack": 2, )" +
         rack_extra + R"("node": {"accelerator": "X", "count": 8, "base_power_w": 400}}]}],
    "workload": {"jobs": )" +
         jobs + R"(}, "output": {"timeseries_interval_s": 1800}})";
}
} // namespace

TEST(Energy, OneJobOnEightAcceleratorsWithConstantPue)
{
  const Metered m =
      run_metered(two_node_scenario(R"("pue": 1.25, "electricity_price_per_kwh": 0.5, "carbon_kg_per_kwh": 0.6,)",
                                    R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 3600}])"));
  // IT power while the job runs: 2 x 400 + 16 x 70 + 8 x (700 - 70) = 6,960 W for 3,600 s = 6.96 kWh.
  EXPECT_DOUBLE_EQ(m.summary["energy"]["it_kwh"].get<double>(), 6.96);
  EXPECT_DOUBLE_EQ(m.summary["energy"]["facility_kwh"].get<double>(), 8.70);
  EXPECT_DOUBLE_EQ(m.summary["pue"]["effective"].get<double>(), 1.25);
  EXPECT_DOUBLE_EQ(m.summary["cost"]["electricity"].get<double>(), 8.70 * 0.5);
  EXPECT_EQ(m.summary["cost"]["currency"], "CNY");
  EXPECT_DOUBLE_EQ(m.summary["carbon"]["tco2"].get<double>(), 8.70 * 0.6 / 1000);
  // The job's own energy: 8 x 700 W + its node's 400 W base (it holds all 8 of that node), for 3,600 s.
  EXPECT_DOUBLE_EQ(job_energy_j(m.cluster, m.result.records[0], m.result.slots_of(m.result.records[0]), 1.0),
                   (8 * 700 + 400) * 3600.0);
}

TEST(Energy, NodeBasePowerRisesWithBusyAccelerators)
{
  // Issue 23, item 6. Node base 400 W idle, 1,200 W with all 8 busy: 100 W more per busy accelerator. One job on
  // 8 accelerators for 3,600 s: IT = 2 x 400 + 16 x 70 + 8 x (630 + 100) = 7,760 W (6,960 W with one figure), and
  // the job's own energy 8 x 700 W + 1,200 W (its node's base, all of it) for 3,600 s = 24.48 MJ.
  const std::string one_job = R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 3600}])";
  std::string text = two_node_scenario(R"("pue": 1.0,)", one_job);
  const std::string base = R"("base_power_w": 400)";
  text.replace(text.find(base), base.size(), R"("base_power_w": {"idle": 400, "busy": 1200})");
  const Metered m = run_metered(text);
  EXPECT_DOUBLE_EQ(m.summary["energy"]["it_kwh"].get<double>(), 7.76);
  const PreparedRun prep = test::prepared_from_text(text);
  const RunResult r = test::run_inline(prep);
  EXPECT_DOUBLE_EQ(job_energy_j(prep.cluster, r.records[0], r.slots_of(r.records[0]), 1.0), (8 * 700 + 1200) * 3600.0);
  // A cap counts it: 9.48 kW over 1,920 W idle powers floor(7,560 / 730) = 10 busy accelerators (12 at 630 W).
  std::string capped = text;
  capped.replace(capped.find(R"("racks": [{"count": 1, "nodes_per_rack": 2, )"), 43,
                 R"("racks": [{"count": 1, "nodes_per_rack": 2, "power_cap_kw": 9.48, )");
  EXPECT_EQ(test::prepared_from_text(capped).cluster.racks[0].max_busy, 10U);
  EXPECT_TRUE(test::has_error(test::load_errors(two_node_scenario("", one_job)
                                                    .replace(two_node_scenario("", one_job).find(base), base.size(),
                                                             R"("base_power_w": {"idle": 400, "busy": 300})")),
                              "/sites/0/racks/0/node/base_power_w/busy", "below idle base power 400 W"));
}

TEST(Energy, IdleTimeBeforeTheFirstJobCounts)
{
  // Idle 2 x (400 + 8 x 70) = 1,920 W for 1,000 s, then 6,960 W for 3,600 s.
  const Metered m = run_metered(two_node_scenario(
      R"("pue": 1.25,)", R"([{"id": "a", "submit_s": 1000, "accelerators": 8, "duration_s": 3600}])"));
  EXPECT_DOUBLE_EQ(m.summary["energy"]["it_kwh"].get<double>(), (1920.0 * 1000 + 6960.0 * 3600) / 3.6e6);
}

TEST(Energy, TimeseriesSamplesTheStateInEffect)
{
  // Job from 1,000 s to 4,600 s; samples every 1,800 s at 0, 1800, 3600 (state at t holds from t on).
  const Metered m = run_metered(two_node_scenario(
      R"("pue": 1.25,)", R"([{"id": "a", "submit_s": 1000, "accelerators": 8, "duration_s": 3600}])"));
  const auto& cols = m.series.columns;
  // first-fit: waits are attributed, so the accelerators waiting by cause follow (none wait here).
  ASSERT_EQ(cols, (std::vector<std::string>{"time_s", "queue_length", "utilization", "fragmentation", "busy.X",
                                            "it_power_w", "facility_power_w", "it_power_w.s", "facility_power_w.s",
                                            "waiting.staging", "waiting.policy", "waiting.fragmentation",
                                            "waiting.power_cap", "waiting.eligibility", "waiting.capacity"}));
  ASSERT_EQ(m.series.rows(), 3U);
  const auto row = [&](std::size_t r, std::size_t c) { return m.series.values[r * cols.size() + c]; };
  EXPECT_EQ(row(0, 0), 0.0);
  EXPECT_EQ(row(0, 4), 0.0);
  EXPECT_EQ(row(0, 5), 1920.0);
  EXPECT_EQ(row(1, 0), 1800.0);
  EXPECT_EQ(row(1, 2), 0.5); // 8 of 16 busy
  EXPECT_EQ(row(1, 3), 0.0); // node 0 full, node 1 empty: no free accelerator on a partly used node
  EXPECT_EQ(row(1, 4), 8.0);
  EXPECT_EQ(row(1, 5), 6960.0);
  EXPECT_EQ(row(1, 6), 6960.0 * 1.25);
  EXPECT_EQ(row(2, 0), 3600.0);
  EXPECT_TRUE(timeseries_csv(m.series).starts_with("time_s,queue_length,utilization,fragmentation,busy.X,it_power_w,"));
}

TEST(Energy, FragmentationCountsOnlyWhatRackCapsLetRunAndIsAveragedOverTime)
{
  // The rack (2 nodes x 8, idle 1,920 W, 630 W per busy accelerator) capped at 9.48 kW: 12 may be busy. Idle, its
  // 12 runnable free accelerators are 8 on a whole node and 4 that only a partial job can use: 4 / 12. From 1,000 s
  // to 4,600 s a 4-accelerator job holds node 0: 12 free, but the cap lets 8 run, all of node 1: 0 / 8. Mean over
  // the 4,600 s: 1,000 x (1/3) / 4,600. The 4 accelerators the cap strands are never counted as free.
  const Metered m = run_metered(
      two_node_scenario(R"("pue": 1.0,)", R"([{"id": "a", "submit_s": 1000, "accelerators": 4, "duration_s": 3600}])",
                        R"("power_cap_kw": 9.48, )"));
  const std::size_t w = m.series.columns.size();
  EXPECT_DOUBLE_EQ(m.series.values[0 * w + 3], 4.0 / 12.0); // t = 0
  EXPECT_DOUBLE_EQ(m.series.values[1 * w + 3], 0.0);        // t = 1800
  EXPECT_DOUBLE_EQ(m.summary["fragmentation"]["mean"].get<double>(), 1000.0 / 3 / 4600);
}

TEST(Energy, FragmentationCountsFreeAcceleratorsOnPartlyUsedNodes)
{
  // A 4-accelerator job on node 0 (of 8): 4 free on a partly used node, 8 on an empty one: 4 / 12.
  const Metered m = run_metered(
      two_node_scenario(R"("pue": 1.0,)", R"([{"id": "a", "submit_s": 0, "accelerators": 4, "duration_s": 3600}])"));
  const std::size_t w = m.series.columns.size();
  EXPECT_DOUBLE_EQ(m.series.values[1 * w + 3], 4.0 / 12.0);
  EXPECT_DOUBLE_EQ(m.series.values[1 * w + 2], 4.0 / 16.0);
  // Averaged over time (issue 23, item 12; it was the mean of the hourly samples, 0 without a timeseries): 4/12
  // from 0 to the makespan, 3,600 s.
  EXPECT_DOUBLE_EQ(m.summary["fragmentation"]["mean"].get<double>(), 4.0 / 12.0);
}

TEST(Energy, ExpectedFragmentationWeighsTheSubmittedJobSizes)
{
  // Issue 23, item 12. Two nodes of 8. At 0: a (4) and b (1) start on node 0, c (16) waits for both nodes. Free: 3 on
  // node 0, 8 on node 1, all usable (11). Submitted sizes 4, 1, 16, a third each: a 1-accelerator job can take every
  // free one; a 4-accelerator job wants 4 free on a node, so node 0's 3 are loose for it; a 16-accelerator job wants
  // whole nodes (min(16, 8) = 8 free), so also 3. Expected fragmentation (0 + 3 + 3) / 3 / 11 = 2/11 until 3,600 s,
  // then c holds everything (no free accelerator: 0) until 7,200 s. Mean 1/11. The whole-node measure: 3/11, then 0.
  const std::string jobs = R"([{"id": "a", "submit_s": 0, "accelerators": 4, "duration_s": 3600},
                              {"id": "b", "submit_s": 0, "accelerators": 1, "duration_s": 3600},
                              {"id": "c", "submit_s": 0, "accelerators": 16, "duration_s": 3600}])";
  const Metered m = run_metered(two_node_scenario(R"("pue": 1.0,)", jobs));
  EXPECT_DOUBLE_EQ(m.summary["fragmentation"]["expected_mean"].get<double>(), 1.0 / 11);
  EXPECT_DOUBLE_EQ(m.summary["fragmentation"]["mean"].get<double>(), 3.0 / 11 / 2);
  // Capped at 9.48 kW (12 may be busy): with 5 busy, 7 may still run, and node 1 holds 8 free together: nothing is
  // loose for any size, while the whole-node measure calls all 7 fragmented (no whole node fits in the allowance).
  const Metered capped = run_metered(two_node_scenario(R"("pue": 1.0,)", R"([
      {"id": "a", "submit_s": 0, "accelerators": 4, "duration_s": 3600},
      {"id": "b", "submit_s": 0, "accelerators": 1, "duration_s": 3600}])",
                                                       R"("power_cap_kw": 9.48, )"));
  EXPECT_EQ(capped.summary["fragmentation"]["expected_mean"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(capped.summary["fragmentation"]["mean"].get<double>(), 1.0);
}

TEST(Pue, CurveInterpolatesAtAndBetweenPointsAndClamps)
{
  PueCurve c;
  c.points = {{0.2, 1.8}, {0.5, 1.5}, {1.0, 1.2}};
  EXPECT_DOUBLE_EQ(c.at(0.2), 1.8);
  EXPECT_DOUBLE_EQ(c.at(0.5), 1.5);
  EXPECT_DOUBLE_EQ(c.at(1.0), 1.2);
  EXPECT_DOUBLE_EQ(c.at(0.35), 1.65);
  EXPECT_DOUBLE_EQ(c.at(0.75), 1.35);
  EXPECT_DOUBLE_EQ(c.at(0.0), 1.8); // below the first point: the first value
  EXPECT_DOUBLE_EQ(c.at(1.5), 1.2);
  EXPECT_DOUBLE_EQ(PueCurve::constant(1.3).at(0.01), 1.3);
  ASSERT_TRUE(pue_preset("liquid-cooled").has_value());
  EXPECT_DOUBLE_EQ(pue_preset("liquid-cooled")->at(1.0), 1.10);
  EXPECT_FALSE(pue_preset("swamp-cooler").has_value());
}

TEST(Energy, LoadDependentPueFollowsTheSiteLoad)
{
  // Site max IT power: 2 x 400 + 16 x 700 = 12,000 W. Idle 1,920 W -> load 0.16; busy 6,960 W -> load 0.58.
  const Metered m =
      run_metered(two_node_scenario(R"("pue": {"curve": [[0.0, 2.0], [1.0, 1.0]]},)",
                                    R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 3600}])"));
  const double load = 6960.0 / 12000.0;
  EXPECT_DOUBLE_EQ(m.summary["energy"]["facility_kwh"].get<double>(), 6960.0 * (2.0 - load) * 3600 / 3.6e6);
}

// Issue 23, item 3: a capped rack's load fraction is relative to what its cap lets it draw, not its nameplate.
TEST(Energy, ACappedRackReachesFullLoadAndItsFullLoadPue)
{
  // Cap 8 kW: 9 accelerators may be busy (see SecondJobWaitsWhenTheCapForbidsIt). Site maximum: idle 1,920 W +
  // 9 x 630 W = 7,590 W (nameplate: 12,000 W). Nine busy accelerators (jobs of 8 and 1 on 3,600 s): IT power
  // 1,920 + 9 x 630 = 7,590 W, load 1.0, PUE 1.1 (with the nameplate: load 0.6325, PUE 1.2469).
  const Metered m = run_metered(two_node_scenario(R"("pue": {"curve": [[0.0, 1.5], [1.0, 1.1]]},)",
                                                  R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 3600},
          {"id": "b", "submit_s": 0, "accelerators": 1, "duration_s": 3600}])",
                                                  R"("power_cap_kw": 8, )"));
  EXPECT_DOUBLE_EQ(m.cluster.sites[0].max_w, 7590.0);
  EXPECT_DOUBLE_EQ(m.summary["energy"]["it_kwh"].get<double>(), 7.59);
  EXPECT_DOUBLE_EQ(m.summary["energy"]["facility_kwh"].get<double>(), 7.59 * 1.1);
  EXPECT_DOUBLE_EQ(m.summary["pue"]["effective"].get<double>(), 1.1);
}

TEST(RackCap, SecondJobWaitsWhenTheCapForbidsIt)
{
  // Cap 8 kW: idle rack 1,920 W leaves 6,080 W = 9 busy accelerators at 630 W each (floor(6080/630) = 9).
  // Job a takes 8; job b needs 2 and waits for a although 8 accelerators are free.
  const Metered m = run_metered(two_node_scenario(R"("pue": 1.0,)",
                                                  R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 100},
          {"id": "b", "submit_s": 0, "accelerators": 2, "duration_s": 10}])",
                                                  R"("power_cap_kw": 8, )"));
  EXPECT_EQ(m.cluster.racks[0].max_busy, 9U);
  EXPECT_EQ(m.result.records[1].start_s, 100.0);
  // 7 accelerators can never be busy: stranded by the cap.
  EXPECT_EQ(m.summary["stranded"]["accelerators"], 7);
  EXPECT_DOUBLE_EQ(m.summary["stranded"]["accelerator_s"].get<double>(), 7 * 110.0);
}

TEST(RackCap, AJobOfOneGoesNextToTheCapStillAllows)
{
  // Same cap: a job of 1 fits beside job a (8 + 1 = 9 busy).
  const Metered m = run_metered(two_node_scenario(R"("pue": 1.0,)",
                                                  R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 100},
          {"id": "b", "submit_s": 0, "accelerators": 1, "duration_s": 10}])",
                                                  R"("power_cap_kw": 8, )"));
  EXPECT_EQ(m.result.records[1].start_s, 0.0);
}

TEST(RackCap, JobGoesToAnUncappedSiteWhenItsRackIsFull)
{
  const Metered m = run_metered(R"({"accelerators": {"X": {"kind": "gpu", "peak_tflops": {"bf16": 100},
               "memory_gib": 80, "power_w": {"idle": 70, "max": 700}}},
    "sites": [{"name": "dense", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "power_cap_kw": 3,
                 "node": {"accelerator": "X", "count": 8, "base_power_w": 400}}]},
              {"name": "roomy", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 1,
                 "node": {"accelerator": "X", "count": 8, "base_power_w": 400}}]}],
    "workload": {"jobs": [{"id": "a", "submit_s": 0, "accelerators": 3, "duration_s": 10},
                          {"id": "b", "submit_s": 0, "accelerators": 2, "duration_s": 10}]}})");
  // dense: idle 960 W, cap 3,000 W -> floor(2040 / 630) = 3 busy at most. a fills it; b goes to roomy.
  EXPECT_EQ(m.cluster.sites[m.cluster.pools[m.result.records[0].pool].site].name, "dense");
  EXPECT_EQ(m.cluster.sites[m.cluster.pools[m.result.records[1].pool].site].name, "roomy");
  EXPECT_EQ(m.result.records[1].start_s, 0.0);
}

TEST(RackCap, RackDensityIsAOneFieldWhatIf)
{
  const std::string jobs = R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 100},
                               {"id": "b", "submit_s": 0, "accelerators": 8, "duration_s": 100}])";
  const Metered low = run_metered(two_node_scenario(R"("pue": 1.0,)", jobs, R"("power_cap_kw": 8, )"));
  const Metered high = run_metered(two_node_scenario(R"("pue": 1.0,)", jobs, R"("power_cap_kw": 40, )"));
  EXPECT_EQ(low.result.records[1].start_s, 100.0);
  EXPECT_EQ(high.result.records[1].start_s, 0.0);
  EXPECT_EQ(high.summary["stranded"]["accelerators"], 0);
}

TEST(Placement, JobNeverLandsOnATypeWithTooLittleMemory)
{
  const Metered m = run_metered(R"({"accelerators": {
      "Small": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 24, "power_w": {"idle": 1, "max": 2}},
      "Big": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 96, "power_w": {"idle": 1, "max": 2}}},
    "sites": [{"name": "a", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "Small", "count": 4}}]},
              {"name": "b", "region": "west", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "Big", "count": 4}}]}],
    "workload": {"jobs": [{"id": "llm", "submit_s": 0, "accelerators": 2, "duration_s": 5, "memory_gib": 80}]}})");
  EXPECT_EQ(m.cluster.types[m.cluster.pools[m.result.records[0].pool].type].name, "Big");
}

TEST(Flops, DeliveredFractionCountsEachJobAtItsPrecisionAgainstBf16Peaks)
{
  // X: bf16 100 TFLOP/s, fp64 10 TFLOP/s; 16 accelerators. One fp64 job on 8 for 3,600 s at efficiency 0.5:
  // delivered 8 x 10e12 x 0.5 x 3600; available 16 x 100e12 x 3600 (makespan 3,600 s).
  const Metered m = run_metered(two_node_scenario(
      R"("pue": 1.0,)",
      R"([{"id": "h", "submit_s": 0, "accelerators": 8, "work_flop": 1.44e17, "class": "hpc", "efficiency": 0.5}])"));
  EXPECT_DOUBLE_EQ(m.result.records[0].finish_s, 3600.0);
  EXPECT_DOUBLE_EQ(m.summary["flops"]["delivered_fraction"].get<double>(), (8 * 10e12 * 0.5) / (16 * 100e12));
}

TEST(Catalog, BuiltinTypesLoadAndCanBePatched)
{
  const Scenario s = test::scenario_from_text(R"({
    "accelerators": {"H100-SXM": {"power_w": {"max": 600}, "peak_tflops": {"fp64": null}}},
    "sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "H100-SXM", "count": 8}}]}],
    "workload": {"jobs": []}})");
  for (const char* name : {"A100-SXM", "H100-SXM", "H20", "L40S", "MI300X", "Ascend-910B", "MLU370-X8", "Alveo-U280"})
    EXPECT_GE(s.find_accelerator(name), 0) << name;
  const auto& h100 = s.accelerators[static_cast<std::size_t>(s.find_accelerator("H100-SXM"))];
  EXPECT_EQ(h100.max_w, 600.0);
  EXPECT_EQ(h100.idle_w, 70.0); // kept from the built-in entry
  EXPECT_EQ(h100.peak_flop_per_s[static_cast<std::size_t>(Precision::FP64)], 0.0);
  EXPECT_EQ(h100.peak_flop_per_s[static_cast<std::size_t>(Precision::BF16)], 989.4e12);
  const auto& ascend = s.accelerators[static_cast<std::size_t>(s.find_accelerator("Ascend-910B"))];
  EXPECT_EQ(ascend.peak_flop_per_s[static_cast<std::size_t>(Precision::FP64)], 0.0);
  EXPECT_EQ(ascend.kind, AcceleratorKind::ASIC);
}

TEST(Catalog, BuiltinCatalogIsValidJsonWithEveryField)
{
  const auto catalog = nlohmann::json::parse(builtin_catalog_json());
  EXPECT_EQ(catalog.size(), 8U);
  for (const auto& [name, e] : catalog.items()) {
    EXPECT_TRUE(e.contains("kind")) << name;
    EXPECT_TRUE(e.contains("peak_tflops")) << name;
    EXPECT_GT(e["memory_gib"].get<double>(), 0) << name;
    EXPECT_LE(e["power_w"]["idle"].get<double>(), e["power_w"]["max"].get<double>()) << name;
  }
}

TEST(Catalog, TheDocsTableIsTheCatalog)
{
  // docs/accelerators.md's tables (peaks, memory and power; bandwidths), cell by cell, against the compiled catalog
  // (issue 23, item 13 changed seven figures: a table left behind would mislead whoever reads it).
  std::ifstream in(std::string(CCSIM_SOURCE_DIR) + "/docs/accelerators.md");
  ASSERT_TRUE(in.good());
  const auto catalog = nlohmann::json::parse(builtin_catalog_json());
  std::vector<std::string> header;
  std::size_t rows = 0;
  for (std::string line; std::getline(in, line);) {
    if (not line.starts_with("| "))
      continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    for (std::string cell; std::getline(ss, cell, '|');)
      cells.push_back(
          cell.substr(cell.find_first_not_of(' '), cell.find_last_not_of(' ') - cell.find_first_not_of(' ') + 1));
    if (cells.front() == "type") {
      header = cells;
      continue;
    }
    if (header.empty() || not catalog.contains(cells.front()))
      continue;
    rows++;
    const auto& e = catalog[cells.front()];
    SCOPED_TRACE(cells.front());
    ASSERT_EQ(cells.size(), header.size());
    for (std::size_t i = 1; i < cells.size(); i++) {
      const std::string& column = header[i];
      const nlohmann::json* value = nullptr;
      if (column == "kind" || column == "interconnect") {
        EXPECT_EQ(cells[i],
                  column == "kind" ? e["kind"].get<std::string>() : e["interconnect"]["name"].get<std::string>());
        continue;
      }
      if (column == "memory GiB")
        value = &e["memory_gib"];
      else if (column == "memory TB/s")
        value = &e["memory_bandwidth_tb_per_s"];
      else if (column == "interconnect GB/s")
        value = &e["interconnect"]["bandwidth_gb_per_s"];
      else if (column == "idle W")
        value = &e["power_w"]["idle"];
      else if (column == "max W")
        value = &e["power_w"]["max"];
      else if (e["peak_tflops"].contains(column))
        value = &e["peak_tflops"][column];
      if (value == nullptr)
        EXPECT_EQ(cells[i], "-") << column;
      else
        EXPECT_EQ(std::stod(cells[i]), value->get<double>()) << column; // "11 (est.)" reads 11
    }
  }
  EXPECT_EQ(rows, 2 * catalog.size()); // a row in each table
}

TEST(Catalog, Fp64IsTheVectorRateAndFp64TensorTheMatrixRate)
{
  // One H100 node; "v" (fp64, 34 TFLOP/s) and "t" (fp64-tensor, 67) each do 8 x 1e15 FLOP on 8 accelerators.
  const PreparedRun prep = test::prepared_from_text(R"({"name": "t",
    "sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "H100-SXM", "count": 8}}]}],
    "workload": {"jobs": [{"id": "v", "submit_s": 0, "accelerators": 8, "work_flop": 8e15, "class": "hpc"},
                          {"id": "t", "submit_s": 0, "accelerators": 8, "work_flop": 8e15, "class": "hpc", "precision": "fp64-tensor"}]},
    "scheduler": {"queue": "fcfs"}})");
  const RunResult r = test::run_inline(prep);
  EXPECT_EQ(prep.jobs[0].precision, Precision::FP64); // the hpc class's default
  EXPECT_DOUBLE_EQ(r.records[0].finish_s, 1e15 / 34e12);
  EXPECT_DOUBLE_EQ(r.records[1].finish_s, 1e15 / 34e12 + 1e15 / 67e12);
}

TEST(Runtime, ADurationRunsScaledByPeaksFromTheTypeItWasMeasuredOn)
{
  // Issue 23, item 14. Durations measured on an A100 (bf16 312 TFLOP/s): 100 s there is 100 x 312 / 989.4 =
  // 31.534 s on an H100 and 100 x 312 / 96 = 325 s on an MLU370; inference jobs here were measured on an H100.
  const auto text = [](const std::string& reference) {
    return R"({"name": "t",
    "sites": [{"name": "s", "region": "east", "racks": [
      {"name": "h", "count": 1, "nodes_per_rack": 1, "node": {"accelerator": "H100-SXM", "count": 1}},
      {"name": "m", "count": 1, "nodes_per_rack": 1, "node": {"accelerator": "MLU370-X8", "count": 1}}]}],
    "workload": {"duration_reference": )" +
           reference + R"(, "jobs": [
      {"id": "h", "submit_s": 0, "accelerators": 1, "duration_s": 100, "accept": ["H100-SXM"]},
      {"id": "m", "submit_s": 0, "accelerators": 1, "duration_s": 100, "accept": ["MLU370-X8"]},
      {"id": "i", "submit_s": 0, "accelerators": 1, "duration_s": 100, "accept": ["MLU370-X8"], "class": "inference", "precision": "bf16"}]},
    "scheduler": {"queue": "fcfs", "placement": "first-fit"}})";
  };
  {
    const PreparedRun prep = test::prepared_from_text(text(R"({"training": "A100-SXM", "inference": "H100-SXM"})"));
    const RunResult r = test::run_inline(prep);
    EXPECT_DOUBLE_EQ(r.records[0].finish_s, 100 * (312e12 / 989.4e12));
    EXPECT_DOUBLE_EQ(r.records[1].finish_s, 100 * (312e12 / 96e12));
    EXPECT_DOUBLE_EQ(r.records[2].finish_s, 100 * (312e12 / 96e12) + 100 * (989.4e12 / 96e12));
    // Delivered work no longer depends on the type: 100 s x 312 TFLOP/s for each training job.
    const auto summary = summarize(prep.scenario, prep.cluster, prep.jobs, r);
    EXPECT_NEAR(summary["flops"]["delivered_eflop"].get<double>(), (2 * 100 * 312e12 + 100 * 989.4e12) / 1e18, 1e-15);
  }
  {
    // Without a reference a duration is the same on every type (trace replay, as Batsim).
    const PreparedRun prep =
        test::prepared_from_text(text("\"\"").replace(text("\"\"").find(R"("duration_reference": "", )"), 26, ""));
    const RunResult r = test::run_inline(prep);
    EXPECT_EQ(r.records[0].finish_s, 100.0);
    EXPECT_EQ(r.records[1].finish_s, 100.0);
  }
  EXPECT_TRUE(test::has_error(test::load_errors(text(R"("B200")")), "/workload/duration_reference",
                              "unknown accelerator type \"B200\""));
  EXPECT_TRUE(test::has_error(test::load_errors(text(R"({"training": "A100-SXM", "batch": "A100-SXM"})")),
                              "/workload/duration_reference/batch", ""));
  EXPECT_TRUE(test::has_error(test::load_errors(text("7")), "/workload/duration_reference",
                              "expected an accelerator type name or an object"));
  // The reference type must support the job's precision: the U280 has int8 only.
  EXPECT_TRUE(test::has_error(test::load_errors(text(R"("Alveo-U280")")), "/workload/jobs/0/precision",
                              "its duration was measured on a type without it"));
}

TEST(Loader, PowerAndPueErrorsAreLocated)
{
  const auto diags = test::load_errors(R"({"accelerators": {
      "X": {"kind": "gpu", "peak_tflops": {"bf16": 1}, "memory_gib": 8, "power_w": {"idle": 300, "max": 200}},
      "Y": {"kind": "gpu", "peak_tflops": {"bf16": 1}, "memory_gib": 8, "power_w": {"idle": -1, "max": 200}}},
    "sites": [{"name": "s", "region": "east", "pue": 0.9, "racks": [
                {"count": 1, "nodes_per_rack": 2, "power_cap_kw": 1,
                 "node": {"accelerator": "X", "count": 8, "base_power_w": 400}}]},
              {"name": "t", "region": "east", "pue": "swamp", "racks": [
                {"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "Y", "count": 1}}]},
              {"name": "u", "region": "east", "pue": {"curve": [[0.5, 1.2], [0.4, 1.3], [2, 1.1]]}, "racks": [
                {"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "Y", "count": 1}}]}],
    "workload": {"jobs": []}})");
  using test::has_error;
  EXPECT_TRUE(has_error(diags, "/accelerators/X/power_w/idle", "idle power 300 W is above max power 200 W"));
  EXPECT_TRUE(has_error(diags, "/accelerators/Y/power_w/idle", "expected a finite number >= 0 and <= 1e+09, found -1"));
  EXPECT_TRUE(has_error(diags, "/sites/0/pue", "expected a finite number >= 1"));
  EXPECT_TRUE(has_error(diags, "/sites/0/racks/0/power_cap_kw", "cap 1 kW is below the rack's idle power 5.6 kW"));
  EXPECT_TRUE(has_error(diags, "/sites/1/pue", "unknown PUE preset string \"swamp\""));
  EXPECT_TRUE(has_error(diags, "/sites/2/pue/curve/1", "strictly ascending"));
  EXPECT_TRUE(has_error(diags, "/sites/2/pue/curve/2", "expected [load fraction in [0, 1], PUE in [1, 10]]"));
}

TEST(Energy, ABusyAcceleratorDrawsWhatItsJobsActivityAsks)
{
  // Issue 23, item 5. X: idle 70 W, max 700 W; two nodes of 8, 400 W base each (IT idle 1,920 W). An inference job
  // (class default activity 0.5) on 8 accelerators for 3,600 s draws 8 x 0.5 x 630 = 2,520 W above idle; a
  // training job (activity 1) on the other 8 for 1,800 s draws 8 x 630 = 5,040 W. IT: 9,480 W for 1,800 s, then
  // 4,440 W for 1,800 s = 6.96 kWh, and back to 1,920 W exactly once both have left.
  const Metered m = run_metered(two_node_scenario(R"("pue": 1.0,)", R"([
      {"id": "i", "submit_s": 0, "accelerators": 8, "duration_s": 3600, "class": "inference", "precision": "bf16"},
      {"id": "t", "submit_s": 0, "accelerators": 8, "duration_s": 1800}])"));
  EXPECT_DOUBLE_EQ(m.summary["energy"]["it_kwh"].get<double>(), 6.96);
  const auto col = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(m.series.columns.begin(), m.series.columns.end(), name) -
                                    m.series.columns.begin());
  };
  ASSERT_EQ(m.series.rows(), 3U); // t = 0, 1,800, 3,600
  const std::size_t cols = m.series.columns.size();
  EXPECT_DOUBLE_EQ(m.series.values[0 * cols + col("it_power_w")], 9480.0);
  EXPECT_DOUBLE_EQ(m.series.values[1 * cols + col("it_power_w")], 4440.0);
  EXPECT_EQ(m.series.values[2 * cols + col("it_power_w")], 1920.0);
  // The job's own energy: 8 x (70 + 315) W + its node's 400 W base, for 3,600 s.
  EXPECT_DOUBLE_EQ(job_energy_j(m.cluster, m.result.records[0], m.result.slots_of(m.result.records[0]), 0.5),
                   (8 * 385.0 + 400) * 3600);

  // A job's own activity, then the workload's per class: 8 x 0.25 x 630 = 1,260 W; 8 x 0.2 x 630 = 1,008 W.
  const std::string one = R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 3600, "activity": 0.25}])";
  EXPECT_DOUBLE_EQ(run_metered(two_node_scenario(R"("pue": 1.0,)", one)).summary["energy"]["it_kwh"].get<double>(),
                   3.18);
  std::string by_class = two_node_scenario(R"("pue": 1.0,)", R"([{"id": "a", "submit_s": 0, "accelerators": 8,
      "duration_s": 3600, "class": "inference", "precision": "bf16"}])");
  by_class.replace(by_class.find(R"("workload": {)"), 13, R"("workload": {"activity": {"inference": 0.2}, )");
  EXPECT_DOUBLE_EQ(run_metered(by_class).summary["energy"]["it_kwh"].get<double>(), 2.928);

  using test::has_error;
  const auto bad = [&](const std::string& workload_field, const std::string& job_field) {
    std::string text = two_node_scenario(
        R"("pue": 1.0,)", R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 1)" + job_field + "}]");
    text.replace(text.find(R"("workload": {)"), 13, R"("workload": {)" + workload_field);
    return test::load_errors(text);
  };
  EXPECT_TRUE(has_error(bad("", R"(, "activity": 0)"), "/workload/jobs/0/activity", "expected a finite number > 0"));
  EXPECT_TRUE(has_error(bad(R"("activity": 1.5, )", ""), "/workload/activity", "<= 1"));
  EXPECT_TRUE(has_error(bad(R"("activity": {"decode": 0.5}, )", ""), "/workload/activity/decode", ""));
  EXPECT_TRUE(has_error(bad(R"("activity": "low", )", ""), "/workload/activity", "expected a number"));
}

TEST(Energy, APowerLimitCapsDrawAndSlowsOnlyJobsThatWouldExceedIt)
{
  // Issue 23, item 5. X limited to 385 W: 315 W above idle of its 630 W. A training job (activity 1) wants 630 W
  // above idle, so it runs at (315 / 630)^(1/3) = 2^(-1/3) of its speed: 1,000 s of work take 1,000 x 2^(1/3) =
  // 1,259.92 s, at 385 W per accelerator. An inference job (activity 0.5) wants exactly 315 W: unslowed.
  std::string text = two_node_scenario(R"("pue": 1.0,)", R"([
      {"id": "t", "submit_s": 0, "accelerators": 8, "work_flop": 8e17},
      {"id": "i", "submit_s": 0, "accelerators": 8, "work_flop": 8e17, "class": "inference", "precision": "bf16"}])");
  const std::string power = R"("power_w": {"idle": 70, "max": 700})";
  text.replace(text.find(power), power.size(), R"("power_w": {"idle": 70, "max": 700, "limit": 385})");
  const Metered m = run_metered(text);
  const double slowed_s = 1000 * std::cbrt(2.0);
  EXPECT_DOUBLE_EQ(m.result.records[0].finish_s, slowed_s);
  EXPECT_DOUBLE_EQ(m.result.records[1].finish_s, 1000.0);
  // IT: 1,920 W idle + 8 x 315 W for each job while both run, then the training job alone.
  EXPECT_DOUBLE_EQ(m.summary["energy"]["it_kwh"].get<double>(),
                   ((1920 + 16 * 315.0) * 1000 + (1920 + 8 * 315.0) * (slowed_s - 1000)) / 3.6e6);
  // Work is work: both jobs delivered their 8e17 FLOP.
  EXPECT_NEAR(m.summary["flops"]["delivered_eflop"].get<double>(), 1.6, 1e-12);
  // An exponent of 0: draw limited, speed kept (a memory-bound code).
  const std::string limit = R"("limit": 385)";
  text.replace(text.find(limit), limit.size(), R"("limit": 385, "limit_exponent": 0)");
  EXPECT_DOUBLE_EQ(run_metered(text).result.records[0].finish_s, 1000.0);

  const auto diags = test::load_errors(R"({"accelerators": {
      "A100-SXM": {"power_w": {"limit": 50}}, "H100-SXM": {"power_w": {"limit": 800}},
      "H20": {"power_w": {"limit": 300, "limit_exponent": 2}}},
    "sites": [{"name": "s", "region": "east", "racks": [
                {"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "A100-SXM", "count": 1}}]}],
    "workload": {"jobs": []}})");
  EXPECT_TRUE(test::has_error(diags, "/accelerators/A100-SXM/power_w/limit",
                              "power limit 50 W is outside (idle 50 W, max 400 W]"));
  EXPECT_TRUE(test::has_error(diags, "/accelerators/H100-SXM/power_w/limit", "expected idle < limit <= max"));
  EXPECT_TRUE(test::has_error(diags, "/accelerators/H20/power_w/limit_exponent", "<= 1"));
}

TEST(Power, APowerLimitStrandsFewerAcceleratorsUnderARackCap)
{
  // Issue 23, item 5: "stranded by caps" is not always the worst case. A 15 kW rack of 4 nodes x 8 A100 (idle
  // 50 W, max 400 W) with 1,500 W of node base: 7,600 W idle, so 7,400 W for busy accelerators. At TDP each takes
  // 350 W more: floor(7,400 / 350) = 21 may be busy, 11 stranded; limited to 250 W, each takes 200 W: all 32.
  const auto text = [](const std::string& a100) {
    return R"({"name": "t", "accelerators": {"A100-SXM": )" + a100 + R"(},
    "sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 4, "power_cap_kw": 15,
      "node": {"accelerator": "A100-SXM", "count": 8, "base_power_w": 1500}}]}],
    "workload": {"jobs": [{"id": "a", "submit_s": 0, "accelerators": 1, "duration_s": 10}]}})";
  };
  const Metered at_tdp = run_metered(text("{}"));
  EXPECT_EQ(at_tdp.summary["stranded"]["accelerators"], 11);
  EXPECT_EQ(at_tdp.cluster.racks[0].max_busy, 21U);
  const Metered limited = run_metered(text(R"({"power_w": {"limit": 250}})"));
  EXPECT_EQ(limited.summary["stranded"]["accelerators"], 0);
  EXPECT_EQ(limited.cluster.racks[0].max_busy, 32U);
}

TEST(Loader, JobNeedingMoreMemoryThanAnyTypeIsRejected)
{
  const auto diags = test::load_errors(test::one_site_scenario(
      1, 1, R"([{"id": "m", "submit_s": 0, "accelerators": 1, "duration_s": 1, "memory_gib": 40}])"));
  EXPECT_TRUE(test::has_error(diags, "/workload/jobs/0/memory_gib", "needs 40 GiB per accelerator"));
}

TEST(Loader, CapThatStrandsEveryAcceleratorMakesJobsUnrunnable)
{
  // Cap equal to the idle power: no accelerator may ever be busy.
  const auto diags = test::load_errors(
      two_node_scenario(R"("pue": 1.0,)", R"([{"id": "a", "submit_s": 0, "accelerators": 1, "duration_s": 1}])",
                        R"("power_cap_kw": 1.92, )"));
  EXPECT_TRUE(test::has_error(diags, "/workload/jobs/0/accelerators", "holds 0 usable within rack power caps"));
}

// Issue 23, item 1: int8 operations were added to FLOP and divided by a bf16 FLOP/s capacity (a fraction of 2.0001).
TEST(Flops, Int8OperationsAreCountedApartFromFlop)
{
  // X gains int8 400 TOP/s. One int8 job on 8 accelerators for 3,600 s (efficiency 1): 8 x 400e12 x 3600 = 11.52e18
  // operations, and no floating-point work.
  std::string text = two_node_scenario(
      R"("pue": 1.0,)", R"([{"id": "i", "submit_s": 0, "accelerators": 8, "duration_s": 3600, "precision": "int8"}])");
  const std::string fp64 = R"("fp64": 10)";
  text.replace(text.find(fp64), fp64.size(), fp64 + R"(, "int8": 400)");
  const Metered m = run_metered(text);
  EXPECT_DOUBLE_EQ(m.summary["flops"]["delivered_int8_eop"].get<double>(), 11.52);
  EXPECT_EQ(m.summary["flops"]["delivered_eflop"].get<double>(), 0.0);
  EXPECT_EQ(m.summary["flops"]["delivered_fraction"].get<double>(), 0.0);
}

TEST(Flops, ReferencePeakFallsBackInTheDocumentedOrder)
{
  // Mutation guard ("mutant reference-peak-order"): docs/model.md, "Delivered computing": bf16, else fp16, fp32,
  // fp64, fp64-tensor, tf32, fp8, the first the type supports (int8 never: operations are not FLOP). Each case
  // removes the precisions ahead of the next one.
  const auto at = [](Precision p) { return static_cast<std::size_t>(p); };
  AcceleratorType t;
  t.peak_flop_per_s[at(Precision::INT8)] = 7;
  EXPECT_EQ(reference_peak_flop_per_s(t), 0.0); // int8 is rated in operations, not FLOP (issue 23)
  t.peak_flop_per_s[at(Precision::FP8)] = 6;
  EXPECT_EQ(reference_peak_flop_per_s(t), 6.0);
  t.peak_flop_per_s[at(Precision::TF32)] = 5;
  EXPECT_EQ(reference_peak_flop_per_s(t), 5.0);
  t.peak_flop_per_s[at(Precision::FP64_TENSOR)] = 4.5;
  EXPECT_EQ(reference_peak_flop_per_s(t), 4.5);
  t.peak_flop_per_s[at(Precision::FP64)] = 4;
  EXPECT_EQ(reference_peak_flop_per_s(t), 4.0);
  t.peak_flop_per_s[at(Precision::FP32)] = 3;
  EXPECT_EQ(reference_peak_flop_per_s(t), 3.0);
  t.peak_flop_per_s[at(Precision::FP16)] = 2;
  EXPECT_EQ(reference_peak_flop_per_s(t), 2.0);
  t.peak_flop_per_s[at(Precision::BF16)] = 1;
  EXPECT_EQ(reference_peak_flop_per_s(t), 1.0);
  EXPECT_EQ(reference_peak_flop_per_s(AcceleratorType{}), 0.0);
}

TEST(Energy, AJobIsChargedItsShareOfItsNodesBasePower)
{
  // Mutation guard ("mutant job-energy-base-share"): a job on 3 of a node's 8 accelerators is charged 3/8 of the
  // node's 400 W base power: (3 x 700 + 400 x 3 / 8) W x 100 s = 225,000 J. A 10-accelerator job on nodes 0 (8)
  // and 1 (2): (10 x 700 + 400 + 400 x 2 / 8) W x 50 s = 375,000 J.
  const Metered m = run_metered(
      two_node_scenario(R"("pue": 1.0,)", R"([{"id": "a", "submit_s": 0, "accelerators": 3, "duration_s": 100},
                            {"id": "b", "submit_s": 100, "accelerators": 10, "duration_s": 50}])"));
  EXPECT_DOUBLE_EQ(job_energy_j(m.cluster, m.result.records[0], m.result.slots_of(m.result.records[0]), 1.0), 225000.0);
  EXPECT_DOUBLE_EQ(job_energy_j(m.cluster, m.result.records[1], m.result.slots_of(m.result.records[1]), 1.0), 375000.0);
}

TEST(Energy, EachSiteIsIntegratedUpToTheMakespanWithItsOwnPuePriceAndCarbon)
{
  // Mutation guard ("mutant meter-finish-skips-idle"): sites a (PUE 1.5, 0.6 per kWh, 0.8 kg/kWh) and b (PUE 1.2,
  // 0.3, 0.2), one node of 2 accelerators each (idle 50 W, max 450 W, base 100 W: idle node 200 W). One job
  // that accepts only b's type Y. b: 2 x 450 + 100 = 1,000 W for 3,600 s = 1 kWh IT; a: idle 200 W for the whole makespan = 0.2 kWh IT, which
  // only finish() integrates (no event ever changes a's power).
  const Metered m = run_metered(R"({"currency": "CNY", "accelerators": {
      "X": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 80, "power_w": {"idle": 50, "max": 450}},
      "Y": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 80, "power_w": {"idle": 50, "max": 450}}},
    "sites": [
      {"name": "a", "region": "east", "pue": 1.5, "electricity_price_per_kwh": 0.6, "carbon_kg_per_kwh": 0.8,
       "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "X", "count": 2, "base_power_w": 100}}]},
      {"name": "b", "region": "west", "pue": 1.2, "electricity_price_per_kwh": 0.3, "carbon_kg_per_kwh": 0.2,
       "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "Y", "count": 2, "base_power_w": 100}}]}],
    "workload": {"jobs": [{"id": "j", "submit_s": 0, "accelerators": 2, "duration_s": 3600, "accept": ["Y"]}]},
    "output": {"timeseries_interval_s": 0}})");
  const auto& e = m.summary["energy"];
  EXPECT_DOUBLE_EQ(e["by_site"]["a"]["it_kwh"].get<double>(), 0.2);
  EXPECT_DOUBLE_EQ(e["by_site"]["a"]["facility_kwh"].get<double>(), 0.2 * 1.5);
  EXPECT_DOUBLE_EQ(e["by_site"]["b"]["it_kwh"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(e["by_site"]["b"]["facility_kwh"].get<double>(), 1.2);
  EXPECT_DOUBLE_EQ(e["it_kwh"].get<double>(), 1.2);
  EXPECT_DOUBLE_EQ(e["facility_kwh"].get<double>(), 0.3 + 1.2);
  EXPECT_DOUBLE_EQ(m.summary["pue"]["effective"].get<double>(), 1.5 / 1.2);
  EXPECT_DOUBLE_EQ(m.summary["cost"]["electricity"].get<double>(), 0.3 * 0.6 + 1.2 * 0.3);
  EXPECT_DOUBLE_EQ(m.summary["carbon"]["tco2"].get<double>(), (0.3 * 0.8 + 1.2 * 0.2) / 1000);
}

TEST(Energy, ASampleAtAnEventTimeShowsTheStateAfterTheEvent)
{
  // Mutation guard ("mutant sample-at-event"): samples every 1,800 s; the job runs from 1,800 s to 3,600 s, so
  // both its start and its end fall on sample times. The state at t holds from t on: the sample at 1,800 s sees the
  // job running (6,960 W), the one at 3,600 s sees it ended (1,920 W).
  const Metered m = run_metered(
      two_node_scenario(R"("pue": 1.0,)", R"([{"id": "a", "submit_s": 1800, "accelerators": 8, "duration_s": 1800}])"));
  const std::size_t w = m.series.columns.size();
  ASSERT_EQ(m.series.rows(), 3U);
  EXPECT_EQ(m.series.values[0 * w + 0], 0.0);
  EXPECT_EQ(m.series.values[0 * w + 5], 1920.0);
  EXPECT_EQ(m.series.values[1 * w + 0], 1800.0);
  EXPECT_EQ(m.series.values[1 * w + 4], 8.0);
  EXPECT_EQ(m.series.values[1 * w + 5], 6960.0);
  EXPECT_EQ(m.series.values[2 * w + 0], 3600.0);
  EXPECT_EQ(m.series.values[2 * w + 4], 0.0);
  EXPECT_EQ(m.series.values[2 * w + 5], 1920.0);
}

TEST(Pue, EveryPresetHasTheValuesOfDocsModel)
{
  // Mutation guard ("mutant pue-preset-value"): docs/model.md's table. PUE(L) = 1 + p + f / L through the anchors
  // at half and full load; at 20 % load the fixed overhead weighs 5x (issue 23, item 7: the old three-point
  // curves gave 1.85, 1.60 and 1.30 there).
  const struct {
    const char* name;
    double fixed, proportional, at_02, at_05, at_10;
  } table[] = {{"legacy-air", 0.10, 0.45, 1.95, 1.65, 1.55},
               {"modern-air", 0.12, 0.18, 1.78, 1.42, 1.30},
               {"liquid-cooled", 0.06, 0.04, 1.34, 1.16, 1.10}};
  ASSERT_EQ(pue_preset_names(), (std::vector<std::string>{"legacy-air", "modern-air", "liquid-cooled", "air-chiller",
                                                          "evaporative", "liquid-warm-water"}));
  for (const auto& row : table) {
    SCOPED_TRACE(row.name);
    const auto curve = pue_preset(row.name);
    ASSERT_TRUE(curve.has_value());
    EXPECT_TRUE(curve->points.empty());
    EXPECT_FALSE(curve->cooling.has_value()); // the weather-driven ones: tests/unit/weather_test.cpp
    EXPECT_EQ(curve->fixed, row.fixed);
    EXPECT_EQ(curve->proportional, row.proportional);
    EXPECT_NEAR(curve->at(0.2), row.at_02, 1e-12);
    EXPECT_NEAR(curve->at(0.5), row.at_05, 1e-12);
    EXPECT_NEAR(curve->at(1.0), row.at_10, 1e-12);
    // Facility power is exact at every load, none included: 1 kW of IT on a 10 kW site, and an idle site.
    EXPECT_DOUBLE_EQ(curve->facility_w(1000, 10000), 1000 * (1 + row.proportional) + row.fixed * 10000);
    EXPECT_DOUBLE_EQ(curve->facility_w(0, 10000), row.fixed * 10000);
  }
}

TEST(Pue, TheOverheadModelIsAScenarioFormWithItsLimits)
{
  const auto with_pue = [](const std::string& pue) {
    return R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
      "sites": [{"name": "s", "region": "east", "pue": )" +
           pue + R"(, "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "G", "count": 1}}]}],
      "workload": {"jobs": [{"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 3600}]},
      "scheduler": {"queue": "fcfs"}})";
  };
  // One accelerator, 110 W busy for an hour: 0.11 kWh of IT; facility 0.11 x 1.2 + 0.5 x 0.11 = 0.187 kWh.
  const auto summary = run_metered(with_pue(R"({"fixed": 0.5, "proportional": 0.2})")).summary;
  EXPECT_NEAR(summary["energy"]["it_kwh"].get<double>(), 0.11, 1e-12);
  EXPECT_NEAR(summary["energy"]["facility_kwh"].get<double>(), 0.187, 1e-12);
  EXPECT_TRUE(test::has_error(test::load_errors(with_pue(R"({"fixed": 5, "proportional": 5})")), "/sites/0/pue",
                              "= 11 (expected at most 10)"));
  EXPECT_TRUE(
      test::has_error(test::load_errors(with_pue(R"({"fixed": 0.1})")), "/sites/0/pue/proportional", "required"));
  EXPECT_TRUE(test::has_error(test::load_errors(with_pue(R"({"fixed": -0.1, "proportional": 0})")),
                              "/sites/0/pue/fixed", ">= 0"));
  EXPECT_TRUE(
      test::has_error(test::load_errors(with_pue(R"({"curve": [[1, 1.2]], "fixed": 0.1})")), "/sites/0/pue", "either"));
}

namespace {
// Three jobs under FCFS on the two 8-accelerator nodes: a (8) runs [0, 3600]; b (16, submitted at 1,000) waits for
// a and runs [3600, 5400]; c (8, submitted at 2,000) waits behind b and runs [5400, 6000].
std::string three_jobs_in_a_window(const std::string& window)
{
  std::string text = two_node_scenario(R"("pue": 1.25, "electricity_price_per_kwh": 0.5,)",
                                       R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 3600},
                                           {"id": "b", "submit_s": 1000, "accelerators": 16, "duration_s": 1800},
                                           {"id": "c", "submit_s": 2000, "accelerators": 8, "duration_s": 600}])");
  const std::string output = R"("output": {"timeseries_interval_s": 1800})";
  text.replace(text.find(output), output.size(),
               R"("scheduler": {"queue": "fcfs"}, "output": {"timeseries_interval_s": 1800, "window": )" + window +
                   "}");
  return text;
}
} // namespace

TEST(Window, UntilTheLastArrivalLeavesTheWarmUpAndTheDrainOut)
{
  const Metered m = run_metered(three_jobs_in_a_window(R"({"start_s": 500, "end_s": "last_arrival"})"));
  ASSERT_EQ(m.summary["makespan_s"].get<double>(), 6000);
  const auto& w = m.summary["window"];
  EXPECT_EQ(w["start_s"].get<double>(), 500);
  EXPECT_EQ(w["end_s"].get<double>(), 2000); // c's arrival
  EXPECT_EQ(w["duration_s"].get<double>(), 1500);
  EXPECT_EQ(w["end"], "last_arrival");
  // Jobs submitted in [500, 2000]: b (waited 2,600 s) and c (3,400 s); a, submitted at 0, is warm-up.
  EXPECT_EQ(w["jobs"]["submitted"].get<std::uint64_t>(), 2U);
  EXPECT_DOUBLE_EQ(w["wait_s"]["mean"].get<double>(), 3000);
  EXPECT_DOUBLE_EQ(w["wait_s"]["median"].get<double>(), 3000);
  EXPECT_DOUBLE_EQ(w["wait_s"]["p95"].get<double>(), 2600 + 0.95 * 800);
  EXPECT_DOUBLE_EQ(w["wait_s"]["max"].get<double>(), 3400);
  EXPECT_DOUBLE_EQ(w["turnaround_s"]["mean"].get<double>(), (4400 + 4000) / 2.0);
  // Over [500, 2000] only a runs, on 8 of 16: utilization 0.5 (over the whole run: (8 x 3600 + 16 x 1800 + 8 x 600)
  // / (16 x 6000) = 0.65).
  EXPECT_DOUBLE_EQ(w["utilization"]["accelerators"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ(m.summary["utilization"]["accelerators"].get<double>(), 0.65);
  EXPECT_DOUBLE_EQ(w["accelerator_hours"]["busy"].get<double>(), 8 * 1500 / 3600.0);
  // IT power 6,960 W for 1,500 s = 2.9 kWh; facility x 1.25; cost x 0.5; a year (365 days) at those rates.
  EXPECT_DOUBLE_EQ(w["energy"]["it_kwh"].get<double>(), 2.9);
  EXPECT_DOUBLE_EQ(w["energy"]["facility_kwh"].get<double>(), 3.625);
  EXPECT_DOUBLE_EQ(w["cost"]["electricity"].get<double>(), 1.8125);
  EXPECT_DOUBLE_EQ(w["annualized"]["facility_kwh"].get<double>(), 3.625 * 365 * 86400 / 1500);
  EXPECT_DOUBLE_EQ(w["annualized"]["electricity_cost"].get<double>(), 1.8125 * 365 * 86400 / 1500);
  EXPECT_DOUBLE_EQ(w["annualized"]["accelerator_hours_busy"].get<double>(), 8 * 1500 / 3600.0 * 365 * 86400 / 1500);
}

TEST(Window, AFixedWindowClipsTheJobsRunningAcrossIt)
{
  const Metered m = run_metered(three_jobs_in_a_window(R"({"start_s": 3000, "end_s": 4000})"));
  const auto& w = m.summary["window"];
  EXPECT_EQ(w["end"], "time");
  EXPECT_EQ(w["jobs"]["submitted"].get<std::uint64_t>(), 0U); // none arrived in [3000, 4000)
  EXPECT_EQ(w["wait_s"]["mean"].get<double>(), 0);
  // a on 8 for [3000, 3600], b on 16 for [3600, 4000]: 4,800 + 6,400 accelerator-s of 16 x 1,000.
  EXPECT_DOUBLE_EQ(w["utilization"]["accelerators"].get<double>(), 0.7);
  // IT 6,960 W for 600 s, then 2 x 400 + 16 x 700 = 12,000 W for 400 s.
  EXPECT_DOUBLE_EQ(w["energy"]["it_kwh"].get<double>(), (6960.0 * 600 + 12000.0 * 400) / 3.6e6);
  // A window past the run's end is cut there.
  const Metered late = run_metered(three_jobs_in_a_window(R"({"start_s": 5000, "end_s": 9000})"));
  EXPECT_EQ(late.summary["window"]["end_s"].get<double>(), 6000);
  EXPECT_DOUBLE_EQ(late.summary["window"]["utilization"]["accelerators"].get<double>(),
                   (16 * 400 + 8 * 600) / (16 * 1000.0));
}

TEST(Window, TheWholeRunAsAWindowGivesTheWholeRunsFigures)
{
  const Metered m = run_metered(three_jobs_in_a_window(R"({})"));
  const auto& w = m.summary["window"];
  EXPECT_EQ(w["end"], "run_end");
  EXPECT_EQ(w["duration_s"].get<double>(), 6000);
  for (const char* key : {"wait_s", "turnaround_s", "bounded_slowdown", "utilization", "accelerator_hours", "flops",
                          "energy", "cost", "carbon", "by_class", "by_size"})
    EXPECT_EQ(w[key], m.summary[key]) << key;
  EXPECT_EQ(w["jobs"]["submitted"], m.summary["jobs"]["submitted"]);
}

TEST(Window, BadWindowsAreLocated)
{
  EXPECT_TRUE(test::has_error(test::load_errors(three_jobs_in_a_window(R"({"start_s": 500, "end_s": 400})")),
                              "/output/window/end_s", "after start_s (500)"));
  EXPECT_TRUE(test::has_error(test::load_errors(three_jobs_in_a_window(R"({"end_s": "drain"})")),
                              "/output/window/end_s", "\"last_arrival\""));
  EXPECT_TRUE(test::has_error(test::load_errors(three_jobs_in_a_window(R"({"start_s": -1})")), "/output/window/start_s",
                              ">= 0"));
  EXPECT_TRUE(test::has_error(test::load_errors(three_jobs_in_a_window(R"({"warmup_s": 10})")),
                              "/output/window/warmup_s", "unknown"));
}

namespace {
//! A file in the test's temporary folder, with `text`; its absolute path.
std::string temp_file(const std::string& name, const std::string& text)
{
  const auto dir = std::filesystem::temp_directory_path() / ("ccsim-series-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream((dir / name).string()) << text;
  return (dir / name).string();
}
} // namespace

TEST(Tariff, ACostAcrossATimeOfUseBoundaryIsExact)
{
  // 8,700 W of facility power for an hour (the issue's job): 0.3 per kWh, 0.9 from 00:30, 0.3 again from 01:00.
  const Metered m = run_metered(two_node_scenario(
      R"("pue": 1.25, "electricity_price_per_kwh": {"daily": [{"from_hour": 0, "value": 0.3},
         {"from_hour": 0.5, "value": 0.9}, {"from_hour": 1, "value": 0.3}]},)",
      R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 3600}])"));
  EXPECT_DOUBLE_EQ(m.summary["cost"]["electricity"].get<double>(), 8.7 * (0.5 * 0.3 + 0.5 * 0.9));
  // All of it in hour 0 of day 0 (January): summary.json's by_hour_of_day and by_month.
  EXPECT_DOUBLE_EQ(m.summary["by_hour_of_day"][0]["cost"].get<double>(), 8.7 * 0.6);
  EXPECT_DOUBLE_EQ(m.summary["by_hour_of_day"][0]["facility_kwh"].get<double>(), 8.7);
  EXPECT_EQ(m.summary["by_hour_of_day"][1]["cost"].get<double>(), 0);
  EXPECT_EQ(m.summary["by_hour_of_day"].size(), 24U);
  EXPECT_DOUBLE_EQ(m.summary["by_month"][0]["cost"].get<double>(), 8.7 * 0.6);
  // The mean daily price (what placement policies see): (0.5 h x 0.3 + 0.5 h x 0.9 + 23 h x 0.3) / 24.
  EXPECT_DOUBLE_EQ(m.cluster.sites[0].price_per_kwh, (0.5 * 0.3 + 0.5 * 0.9 + 23 * 0.3) / 24);
  // timeseries.csv gains the price in effect at each sample (every 1,800 s).
  const auto& cols = m.series.columns;
  const auto k = static_cast<std::size_t>(std::find(cols.begin(), cols.end(), "price_per_kwh.s") - cols.begin());
  ASSERT_LT(k, cols.size());
  EXPECT_EQ(m.series.values[k], 0.3);
  EXPECT_EQ(m.series.values[cols.size() + k], 0.9);
}

TEST(Tariff, CarbonFromAnHourlyExportWithItsOwnColumnsAndUnits)
{
  // An ElectricityMaps-style export: UTC times, grams per kWh; 500 g for the first 20 minutes, then 200 g.
  const std::string csv = temp_file("carbon.csv", "Datetime (UTC),Carbon Intensity gCO2eq/kWh (LCA)\n"
                                                  "2024-01-01T00:00:00.000Z,500\n2024-01-01T00:20:00.000Z,200\n");
  const Metered m = run_metered(two_node_scenario(
      R"j("pue": 1.25, "carbon_kg_per_kwh": {"csv": ")j" + csv +
          R"j(", "time_column": "Datetime (UTC)", "value_column": "Carbon Intensity gCO2eq/kWh (LCA)", "scale": 0.001},)j",
      R"j([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 3600}])j"));
  EXPECT_NEAR(m.summary["carbon"]["tco2"].get<double>(), 8.7 * (0.5 / 3 + 0.2 * 2 / 3) / 1000, 1e-15);
  // Within a window, the window's part: [1800, 3600] at 200 g.
  std::string text = three_jobs_in_a_window(R"j({"start_s": 1800, "end_s": 3600})j");
  const std::string price = R"j("electricity_price_per_kwh": 0.5,)j";
  text.replace(text.find(price), price.size(),
               price + R"j( "carbon_kg_per_kwh": {"csv": ")j" + csv +
                   R"j(", "time_column": "Datetime (UTC)", "value_column": "Carbon Intensity gCO2eq/kWh (LCA)", )j"
                   R"j("scale": 0.001},)j");
  const Metered w = run_metered(text);
  EXPECT_NEAR(w.summary["window"]["carbon"]["tco2"].get<double>(), 8.7 * 0.5 * 0.2 / 1000, 1e-15);
}

TEST(Tariff, WeekendsSeasonsAndRepeatsFollowTheCalendar)
{
  const PreparedRun prep = test::prepared_from_text(two_node_scenario(
      R"("electricity_price_per_kwh": {"daily": [{"from_hour": 0, "value": 1}, {"from_hour": 12, "value": 3}],
         "weekend": [{"from_hour": 0, "value": 0.5}],
         "seasons": [{"months": [7, 8], "daily": [{"from_hour": 0, "value": 2}]}]},)",
      R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 60}])"));
  const StepFunction& p = *prep.cluster.sites[0].price_series;
  EXPECT_EQ(p.period_s(), 365 * 86400.0);
  EXPECT_EQ(p.at(6 * 3600), 1);                      // Monday morning
  EXPECT_EQ(p.at(13 * 3600), 3);                     // Monday afternoon
  EXPECT_EQ(p.at(5 * 86400 + 13 * 3600), 0.5);       // Saturday
  EXPECT_EQ(p.at(182 * 86400 + 13 * 3600), 2);       // July 2nd (day 182), a Monday: the season's daily
  EXPECT_EQ(p.at(181 * 86400 + 13 * 3600), 2);       // July 1st, a Sunday: the season has no weekend of its own
  EXPECT_EQ(p.at(180 * 86400 + 13 * 3600), 0.5);     // June 30th, a Saturday
  EXPECT_EQ(p.at((365 + 1) * 86400 + 13 * 3600), 3); // a year (365 days) on: the first year's calendar again
  // Integrals across periods: a daily 1 / 3 split at noon, from 06:00 on day 0 to 18:00 on day 2:
  // 6 h x 1 + 12 h x 3, a whole day of 48, then 12 h x 1 + 6 h x 3: 120 hour-units.
  const StepFunction daily({0, 12 * 3600.0}, {1, 3}, 86400);
  EXPECT_DOUBLE_EQ(daily.integral(6 * 3600, 2 * 86400 + 18 * 3600), 120 * 3600.0);
  EXPECT_DOUBLE_EQ(daily.mean(), 2);
  const StepFunction once({0, 100}, {2, 5});
  EXPECT_DOUBLE_EQ(once.integral(50, 300), 50 * 2 + 200 * 5); // the last value holds without a period
}

TEST(Tariff, BadSeriesAreLocated)
{
  const auto errors = [](const std::string& price) {
    return test::load_errors(two_node_scenario(R"("electricity_price_per_kwh": )" + price + ",",
                                               R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 60}])"));
  };
  const std::string key = "/sites/0/electricity_price_per_kwh";
  EXPECT_TRUE(test::has_error(errors(R"({"daily": [{"from_hour": 1, "value": 1}]})"), key + "/daily/0/from_hour",
                              "start at hour 0"));
  EXPECT_TRUE(test::has_error(errors(R"({"daily": [{"from_hour": 0, "value": 1}, {"from_hour": 0, "value": 2}]})"),
                              key + "/daily/1/from_hour", "increasing order"));
  EXPECT_TRUE(test::has_error(errors(R"({"daily": [{"from_hour": 0, "value": -1}]})"), key + "/daily/0/value", ""));
  EXPECT_TRUE(test::has_error(errors(R"("cheap")"), key, "expected a number >= 0 or a series"));
  const std::string unsorted = temp_file("unsorted.csv", "time_s,value\n0,1\n7200,2\n3600,3\n");
  EXPECT_TRUE(test::has_error(errors(R"({"csv": ")" + unsorted + R"("})"), "line 4", "increasing time order"));
  const std::string gap = temp_file("gap.csv", "time_s,value\n0,1\n3600,2\n10800,3\n");
  EXPECT_TRUE(test::has_error(errors(R"({"csv": ")" + gap + R"(", "step_s": 3600})"), "line 4", "a gap"));
  const std::string negative = temp_file("negative.csv", "time_s,value\n0,1\n3600,-2\n");
  EXPECT_TRUE(test::has_error(errors(R"({"csv": ")" + negative + R"("})"), "line 3", "value"));
  const std::string ok = temp_file("ok.csv", "time_s,value\n0,1\n3600,2\n");
  EXPECT_TRUE(test::has_error(errors(R"({"csv": ")" + ok + R"(", "repeat_s": 3600})"), key + "/repeat_s",
                              "longer than the last row"));
  EXPECT_TRUE(test::has_error(errors(R"({"csv": ")" + ok + R"(", "daily": [{"from_hour": 0, "value": 1}]})"),
                              key + "/daily", "either time-of-use periods or a CSV file"));
}

TEST(Tco, TwoOptionsByHand)
{
  // Prices: 100 per accelerator, 1,000 per node, 5,000 per rack, 2,000 per kW of IT capacity; 4 years, 10 % a year.
  const std::string tco = R"("tco": {"amortization_years": 4, "maintenance_share_per_year": 0.1,
      "accelerator_capex": {"X": 100}, "node_capex": 1000, "rack_capex": 5000, "facility_capex_per_kw": 2000},)";
  const std::string job = R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 3600}])";
  const auto option = [&](int nodes) {
    std::string text = two_node_scenario(R"("pue": 1.25, "electricity_price_per_kwh": 0.5,)", job);
    text.replace(text.find(R"("nodes_per_rack": 2)"), 19, R"("nodes_per_rack": )" + std::to_string(nodes));
    text.insert(1, tco);
    Metered m = run_metered(text);
    return std::make_pair(tco_json(*m.scenario.tco, m.cluster, m.summary), m.summary);
  };
  constexpr double YEAR_H = 365 * 24;
  // Two nodes: 16 x 100 + 2 x 1,000 + 5,000 + 12 kW (2 x 400 W + 16 x 700 W at full load) x 2,000 = 32,600.
  // Electricity: 8.7 kWh x 0.5 per 3,600 s run, a year of them; 8 accelerator-hours delivered per run.
  const auto [a, sa] = option(2);
  EXPECT_EQ(a["basis"], "run");
  EXPECT_DOUBLE_EQ(a["capex"]["facility"].get<double>(), 24000);
  EXPECT_DOUBLE_EQ(a["capex"]["total"].get<double>(), 32600);
  EXPECT_DOUBLE_EQ(a["per_year"]["amortization"].get<double>(), 8150);
  EXPECT_DOUBLE_EQ(a["per_year"]["maintenance"].get<double>(), 3260);
  EXPECT_DOUBLE_EQ(a["per_year"]["electricity"].get<double>(), 4.35 * YEAR_H);
  const double total_a = 8150 + 3260 + 4.35 * YEAR_H;
  EXPECT_DOUBLE_EQ(a["per_year"]["total"].get<double>(), total_a);
  EXPECT_DOUBLE_EQ(a["per_delivered_accelerator_hour"].get<double>(), total_a / (8 * YEAR_H));
  EXPECT_DOUBLE_EQ(a["per_delivered_eflop"].get<double>(),
                   total_a / (sa["flops"]["delivered_eflop"].get<double>() * YEAR_H));
  // Three nodes: 46,400 of capex; the idle third node (400 + 8 x 70 W) adds 1.2 kWh of facility energy per run.
  const auto [b, sb] = option(3);
  EXPECT_DOUBLE_EQ(b["capex"]["total"].get<double>(), 2400 + 3000 + 5000 + 36000);
  EXPECT_DOUBLE_EQ(b["per_year"]["electricity"].get<double>(), 4.95 * YEAR_H);
  EXPECT_GT(b["per_delivered_accelerator_hour"].get<double>(), a["per_delivered_accelerator_hour"].get<double>());
  (void)sb;
  // Prices are the scenario's to give: a type without one, a cooling type without one.
  EXPECT_TRUE(test::has_error(test::load_errors(two_node_scenario("", job).insert(1, R"("tco": {"amortization_years": 4,
          "accelerator_capex": {"Y": 1}},)")),
                              "/tco/accelerator_capex", "no price for X"));
  EXPECT_TRUE(test::has_error(
      test::load_errors(two_node_scenario(R"("cooling": "liquid",)", job).insert(1, R"("tco": {"amortization_years": 4,
          "accelerator_capex": 1, "facility_capex_per_kw": {"air": 1}},)")),
      "/tco/facility_capex_per_kw", "no price for cooling \"liquid\""));
}

TEST(Tariff, ALongIdleSpanIsCountedDayByDayByTheHourOfTheDay)
{
  // Idle for 10 days (facility 1,920 W x 1.25 = 2.4 kW: 2.4 kWh in each hour), then the one-hour job (8.7 kW) at the
  // start of day 10; 0.3 per kWh before noon, 0.9 after. The idle span takes the whole-day path.
  const Metered m = run_metered(two_node_scenario(
      R"("pue": 1.25, "electricity_price_per_kwh": {"daily": [{"from_hour": 0, "value": 0.3},
         {"from_hour": 12, "value": 0.9}]},)",
      R"([{"id": "a", "submit_s": 864000, "accelerators": 8, "duration_s": 3600}])"));
  const auto& hours = m.summary["by_hour_of_day"];
  EXPECT_NEAR(hours[0]["facility_kwh"].get<double>(), 24 + 8.7, 1e-9);
  EXPECT_NEAR(hours[0]["cost"].get<double>(), (24 + 8.7) * 0.3, 1e-9);
  EXPECT_NEAR(hours[5]["facility_kwh"].get<double>(), 24, 1e-9);
  EXPECT_NEAR(hours[13]["cost"].get<double>(), 24 * 0.9, 1e-9);
  double cost = 0;
  for (const auto& h : hours)
    cost += h["cost"].get<double>();
  EXPECT_NEAR(cost, m.summary["cost"]["electricity"].get<double>(), 1e-9);
  EXPECT_NEAR(m.summary["cost"]["electricity"].get<double>(), 2.4 * 120 * (0.3 + 0.9) + 8.7 * 0.3, 1e-9);
  EXPECT_NEAR(m.summary["by_month"][0]["facility_kwh"].get<double>(), 2.4 * 240 + 8.7, 1e-9);
}

TEST(Weather, CoolingOverheadAtTwoTemperaturesUnderEachPreset)
{
  // overhead(T) = free_overhead + share(T) / COP(T); share = clamp((T - free) / (mechanical - free), 0, 1),
  // COP(T) = clamp(cop - loss x (T - 25), min, max). Each preset: one temperature with free cooling only, one in
  // the partial or full mechanical range.
  const auto air = pue_preset("air-chiller")->cooling;
  ASSERT_TRUE(air.has_value());
  EXPECT_FALSE(air->wet_bulb);
  EXPECT_DOUBLE_EQ(air->overhead(0), 0.142);
  EXPECT_DOUBLE_EQ(air->overhead(10), 0.142 + 0.5 / (4.0 + 0.08 * 15)); // half mechanical, COP 5.2
  EXPECT_DOUBLE_EQ(air->overhead(30), 0.142 + 1 / (4.0 - 0.08 * 5));    // COP 3.6
  // PUE at full load and 30 deg C: 1 + proportional 0.08 + fixed 0.04 + 0.142 + 1 / 3.6.
  EXPECT_DOUBLE_EQ(pue_preset("air-chiller")->at(1.0, 30), 1 + 0.08 + 0.04 + 0.142 + 1 / 3.6);
  const auto evaporative = pue_preset("evaporative")->cooling;
  ASSERT_TRUE(evaporative.has_value());
  EXPECT_TRUE(evaporative->wet_bulb);
  EXPECT_DOUBLE_EQ(evaporative->overhead(10), 0.06);
  EXPECT_DOUBLE_EQ(evaporative->overhead(27), 0.06 + 1 / (6.0 - 0.15 * 2)); // COP 5.7
  const auto liquid = pue_preset("liquid-warm-water")->cooling;
  ASSERT_TRUE(liquid.has_value());
  EXPECT_DOUBLE_EQ(liquid->overhead(25), 0.05);                         // dry coolers only up to 30 deg C
  EXPECT_DOUBLE_EQ(liquid->overhead(40), 0.05 + 1 / (6.0 - 0.15 * 15)); // COP 3.75
  // The chiller's COP stays within [cop_min, cop_max].
  EXPECT_DOUBLE_EQ(air->cop(60), 2.0);
  EXPECT_DOUBLE_EQ(air->cop(-60), 7.0);
}

TEST(Weather, ASyntheticClimateHasItsMeanAmplitudesAndSeededWeather)
{
  SyntheticClimate calm{12, 15, 5, 0, 15, 5, 4};
  const Climate c = synthesize_climate(calm, 1);
  ASSERT_EQ(c.dry_bulb_c.times().size(), 8760U);
  EXPECT_EQ(c.dry_bulb_c.period_s(), 365 * 86400.0);
  // Without weather the cosines cancel over the year: the mean is mean_c.
  EXPECT_NEAR(c.dry_bulb_c.mean(), 12, 1e-9);
  // 15 January 05:00-06:00 (its middle 5.5 h after the coldest day's start, 0.5 h after the coldest hour):
  // 12 - 15 x cos(2 pi 5.5 / 24 / 365) - 5 x cos(2 pi 0.5 / 24).
  const double t_coldest = (15 * 24 + 5) * 3600.0;
  EXPECT_NEAR(c.dry_bulb_c.at(t_coldest),
              12 - 15 * std::cos(2 * M_PI * 5.5 / 24 / 365) - 5 * std::cos(2 * M_PI * 0.5 / 24), 1e-9);
  // Half a year later (182.5 days: 17:00, half a day after the coldest hour): 12 + 15 + 5 x cos(2 pi 0.5 / 24).
  EXPECT_NEAR(c.dry_bulb_c.at(t_coldest + 182.5 * 86400),
              12 + 15 * std::cos(2 * M_PI * 5.5 / 24 / 365) + 5 * std::cos(2 * M_PI * 0.5 / 24), 1e-9);
  EXPECT_DOUBLE_EQ(c.wet_bulb_c->at(t_coldest), c.dry_bulb_c.at(t_coldest) - 4);
  // The year repeats.
  EXPECT_EQ(c.dry_bulb_c.at(t_coldest + 365 * 86400.0), c.dry_bulb_c.at(t_coldest));
  // Weather: daily anomalies with the given standard deviation, the same for a seed, another for another seed.
  SyntheticClimate windy = calm;
  windy.noise_c = 3;
  const Climate a = synthesize_climate(windy, 7), b = synthesize_climate(windy, 7),
                other = synthesize_climate(windy, 8);
  EXPECT_EQ(a.dry_bulb_c.values(), b.dry_bulb_c.values());
  EXPECT_NE(a.dry_bulb_c.values(), other.dry_bulb_c.values());
  double sum = 0, sum2 = 0;
  for (std::size_t day = 0; day < 365; day++) {
    const double anomaly = a.dry_bulb_c.values()[day * 24] - c.dry_bulb_c.values()[day * 24];
    sum += anomaly;
    sum2 += anomaly * anomaly;
  }
  const double sd = std::sqrt(sum2 / 365 - (sum / 365) * (sum / 365));
  EXPECT_GT(sd, 2.0);
  EXPECT_LT(sd, 4.0);
}

TEST(Weather, FacilityPowerFollowsTheTemperatureHourByHour)
{
  // Cooling with no other overhead: 0.1 (fans) at 0 deg C, 0.1 + 1/4 at 30 deg C. Hour 0 of each day is at 0 deg C,
  // the rest at 30. IT: 1,920 W idle, 6,960 W with a job on 8 accelerators. Job a runs [0, 7200], job b
  // [172800, 176400] (hour 0 of day 2); the site idles between, through 48 temperature steps.
  const Metered m = run_metered(two_node_scenario(
      R"("pue": {"fixed": 0, "proportional": 0, "cooling": {"free_below_c": 10, "mechanical_above_c": 20,
                 "free_overhead": 0.1, "cop": 4}},
         "climate": {"dry_bulb": {"daily": [{"from_hour": 0, "value": 0}, {"from_hour": 1, "value": 30}]}},)",
      R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 7200},
          {"id": "b", "submit_s": 172800, "accelerators": 8, "duration_s": 3600}])"));
  const double cool = 1.1, hot = 1.35, h = 3600;
  const double facility_j =
      6960 * cool * h + 6960 * hot * h + 1920 * hot * 22 * h + 1920 * cool * h + 1920 * hot * 23 * h + 6960 * cool * h;
  EXPECT_NEAR(m.summary["energy"]["facility_kwh"].get<double>(), facility_j / 3.6e6, 1e-9);
  EXPECT_NEAR(m.summary["energy"]["it_kwh"].get<double>(), (6960 * 3 * h + 1920 * 46 * h) / 3.6e6, 1e-9);
  EXPECT_NEAR(m.summary["by_hour_of_day"][0]["facility_kwh"].get<double>(), (6960 + 1920 + 6960) * cool / 1000, 1e-9);
  // PUE by hour of the day: 1.1 in hour 0 (0 deg C) every day, 1.35 in the others; by month, the energy-weighted mix.
  EXPECT_NEAR(m.summary["by_hour_of_day"][0]["pue"].get<double>(), cool, 1e-12);
  EXPECT_NEAR(m.summary["by_hour_of_day"][1]["pue"].get<double>(), hot, 1e-12);
  EXPECT_NEAR(m.summary["by_hour_of_day"][0]["it_kwh"].get<double>(), (6960 + 1920 + 6960) / 1000.0, 1e-9);
  EXPECT_NEAR(m.summary["by_month"][0]["pue"].get<double>(), facility_j / (6960 * 3 * h + 1920 * 46 * h), 1e-12);
  EXPECT_TRUE(m.summary["by_month"][1]["pue"].is_null()); // no energy in February
  // timeseries.csv: the temperature and PUE in effect at each sample, facility power between events too.
  const auto& cols = m.series.columns;
  const auto col = [&](const char* name) {
    return static_cast<std::size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin());
  };
  const std::size_t temp = col("temperature_c.s"), pue = col("pue.s"), facility = col("facility_power_w.s");
  ASSERT_LT(temp, cols.size());
  ASSERT_LT(pue, cols.size());
  EXPECT_EQ(col("wet_bulb_c.s"), cols.size()); // a dry-bulb plant: no wet-bulb column
  const auto at = [&](std::size_t row, std::size_t c) { return m.series.values[row * cols.size() + c]; };
  EXPECT_EQ(at(0, temp), 0);
  EXPECT_DOUBLE_EQ(at(0, pue), cool);
  EXPECT_EQ(at(2, temp), 30); // t = 3600
  EXPECT_DOUBLE_EQ(at(2, pue), hot);
  EXPECT_DOUBLE_EQ(at(2, facility), 6960 * hot);
  EXPECT_DOUBLE_EQ(at(48, facility), 1920 * cool); // t = 86400: idle, hour 0 of day 1, no event there
}

TEST(Weather, AHallWithItsOwnPueIsMeteredApart)
{
  // Two halls of one 8-accelerator node each (6,000 W busy, 960 W idle): the site's air at PUE 1.5 and a
  // liquid-cooled group at 1.1. One job only in the air hall, then one in each.
  const auto scenario = [](const std::string& jobs) {
    return R"({"accelerators": {"X": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 80,
                 "power_w": {"idle": 70, "max": 700}}},
      "sites": [{"name": "s", "region": "east", "pue": 1.5, "racks": [
        {"name": "air", "count": 1, "nodes_per_rack": 1, "node": {"accelerator": "X", "count": 8, "base_power_w": 400}},
        {"name": "liquid", "count": 1, "nodes_per_rack": 1, "pue": 1.1,
         "node": {"accelerator": "X", "count": 8, "base_power_w": 400}}]}],
      "workload": {"jobs": )" +
           jobs +
           R"(}, "scheduler": {"queue": "fcfs", "placement": "first-fit"}, "output": {"timeseries_interval_s": 0}})";
  };
  const Metered one = run_metered(scenario(R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 3600}])"));
  ASSERT_EQ(one.cluster.halls.size(), 2U);
  EXPECT_EQ(one.cluster.racks[1].hall, 1U);
  EXPECT_NEAR(one.summary["energy"]["facility_kwh"].get<double>(), (6000 * 1.5 + 960 * 1.1) / 1000, 1e-12);
  const Metered two = run_metered(scenario(R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 3600},
                                             {"id": "b", "submit_s": 0, "accelerators": 8, "duration_s": 3600}])"));
  EXPECT_NEAR(two.summary["energy"]["facility_kwh"].get<double>(), (6000 * 1.5 + 6000 * 1.1) / 1000, 1e-12);
  // What policies weigh: every hall at the same load, 12,000 W of IT at full load.
  EXPECT_DOUBLE_EQ(two.cluster.site_pue(0, 1.0), (6000 * 1.5 + 6000 * 1.1) / 12000);
}

TEST(Weather, BadCoolingAndClimatesAreLocated)
{
  const auto site = [](const std::string& fields) {
    return R"({"accelerators": {"X": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 80,
                 "power_w": {"idle": 70, "max": 700}}},
      "sites": [{"name": "s", "region": "east", )" +
           fields + R"("racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "X", "count": 8}},
                        {"name": "hot", "count": 1, "nodes_per_rack": 1, "pue": "evaporative",
                         "node": {"accelerator": "X", "count": 8}}]}],
      "workload": {"jobs": [{"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 60}]}})";
  };
  EXPECT_TRUE(test::load_errors(site(R"("climate": "shanghai", "pue": "air-chiller",)")).empty());
  EXPECT_TRUE(test::has_error(test::load_errors(site(R"("pue": "air-chiller",)")), "/sites/0/pue",
                              "expected the site's \"climate\""));
  EXPECT_TRUE(test::has_error(test::load_errors(site("")), "/sites/0/racks/1/pue", "expected the site's \"climate\""));
  EXPECT_TRUE(test::has_error(test::load_errors(site(R"("climate": "atlantis",)")), "/sites/0/climate",
                              "unknown climate preset \"atlantis\" (expected one of: beijing, shanghai"));
  // The evaporative hall follows the wet-bulb temperature: a dry-bulb series alone does not give it.
  EXPECT_TRUE(test::has_error(
      test::load_errors(site(R"("climate": {"dry_bulb": {"daily": [{"from_hour": 0, "value": -5}]}},)")),
      "/sites/0/racks/1/pue", "expected \"wet_bulb\""));
  EXPECT_TRUE(test::has_error(
      test::load_errors(site(R"("climate": {"mean_c": 10, "annual_amplitude_c": -1, "wet_bulb_depression_c": 3},)")),
      "/sites/0/climate/annual_amplitude_c", ">= 0"));
  EXPECT_TRUE(test::has_error(test::load_errors(site(R"("climate": {"annual_amplitude_c": 1},)")),
                              "/sites/0/climate/mean_c", "required without a \"preset\""));
  EXPECT_TRUE(test::has_error(
      test::load_errors(
          site(R"("climate": {"preset": "beijing", "dry_bulb": {"daily": [{"from_hour": 0, "value": 1}]}},)")),
      "/sites/0/climate/preset", "either series"));
  EXPECT_TRUE(test::has_error(
      test::load_errors(site(R"("climate": {"dry_bulb": {"daily": [{"from_hour": 0, "value": 1000}]}},)")),
      "/sites/0/climate/dry_bulb/daily/0/value", "<= 70"));
  EXPECT_TRUE(
      test::has_error(test::load_errors(site(R"("climate": "beijing", "pue": {"fixed": 0, "proportional": 0, "cooling":
        {"free_below_c": 20, "mechanical_above_c": 10, "free_overhead": 0.1, "cop": 4}},)")),
                      "/sites/0/pue/cooling/mechanical_above_c", "is not above free_below_c"));
  EXPECT_TRUE(
      test::has_error(test::load_errors(site(R"("climate": "beijing", "pue": {"fixed": 0, "proportional": 0, "cooling":
        {"free_below_c": 10, "mechanical_above_c": 20, "free_overhead": 0.1, "cop": 4, "follows": "soil"}},)")),
                      "/sites/0/pue/cooling/follows", "expected \"dry_bulb\" or \"wet_bulb\""));
  // A temperature that changes every minute would make the meter step every minute: at least 10 minutes apart.
  EXPECT_TRUE(test::has_error(
      test::load_errors(site(
          R"("climate": {"dry_bulb": {"daily": [{"from_hour": 0, "value": 1}, {"from_hour": 0.01, "value": 2}]},
                         "wet_bulb": {"daily": [{"from_hour": 0, "value": 1}]}},)")),
      "/sites/0/climate/dry_bulb", "expected steps at least 600 s apart"));
  EXPECT_TRUE(
      test::has_error(test::load_errors(site(R"("climate": "beijing", "pue": {"curve": [[1, 1.2]], "cooling": {}},)")),
                      "/sites/0/pue", "either"));
}

TEST(Weather, ThePresetsGiveThePublishedFigures)
{
  // docs/model.md "Weather-driven PUE": the annual PUE at a constant IT load L of a preset hall in a preset climate
  // (seed 1) is 1 + proportional + fixed / L + the cooling overhead averaged over the year's hours (facility energy
  // over IT energy, as the meter integrates it). The national average 1.47 (air-chiller hall in Shanghai at half
  // load), the East hubs' target below 1.25, the West's below 1.2.
  const auto annual = [](const char* preset, const char* climate, double load) {
    const PueCurve pue = *pue_preset(preset);
    const Climate c = synthesize_climate(*climate_preset(climate), 1);
    return 1 + pue.proportional + pue.fixed / load + mean_overhead(*pue.cooling, c.series_for(*pue.cooling));
  };
  // docs/model.md's table, to its three decimals (mutation guard for every preset's parameters).
  const char* climates[] = {"beijing", "shanghai", "guangzhou", "chengdu", "guiyang", "ulanqab", "zhongwei"};
  const struct {
    const char* preset;
    double pue[7];
  } table[] = {{"air-chiller", {1.432, 1.470, 1.534, 1.469, 1.458, 1.380, 1.408}},
               {"evaporative", {1.189, 1.211, 1.245, 1.206, 1.196, 1.162, 1.168}},
               {"liquid-warm-water", {1.134, 1.134, 1.138, 1.131, 1.130, 1.130, 1.131}}};
  for (const auto& row : table)
    for (std::size_t i = 0; i < 7; i++)
      EXPECT_NEAR(annual(row.preset, climates[i], 0.5), row.pue[i], 0.0005) << row.preset << " in " << climates[i];
  EXPECT_NEAR(annual("air-chiller", "shanghai", 0.5), 1.47, 0.005);
  EXPECT_LT(annual("evaporative", "shanghai", 0.5), 1.25);
  EXPECT_LT(annual("evaporative", "beijing", 0.5), 1.25);
  EXPECT_LT(annual("evaporative", "ulanqab", 0.5), 1.2);
  EXPECT_LT(annual("evaporative", "zhongwei", 0.5), 1.2);
  for (const char* climate : {"guiyang", "ulanqab", "zhongwei"})
    EXPECT_LT(annual("liquid-warm-water", climate, 0.5), 1.2) << climate;
  // The same hall is worse in the south's heat than in the north's cold.
  EXPECT_GT(annual("air-chiller", "guangzhou", 0.5), annual("air-chiller", "ulanqab", 0.5) + 0.1);
}

TEST(Weather, SitesOfOneClimateShareItsWeather)
{
  // One city, one sky: two sites with the Shanghai preset share one synthetic year (same weather); Beijing has its
  // own; a climate's own seed draws other weather. Distinct synthetic climates are bounded (each is an hourly year).
  const auto site = [](int i, const std::string& climate) {
    return R"({"name": "s)" + std::to_string(i) + R"(", "region": "east", "climate": )" + climate +
           R"(, "racks": [{"count": 1, "nodes_per_rack": 1, "node": {"accelerator": "X", "count": 1}}]})";
  };
  const auto scenario = [](const std::string& site_list) {
    return R"({"accelerators": {"X": {"kind": "gpu", "peak_tflops": {"bf16": 100}, "memory_gib": 80,
                 "power_w": {"idle": 70, "max": 700}}}, "sites": [)" +
           site_list + R"(], "workload": {"jobs": [{"id": "j", "submit_s": 0, "accelerators": 1, "duration_s": 60}]}})";
  };
  const Scenario s = test::scenario_from_text(scenario(site(0, R"("shanghai")") + "," + site(1, R"("shanghai")") + "," +
                                                       site(2, R"("beijing")") + "," +
                                                       site(3, R"({"preset": "shanghai", "seed": 5})")));
  EXPECT_EQ(s.sites[0].climate, s.sites[1].climate);
  EXPECT_NE(s.sites[0].climate, s.sites[2].climate);
  EXPECT_NE(s.sites[0].climate->dry_bulb_c.values(), s.sites[3].climate->dry_bulb_c.values());
  std::string many;
  for (int i = 0; i < 257; i++)
    many += (i > 0 ? "," : "") + site(i, R"({"preset": "beijing", "mean_c": )" + std::to_string(i % 60) + "." +
                                             std::to_string(i / 60) + "}");
  EXPECT_TRUE(test::has_error(test::load_errors(scenario(many)), "/sites/256/climate",
                              "more than 256 distinct synthetic climates"));
}
