// tests/support/helpers.hpp: small helpers shared by the test binaries.
#pragma once

#include "ccsim/cluster/cluster.hpp"
#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/engine/dispatcher.hpp"
#include "ccsim/engine/schedule_check.hpp"
#include "ccsim/policy/registry.hpp"
#include "ccsim/prepare/prepare.hpp"
#include "ccsim/scenario/loader.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccsim::test {

//! Loads scenario JSON text as if read from "test.json" (the load stage only: parsed and validated).
inline Scenario scenario_from_text(const std::string& text)
{
  return scenario_from_json(parse_json_text(text, "test.json"), "test.json", "");
}

//! Loads and prepares scenario JSON text: the platform, the jobs resolved against it, the policies.
inline PreparedRun prepared_from_text(const std::string& text, const Overrides& overrides = {})
{
  return prepare(scenario_from_text(text), overrides, PolicyRegistry::global(), /*hold_jobs=*/true);
}

//! Loads and prepares a scenario file, holding its jobs (PreparedRun::jobs).
inline PreparedRun prepared_from_file(const std::string& path, const Overrides& overrides = {})
{
  return prepare(load_scenario(path), overrides, PolicyRegistry::global(), /*hold_jobs=*/true);
}

//! The diagnostics loading and preparing `text` produce (empty if it loads and prepares).
inline std::vector<Diagnostic> load_errors(const std::string& text)
{
  try {
    prepared_from_text(text);
  } catch (const InputError& e) {
    return e.diagnostics();
  }
  return {};
}

//! True if some diagnostic is at `location` and its message contains `fragment`.
inline bool has_error(const std::vector<Diagnostic>& diags, const std::string& location, const std::string& fragment)
{
  for (const auto& d : diags)
    if (d.location == location && d.message.find(fragment) != std::string::npos)
      return true;
  return false;
}

//! Runs a prepared run's dispatcher to completion without SimGrid (the SimGrid engine drives the same object).
//! `meter` (optional) is told every power change and finished at the last event (while the cluster state it
//! samples still exists).
//! `wait_log` (optional) receives every wait's intervals when waits are attributed.
inline RunResult run_inline(const PreparedRun& run, EnergyMeter* meter = nullptr, WaitLogSink* wait_log = nullptr)
{
  // The policies are stateful: a fresh pair, so that a PreparedRun may be run more than once.
  auto [queue, placement, fill] = make_scenario_policies(run.scenario);
  RunCollector records;
  const auto jobs = run.open_jobs();
  Dispatcher d(run.cluster, *jobs, run.scenario.scheduler, *queue, *placement, meter, {&records},
               run.scenario.output.wait_causes, wait_log);
  run_without_network(d, run.cluster);
  if (meter != nullptr)
    meter->finish(d.counters().end_s);
  return records.take(d.counters(), run.job_count);
}

//! The index of the job with id `id` in `run.jobs` (throws std::out_of_range when there is none).
inline std::size_t job_index(const PreparedRun& run, const std::string& id)
{
  for (std::size_t i = 0; i < run.jobs.size(); i++)
    if (run.jobs[i].id == id)
      return i;
  throw std::out_of_range("no job " + id);
}

//! A one-site platform with `nodes` nodes of `per_node` accelerators of type "G" (fp32 10, bf16 and fp16 100 TFLOP/s),
//! plus the given jobs array (JSON text).
inline std::string
one_site_scenario(int nodes, int per_node, const std::string& jobs_json,
                  const std::string& scheduler_json = R"({"queue": "fcfs", "placement": "first-fit"})")
{
  return R"({"name": "t", "accelerators": {"G": {"kind": "gpu", "peak_tflops": {"fp32": 10, "bf16": 100, "fp16": 100}, "memory_gib": 16, "power_w": {"idle": 10, "max": 110}}},
             "sites": [{"name": "s", "region": "east", "racks": [{"count": 1, "nodes_per_rack": )" +
         std::to_string(nodes) + R"(, "node": {"accelerator": "G", "count": )" + std::to_string(per_node) +
         R"(}}]}],
             "workload": {"jobs": )" +
         jobs_json + R"(}, "scheduler": )" + scheduler_json + "}";
}

} // namespace ccsim::test

namespace ccsim::test {

//! Empty if the schedule is feasible (engine/schedule_check.hpp: every job ran, no double booking, rack caps
//! held, kill states consistent); otherwise a description of the first problem.
inline std::string schedule_problem(const Cluster& cluster, std::span<const Job> jobs, const RunResult& r,
                                    const SchedulerSpec& scheduler = {})
{
  return ccsim::schedule_problem(cluster, jobs, r, scheduler);
}

} // namespace ccsim::test
