// The roofline run time (issue 21, items 1-2; docs/model.md "Run time"): a job that moves memory runs for the longer
// of computing and moving its bytes, on each type at that type's peak and memory bandwidth.
#include "../support/helpers.hpp"

#include "ccsim/metrics/metrics.hpp"
#include "ccsim/perf/runtime.hpp"

#include <gtest/gtest.h>

namespace ccsim {
namespace {

using test::has_error;
using test::job_index;
using test::load_errors;
using test::prepared_from_text;
using test::run_inline;

//! One site with `nodes` nodes of 8 of each of H100-SXM and H20 (the built-in catalog's figures), and `jobs`.
std::string two_chips(const std::string& jobs, int nodes = 1)
{
  return R"({"name": "chips", "sites": [{"name": "s", "region": "east", "racks": [
               {"name": "h100", "count": )" +
         std::to_string(nodes) + R"(, "nodes_per_rack": 1, "node": {"accelerator": "H100-SXM", "count": 8}},
               {"name": "h20", "count": )" +
         std::to_string(nodes) + R"(, "nodes_per_rack": 1, "node": {"accelerator": "H20", "count": 8}}]}],
            "workload": {"jobs": )" +
         jobs + R"(}, "scheduler": {"queue": "fcfs", "placement": "first-fit"}})";
}

const AcceleratorType& type_named(const Cluster& c, const std::string& name)
{
  for (const auto& t : c.types)
    if (t.name == name)
      return t;
  throw std::runtime_error("no type " + name);
}

TEST(Roofline, TheCatalogGivesBandwidthsAndInterconnects)
{
  const PreparedRun run = prepared_from_text(two_chips(R"([{"id": "a", "submit_s": 0, "accelerators": 1,
                                                              "duration_s": 1}])"));
  const auto& h100 = type_named(run.cluster, "H100-SXM");
  const auto& h20 = type_named(run.cluster, "H20");
  EXPECT_EQ(h100.memory_bandwidth_byte_per_s, 3.35e12);
  EXPECT_EQ(h20.memory_bandwidth_byte_per_s, 4.0e12);
  EXPECT_EQ(h100.interconnect, "NVLink 4");
  EXPECT_EQ(h100.interconnect_byte_per_s, 900e9);
  // Overridable like every catalog field (an RFC 7386 merge patch): a slower part.
  auto text = two_chips(R"([{"id": "a", "submit_s": 0, "accelerators": 1, "duration_s": 1}])");
  text.insert(1, R"("accelerators": {"H20": {"memory_bandwidth_tb_per_s": 2, "interconnect": null}}, )");
  const PreparedRun patched = prepared_from_text(text);
  EXPECT_EQ(type_named(patched.cluster, "H20").memory_bandwidth_byte_per_s, 2e12);
  EXPECT_EQ(type_named(patched.cluster, "H20").interconnect, "");
}

TEST(Roofline, ADecodeBoundJobFollowsBandwidthsAPrefillBoundOnePeaks)
{
  // decode: 1e14 FLOP moving 1e14 bytes (1 FLOP/byte) on one accelerator. H100: compute 1e14 / 989.4e12 = 0.101 s,
  // memory 1e14 / 3.35e12 = 29.85 s; H20: compute 0.676 s, memory 1e14 / 4e12 = 25 s. The H20 is faster by the
  // bandwidth ratio 4 / 3.35.
  // prefill: 1e16 FLOP at 1,000 FLOP/byte (1e13 bytes). H100: compute 10.107 s, memory 2.985 s; H20: compute
  // 1e16 / 148e12 = 67.57 s, memory 2.5 s: slower by the peak ratio 989.4 / 148.
  const PreparedRun run = prepared_from_text(two_chips(R"([
      {"id": "decode", "submit_s": 0, "accelerators": 1, "work_flop": 1e14, "memory_bytes": 1e14},
      {"id": "prefill", "submit_s": 0, "accelerators": 1, "work_flop": 1e16, "arithmetic_intensity": 1000},
      {"id": "plain", "submit_s": 0, "accelerators": 2, "work_flop": 1e16, "efficiency": 0.5}])"));
  const auto& h100 = type_named(run.cluster, "H100-SXM");
  const auto& h20 = type_named(run.cluster, "H20");
  const Job& decode = run.jobs[job_index(run, "decode")];
  const Job& prefill = run.jobs[job_index(run, "prefill")];
  EXPECT_DOUBLE_EQ(unlimited_runtime_s(decode, h100), 1e14 / 3.35e12);
  EXPECT_DOUBLE_EQ(unlimited_runtime_s(decode, h20), 25.0);
  EXPECT_DOUBLE_EQ(unlimited_runtime_s(decode, h100) / unlimited_runtime_s(decode, h20), 4.0 / 3.35);
  EXPECT_DOUBLE_EQ(unlimited_runtime_s(prefill, h100), 1e16 / 989.4e12);
  EXPECT_DOUBLE_EQ(unlimited_runtime_s(prefill, h20) / unlimited_runtime_s(prefill, h100), 989.4 / 148);
  EXPECT_DOUBLE_EQ(memory_bytes_of(prefill), 1e13);
  // The computing part alone (what the work metrics count) stays the peak's.
  EXPECT_DOUBLE_EQ(compute_runtime_s(decode, h100), 1e14 / 989.4e12);
  // No memory term: work / (accelerators x peak x efficiency) as before, 1e16 / (2 x 989.4e12 x 0.5).
  EXPECT_DOUBLE_EQ(unlimited_runtime_s(run.jobs[job_index(run, "plain")], h100), 1e16 / 989.4e12);
  // The walltime a work-based job gets is its run time on its slowest eligible type.
  EXPECT_DOUBLE_EQ(decode.walltime_s, 1e14 / 3.35e12);
  EXPECT_DOUBLE_EQ(prefill.walltime_s, 1e16 / 148e12);
}

TEST(Roofline, TheEngineRunsEachJobForItsTypesRooflineTime)
{
  // Each decode job takes a whole node of 8 (FCFS, first fit: the H100 node first, then the H20 node). 8 x 1e14
  // bytes over 8 accelerators: 29.85 s on the H100s, 25 s on the H20s; the FLOP delivered is the work, 1.6e15,
  // however long the bytes took.
  const PreparedRun run = prepared_from_text(two_chips(R"([
      {"id": "on-h100", "submit_s": 0, "accelerators": 8, "work_flop": 8e14, "memory_bytes": 8e14},
      {"id": "on-h20", "submit_s": 0, "accelerators": 8, "work_flop": 8e14, "memory_bytes": 8e14}])"));
  const RunResult r = run_inline(run);
  EXPECT_EQ(test::schedule_problem(run.cluster, run.jobs, r), "");
  EXPECT_DOUBLE_EQ(r.records[job_index(run, "on-h100")].finish_s, 1e14 / 3.35e12);
  EXPECT_DOUBLE_EQ(r.records[job_index(run, "on-h20")].finish_s, 25.0);
  const auto summary = summarize(run.scenario, run.cluster, run.jobs, r);
  EXPECT_DOUBLE_EQ(summary["flops"]["delivered_eflop"].get<double>(), 1.6e15 / 1e18);
}

TEST(Roofline, AGeneratedClassCarriesItsArithmeticIntensity)
{
  // Decode-like work at 2 FLOP/byte: every generated job moves work / 2 bytes, and no type without a bandwidth.
  const PreparedRun run = prepared_from_text(R"({"name": "gen", "sites": [{"name": "s", "region": "east", "racks": [
        {"name": "h20", "count": 1, "nodes_per_rack": 2, "node": {"accelerator": "H20", "count": 8}}]}],
      "workload": {"generate": {"jobs": 20, "arrival": {"rate_per_hour": 60},
        "mix": [{"class": "inference", "accelerators": 1, "arithmetic_intensity": 2,
                 "work_flop": {"dist": "uniform", "min": 1e13, "max": 1e14}}]}},
      "scheduler": {"queue": "fcfs", "placement": "first-fit"}})");
  ASSERT_EQ(run.jobs.size(), 20U);
  const auto& h20 = type_named(run.cluster, "H20");
  for (const Job& j : run.jobs) {
    EXPECT_EQ(j.arithmetic_intensity, 2.0);
    EXPECT_DOUBLE_EQ(memory_bytes_of(j), j.work_flop / 2);
    // The class's efficiency (inference: 0.3) applies to the roofline; memory-bound at 2 FLOP/byte (ridge 37).
    EXPECT_EQ(j.efficiency, 0.3);
    EXPECT_DOUBLE_EQ(unlimited_runtime_s(j, h20), j.work_flop / 2 / (4e12 * 0.3));
  }
  EXPECT_TRUE(has_error(load_errors(R"({"name": "gen", "sites": [{"name": "s", "region": "east", "racks": [
        {"name": "h20", "count": 1, "nodes_per_rack": 2, "node": {"accelerator": "H20", "count": 8}}]}],
      "workload": {"generate": {"jobs": 20, "arrival": {"rate_per_hour": 60},
        "mix": [{"class": "inference", "accelerators": 1, "arithmetic_intensity": 2, "duration_s": 10}]}}})"),
                        "/workload/generate/mix/0/arithmetic_intensity", "expected \"work_flop\""));
}

