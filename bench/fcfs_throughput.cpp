// bench/fcfs_throughput.cpp: N synthetic jobs on M accelerators through the full SimGrid engine.
// Prints jobs/s, events/s, wall seconds and peak RSS. Usage: ccsim_bench_engine [--jobs N] [--accelerators M]
//   [--load L] [--queue fcfs] [--placement first-fit] [--seed S] [--sites N] [--types K]
#include "synthetic.hpp"

#include "ccsim/cluster/cluster.hpp"
#include "ccsim/core/process.hpp"
#include "ccsim/engine/simulation.hpp"
#include "ccsim/metrics/metrics.hpp"
#include "ccsim/output/writers.hpp"
#include "ccsim/policy/registry.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <optional>

int main(int argc, char** argv)
{
  std::uint64_t jobs = 1'000'000;
  std::uint64_t accelerators = 10'000;
  double load = 0.9;
  std::uint64_t seed = 42;
  std::string queue_name = "fcfs";
  std::string placement_name = "first-fit";
  std::uint32_t sites = 1;
  std::uint32_t types = 1;
  CLI::App app{"ccsim engine throughput benchmark"};
  app.add_option("--jobs", jobs, "number of jobs");
  app.add_option("--accelerators", accelerators, "number of accelerators (nodes of 8)");
  app.add_option("--load", load, "offered load");
  app.add_option("--seed", seed, "seed");
  app.add_option("--queue", queue_name, "queue policy");
  app.add_option("--placement", placement_name, "placement policy");
  app.add_option("--sites", sites, "sites (accelerators split evenly)");
  app.add_option("--types", types, "accelerator types, 1..4 (every site has each)");
  std::string wait_log_path;
  app.add_option("--wait-log", wait_log_path, "also write the wait log (wait_log.csv, as `ccsim run` does) to PATH");
  CLI11_PARSE(app, argc, argv);

  const auto t0 = std::chrono::steady_clock::now();
  auto [scenario, workload] = ccsim::bench::synthetic_scenario(jobs, accelerators, load, seed, sites, types);
  scenario.scheduler.queue_policy = queue_name;
  scenario.scheduler.placement_policy = placement_name;
  const ccsim::Cluster cluster = ccsim::Cluster::build(scenario);
  const auto t1 = std::chrono::steady_clock::now();
  const auto& registry = ccsim::PolicyRegistry::global();
  auto queue = registry.queues.make(queue_name);
  auto placement = registry.placements.make(placement_name);
  // The same path as `ccsim run`: jobs streamed in, energy meter with hourly timeseries samples, metrics streamed
  // out (the timeseries and jobs.csv are not written; the wait log is with --wait-log).
  ccsim::VectorJobSource source(std::move(workload));
  ccsim::EnergyMeter meter(cluster, scenario.output.timeseries_interval_s);
  ccsim::RunMetrics metrics(cluster);
  std::optional<ccsim::WaitLogCsvWriter> wait_log;
  if (not wait_log_path.empty())
    wait_log.emplace(wait_log_path);
  const ccsim::SimulationRun run = ccsim::run_simulation(scenario, cluster, source, *queue, *placement, &meter,
                                                         {&metrics}, wait_log ? &*wait_log : nullptr);
  if (wait_log)
    wait_log->commit();
  const auto t2 = std::chrono::steady_clock::now();
  const auto summary = ccsim::summarize(scenario, cluster, metrics, run.counters, &meter);
  const auto t3 = std::chrono::steady_clock::now();

  const double gen_s = std::chrono::duration<double>(t1 - t0).count();
  const double sim_s = std::chrono::duration<double>(t2 - t1).count();
  const double wall_s = std::chrono::duration<double>(t3 - t0).count();
  fmt::print("jobs={} accelerators={} nodes={} sites={} types={} queue={} placement={} load={}\n", jobs,
             cluster.accelerator_count(), cluster.node_count(), sites, cluster.types.size(), queue_name, placement_name,
             load);
  fmt::print("generate_s={:.3f} simulate_s={:.3f} wall_s={:.3f}\n", gen_s, sim_s, wall_s);
  fmt::print("jobs_per_s={:.0f} events_per_s={:.0f} events={} clock_advances={}\n", static_cast<double>(jobs) / sim_s,
             static_cast<double>(run.counters.events) / sim_s, run.counters.events, run.clock_advances);
  fmt::print("peak_rss_mib={:.1f}\n", static_cast<double>(ccsim::peak_rss_bytes()) / (1024.0 * 1024.0));
  fmt::print("utilization={:.4f} mean_wait_s={:.1f} makespan_s={:.0f}\n",
             summary["utilization"]["accelerators"].get<double>(), summary["wait_s"]["mean"].get<double>(),
             summary["makespan_s"].get<double>());
  return 0;
}
