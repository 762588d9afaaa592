// Memory bound of a long run (issue 16): a 2-million-job generated workload runs through prepare, the SimGrid
// engine, the metrics, the energy meter and jobs.csv with a peak RSS that a run holding every job would exceed.
// Measured in this process (ctest runs each TEST in its own) with getrusage.
#include "../support/helpers.hpp"

#include "ccsim/engine/simulation.hpp"
#include "ccsim/metrics/metrics.hpp"
#include "ccsim/output/results_folder.hpp"
#include "ccsim/output/writers.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include <sys/resource.h>
#include <unistd.h>

using namespace ccsim;

namespace {
double peak_rss_mib()
{
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0; // Linux: KiB
}
} // namespace

TEST(Memory, TwoMillionGeneratedJobsRunInBoundedMemory)
{
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's shadow memory and quarantine make RSS meaningless: measured in the other builds";
#endif
  // 1,000 accelerators at offered load 0.8; 2,000,000 jobs of 1-8 accelerators (about 1.4 simulated years).
  const std::string scenario = R"({"name": "memory", "seed": 3,
    "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"fp32": 10, "bf16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
    "sites": [{"name": "s", "region": "east", "racks": [{"count": 5, "nodes_per_rack": 25, "node": {"accelerator": "G", "count": 8}}]}],
    "workload": {"generate": {"jobs": 2000000, "arrival": {"process": "poisson", "offered_load": 0.8},
      "mix": [{"class": "training", "accelerators": {"dist": "empirical", "values": [1, 2, 4, 8]},
               "duration_s": {"dist": "exponential", "mean": 3600, "max": 86400}, "walltime_factor": 1.5}]}},
    "scheduler": {"queue": "easy", "placement": "first-fit"},
    "output": {"timeseries_interval_s": 3600}})";
  const PreparedRun prep =
      prepare(test::scenario_from_text(scenario), {}, PolicyRegistry::global(), /*hold_jobs=*/false);
  ASSERT_EQ(prep.job_count, 2'000'000U);
  ASSERT_TRUE(prep.jobs.empty());

  const std::filesystem::path out =
      std::filesystem::temp_directory_path() / ("ccsim-memory-test-" + std::to_string(::getpid()));
  {
    ResultsFolder folder(out);
    JobsCsvWriter jobs_csv(prep.cluster, "memory", folder.file("jobs.csv"));
    RunMetrics metrics(prep.cluster);
    EnergyMeter meter(prep.cluster, prep.scenario.output.timeseries_interval_s, prep.scenario.file);
    TimeseriesCsvWriter timeseries(folder.file("timeseries.csv"));
    meter.stream_to(timeseries);
    const auto jobs = prep.open_jobs();
    const SimulationRun sim = run_simulation(prep.scenario, prep.cluster, *jobs, *prep.policies.queue,
                                             *prep.policies.placement, &meter, {&metrics, &jobs_csv});
    jobs_csv.commit();
    timeseries.commit();
    EXPECT_EQ(sim.counters.submitted, 2'000'000U);
    folder.commit();
  }
  EXPECT_GT(std::filesystem::file_size(out / "jobs.csv"), 100'000'000U); // every job's row was written
  std::filesystem::remove_all(out);
  // Holding the jobs alone (a Job is over 200 bytes with its strings) would take more than 400 MiB, and
  // ccsim_bench_engine, which materializes its workload, peaks at 568 MiB for 2M jobs. Streamed: the metrics'
  // 8 bytes per job for exact percentiles, on top of SimGrid and the platform (docs/performance.md, "Memory").
  const double peak = peak_rss_mib();
  RecordProperty("peak_rss_mib", std::to_string(peak));
  EXPECT_LT(peak, 250.0) << "peak RSS " << peak << " MiB";
}
