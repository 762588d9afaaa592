// src/engine/run_result.cpp
#include "ccsim/engine/run_result.hpp"

namespace ccsim {

void RunCollector::job_ended(const Job& job, const JobRecord& record, std::span<const NodeSlots> slots)
{
  if (result_.records.size() <= job.index)
    result_.records.resize(static_cast<std::size_t>(job.index) + 1);
  JobRecord& r = result_.records[job.index] = record;
  r.first_slot = static_cast<std::uint32_t>(result_.slots.size());
  r.slot_count = static_cast<std::uint32_t>(slots.size());
  result_.slots.insert(result_.slots.end(), slots.begin(), slots.end());
}

RunResult RunCollector::take(const RunCounters& counters, std::size_t jobs)
{
  RunResult out = std::move(result_);
  result_ = RunResult{};
  if (out.records.size() < jobs)
    out.records.resize(jobs);
  out.staged_bytes_by_tier = counters.staged_bytes_by_tier;
  out.events = counters.events;
  out.decision_points = counters.decision_points;
  out.deferred = counters.deferred;
  out.end_s = counters.end_s;
  return out;
}

} // namespace ccsim
