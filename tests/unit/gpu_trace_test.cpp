// GPU-cluster trace importers (openb, PAI, Tiresias), the ccsim workload format (convert round trips) and the
// generator. Tests on ../shared/data skip with a message when it is absent.
#include "../support/helpers.hpp"

#include "ccsim/workload/generator.hpp"
#include "ccsim/workload/importers.hpp"
#include "ccsim/workload/workload_json.hpp"

#include <gtest/gtest.h>

#include <numbers>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>

using namespace ccsim;
namespace fs = std::filesystem;

namespace {

const fs::path SOURCE(CCSIM_SOURCE_DIR);
const fs::path OPENB = SOURCE / ".." / "shared" / "data" / "gpu" / "alibaba-openb-v2023";
const fs::path TIRESIAS = SOURCE / ".." / "shared" / "data" / "gpu" / "tiresias";

#define SKIP_WITHOUT(path)                                                                                             \
  if (not fs::exists(path))                                                                                            \
  GTEST_SKIP() << (path).string() << " is absent (../shared/data beside the repository): skipping"

struct OpenbCounts {
  const char* variant;
  std::uint64_t rows;
  double gpus;
  std::uint64_t cpu_only, sharing, multi_gpu, with_spec;
};

// docs/sources.md, measured on the files.
const OpenbCounts OPENB_FACTS[] = {
    {"default", 8152, 6086.8, 1088, 3078, 75, 0},      {"cpu0", 7064, 6086.8, 0, 3078, 75, 0},
    {"cpu037", 7336, 6086.8, 272, 3078, 75, 0},        {"cpu050", 7439, 6086.8, 375, 3078, 75, 0},
    {"cpu072", 7608, 6086.8, 544, 3078, 75, 0},        {"cpu100", 7853, 6086.8, 789, 3078, 75, 0},
    {"cpu200", 8832, 6086.8, 1768, 3078, 75, 0},       {"cpu235", 9240, 6086.8, 2176, 3078, 75, 0},
    {"cpu250", 9420, 6086.8, 2356, 3078, 75, 0},       {"cpu300", 10094, 6086.8, 3030, 3078, 75, 0},
    {"gpushare20", 8152, 6531.5, 1088, 2324, 87, 0},   {"gpushare40", 8152, 5641.2, 1088, 4001, 62, 0},
    {"gpushare60", 8152, 4908.3, 1088, 5233, 30, 0},   {"gpushare80", 8152, 4408.2, 1088, 6279, 17, 0},
    {"gpushare100", 8152, 3952.7, 1088, 7064, 0, 0},   {"gpuspec05", 8152, 6086.8, 1088, 3078, 75, 369},
    {"gpuspec10", 8152, 6086.8, 1088, 3078, 75, 732},  {"gpuspec20", 8152, 6086.8, 1088, 3078, 75, 1444},
    {"gpuspec25", 8152, 6086.8, 1088, 3078, 75, 1759}, {"gpuspec33", 8152, 6086.8, 1088, 3078, 75, 2388},
};

} // namespace