TEST(Roofline, BadInputIsLocated)
{
  // Both ways of giving the bytes; bytes without work; a negative bandwidth; a memory-bound job with no type that
  // gives a bandwidth.
  EXPECT_TRUE(has_error(load_errors(two_chips(R"([{"id": "a", "submit_s": 0, "accelerators": 1, "work_flop": 1e12,
                                                    "memory_bytes": 1e12, "arithmetic_intensity": 2}])")),
                        "/workload/jobs/0/arithmetic_intensity", "found both"));
  EXPECT_TRUE(has_error(load_errors(two_chips(R"([{"id": "a", "submit_s": 0, "accelerators": 1, "duration_s": 5,
                                                    "arithmetic_intensity": 2}])")),
                        "/workload/jobs/0/arithmetic_intensity", "expected \"work_flop\""));
  EXPECT_TRUE(has_error(load_errors(two_chips(R"([{"id": "a", "submit_s": 0, "accelerators": 1, "work_flop": 1e12,
                                                    "arithmetic_intensity": 0}])")),
                        "/workload/jobs/0/arithmetic_intensity", ""));
  auto negative = two_chips(R"([{"id": "a", "submit_s": 0, "accelerators": 1, "duration_s": 1}])");
  negative.insert(1, R"("accelerators": {"H20": {"memory_bandwidth_tb_per_s": -1}}, )");
  EXPECT_TRUE(has_error(load_errors(negative), "/accelerators/H20/memory_bandwidth_tb_per_s", ""));
  const std::string custom =
      test::one_site_scenario(1, 1, R"([{"id": "m", "submit_s": 0, "accelerators": 1, "work_flop": 1e12,
                                          "memory_bytes": 1e9}])");
  EXPECT_TRUE(has_error(load_errors(custom), "/workload/jobs/0/memory_bytes", "gives a memory bandwidth"));
}

