// include/ccsim/engine/dispatcher.hpp: the discrete-event core (SimGrid-free).
#pragma once

#include "ccsim/attribution/wait_causes.hpp"
#include "ccsim/cluster/state.hpp"
#include "ccsim/engine/run_result.hpp"
#include "ccsim/policy/policy.hpp"
#include "ccsim/power/energy.hpp"
#include "ccsim/scenario/scenario.hpp"
#include "ccsim/workload/job_source.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <queue>
#include <span>
#include <utility>
#include <vector>

namespace ccsim {

//! A transfer of a job's input data between sites' storage, for whatever carries bytes (SimGrid in the engine).
struct StagingRequest {
  std::uint32_t job = 0; //!< the job's handle
  std::uint32_t from_site = 0, to_site = 0;
  double bytes = 0;
};

//! The wide-area traffic of a job's collectives while it computes across sites (docs/model.md "Jobs spanning
//! sites"): each site of its ring sends `bytes` to the next, at `rate_Bps` (its bytes over its run), so that the
//! links it crosses carry it alongside staging. The carrier stops the flows when the job ends.
struct CollectiveFlow {
  std::uint32_t job = 0; //!< the job's handle
  std::uint32_t from_site = 0, to_site = 0;
  double bytes = 0;
  double rate_Bps = 0;
};

//! The discrete-event core, independent of what advances the clock: it knows the next event time and handles
//! every event of one timestamp together (first jobs ending at t, then jobs submitted at t, then decisions).
//! The SimGrid engine drives it; tests may drive it directly.
//!
//! Jobs stream through it: it pulls the next job from its source only when the clock reaches that job's submission,
//! keeps a job only while it waits or runs, and hands each job to the sinks when it ends. Policies see a job by a
//! handle (an index into SchedulingContext::jobs()), valid from its submission until the pass that reports it
//! finished; a handle is then reused by a later job. Job::index (input order) breaks ties, never the handle.
class Dispatcher {
public:
  //! `meter` (optional) is told every power change and sampling point; the caller calls meter->finish(end).
  //! `sinks` receive every job when it ends. `wait_causes`: attribute waits to causes (OutputSpec::wait_causes;
  //! nullopt: when the placement declares places_whenever_a_pool_has_room()); the meter's timeseries then gains
  //! the waiting accelerators by cause, and `wait_log` (optional) receives every job's wait interval by interval.
  Dispatcher(const Cluster& cluster, JobSource& jobs, const SchedulerSpec& spec, QueuePolicy& queue,
             PlacementPolicy& placement, EnergyMeter* meter = nullptr, std::vector<JobRecordSink*> sinks = {},
             std::optional<bool> wait_causes = std::nullopt, WaitLogSink* wait_log = nullptr);

  //! Time of the next event, +infinity when none is left (transfers in flight end at times only their carrier knows).
  double next_event_time() const;
  //! Handles all events at `now` (== next_event_time()) and the decisions they trigger.
  void process(double now);
  bool done() const { return next_event_time() == std::numeric_limits<double>::infinity() && staging_in_flight_ == 0; }

  //! Transfers asked for since the last call (the caller carries them and reports each with staging_done()).
  std::vector<StagingRequest> take_staging_requests() { return std::exchange(staging_requests_, {}); }
  //! The input data of the job with handle `job` has arrived at `now` (>= the time it was requested).
  void staging_done(std::uint32_t job, double now);
  std::size_t staging_in_flight() const { return staging_in_flight_; }
  //! Collective flows of jobs that began computing across sites since the last call, and the handles of jobs with
  //! flows that ended since the last call (their flows stop). Only a carrier that models link sharing uses them.
  std::vector<CollectiveFlow> take_collective_flows() { return std::exchange(collective_flows_, {}); }
  std::vector<std::uint32_t> take_collective_stops() { return std::exchange(collective_stops_, {}); }

  const RunCounters& counters() const { return counters_; }
  //! The live job with handle `handle`.
  const Job& job(std::uint32_t handle) const { return jobs_[handle]; }
  const ClusterState& state() const { return state_; }
  std::size_t queued() const { return queue_->queued(); }
  //! Jobs held now (waiting, staging or running): the engine's memory is proportional to this, not to the run.
  std::size_t live_jobs() const { return jobs_.size() - free_.size(); }

private:
  struct Completion {
    double time;
    std::uint32_t index; //!< Job::index: ties between jobs ending at the same time
    std::uint32_t handle;
    bool operator>(const Completion& o) const { return time != o.time ? time > o.time : index > o.index; }
  };