TEST(OpenbTrace, CountsPerVariantEqualTheMeasuredFacts)
{
  SKIP_WITHOUT(OPENB);
  for (const auto& f : OPENB_FACTS) {
    SCOPED_TRACE(f.variant);
    const auto w = import_openb((OPENB / (std::string("openb_pod_list_") + f.variant + ".csv")).string(), nullptr,
                                ImportUse::FILL);
    EXPECT_EQ(w.report.read, f.rows);
    ASSERT_EQ(w.jobs.size(), f.rows); // fill mode keeps every row
    std::uint64_t milli = 0, cpu_only = 0, sharing = 0, multi = 0, spec = 0;
    for (const Job& j : w.jobs) {
      milli += static_cast<std::uint64_t>(j.accelerators) * j.gpu_milli;
      cpu_only += j.accelerators == 0 ? 1 : 0;
      sharing += j.accelerators == 1 && j.gpu_milli < 1000 ? 1 : 0;
      multi += j.accelerators > 1 ? 1 : 0;
      spec += j.accept.empty() ? 0 : 1;
    }
    EXPECT_NEAR(static_cast<double>(milli) / 1000.0, f.gpus, 0.05 + 1e-9); // the facts are rounded to 0.1 GPU
    EXPECT_EQ(cpu_only, f.cpu_only);
    EXPECT_EQ(sharing, f.sharing);
    EXPECT_EQ(multi, f.multi_gpu);
    EXPECT_EQ(spec, f.with_spec);
  }
  // The multigpuNN variants have 5 columns and no times: fill mode only.
  const std::pair<const char*, std::uint64_t> multigpu[] = {
      {"multigpu20", 8324}, {"multigpu30", 8508}, {"multigpu40", 8746}, {"multigpu50", 9061}};
  for (const auto& [variant, rows] : multigpu) {
    const fs::path p = OPENB / (std::string("openb_pod_list_") + variant + ".csv");
    EXPECT_EQ(import_openb(p.string(), nullptr, ImportUse::FILL).jobs.size(), rows) << variant;
    EXPECT_THROW(import_openb(p.string(), nullptr, ImportUse::EVENTS), InputError) << variant;
  }
}

TEST(OpenbTrace, EventReplayDropsPendingAndCpuOnlyPodsAndCountsThem)
{
  SKIP_WITHOUT(OPENB);
  const auto w = import_openb((OPENB / "openb_pod_list_default.csv").string(), nullptr, ImportUse::EVENTS);
  EXPECT_EQ(w.report.read, 8152U);
  EXPECT_EQ(w.report.skipped.at("cpu-only (num_gpu 0)"), 1088U - 36U); // CPU-only pods that did get scheduled
  EXPECT_EQ(w.report.skipped.at("pending (never scheduled)"), 897U);
  EXPECT_EQ(w.report.kept + 1088U - 36U + 897U, 8152U);
  // First pod: scheduled at 0, deleted at 12537496.
  EXPECT_EQ(w.jobs[0].id, "openb-pod-0000");
  EXPECT_DOUBLE_EQ(w.jobs[0].duration_s, 12537496);
  EXPECT_EQ(w.jobs[0].cpu_milli, 12000U);
  EXPECT_EQ(w.jobs[0].host_memory_mib, 16384);
}

TEST(OpenbTrace, NodeListsGiveTheFgdPlatform)
{
  SKIP_WITHOUT(OPENB);
  ImportReport r;
  const auto nodes = import_openb_nodes((OPENB / "openb_node_list_gpu_node.csv").string(), nullptr, r);
  ASSERT_EQ(nodes.size(), 1213U);
  std::map<std::pair<std::string, std::uint32_t>, int> by_shape;
  std::uint64_t gpus = 0;
  for (const auto& n : nodes) {
    by_shape[{n.model, n.gpus}]++;
    gpus += n.gpus;
  }
  EXPECT_EQ(gpus, 6212U);
  EXPECT_EQ((by_shape[{"G2", 8}]), 549);
  EXPECT_EQ((by_shape[{"T4", 2}]), 387);
  EXPECT_EQ((by_shape[{"P100", 2}]), 131);
  EXPECT_EQ((by_shape[{"G3", 8}]), 39);
  EXPECT_EQ((by_shape[{"V100M16", 4}]), 28);
  EXPECT_EQ((by_shape[{"V100M32", 8}]), 21);
  EXPECT_EQ((by_shape[{"A10", 1}]), 2);
  ImportReport all;
  EXPECT_EQ(import_openb_nodes((OPENB / "openb_node_list_all_node.csv").string(), nullptr, all).size(), 1213U);
  EXPECT_EQ(all.read, 1523U);
  EXPECT_EQ(all.skipped.at("cpu-only node (gpu 0)"), 310U);
  // options.models renames trace models to the scenario's accelerator types.
  ImportReport mapped;
  const auto renamed = import_openb_nodes((OPENB / "openb_node_list_gpu_node.csv").string(),
                                          nlohmann::json{{"models", {{"G2", "A100-SXM"}}}}, mapped);
  EXPECT_EQ(std::count_if(renamed.begin(), renamed.end(), [](const auto& n) { return n.model == "A100-SXM"; }), 549);
}