TEST(LlmTraining, WorkMemoryAndAllReduceFromTheModel)
{
  // A 70 B model (80 layers, hidden 8,192) on 2 T tokens of 4,096: work = 2e12 x (6 x 7e10 + 12 x 80 x 8192 x 4096)
  // = 9.04424e23 FLOP. On 1,024 H100s at an MFU of 0.4: 9.04424e23 / (1024 x 989.4e12 x 0.4) = 2.2318e6 s (25.8
  // days). Memory per accelerator: 16 x 7e10 / 1024 = 1.09375e9 bytes of model state + 2 x 4096 x 8192 x 80 =
  // 5.36870912e9 bytes of activations = 6.02 GiB. All-reduce: 2 x 7e10 bytes of bf16 gradients.
  const PreparedRun run = prepared_from_text(two_chips(R"([{"id": "llama", "submit_s": 0, "accelerators": 1024,
      "efficiency": 0.4, "accept": ["H100-SXM"],
      "llm_training": {"params": 7e10, "tokens": 2e12, "seq_len": 4096, "layers": 80, "hidden": 8192}}])",
                                                       128));
  const Job& j = run.jobs[0];
  EXPECT_DOUBLE_EQ(j.work_flop, 2e12 * (6 * 7e10 + 12.0 * 80 * 8192 * 4096));
  EXPECT_DOUBLE_EQ(j.memory_gib, (16 * 7e10 / 1024 + 2.0 * 4096 * 8192 * 80) / (1024.0 * 1024 * 1024));
  EXPECT_DOUBLE_EQ(j.allreduce_bytes, 1.4e11);
  EXPECT_EQ(j.precision, Precision::BF16);
  EXPECT_DOUBLE_EQ(unlimited_runtime_s(j, type_named(run.cluster, "H100-SXM")),
                   2e12 * (6 * 7e10 + 12.0 * 80 * 8192 * 4096) / (1024 * 989.4e12 * 0.4));
}

