// tests/support/helpers.hpp: small helpers shared by the test binaries.
#pragma once

#include "ccsim/cluster/cluster.hpp"
#include "ccsim/core/error.hpp"
#include "ccsim/engine/dispatcher.hpp"
#include "ccsim/policy/registry.hpp"
#include "ccsim/scenario/json_reader.hpp"
#include "ccsim/scenario/loader.hpp"

#include <algorithm>
#include <bit>
#include <string>
#include <vector>

namespace ccsim::test {

//! Parses and validates scenario JSON text as if read from "test.json".
inline Scenario scenario_from_text(const std::string& text)
{
  return scenario_from_json(parse_json_text(text, "test.json"), "test.json", "");
}

//! The diagnostics loading `text` produces (empty if it loads).
inline std::vector<Diagnostic> load_errors(const std::string& text)
{
  try {
    scenario_from_text(text);
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

//! Runs the dispatcher to completion without SimGrid (the SimGrid engine drives the same object).
inline RunResult run_inline(const Scenario& s, const Cluster& cluster)
{
  auto [queue, placement, packing] = make_scenario_policies(s);
  Dispatcher d(cluster, s.jobs, s.scheduler, *queue, *placement);
  run_without_network(d, cluster);
  return d.take_result();
}

//! A one-site platform with `nodes` nodes of `per_node` accelerators of type "G" (fp32 10, bf16 and fp16 100 TFLOP/s),
//! plus the given jobs array (JSON text).
inline std::string one_site_scenario(int nodes, int per_node, const std::string& jobs_json,
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

//! Empty if the schedule is feasible: every ended job started at or after its submission, held exactly its
//! accelerators, and no accelerator was held by two jobs at once. Otherwise a description of the first problem.
inline std::string schedule_problem(const Cluster& cluster, std::span<const Job> jobs, const RunResult& r)
{
  struct Use {
    double start, finish;
    std::size_t job;
  };
  std::vector<std::vector<Use>> by_accel(cluster.accelerator_count());
  for (std::size_t j = 0; j < jobs.size(); j++) {
    const JobRecord& rec = r.records[j];
    if (rec.state == JobState::PENDING)
      return "job " + jobs[j].id + " never ran";
    if (rec.start_s < jobs[j].submit_s)
      return "job " + jobs[j].id + " started before its submission";
    std::uint32_t n = 0;
    for (std::uint32_t k = rec.first_slot; k < rec.first_slot + rec.slot_count; k++)
      for (std::uint64_t m = r.slots[k].mask; m != 0; m &= m - 1, n++)
        by_accel[cluster.node_first_accel[r.slots[k].node] + static_cast<std::uint32_t>(std::countr_zero(m))]
            .push_back(Use{rec.start_s, rec.finish_s, j});
    if (n != jobs[j].accelerators)
      return "job " + jobs[j].id + " held the wrong number of accelerators";
  }
  for (auto& uses : by_accel) {
    // By start, then finish: a zero-length use [t, t) comes before a use starting at t (both are legal).
    std::sort(uses.begin(), uses.end(),
              [](const Use& a, const Use& b) { return a.start != b.start ? a.start < b.start : a.finish < b.finish; });
    for (std::size_t i = 1; i < uses.size(); i++)
      if (uses[i].start < uses[i - 1].finish)
        return "jobs " + jobs[uses[i - 1].job].id + " and " + jobs[uses[i].job].id + " overlap on an accelerator";
  }
  return "";
}

} // namespace ccsim::test