TEST(TiresiasTrace, SixtyJobs)
{
  SKIP_WITHOUT(TIRESIAS);
  const auto w = import_tiresias((TIRESIAS / "60_job.csv").string(), nullptr, ImportUse::EVENTS);
  ASSERT_EQ(w.jobs.size(), 60U);
  EXPECT_EQ(w.jobs[1].id, "1");
  EXPECT_EQ(w.jobs[1].accelerators, 8U);
  EXPECT_DOUBLE_EQ(w.jobs[1].submit_s, 30);
  EXPECT_DOUBLE_EQ(w.jobs[1].duration_s, 147);
}

TEST(PaiTrace, TaskTableJoinedWithJobTable)
{
  // A sample written from the published headers (no PAI data file is stored): both files have no header row.
  const fs::path dir = SOURCE / "tests/data/pai";
  const auto w = import_pai((dir / "pai_task_table.csv").string(), nlohmann::json{{"job_table", "pai_job_table.csv"}},
                            ImportUse::EVENTS);
  EXPECT_EQ(w.report.read, 5U);
  EXPECT_EQ(w.report.skipped.at("cpu-only (plan_gpu 0)"), 1U);
  EXPECT_EQ(w.report.skipped.at("status Running"), 1U);
  ASSERT_EQ(w.jobs.size(), 3U);
  const Job& a = w.jobs[0];
  EXPECT_EQ(a.id, "job_a/worker");
  EXPECT_DOUBLE_EQ(a.submit_s, 0); // job table start 1000, shifted to 0
  EXPECT_DOUBLE_EQ(a.duration_s, 3000);
  EXPECT_EQ(a.accelerators, 2U); // 2 instances x 100 % of a GPU
  EXPECT_EQ(a.gpu_milli, 1000);
  EXPECT_EQ(a.cpu_milli, 6000U);              // plan_cpu 600 % of a core
  EXPECT_DOUBLE_EQ(a.host_memory_mib, 30000); // 29.296875 GB
  EXPECT_EQ(a.accept, std::vector<std::string>{"V100"});
  EXPECT_EQ(a.tenant, "user1");
  const Job& b = w.jobs[1];
  EXPECT_DOUBLE_EQ(b.submit_s, 200);
  EXPECT_EQ(b.accelerators, 1U);
  EXPECT_EQ(b.gpu_milli, 500); // plan_gpu 50 = half a GPU
  const Job& d = w.jobs[2];
  EXPECT_EQ(d.accelerators, 3U); // plan_gpu 250 rounds up to 3 GPUs
  EXPECT_TRUE(d.accept.empty()); // MISC = any
  EXPECT_DOUBLE_EQ(d.submit_s, 1000);
  // Without the job table: submission = the task's start.
  const auto alone = import_pai((dir / "pai_task_table.csv").string(), nullptr, ImportUse::FILL);
  ASSERT_EQ(alone.jobs.size(), 4U); // fill mode keeps the CPU-only task
  EXPECT_EQ(alone.jobs[1].accelerators, 0U);
  EXPECT_TRUE(alone.jobs[0].tenant.empty());
}