TEST(LlmTraining, Llama3_405BFromItsPublishedFigures)
{
  // "The Llama 3 Herd of Models" (2024): 405 B parameters, 126 layers, model dimension 16,384, sequences of 8,192
  // tokens, 15.6 T pre-training tokens, "3.8 x 10^25 FLOPs", 16,384 H100s at a BF16 MFU of 38-43 %; its model card
  // gives 30.84 M H100 GPU-hours of training. 6 N D alone is the stated figure (3.79e25); the attention term adds
  // 8.4 % (4.11e25), and at an MFU of 0.40 that takes 28.8 M GPU-hours: within 7 % of the card's, which also counts
  // the time lost to interruptions (about 90 % effective training time, ibid.).
  const PreparedRun run = prepared_from_text(two_chips(R"([
      {"id": "llama3", "submit_s": 0, "accelerators": 16384, "efficiency": 0.40, "accept": ["H100-SXM"],
       "llm_training": {"params": 405e9, "tokens": 15.6e12, "seq_len": 8192, "layers": 126, "hidden": 16384}},
      {"id": "6nd", "submit_s": 0, "accelerators": 16384, "llm_training": {"params": 405e9, "tokens": 15.6e12}}])",
                                                       2048));
  const Job& j = run.jobs[0];
  EXPECT_NEAR(run.jobs[1].work_flop / 3.8e25, 1.0, 0.003);
  EXPECT_NEAR(j.work_flop / run.jobs[1].work_flop, 1.0835, 0.0005);
  const double gpu_hours = unlimited_runtime_s(j, type_named(run.cluster, "H100-SXM")) * 16384 / 3600;
  EXPECT_NEAR(gpu_hours / 30.84e6, 1.0, 0.15);
  EXPECT_NEAR(gpu_hours, 28.83e6, 0.01e6);
}

