// src/fill/fill.cpp: fill-to-capacity mode (docs/workloads.md).
#include "ccsim/fill/fill.hpp"

#include "ccsim/core/error.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>

namespace ccsim {

namespace {

constexpr std::uint64_t MAX_FILL_TASKS = 10'000'000;

double gpus(double milli)
{
  return milli / 1000.0;
}

} // namespace

FillResult run_fill(const Cluster& cluster, std::span<const Job> jobs, const FillSpec& spec, FillPolicy& policy,
                    std::uint64_t seed, const std::string& file)
{
  FillState state(cluster, jobs);
  Rng rng(seed);
  policy.node_ties = spec.node_ties;
  FillResult out;
  out.capacity_gpus = gpus(static_cast<double>(state.capacity_milli()));
  out.originals = jobs.size();

  // Arrival order: sorted by id, then a seeded Fisher-Yates shuffle.
  std::vector<std::uint32_t> order(jobs.size());
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return jobs[a].id < jobs[b].id; });
  for (std::size_t i = order.size(); i > 1; i--)
    std::swap(order[i - 1], order[rng.below(i)]);
  const auto demand = [&](std::uint32_t j) { return static_cast<double>(TaskShape::of(jobs[j]).gpu_demand_milli()); };
  std::vector<std::pair<std::uint32_t, std::uint32_t>> tasks; // (job, clone number; 0 = the original)
  tasks.reserve(order.size());
  double total = 0;
  for (const auto j : order) {
    tasks.emplace_back(j, 0);
    total += demand(j);
  }
  // Tune up: clones drawn uniformly from the originals until the next one would pass the target demand.
  const double target = spec.demand_ratio * static_cast<double>(state.capacity_milli());
  if (total > 0 && not jobs.empty()) {
    std::vector<std::uint32_t> clones_of(jobs.size(), 0);
    for (;;) {
      const auto j = static_cast<std::uint32_t>(rng.below(jobs.size()));
      if (total + demand(j) > target)
        break;
      if (tasks.size() >= MAX_FILL_TASKS)
        throw InputError(file, "/scheduler/fill/demand_ratio",
                         fmt::format("reaching {} x the cluster's GPU capacity takes more than {} tasks (expected a "
                                     "smaller demand_ratio or larger tasks)",
                                     spec.demand_ratio, MAX_FILL_TASKS));
      total += demand(j);
      tasks.emplace_back(j, ++clones_of[j]);
      out.clones++;
    }
  }

  const double capacity = static_cast<double>(state.capacity_milli());
  FillRow row;
  double arrived = 0;
  std::uint64_t mark = 1;
  const auto record = [&](double percent) {
    row.arrived_percent = percent;
    row.arrived_gpus = gpus(arrived);
    row.allocated_gpus = gpus(static_cast<double>(state.allocated_milli()));
    row.idle_gpus = gpus(capacity - static_cast<double>(state.allocated_milli()));
    row.fragmented_gpus = gpus(state.fragmentation_total());
    out.rows.push_back(row);
  };
  out.placements.reserve(tasks.size());
  for (const auto& [j, clone] : tasks) {
    const TaskShape shape = TaskShape::of(jobs[j]);
    auto choice = policy.choose(shape, state, rng);
    if (choice) {
      state.place(shape, choice->node, choice->slots);
      row.tasks_placed++;
    } else {
      row.tasks_failed++;
    }
    row.tasks_arrived++;
    arrived += static_cast<double>(shape.gpu_demand_milli());
    if (not choice && shape.gpus > 0 && out.first_failure_percent < 0)
      out.first_failure_percent = 100.0 * arrived / capacity;
    out.placements.push_back(
        FillPlacement{clone == 0 ? jobs[j].id : fmt::format("{}#{}", jobs[j].id, clone), j, std::move(choice)});
    // One row per step of arrived demand crossed (marks are k x step, computed without accumulating error).
    while (capacity > 0 && 100.0 * arrived / capacity >= static_cast<double>(mark) * spec.step_percent * (1 - 1e-12)) {
      record(static_cast<double>(mark) * spec.step_percent);
      mark++;
    }
  }
  const double final_percent = capacity > 0 ? 100.0 * arrived / capacity : 0;
  if (out.rows.empty() || out.rows.back().tasks_arrived != row.tasks_arrived)
    record(final_percent);
  return out;
}

} // namespace ccsim
