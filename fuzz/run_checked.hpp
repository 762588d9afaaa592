// fuzz/run_checked.hpp: what the scenario-driven fuzz targets (scenario, set, sweep) share: which inputs to skip and
// a run of a scenario document whose schedule is checked, not only survived.
#pragma once

#include "ccsim/cluster/cluster.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/engine/dispatcher.hpp"
#include "ccsim/engine/schedule_check.hpp"
#include "ccsim/fill/fill.hpp"
#include "ccsim/metrics/metrics.hpp"
#include "ccsim/output/writers.hpp"
#include "ccsim/policy/registry.hpp"
#include "ccsim/prepare/prepare.hpp"
#include "ccsim/scenario/loader.hpp"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace ccsim_fuzz {

inline bool reads_files(const nlohmann::json& doc)
{
  if (not doc.is_object())
    return false;
  if (doc.contains("workload") && doc["workload"].is_object() &&
      (doc["workload"].contains("path") || doc["workload"].dump().find("\"trace\"") != std::string::npos))
    return true;
  if (doc.contains("sites") && doc["sites"].is_array())
    for (const auto& site : doc["sites"])
      if (site.is_object() && site.contains("nodes"))
        return true;
  return false;
}

//! Generated workloads valid but too large to simulate at fuzzing speed.
inline bool generates_too_much(const nlohmann::json& doc)
{
  if (not doc.is_object() || not doc.contains("workload") || not doc["workload"].is_object() ||
      not doc["workload"].contains("generate"))
    return false;
  const auto& g = doc["workload"]["generate"];
  return not g.is_object() || g.contains("horizon_s") || not g.contains("jobs") || not g["jobs"].is_number() ||
         g["jobs"].get<double>() > 2000;
}

//! A finding: prints it and aborts, so that libFuzzer records the input as a crash.
[[noreturn]] inline void fail(const std::string& what)
{
  std::fprintf(stderr, "ccsim fuzz target: %s\n", what.c_str());
  std::abort();
}

//! Loads `doc` (InputError on bad input, for the caller to catch), simulates it in-process and checks the run: it
//! must end within 1,000,000 decision passes, leave no job queued and give a feasible schedule whose streamed
//! summary equals the one from every record. Too large inputs are skipped.
inline void run_checked(const nlohmann::json& doc, const std::string& file)
{
  const ccsim::PreparedRun run =
      ccsim::prepare(ccsim::scenario_from_json(doc, file, ""), {}, ccsim::PolicyRegistry::global(), /*hold_jobs=*/true);
  const ccsim::Scenario& s = run.scenario;
  const ccsim::Cluster& c = run.cluster;
  if (c.accelerator_count() > 20'000)
    return; // valid, but too large to simulate at fuzzing speed
  if (run.policies.fill) {
    // Fill mode clones tasks up to demand_ratio x capacity: skip inputs asking for too many at fuzzing speed.
    double total_milli = 0;
    for (const auto& j : run.jobs)
      total_milli += static_cast<double>(j.accelerators) * j.gpu_milli;
    const double capacity_milli = static_cast<double>(c.accelerator_count()) * 1000;
    if (total_milli > 0 &&
        s.scheduler.fill.demand_ratio * capacity_milli / (total_milli / static_cast<double>(run.jobs.size())) > 2e4)
      return;
    const auto r = ccsim::run_fill(c, run.jobs, s.scheduler.fill, *run.policies.fill, s.seed, file);
    (void)ccsim::fill_csv(r);
    (void)ccsim::placements_csv(c, run.jobs, r);
    (void)ccsim::json_text(ccsim::fill_summary(s, run.jobs, r));
    return;
  }
  ccsim::EnergyMeter meter(c, 0);
  ccsim::RunCollector records;
  ccsim::RunMetrics metrics(c);
  const auto jobs = run.open_jobs();
  // Wait attribution on whatever the placement (the default leaves it off for placements asked job by job).
  ccsim::WaitLogRecorder wait_log;
  ccsim::Dispatcher d(c, *jobs, s.scheduler, *run.policies.queue, *run.policies.placement, &meter, {&records, &metrics},
                      true, &wait_log);
  // The run must end (a livelock of decision passes is a bug, not a slow input: inputs here hold at most a few
  // thousand jobs), leave no job waiting, and produce a feasible, consistent schedule.
  if (not ccsim::run_without_network(d, c, 1'000'000))
    fail("the run did not end within 1,000,000 decision passes");
  if (d.queued() != 0)
    fail("the run ended with " + std::to_string(d.queued()) + " jobs still queued");
  const ccsim::RunResult result = records.take(d.counters(), run.job_count);
  if (const std::string problem = ccsim::schedule_problem(c, run.jobs, result, s.scheduler); not problem.empty())
    fail("infeasible schedule: " + problem);
  if (const std::string problem = ccsim::wait_log_problem(run.jobs, result, wait_log.intervals); not problem.empty())
    fail(problem);
  if (metrics.ended() != run.job_count)
    fail("the run ended " + std::to_string(metrics.ended()) + " of " + std::to_string(run.job_count) + " jobs");
  meter.finish(d.counters().end_s);
  const auto summary = ccsim::summarize(s, c, metrics, d.counters(), &meter);
  // The streaming summary equals the one from every record (sums are exact, whatever the order jobs ended in).
  if (summary != ccsim::summarize(s, c, run.jobs, result, &meter))
    fail("the streamed summary differs from the summary of the collected records");
  (void)ccsim::jobs_csv(c, s.name, run.jobs, result);
  (void)ccsim::json_text(summary);
}

} // namespace ccsim_fuzz
