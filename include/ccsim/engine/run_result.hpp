// include/ccsim/engine/run_result.hpp: what a run produced, job by job, for metrics and outputs.
#pragma once

#include "ccsim/cluster/state.hpp"
#include "ccsim/scenario/network_spec.hpp"
#include "ccsim/workload/job.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace ccsim {

//! How a job ended (Batsim's final_state names). The dispatcher knows a job's end when it starts it, so a started
//! job's record holds its final state at once; PENDING means it never started.
enum class JobState : std::uint8_t { PENDING, COMPLETED_SUCCESSFULLY, COMPLETED_WALLTIME_REACHED };

//! What happened to one job.
struct JobRecord {
  double start_s = UNSET;
  double finish_s = UNSET;
  std::uint32_t first_slot = 0; //!< its allocation: RunResult::slots[first_slot, first_slot + slot_count)
  std::uint32_t slot_count = 0;
  std::uint32_t pool = 0;
  JobState state = JobState::PENDING;
  double staging_s = 0;    //!< seconds its input data took to reach its site (0: nothing moved)
  double staged_bytes = 0; //!< bytes moved to its site
  double held_idle_s = 0;  //!< of its execution, seconds its accelerators were held idle waiting for data (hold mode)
  //! Slowdown of its compute phase from the network its placement spans (>= 1; docs/model.md "Communication").
  double comm_slowdown = 1;
};

//! Everything a run produced, for metrics and outputs.
struct RunResult {
  std::vector<JobRecord> records;                        //!< indexed like the workload's jobs
  std::vector<NodeSlots> slots;                          //!< allocation pieces of all jobs
  std::array<double, TIER_COUNT> staged_bytes_by_tier{}; //!< bytes moved, by the tier of their route
  std::uint64_t events = 0;                              //!< job submissions + job completions handled
  std::uint64_t decision_points = 0; //!< decision passes (event timestamps, repeats for zero-length jobs, wake-ups)
  double end_s = 0;                  //!< time of the last event processed
};

} // namespace ccsim
