// include/ccsim/engine/run_result.hpp: what a run produces, job by job as jobs end, for metrics and outputs.
#pragma once

#include "ccsim/attribution/wait_causes.hpp"
#include "ccsim/cluster/state.hpp"
#include "ccsim/scenario/network_spec.hpp"
#include "ccsim/workload/job.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace ccsim {

//! How a job ended (Batsim's final_state names). The dispatcher knows a job's end when it starts it; PENDING means
//! it never started.
enum class JobState : std::uint8_t { PENDING, COMPLETED_SUCCESSFULLY, COMPLETED_WALLTIME_REACHED };

//! What happened to one job.
struct JobRecord {
  double start_s = UNSET;
  double finish_s = UNSET;
  std::uint32_t first_slot = 0; //!< in a RunResult: its allocation is slots[first_slot, first_slot + slot_count)
  std::uint32_t slot_count = 0;
  std::uint32_t pool = 0;
  JobState state = JobState::PENDING;
  double staging_s = 0;    //!< seconds its input data took to reach its site (0: nothing moved)
  double staged_bytes = 0; //!< bytes moved to its site
  double held_idle_s = 0;  //!< of its execution, seconds its accelerators were held idle waiting for data (hold mode)
  //! Slowdown of its compute phase from the network its placement spans: its run time there over its run time at
  //! its pool's most compact placement (>= 1; docs/model.md "Communication").
  double comm_slowdown = 1;
  //! s, its whole run time at its placement, compute and collectives (its execution without staging, unless it
  //! was killed at its walltime)
  double run_s = 0;
  //! Its wait (start - submission) by cause, seconds (docs/metrics.md "Why jobs wait"); they sum to the wait.
  //! Only when wait_attributed (output.wait_causes).
  WaitSeconds wait_s{};
  bool wait_attributed = false;
};

//! Receives every job when it ends, in the order jobs end (time, then input order), with its record and the
//! accelerators it held (one piece per node, ascending). Outputs and metrics stream from here: nothing keeps
//! every job.
class JobRecordSink {
public:
  virtual ~JobRecordSink() = default;
  virtual void job_ended(const Job& job, const JobRecord& record, std::span<const NodeSlots> slots) = 0;
  //! Every job has arrived, the last at `last_submit_s` (called once, when the workload ends; no job has ended
  //! after that time yet).
  virtual void arrivals_ended(double /*last_submit_s*/) {}
};

//! Counts of a whole run.
struct RunCounters {
  std::uint64_t submitted = 0;       //!< jobs that arrived
  std::uint64_t events = 0;          //!< job submissions + job completions handled
  std::uint64_t decision_points = 0; //!< decision passes (event timestamps, repeats for zero-length jobs, wake-ups)
  std::uint64_t deferred = 0;        //!< flexible jobs held back by scheduler.shift
  double end_s = 0;                  //!< time of the last event processed
  std::array<double, TIER_COUNT> staged_bytes_by_tier{}; //!< bytes moved, by the tier of their route
};

//! Every job's record, for tests and small runs (RunCollector fills it).
struct RunResult {
  std::vector<JobRecord> records; //!< indexed by Job::index
  std::vector<NodeSlots> slots;   //!< allocation pieces of all jobs
  std::array<double, TIER_COUNT> staged_bytes_by_tier{};
  std::uint64_t events = 0;
  std::uint64_t decision_points = 0;
  std::uint64_t deferred = 0; //!< flexible jobs held back by scheduler.shift
  double end_s = 0;
  //! The pieces of the job whose record is `r` (one of `records`).
  std::span<const NodeSlots> slots_of(const JobRecord& r) const
  {
    return std::span<const NodeSlots>(slots).subspan(r.first_slot, r.slot_count);
  }
};

//! Keeps every record it receives (memory grows with the run: for tests and small runs).
class RunCollector final : public JobRecordSink {
public:
  void job_ended(const Job& job, const JobRecord& record, std::span<const NodeSlots> slots) override;
  //! The records (jobs that never ended stay PENDING) with the run's counters.
  RunResult take(const RunCounters& counters, std::size_t jobs);

private:
  RunResult result_;
};

} // namespace ccsim
