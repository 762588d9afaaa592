// include/ccsim/engine/dispatcher.hpp
#pragma once

#include "ccsim/cluster/state.hpp"
#include "ccsim/policy/policy.hpp"
#include "ccsim/power/energy.hpp"
#include "ccsim/scenario/scenario.hpp"

#include <cstdint>
#include <limits>
#include <queue>
#include <span>
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
};

//! Everything a run produced, for metrics and outputs.
struct RunResult {
  std::vector<JobRecord> records; //!< indexed like the workload's jobs
  std::vector<NodeSlots> slots;   //!< allocation pieces of all jobs
  std::uint64_t events = 0;        //!< job submissions + job completions handled
  std::uint64_t decision_points = 0; //!< decision passes (event timestamps, repeats for zero-length jobs, wake-ups)
  double end_s = 0;                  //!< time of the last event processed
};

//! The discrete-event core, independent of what advances the clock: it knows the next event time and handles
//! every event of one timestamp together (first jobs ending at t, then jobs submitted at t, then decisions).
//! The SimGrid engine drives it; tests may drive it directly.
class Dispatcher {
public:
  //! `meter` (optional) is told every power change and sampling point; the caller calls meter->finish(end).
  Dispatcher(const Cluster& cluster, std::span<const Job> jobs, const SchedulerSpec& spec, QueuePolicy& queue,
             PlacementPolicy& placement, EnergyMeter* meter = nullptr);

  //! Time of the next event, +infinity when none is left.
  double next_event_time() const;
  //! Handles all events at `now` (== next_event_time()) and the decisions they trigger.
  void process(double now);
  bool done() const { return next_event_time() == std::numeric_limits<double>::infinity(); }

  const RunResult& result() const { return result_; }
  RunResult take_result() { return std::move(result_); }
  const ClusterState& state() const { return state_; }
  std::size_t queued() const { return queue_->queued(); }

private:
  struct Completion {
    double time;
    std::uint32_t job;
    bool operator>(const Completion& o) const { return time != o.time ? time > o.time : job > o.job; }
  };

  const Cluster* cluster_;
  std::span<const Job> jobs_;
  SchedulerSpec spec_;
  QueuePolicy* queue_;
  PlacementPolicy* placement_;
  EnergyMeter* meter_;
  ClusterState state_;
  std::vector<std::uint32_t> arrivals_; //!< job indices by submission order
  std::size_t next_arrival_ = 0;
  std::priority_queue<Completion, std::vector<Completion>, std::greater<>> running_;
  std::priority_queue<double, std::vector<double>, std::greater<>> timers_; //!< wake-ups policies asked for
  std::vector<std::uint32_t> finished_, submitted_, changed_sites_;
  RunResult result_;
};

} // namespace ccsim