  const Cluster* cluster_;
  JobSource* source_;
  SchedulerSpec spec_;
  QueuePolicy* queue_;
  PlacementPolicy* placement_;
  EnergyMeter* meter_;
  std::vector<JobRecordSink*> sinks_;
  ClusterState state_;
  std::optional<Job> next_job_; //!< the next submission, pulled ahead from the source
  bool arrivals_ended_ = false; //!< the source is exhausted (sinks and meter told)
  double last_submit_s_ = 0;    //!< the last admitted job's submission time
  // Live jobs by handle, and per handle what the engine keeps for them.
  std::vector<Job> jobs_;
  std::vector<JobRecord> records_;
  std::vector<std::vector<NodeSlots>> slots_; //!< per handle: its allocation while it runs
  std::vector<std::uint32_t> free_;           //!< handles free for the next arrivals
  std::priority_queue<Completion, std::vector<Completion>, std::greater<>> running_;
  std::priority_queue<double, std::vector<double>, std::greater<>> timers_; //!< wake-ups policies asked for
  std::vector<std::uint32_t> finished_, submitted_, changed_racks_;
  RunCounters counters_;
  // Data staging (docs/model.md "Data staging"), per handle unless said otherwise.
  std::vector<StagingRequest> staging_requests_;
  std::size_t staging_in_flight_ = 0;
  std::vector<std::uint32_t> site_pin_;       //!< prefetch mode: the site a job must run at (NO_SITE: none)
  std::vector<double> pinned_backlog_;        //!< prefetch mode: per site, accelerator-s pinned and not started
  std::vector<double> staging_since_;         //!< when its transfer was asked for (NaN: none)
  std::vector<double> compute_s_;             //!< held during staging: its compute time once data is in
  std::vector<std::uint8_t> staging_pending_; //!< transfers still in flight (one per remote site it uses)
  std::vector<std::uint64_t> staging_held_;   //!< per rack: accelerators held by jobs waiting for their data
  //! Per rack: sum over its computing accelerators of (1e6 - the job's draw in millionths of the type's maximum
  //! above idle), an integer so that adding and removing jobs never drifts (docs/model.md "Power").
  std::vector<std::uint64_t> inactive_ppm_;
  std::vector<CollectiveFlow> collective_flows_;
  std::vector<std::uint32_t> collective_stops_;
  std::vector<bool> has_flows_; //!< per handle: its collectives cross sites (flows to stop when it ends)
  //! Adds the collective flows of a job that begins computing now over its run of `run_s` seconds.
  void start_collective_flows(std::uint32_t job, double run_s);
  //! Adds (`sign` 1) or removes (-1) a computing job's share of inactive_ppm_.
  void count_activity(std::uint32_t job, int sign);
  std::vector<std::uint32_t> staged_ready_; //!< prefetch mode: jobs whose data arrived, to enter the queue
  std::optional<WaitAttribution> waits_;    //!< why queued jobs wait (docs/metrics.md "Why jobs wait"), when asked
  //! Flexible work held back by scheduler.shift (docs/policies.md "Shifting flexible work"): (release time, input
  //! order, handle), entering the queue at its release.
  std::priority_queue<Completion, std::vector<Completion>, std::greater<>> deferred_;
  //! The start within `job`'s slack, from `now`, where the shift signal (price or carbon intensity) integrated over
  //! its walltime is least at the cheapest site it may run at (the earliest among equals; now when nothing is
  //! cheaper).
  double shifted_start(const Job& job, double now) const;
  std::size_t next_change_ = 0;            //!< the next of Cluster::capacity_changes to apply
  std::vector<std::uint32_t> rack_change_; //!< per rack: its next Rack::changes entry to apply
  //! Applies the racks' limit changes due at or before `now` (docs/scenario.md "Platform over time").
  void apply_capacity_changes(double now);

  //! A handle for an arriving job (reusing a free one), its per-handle state reset.
  std::uint32_t admit(Job&& job);
  void pull_next();
  void request_staging(std::uint32_t job, std::uint32_t to_site, double now);
  //! `job` ended: the sinks get it, its handle is freed after the pass.
  void end_job(std::uint32_t job);
};

//! Drives `d` to completion without SimGrid: each staging transfer takes the time it would take alone on its
//! route (latency + bytes / bottleneck bandwidth; no sharing between transfers). Tests and the fuzzer use it; the
//! SimGrid engine carries transfers as real, link-sharing flows instead. Stops after `max_passes` decision
//! passes (returns false then).
bool run_without_network(Dispatcher& d, const Cluster& cluster, std::uint64_t max_passes = UINT64_MAX);

} // namespace ccsim