TEST(CsvImporters, ReportTheLineOfAMalformedRow)
{
  const std::string h = "job_id,num_gpu,submit_time,iterations,model_name,duration,interval\n";
  const auto error_of = [](const std::string& text) {
    try {
      import_tiresias_text(text, "t.csv", nullptr, ImportUse::EVENTS);
    } catch (const InputError& e) {
      return e.diagnostics().at(0).to_string();
    }
    return std::string("no error");
  };
  EXPECT_EQ(error_of(h + "0,1,0,6,v,16,3\n1,2,5\n"), "t.csv: line 3: 3 fields (expected 7, as in the header)");
  EXPECT_EQ(error_of(h + "0,x,0,6,v,16,3\n"), "t.csv: line 2: num_gpu is \"x\" (expected an integer in [1, 1000000])");
  EXPECT_EQ(error_of(h + "0,1,-4,6,v,16,3\n"), "t.csv: line 2: submit_time is \"-4\" (expected a number in [0, inf])");
  EXPECT_EQ(error_of(h + "\"0,1,0,6,v,16,3\n"),
            "t.csv: line 2: a quoted field is not closed at the end of the file (expected a closing quote)");
  // Quoted fields with commas and CRLF line ends are RFC 4180 CSV.
  const auto w = import_tiresias_text(h + "\"a,b\",1,0,6,v,16,3\r\n1,2,5,6,\"x\"\"y\",7,3\r\n", "t.csv", nullptr,
                                      ImportUse::EVENTS);
  ASSERT_EQ(w.jobs.size(), 2U);
  EXPECT_EQ(w.jobs[0].id, "a,b");
  EXPECT_EQ(w.report.lines, (std::vector<std::uint64_t>{2, 3}));
}

namespace {

void expect_same_jobs(const std::vector<Job>& a, const std::vector<Job>& b)
{
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); i++) {
    SCOPED_TRACE(a[i].id);
    EXPECT_EQ(a[i].id, b[i].id);
    EXPECT_EQ(a[i].submit_s, b[i].submit_s);
    EXPECT_EQ(a[i].accelerators, b[i].accelerators);
    EXPECT_EQ(std::isnan(a[i].duration_s) ? -1 : a[i].duration_s, std::isnan(b[i].duration_s) ? -1 : b[i].duration_s);
    EXPECT_EQ(a[i].walltime_s, b[i].walltime_s);
    EXPECT_EQ(a[i].gpu_milli, b[i].gpu_milli);
    EXPECT_EQ(a[i].cpu_milli, b[i].cpu_milli);
    EXPECT_EQ(a[i].host_memory_mib, b[i].host_memory_mib);
    EXPECT_EQ(a[i].accept, b[i].accept);
    EXPECT_EQ(a[i].tenant, b[i].tenant);
    EXPECT_EQ(a[i].precision, b[i].precision);
    EXPECT_EQ(a[i].job_class, b[i].job_class);
    EXPECT_EQ(a[i].eligible_types, b[i].eligible_types);
  }
}

//! The same scenario with the trace read by its importer, and with the trace converted to a ccsim workload file.
void expect_convert_round_trip(const std::string& platform_json, const std::string& scheduler_json,
                               const std::string& format, const fs::path& trace, ImportUse use)
{
  const auto imported = import_trace(format, trace.string(), nullptr, use);
  const fs::path converted = fs::temp_directory_path() / ("ccsim-convert-" + format + ".json");
  std::ofstream(converted) << workload_json_text(imported.jobs, imported.report);
  const auto scenario = [&](const std::string& workload) {
    return test::prepared_from_text("{\"name\": \"rt\", " + platform_json + ", \"workload\": " + workload +
                                    ", \"scheduler\": " + scheduler_json + "}");
  };
  const PreparedRun direct = scenario(R"({"format": ")" + format + R"(", "path": ")" + trace.string() + "\"}");
  const PreparedRun via_file = scenario(R"({"format": "ccsim", "path": ")" + converted.string() + "\"}");
  expect_same_jobs(direct.jobs, via_file.jobs);
  EXPECT_EQ(via_file.workload_report.format, "ccsim");
  fs::remove(converted);
}

} // namespace

