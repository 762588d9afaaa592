// include/ccsim/engine/dispatcher.hpp
#pragma once

#include "ccsim/cluster/state.hpp"
#include "ccsim/engine/run_result.hpp"
#include "ccsim/policy/policy.hpp"
#include "ccsim/power/energy.hpp"
#include "ccsim/scenario/scenario.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <queue>
#include <span>
#include <utility>
#include <vector>

namespace ccsim {

//! A transfer of a job's input data between sites' storage, for whatever carries bytes (SimGrid in the engine).
struct StagingRequest {
  std::uint32_t job = 0;
  std::uint32_t from_site = 0, to_site = 0;
  double bytes = 0;
};

//! The discrete-event core, independent of what advances the clock: it knows the next event time and handles
//! every event of one timestamp together (first jobs ending at t, then jobs submitted at t, then decisions).
//! The SimGrid engine drives it; tests may drive it directly.
class Dispatcher {
public:
  //! `meter` (optional) is told every power change and sampling point; the caller calls meter->finish(end).
  Dispatcher(const Cluster& cluster, std::span<const Job> jobs, const SchedulerSpec& spec, QueuePolicy& queue,
             PlacementPolicy& placement, EnergyMeter* meter = nullptr);

  //! Time of the next event, +infinity when none is left (transfers in flight end at times only their carrier knows).
  double next_event_time() const;
  //! Handles all events at `now` (== next_event_time()) and the decisions they trigger.
  void process(double now);
  bool done() const { return next_event_time() == std::numeric_limits<double>::infinity() && staging_in_flight_ == 0; }

  //! Transfers asked for since the last call (the caller carries them and reports each with staging_done()).
  std::vector<StagingRequest> take_staging_requests() { return std::exchange(staging_requests_, {}); }
  //! The input data of `job` has arrived at `now` (>= the time it was requested).
  void staging_done(std::uint32_t job, double now);
  std::size_t staging_in_flight() const { return staging_in_flight_; }

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
  // Data staging (docs/model.md "Data staging").
  std::vector<StagingRequest> staging_requests_;
  std::size_t staging_in_flight_ = 0;
  std::vector<std::uint32_t> site_pin_;       //!< prefetch mode: per job, the site it must run at (else empty)
  std::vector<double> pinned_backlog_;        //!< prefetch mode: per site, accelerator-s pinned and not started
  std::vector<double> staging_since_;         //!< per job: when its transfer was asked for (NaN: none)
  std::vector<double> compute_s_;             //!< per job held during staging: its compute time once data is in
  std::vector<std::uint8_t> staging_pending_; //!< per job: transfers still in flight (one per remote site it uses)
  std::vector<std::uint64_t> staging_held_;   //!< per pool: accelerators held by jobs waiting for their data
  std::vector<std::uint32_t> staged_ready_;   //!< prefetch mode: jobs whose data arrived, to enter the queue

  void request_staging(std::uint32_t job, std::uint32_t to_site, double now);
  void update_meter(double now);
};

//! Drives `d` to completion without SimGrid: each staging transfer takes the time it would take alone on its
//! route (latency + bytes / bottleneck bandwidth; no sharing between transfers). Tests and the fuzzer use it; the
//! SimGrid engine carries transfers as real, link-sharing flows instead. Stops after `max_passes` decision
//! passes (returns false then).
bool run_without_network(Dispatcher& d, const Cluster& cluster, std::uint64_t max_passes = UINT64_MAX);

} // namespace ccsim