TEST(LlmTraining, AModelThatFitsNoTypeIsLocatedWithTheMinimumSizes)
{
  // On 4 accelerators the 70 B model needs 16 x 7e10 / 4 = 2.8e11 bytes + 5.37e9 of activations = 265.8 GiB each:
  // more than the H100's 80 GiB or the H20's 96. The fewest that fit: H100 ceil(1.12e12 / (80 GiB - 5.37e9)) = 14,
  // H20 ceil(1.12e12 / (96 GiB - 5.37e9)) = 12.
  const auto errors = load_errors(two_chips(R"([{"id": "big", "submit_s": 0, "accelerators": 4,
      "llm_training": {"params": 7e10, "tokens": 2e12, "seq_len": 4096, "layers": 80, "hidden": 8192}}])"));
  EXPECT_TRUE(has_error(errors, "/workload/jobs/0/llm_training", "H100-SXM 14, H20 12"));
  EXPECT_TRUE(has_error(errors, "/workload/jobs/0/llm_training", "265.8 GiB on each of its 4 accelerators"));
  // Bad input: no parameters; work given twice; memory given by hand; layers without hidden.
  EXPECT_TRUE(has_error(load_errors(two_chips(R"([{"id": "a", "submit_s": 0, "accelerators": 8,
      "llm_training": {"params": 0, "tokens": 1e9}}])")),
                        "/workload/jobs/0/llm_training/params", ""));
  EXPECT_TRUE(has_error(load_errors(two_chips(R"([{"id": "a", "submit_s": 0, "accelerators": 8, "work_flop": 1e18,
      "llm_training": {"params": 1e9, "tokens": 1e9}}])")),
                        "/workload/jobs/0/work_flop", "found both"));
  EXPECT_TRUE(has_error(load_errors(two_chips(R"([{"id": "a", "submit_s": 0, "accelerators": 8, "memory_gib": 10,
      "llm_training": {"params": 1e9, "tokens": 1e9}}])")),
                        "/workload/jobs/0/memory_gib", "comes from its model"));
  EXPECT_TRUE(has_error(load_errors(two_chips(R"([{"id": "a", "submit_s": 0, "accelerators": 8,
      "llm_training": {"params": 1e9, "tokens": 1e9, "layers": 4}}])")),
                        "/workload/jobs/0/llm_training", "expected both"));
}

TEST(LlmTraining, GlobalBatchGivesTheGradientAllReducesShareOfTheRun)
{
  // A 1 B model on 1e10 tokens in global batches of 1e6: 1e4 steps, each all-reducing 2e9 bytes of bf16 gradients
  // over the job's 8 H100s. Its reference is one node of 8: a ring over NVLink at the fabric's defaults (1 us,
  // 3,600 Gb/s = 450e9 bytes/s): 2 x 7 x 1e-6 + 2 x 7/8 x 2e9 / 450e9 = 7.7918e-3 s, 77.918 s over the run. The run at
  // an efficiency (MFU) of 0.5: 6 x 1e9 x 1e10 / (8 x 989.4e12 x 0.5) = 15,161.7 s, of which that is the share.
  const PreparedRun run = prepared_from_text(two_chips(R"([
      {"id": "dp", "submit_s": 0, "accelerators": 8, "efficiency": 0.5, "accept": ["H100-SXM"],
       "llm_training": {"params": 1e9, "tokens": 1e10, "global_batch_tokens": 1e6}}])"));
  const Job& j = run.jobs[0];
  EXPECT_DOUBLE_EQ(j.steps, 1e4);
  const double allreduce_s = 2 * 7 * 1e-6 + 2.0 * 7 / 8 * 2e9 / 450e9;
  const double runtime_s = 6 * 1e9 * 1e10 / (8 * 989.4e12 * 0.5);
  EXPECT_NEAR(j.allreduce_reference_s, allreduce_s, 1e-12);
  EXPECT_NEAR(j.comm_reference_s, 1e4 * allreduce_s, 1e-8);
  EXPECT_NEAR(j.comm_share, 1e4 * allreduce_s / runtime_s, 1e-12);
  // At its reference placement (the H100 node) the job runs for its MFU's run time exactly.
  const RunResult r = run_inline(run);
  EXPECT_NEAR(r.records[0].finish_s, runtime_s, 1e-6);
  // Batches of 1,000 tokens: 1e7 all-reduces, 77,918 s, more than the whole run: refused, located.
  EXPECT_TRUE(has_error(load_errors(two_chips(R"([{"id": "tiny", "submit_s": 0, "accelerators": 8,
      "efficiency": 0.5, "accept": ["H100-SXM"],
      "llm_training": {"params": 1e9, "tokens": 1e10, "global_batch_tokens": 1e3}}])")),
                        "/workload/jobs/0/llm_training/global_batch_tokens", "gradient all-reduces"));
  // Given with a comm_share: one or the other.
  EXPECT_TRUE(has_error(load_errors(two_chips(R"([{"id": "both", "submit_s": 0, "accelerators": 8, "comm_share": 0.1,
      "llm_training": {"params": 1e9, "tokens": 1e10, "global_batch_tokens": 1e6}}])")),
                        "/workload/jobs/0/comm_share", "from its steps"));
}

