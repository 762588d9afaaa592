// include/ccsim/engine/schedule_check.hpp: an independent check of a finished run's schedule.
#pragma once

#include "ccsim/engine/run_result.hpp"
#include "ccsim/scenario/scenario.hpp"

#include <span>
#include <string>
#include <vector>

namespace ccsim {

//! Empty when the run's schedule is feasible and consistent; otherwise a description of the first problem found.
//! Checked from the records alone, independently of the policies and of ClusterState:
//!  - every job ran, started no earlier than its submission and finished no earlier than its start;
//!  - it held exactly its accelerators, one piece per node in ascending node order, on nodes of types it may use;
//!  - no accelerator was held by two jobs at overlapping times ([start, finish) intervals);
//!  - no rack ever had more accelerators held than its power cap allows (max_busy);
//!  - a job whose wait was attributed has no negative cause, and its causes sum to its wait (relative 1e-9);
//!  - a job is COMPLETED_WALLTIME_REACHED only under kill_at_walltime, and then ran exactly its walltime of
//!    computing (finish - start - held idle = walltime, to a relative 1e-9); a job that completed successfully
//!    under kill_at_walltime computed no longer than its walltime.
//! Cost: O(A log A), A the accelerator-pieces held over the run. Tests and the scenario fuzz target use it.
std::string schedule_problem(const Cluster& cluster, std::span<const Job> jobs, const RunResult& result,
                             const SchedulerSpec& scheduler);

//! Keeps every interval of every wait (tests and fuzzing; a run streams them to wait_log.csv instead).
class WaitLogRecorder final : public WaitLogSink {
public:
  struct Interval {
    std::size_t job; //!< Job::index
    double from_s, to_s;
    WaitCause cause;
    bool at_head;
  };
  void interval(const Job& job, double from_s, double to_s, WaitCause cause, bool at_head) override
  {
    intervals.push_back(Interval{job.index, from_s, to_s, cause, at_head});
  }
  std::vector<Interval> intervals;
};

//! Empty when `intervals` (a run's wait log, in the order it was written) tile every attributed wait:
//!  - each has positive length;
//!  - a job's intervals, in order, run from its submission to its start without gap or overlap, consecutive ones
//!    differing in cause or in being the head (each row is a maximal interval), and they sum per cause to the
//!    job's wait_s (relative 1e-9: a row may join seconds the causes added in two parts);
//!  - a job that did not wait has none; no two jobs are the queue's head at once.
//! Otherwise a description of the first problem found.
std::string wait_log_problem(std::span<const Job> jobs, const RunResult& result,
                             std::span<const WaitLogRecorder::Interval> intervals);

} // namespace ccsim