TEST(Convert, RoundTripsSwfTiresiasAndOpenb)
{
  SKIP_WITHOUT(OPENB);
  const std::string big = R"("sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 16,
      "node": {"accelerator": "H100-SXM", "count": 8}}]}])";
  expect_convert_round_trip(big, R"({"queue": "easy"})", "swf",
                            SOURCE / "../shared/data/swf/KTH-SP2-1996-2.1-cln.swf.gz", ImportUse::EVENTS);
  expect_convert_round_trip(big, R"({"queue": "fcfs"})", "tiresias", TIRESIAS / "60_job.csv", ImportUse::EVENTS);
  const std::string openb_platform =
      R"("accelerators": {)" +
      [] {
        std::string a;
        for (const char* m : {"G2", "G3", "T4", "P100", "V100M16", "V100M32", "A10"})
          a +=
              std::string(a.empty() ? "" : ", ") + "\"" + m +
              R"(": {"kind": "gpu", "peak_tflops": {"fp32": 10}, "memory_gib": 16, "power_w": {"idle": 10, "max": 100}})";
        return a;
      }() +
      R"(}, "sites": [{"name": "o", "region": "east", "nodes": {"format": "openb", "path": ")" +
      (OPENB / "openb_node_list_gpu_node.csv").string() + "\"}}]";
  expect_convert_round_trip(openb_platform, R"({"mode": "fill"})", "openb", OPENB / "openb_pod_list_gpuspec33.csv",
                            ImportUse::FILL);
}

namespace {

PreparedRun generated(const std::string& generate_json)
{
  return test::prepared_from_text(
      R"({"name": "gen", "sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 4,
          "node": {"accelerator": "H100-SXM", "count": 8}}]}], "workload": {"generate": )" +
      generate_json + "}}");
}

const char* const MIX = R"({"jobs": 100000, "arrival": {"rate_per_hour": 720},
    "mix": [{"class": "training", "accelerators": {"dist": "empirical", "values": [1, 2, 8], "weights": [5, 3, 2]},
             "duration_s": {"dist": "lognormal", "median": 600, "sigma": 1.2, "max": 86400}},
            {"class": "inference", "share": 2, "accelerators": 1, "duration_s": {"dist": "exponential", "mean": 60}}],
    "tenants": 3)";

} // namespace

TEST(Generator, SameSeedSameJobsAtTheSeededPoissonRate)
{
  const PreparedRun prep = generated(std::string(MIX) + "}");
  ASSERT_EQ(prep.jobs.size(), 100000U);
  EXPECT_EQ(prep.workload_report.format, "generate");
  // Seeded, so exact: the 100,000th arrival's time (a rate of 0.200275 jobs/s against the 0.2 asked for).
  EXPECT_DOUBLE_EQ(prep.jobs.back().submit_s, 499314.80408917606);
  std::map<std::string, int> tenants;
  int inference = 0;
  for (const Job& j : prep.jobs) {
    tenants[j.tenant]++;
    inference += j.job_class == JobClass::INFERENCE ? 1 : 0;
    ASSERT_GE(j.accelerators, 1U);
  }
  EXPECT_EQ(tenants.size(), 3U);
  EXPECT_EQ(inference, 66654); // mix shares 1 : 2: 66,667 of 100,000 expected
  EXPECT_EQ(prep.jobs[0].id, "g0");
  EXPECT_EQ(prep.jobs[0].precision, Precision::BF16); // training's default precision
  // Deterministic: the same seed gives the same jobs; another seed gives others.
  const PreparedRun again = generated(std::string(MIX) + "}");
  EXPECT_EQ(again.jobs.back().submit_s, prep.jobs.back().submit_s);
  EXPECT_EQ(again.jobs[17].duration_s, prep.jobs[17].duration_s);
  const PreparedRun other = generated(std::string(MIX) + R"(, "seed": 99})");
  EXPECT_NE(other.jobs.back().submit_s, prep.jobs.back().submit_s);
}