TEST(LlmTraining, TheWhichChipScenario)
{
  // scenarios/chips/which-chip.json (docs/model.md "Which chip"). Decoding 1e9 tokens of a 70 B model (1.4e20 FLOP
  // at 16 FLOP/byte: 8.75e18 bytes) on 8 accelerators at an efficiency of 0.5 is memory-bound on all three chips:
  // H100 8.75e18 / (8 x 3.35e12 x 0.5) = 652,985 s, H20 / (8 x 4e12 x 0.5) = 546,875 s, Ascend-910B
  // / (8 x 1.6e12 x 0.5) = 1,367,187.5 s. Training the model on 1,024 of each takes the H100s their MFU's run time
  // exactly (they are its reference), the others about their peak ratio longer.
  const PreparedRun run = test::prepared_from_file(std::string(CCSIM_SOURCE_DIR) + "/scenarios/chips/which-chip.json");
  const RunResult r = run_inline(run);
  EXPECT_EQ(test::schedule_problem(run.cluster, run.jobs, r), "");
  const auto took = [&](const std::string& id) {
    const auto& rec = r.records[job_index(run, id)];
    return rec.finish_s - rec.start_s;
  };
  EXPECT_NEAR(took("decode-70b-h100"), 8.75e18 / (8 * 3.35e12 * 0.5), 1e-6);
  EXPECT_NEAR(took("decode-70b-h20"), 546875.0, 1e-6);
  EXPECT_NEAR(took("decode-70b-910b"), 1367187.5, 1e-6);
  const double work = 2e12 * (6 * 7e10 + 12.0 * 80 * 8192 * 4096);
  EXPECT_NEAR(took("train-70b-h100"), work / (1024 * 989.4e12 * 0.4), 1e-3);
  EXPECT_NEAR(took("train-70b-910b") / took("train-70b-h100"), 989.4 / 320, 0.01);
  EXPECT_NEAR(took("train-70b-h20") / took("train-70b-h100"), 989.4 / 148, 0.01);
}

//! two_chips() with workload.step_tables {"llama": tests/data/step-tables/<file>}.
std::string with_table(const std::string& jobs, const std::string& file = "llama70b.csv", int nodes = 8)
{
  std::string text = two_chips(jobs, nodes);
  const std::string at = R"("workload": {)";
  text.insert(text.find(at) + at.size(), R"("step_tables": {"llama": ")" + std::string(CCSIM_SOURCE_DIR) +
                                             "/tests/data/step-tables/" + file + R"("}, )");
  return text;
}

