// src/engine/schedule_check.cpp
#include "ccsim/engine/schedule_check.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <vector>

namespace ccsim {

namespace {

bool close(double a, double b)
{
  return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
}

} // namespace

std::string schedule_problem(const Cluster& cluster, std::span<const Job> jobs, const RunResult& result,
                             const SchedulerSpec& scheduler)
{
  struct Use {
    double start, finish;
    std::size_t job;
  };
  struct RackEvent {
    double time;
    std::int64_t delta; //!< accelerators taken (+) or given back (-)
  };
  if (result.records.size() != jobs.size())
    return "the run has " + std::to_string(result.records.size()) + " records for " + std::to_string(jobs.size()) +
           " jobs";
  std::vector<std::vector<Use>> by_accel(cluster.accelerator_count());
  std::vector<std::vector<RackEvent>> by_rack(cluster.racks.size());
  for (std::size_t j = 0; j < jobs.size(); j++) {
    const Job& job = jobs[j];
    const JobRecord& rec = result.records[j];
    const std::string name = "job " + job.id;
    if (rec.state == JobState::PENDING)
      return name + " never ran";
    if (not(rec.start_s >= job.submit_s))
      return name + " started before its submission";
    if (not(rec.finish_s >= rec.start_s))
      return name + " finished before it started";
    if (static_cast<std::size_t>(rec.first_slot) + rec.slot_count > result.slots.size() || rec.slot_count == 0)
      return name + " has no valid allocation";
    std::uint32_t held = 0;
    std::uint32_t previous_node = 0;
    for (std::uint32_t k = rec.first_slot; k < rec.first_slot + rec.slot_count; k++) {
      const NodeSlots& piece = result.slots[k];
      if (piece.node >= cluster.node_count())
        return name + " holds a node that does not exist";
      if (k > rec.first_slot && piece.node <= previous_node)
        return name + "'s pieces are not one per node in ascending node order";
      previous_node = piece.node;
      const std::uint32_t accels = cluster.node_accels[piece.node];
      if (piece.mask == 0 || (accels < 64 && (piece.mask >> accels) != 0))
        return name + " holds slots its node does not have";
      if ((job.eligible_types >> cluster.node_type[piece.node] & 1U) == 0)
        return name + " ran on type " + cluster.types[cluster.node_type[piece.node]].name + ", which it may not use";
      const auto n = static_cast<std::uint32_t>(std::popcount(piece.mask));
      held += n;
      for (std::uint64_t m = piece.mask; m != 0; m &= m - 1)
        by_accel[cluster.node_first_accel[piece.node] + static_cast<std::uint32_t>(std::countr_zero(m))].push_back(
            Use{rec.start_s, rec.finish_s, j});
      if (rec.finish_s > rec.start_s) {
        // A rack's limit may fall while a job runs past its walltime (docs/scenario.md "Platform over time"): the
        // check holds it to its walltime where the limit changes.
        const double until = cluster.racks[cluster.node_rack[piece.node]].changes.empty()
                                 ? rec.finish_s
                                 : std::min(rec.finish_s, rec.start_s + rec.held_idle_s + job.walltime_s);
        by_rack[cluster.node_rack[piece.node]].push_back(RackEvent{rec.start_s, n});
        by_rack[cluster.node_rack[piece.node]].push_back(RackEvent{until, -static_cast<std::int64_t>(n)});
      }
    }
    if (held != job.accelerators)
      return name + " held " + std::to_string(held) + " accelerators instead of " + std::to_string(job.accelerators);
    if (rec.wait_attributed) { // its causes cover its wait (docs/metrics.md "Why jobs wait")
      double causes = 0;
      for (const double s : rec.wait_s) {
        if (not(s >= 0))
          return name + " has a negative or undefined wait for a cause";
        causes += s;
      }
      if (not close(causes, rec.start_s - job.submit_s))
        return name + "'s wait causes sum to " + std::to_string(causes) + " s, not its wait " +
               std::to_string(rec.start_s - job.submit_s) + " s";
    }
    const double computing_s = rec.finish_s - rec.start_s - rec.held_idle_s;
    if (rec.state == JobState::COMPLETED_WALLTIME_REACHED) {
      if (not scheduler.kill_at_walltime)
        return name + " was killed at its walltime without kill_at_walltime";
      if (not close(computing_s, job.walltime_s))
        return name + " was killed after computing " + std::to_string(computing_s) + " s, not its walltime";
    } else if (scheduler.kill_at_walltime && computing_s > job.walltime_s && not close(computing_s, job.walltime_s)) {
      return name + " computed past its walltime under kill_at_walltime";
    }
  }
  for (auto& uses : by_accel) {
    // By start, then finish: a zero-length use [t, t) comes before a use starting at t (both are legal).
    std::sort(uses.begin(), uses.end(),
              [](const Use& a, const Use& b) { return a.start != b.start ? a.start < b.start : a.finish < b.finish; });
    for (std::size_t i = 1; i < uses.size(); i++)
      if (uses[i].start < uses[i - 1].finish)
        return "jobs " + jobs[uses[i - 1].job].id + " and " + jobs[uses[i].job].id + " overlap on an accelerator";
  }
  for (std::size_t r = 0; r < by_rack.size(); r++) {
    auto& events = by_rack[r];
    // At one time, releases before takes: a job starting when another ends may use its headroom.
    std::sort(events.begin(), events.end(), [](const RackEvent& a, const RackEvent& b) {
      return a.time != b.time ? a.time < b.time : a.delta < b.delta;
    });
    // Its limit changes too (commissioning, maintenance, cap changes): a change at t applies after the releases
    // at t and before the takes.
    const Rack& rack = cluster.racks[r];
    std::int64_t busy = 0;
    std::size_t change = 0;
    std::int64_t limit = rack.initial_limit;
    const auto check = [&]() -> std::string {
      if (busy > limit)
        return "rack " + rack.name + " had " + std::to_string(busy) +
               " accelerators held, more than its power cap or service allows (" + std::to_string(limit) + ")";
      return "";
    };
    for (const auto& e : events) {
      for (; change < rack.changes.size() &&
             (rack.changes[change].at_s < e.time || (rack.changes[change].at_s == e.time && e.delta > 0));
           change++) {
        limit = rack.changes[change].limit;
        if (auto problem = check(); not problem.empty())
          return problem;
      }
      busy += e.delta;
      if (auto problem = check(); not problem.empty())
        return problem;
    }
  }
  return "";
}

std::string wait_log_problem(std::span<const Job> jobs, const RunResult& result,
                             std::span<const WaitLogRecorder::Interval> intervals)
{
  const auto where = [&](const WaitLogRecorder::Interval& i) {
    return "wait log: job " + jobs[i.job].id + "'s interval [" + std::to_string(i.from_s) + ", " +
           std::to_string(i.to_s) + ") ";
  };
  std::vector<std::vector<const WaitLogRecorder::Interval*>> of(jobs.size());
  std::vector<std::pair<double, double>> heads;
  for (const auto& i : intervals) {
    if (i.job >= jobs.size())
      return "wait log: an interval of an unknown job";
    if (not(i.from_s < i.to_s))
      return where(i) + "is empty";
    of[i.job].push_back(&i);
    if (i.at_head)
      heads.emplace_back(i.from_s, i.to_s);
  }
  for (const Job& job : jobs) {
    const JobRecord& rec = result.records[job.index];
    const auto& list = of[job.index];
    if (not rec.wait_attributed || rec.start_s == job.submit_s) {
      if (not list.empty())
        return where(*list.front()) + "belongs to a job without an attributed wait";
      continue;
    }
    WaitSeconds sum{};
    double at = job.submit_s;
    for (std::size_t k = 0; k < list.size(); k++) {
      const auto& i = *list[k];
      if (i.from_s != at)
        return where(i) + "does not begin where the job's previous one ended (" + std::to_string(at) + ")";
      if (k > 0 && i.cause == list[k - 1]->cause && i.at_head == list[k - 1]->at_head)
        return where(i) + "continues the previous one unchanged";
      sum[static_cast<std::size_t>(i.cause)] += i.to_s - i.from_s;
      at = i.to_s;
    }
    if (at != rec.start_s)
      return "wait log: job " + job.id + "'s intervals end at " + std::to_string(at) + ", not at its start " +
             std::to_string(rec.start_s);
    for (std::size_t c = 0; c < WAIT_CAUSE_COUNT; c++)
      if (std::abs(sum[c] - rec.wait_s[c]) > 1e-9 * std::max(1.0, rec.wait_s[c]))
        return "wait log: job " + job.id + "'s intervals of " + std::string(WAIT_CAUSE_NAMES[c]) + " sum to " +
               std::to_string(sum[c]) + " s, not to its " + std::to_string(rec.wait_s[c]) + " s";
  }
  std::sort(heads.begin(), heads.end());
  for (std::size_t k = 1; k < heads.size(); k++)
    if (heads[k].first < heads[k - 1].second)
      return "wait log: two jobs at the queue's head at " + std::to_string(heads[k].first) + " s";
  return "";
}

} // namespace ccsim
