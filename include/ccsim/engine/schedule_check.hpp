// include/ccsim/engine/schedule_check.hpp: an independent check of a finished run's schedule.
#pragma once

#include "ccsim/engine/run_result.hpp"
#include "ccsim/scenario/scenario.hpp"

#include <span>
#include <string>

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

} // namespace ccsim