TEST(StepTable, MeasuredTimesAtAndBetweenTheMeasuredSizes)
{
  // tests/data/step-tables/llama70b.csv: H100-SXM 8 -> 12 s, 32 -> 3.5 s, 64 -> 2 s; H20 16 -> 30 s.
  const PreparedRun run = prepared_from_text(with_table(R"([
      {"id": "at8", "submit_s": 0, "accelerators": 8, "step_table": "llama", "steps": 1000},
      {"id": "at16", "submit_s": 0, "accelerators": 16, "step_table": "llama", "steps": 1000},
      {"id": "at48", "submit_s": 0, "accelerators": 48, "step_table": "llama", "steps": 1000, "accept": ["H100-SXM"]}])"));
  const auto& h100 = type_named(run.cluster, "H100-SXM");
  const auto& h20 = type_named(run.cluster, "H20");
  const Job& at8 = run.jobs[job_index(run, "at8")];
  const Job& at16 = run.jobs[job_index(run, "at16")];
  const Job& at48 = run.jobs[job_index(run, "at48")];
  EXPECT_DOUBLE_EQ(unlimited_runtime_s(at8, h100), 12000.0);
  EXPECT_TRUE(std::isnan(unlimited_runtime_s(at8, h20))); // no H20 row at 8: the type cannot run it
  EXPECT_EQ(at8.eligible_types, 1ULL << 0);               // H100-SXM only (types in platform order)
  // 16 lies between 8 and 32 on H100: 12 x (16 / 8)^(ln(3.5 / 12) / ln(4)) = 12 x 2^-0.8888 = 6.4807 s per step.
  EXPECT_NEAR(unlimited_runtime_s(at16, h100), 1000 * 12 * std::pow(2.0, std::log(3.5 / 12) / std::log(4.0)), 1e-9);
  EXPECT_DOUBLE_EQ(unlimited_runtime_s(at16, h20), 30000.0);
  EXPECT_EQ(at16.eligible_types, 3ULL);
  // 48 between 32 and 64: 3.5 x 1.5^(ln(2 / 3.5) / ln 2) s per step.
  EXPECT_NEAR(unlimited_runtime_s(at48, h100), 1000 * 3.5 * std::pow(1.5, std::log(2 / 3.5) / std::log(2.0)), 1e-9);
  // The engine runs them for those times; no collectives are added to measured steps.
  const RunResult r = run_inline(run);
  EXPECT_DOUBLE_EQ(r.records[job_index(run, "at8")].finish_s - r.records[job_index(run, "at8")].start_s, 12000.0);
  EXPECT_EQ(at16.comm_reference_s, 0.0);
}

TEST(StepTable, BadInputIsLocated)
{
  // A size outside every type's measured ones: located, with the sizes there are.
  EXPECT_TRUE(has_error(load_errors(with_table(R"([{"id": "big", "submit_s": 0, "accelerators": 4,
                                                    "step_table": "llama", "steps": 10}])")),
                        "/workload/jobs/0/step_table", "H100-SXM 8-64, H20 16"));
  EXPECT_TRUE(has_error(load_errors(with_table(R"([{"id": "a", "submit_s": 0, "accelerators": 8,
                                                    "step_table": "nope", "steps": 10}])")),
                        "/workload/jobs/0/step_table", "names no step-time table"));
  EXPECT_TRUE(has_error(load_errors(with_table(R"([{"id": "a", "submit_s": 0, "accelerators": 8,
                                                    "step_table": "llama"}])")),
                        "/workload/jobs/0/step_table", "need both"));
  EXPECT_TRUE(has_error(load_errors(with_table(R"([{"id": "a", "submit_s": 0, "accelerators": 8, "comm_share": 0.2,
                                                    "step_table": "llama", "steps": 10}])")),
                        "/workload/jobs/0/comm_share", "include their collectives"));
  EXPECT_TRUE(has_error(load_errors(with_table(R"([{"id": "a", "submit_s": 0, "accelerators": 8, "work_flop": 1e15,
                                                    "step_table": "llama", "steps": 10}])")),
                        "/workload/jobs/0", "found several"));
  // The CSV file's own mistakes, by line.
  const auto twice =
      load_errors(with_table(R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 1}])", "twice.csv"));
  ASSERT_FALSE(twice.empty());
  EXPECT_NE(twice.front().file.find("twice.csv"), std::string::npos);
  EXPECT_EQ(twice.front().location, "line 3");
  EXPECT_NE(twice.front().message.find("given twice"), std::string::npos);
  const auto zero =
      load_errors(with_table(R"([{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 1}])", "zero.csv"));
  ASSERT_FALSE(zero.empty());
  EXPECT_EQ(zero.front().location, "line 2");
}

} // namespace
} // namespace ccsim