TEST(Generator, DiurnalRateAndOfferedLoad)
{
  GeneratorSpec spec;
  spec.process = GeneratorSpec::Process::DIURNAL;
  spec.amplitude = 0.8;
  spec.peak_hour = 14;
  spec.rate_per_s = 0.5;
  spec.horizon_s = 20 * 86400; // whole days: the cosine averages out
  MixEntry m;
  m.accelerators.a = 2;
  m.duration_s = Distribution{};
  m.duration_s->a = 100;
  spec.mix.push_back(m);
  const auto jobs = generate_jobs(spec, 64, 7);
  EXPECT_EQ(jobs.size(), 864692U); // seeded: exact (0.5 jobs/s x 1,728,000 s = 864,000 expected)
  // More arrivals in the peak hour than in the trough hour (12 h apart).
  int peak = 0, trough = 0;
  for (const Job& j : jobs) {
    const double hour = std::fmod(j.submit_s / 3600.0, 24.0);
    peak += hour >= 13.5 && hour < 14.5 ? 1 : 0;
    trough += hour >= 1.5 && hour < 2.5 ? 1 : 0;
  }
  EXPECT_GT(peak, 5 * trough);
  // Offered load: rate = load x capacity / E[accelerators x duration] = 0.5 x 100 / (2 x 100) = 0.25 jobs/s.
  GeneratorSpec load = spec;
  load.rate_per_s = 0;
  load.offered_load = 0.5;
  EXPECT_DOUBLE_EQ(generator_rate_per_s(load, 100), 0.25);
}

TEST(Generator, TheRateIsTheProductOfGrowthCyclesAndSteps)
{
  // Weekdays 1, weekend 0.5, normalized to mean 1: 7/6 and 7/12. t = 0 is a Monday; annual peak on day 0.
  const PreparedRun prep = generated(R"({"jobs": 10, "arrival": {"rate_per_hour": 1, "growth_per_year": 0.4,
      "weekday_factors": [1, 1, 1, 1, 1, 0.5, 0.5], "annual": {"amplitude": 0.2}, "steps": [{"at_s": 2592000,
      "factor": 1.5}]}, "mix": [{"class": "training", "accelerators": 1, "duration_s": 60}]})");
  const GeneratorSpec& g = prep.scenario.workload.generator;
  EXPECT_NEAR(g.rate_factor(0), 7.0 / 6 * 1.2, 1e-12);
  // A year on (day 365, a Tuesday): x 1.4 growth, after the step at day 30.
  EXPECT_NEAR(g.rate_factor(365 * 86400.0), 1.4 * 7.0 / 6 * 1.2 * 1.5, 1e-12);
  // Saturday noon.
  const double t = 5.5 * 86400;
  EXPECT_NEAR(g.rate_factor(t),
              std::pow(1.4, t / (365 * 86400.0)) * 7.0 / 12 * (1 + 0.2 * std::cos(2 * std::numbers::pi * 5.5 / 365)),
              1e-12);
  for (double x = 0; x < 400 * 86400.0; x += 3 * 3600.0 + 17)
    ASSERT_LE(g.rate_factor(x), g.rate_factor_bound(x - 40000, x + 40000)) << x;
  // Located errors.
  const auto errors = [](const std::string& arrival) {
    return test::load_errors(R"({"sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": 1,
        "node": {"accelerator": "H100-SXM", "count": 8}}]}], "workload": {"generate": {"horizon_s": 1, "arrival": )" +
                             arrival + R"(, "mix": [{"class": "training", "accelerators": 1, "duration_s": 60}]}}})");
  };
  EXPECT_TRUE(test::has_error(errors(R"({"rate_per_hour": 1, "weekday_factors": [1, 1, 1]})"),
                              "/workload/generate/arrival/weekday_factors", "expected 7 factors > 0"));
  EXPECT_TRUE(test::has_error(errors(R"({"rate_per_hour": 1, "growth_per_year": -1})"),
                              "/workload/generate/arrival/growth_per_year", ""));
  EXPECT_TRUE(
      test::has_error(errors(R"({"rate_per_hour": 1, "steps": [{"at_s": 10, "factor": 2}, {"at_s": 5, "factor": 2}]})"),
                      "/workload/generate/arrival/steps/1/at_s", "in time order"));
  EXPECT_TRUE(test::has_error(errors(R"({"rate_per_hour": 1, "steps": [{"at_s": 10, "factor": 0}]})"),
                              "/workload/generate/arrival/steps/0/factor", ""));
  EXPECT_TRUE(test::has_error(errors(R"({"rate_per_hour": 1, "annual": {"amplitude": 2}})"),
                              "/workload/generate/arrival/annual/amplitude", ""));
  EXPECT_TRUE(test::has_error(errors(R"({"rate_per_hour": 1, "reference_accelerators": 8})"),
                              "/workload/generate/arrival/reference_accelerators", "only an offered_load"));
}

TEST(Generator, ArrivalsFollowGrowthTheWeekAndSteps)
{
  const auto count_between = [](const std::vector<Job>& jobs, double from, double to) {
    return static_cast<double>(
        std::count_if(jobs.begin(), jobs.end(), [&](const Job& j) { return j.submit_s >= from && j.submit_s < to; }));
  };
  GeneratorSpec spec;
  spec.rate_per_s = 0.01;
  MixEntry m;
  m.accelerators.a = 1;
  m.duration_s = Distribution{};
  m.duration_s->a = 60;
  spec.mix.push_back(m);
  constexpr double YEAR = 365 * 86400.0;
  // +40 % a year: the second year has 1.4 x the first's arrivals (integrals of 1.4^x over [1, 2] and [0, 1]).
  GeneratorSpec growth = spec;
  growth.growth_per_year = 0.4;
  growth.horizon_s = 2 * YEAR;
  const auto grown = generate_jobs(growth, 1, 3);
  EXPECT_NEAR(count_between(grown, YEAR, 2 * YEAR) / count_between(grown, 0, YEAR), 1.4, 0.014);
  // Mean over the first year: 0.01 x (1.4 - 1) / ln 1.4 jobs/s.
  EXPECT_NEAR(count_between(grown, 0, YEAR) / (0.01 * YEAR * 0.4 / std::log(1.4)), 1, 0.01);
  // Weekends at half the weekday rate.
  GeneratorSpec weekly = spec;
  weekly.weekday = {7.0 / 6, 7.0 / 6, 7.0 / 6, 7.0 / 6, 7.0 / 6, 7.0 / 12, 7.0 / 12};
  weekly.horizon_s = 20 * 7 * 86400.0;
  const auto week = generate_jobs(weekly, 1, 3);
  double weekdays = 0, weekends = 0;
  for (const Job& j : week)
    (std::fmod(std::floor(j.submit_s / 86400), 7) >= 5 ? weekends : weekdays) += 1;
  EXPECT_NEAR((weekends / 2) / (weekdays / 5), 0.5, 0.015);
  EXPECT_NEAR(static_cast<double>(week.size()) / (0.01 * weekly.horizon_s), 1, 0.01); // the mean is kept
  // A new tenant doubles demand from day 10.
  GeneratorSpec step = spec;
  step.steps = {{10 * 86400.0, 2.0}};
  step.horizon_s = 20 * 86400.0;
  const auto stepped = generate_jobs(step, 1, 3);
  EXPECT_NEAR(count_between(stepped, 10 * 86400.0, 20 * 86400.0) / count_between(stepped, 0, 10 * 86400.0), 2, 0.06);
  // A job count with a decaying rate ends (at the largest time ccsim accepts) rather than looping.
  GeneratorSpec decay = spec;
  decay.growth_per_year = -0.99;
  decay.rate_per_s = 1e-6;
  decay.jobs = 1000;
  EXPECT_LT(generate_jobs(decay, 1, 3).size(), 1000U);
}
