// include/ccsim/policy/policy.hpp
#pragma once

#include "ccsim/cluster/state.hpp"
#include "ccsim/workload/job.hpp"

#include <bit>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ccsim {

inline constexpr std::uint32_t ANY_POOL = UINT32_MAX;

//! Read-only view of the platform and its occupancy, handed to policies.
struct ClusterView {
  const Cluster& cluster;
  const ClusterState& state;
  std::uint32_t only_pool = ANY_POOL; //!< when set, placement must use this pool only
  //! Per job (indexed like `jobs`): the site it must run at, or NO_SITE. Empty: no job is pinned. Staging in
  //! prefetch mode pins a job to the site its data was moved to.
  std::span<const std::uint32_t> site_pin = {};
  const Job* jobs = nullptr; //!< first job of the workload (locates a Job& in site_pin)
  //! Per site (prefetch mode): accelerator-seconds (accelerators x walltime) of jobs pinned there that have not
  //! started yet - queued, or waiting for their data. Empty otherwise.
  std::span<const double> pinned_backlog = {};

  //! The site `job` must run at, or NO_SITE.
  std::uint32_t pinned_site(const Job& job) const
  {
    if (site_pin.empty() || &job < jobs || &job >= jobs + site_pin.size())
      return NO_SITE;
    return site_pin[static_cast<std::size_t>(&job - jobs)];
  }
  //! Whether `job` may ever run in pool `p`: an eligible type, at its pinned site if any.
  bool may_use(const Job& job, std::uint32_t p) const
  {
    if ((job.eligible_types >> cluster.pools[p].type & 1U) == 0)
      return false;
    const std::uint32_t pin = pinned_site(job);
    return pin == NO_SITE || cluster.pools[p].site == pin;
  }
  //! Calls f(p) for every pool `job` may use (may_use): the pools of its eligible types, only those at its pinned
  //! site if any. Visits only those pools, in type order, then platform order.
  template <typename F>
  void for_each_usable_pool(const Job& job, F&& f) const
  {
    const std::uint32_t pin = pinned_site(job);
    for (std::uint64_t m = job.eligible_types; m != 0; m &= m - 1) {
      const auto type = static_cast<std::uint16_t>(std::countr_zero(m));
      if (type >= cluster.types.size())
        break;
      if (pin != NO_SITE) {
        if (const std::uint32_t p = cluster.pool_at(pin, type); p != UINT32_MAX)
          f(p);
        continue;
      }
      for (const std::uint32_t p : cluster.pools_of_type[type])
        f(p);
    }
  }
  //! Whether placement may consider pool `p` for `job` now (may_use, and the restriction if any).
  bool pool_allowed(const Job& job, std::uint32_t p) const
  {
    return (only_pool == ANY_POOL || only_pool == p) && may_use(job, p);
  }
};

//! The mask of the `k` lowest-numbered free slots of `node` (fewer if it has fewer free).
std::uint64_t lowest_free_slots(const Cluster& cluster, const ClusterState& state, std::uint32_t node, std::uint32_t k);

//! First fit inside pool `pool`: appends the lowest-numbered free accelerators, node by node in pool order, up to
//! `needed`, never beyond a rack's power-cap allowance. Returns how many it could not find.
std::uint32_t take_lowest_free(const Cluster& cluster, const ClusterState& state, std::uint32_t pool,
                               std::uint32_t needed, std::vector<NodeSlots>& out);

//! Why `job` cannot be started on `slots` now, or "" when it can: each slot free and on an existing accelerator,
//! one piece per node in ascending node order, all in one pool (of one type across sites for a job with
//! span_sites) that `view` lets it use, within every rack's power-cap allowance, job.accelerators in all. What
//! SchedulingContext::start() checks; `racks` is scratch space.
std::string slots_problem(const Job& job, std::span<const NodeSlots> slots, const ClusterView& view,
                          std::vector<std::pair<std::uint32_t, std::uint32_t>>& racks);

//! When backfilling expects a running job to release its accelerators: start + walltime while that is in the
//! future; for a job already past its walltime (possible without kill_at_walltime), now + the time it has run
//! so far, so the estimate doubles each time it is exceeded (never a busy loop of re-planning).
double expected_end(double start_s, double walltime_s, double now);

//! Chooses which free accelerators a job gets. SimGrid-free; never blocks.
class PlacementPolicy {
public:
  virtual ~PlacementPolicy() = default;
  //! Appends to `out` the slots `job` should take now and returns true, or returns false (out untouched) when
  //! it cannot be placed now. All slots must lie in one pool the view allows.
  virtual bool place(const Job& job, const ClusterView& view, std::vector<NodeSlots>& out) = 0;
  //! Staging in prefetch mode: the site a submitted job with remote input data should run at (its data moves
  //! there while it waits; the job then runs only there). The default keeps it at its data's site.
  virtual std::uint32_t prefetch_site(const Job& job, const ClusterView& view);
  //! True when place() succeeds exactly when a pool the view allows has at least job.accelerators available within
  //! rack caps (ClusterState::available_in_pool), as for the built-in node-level placements. Wait attribution then
  //! tells from counts whether placement would take a waiting job, instead of asking place() for every waiting job
  //! at every decision point. Default false: place() is asked.
  virtual bool places_whenever_a_pool_has_room() const { return false; }
};

//! What the engine hands a queue policy at one decision point, and how the policy answers: by starting jobs.
//! Every event of one timestamp is delivered together: jobs that ended at `now`, then jobs submitted at `now`.
class SchedulingContext {
public:
  //! `site_pin` (optional, indexed like `jobs`): the site each job must run at, NO_SITE for none.
  SchedulingContext(double now, std::span<const std::uint32_t> finished, std::span<const std::uint32_t> submitted,
                    std::span<const Job> jobs, const Cluster& cluster, ClusterState& state, PlacementPolicy& placement,
                    std::span<const std::uint32_t> site_pin = {}, std::span<const double> pinned_backlog = {});

  double now() const { return now_; }
  //! Jobs (indices into jobs()) that ended at now(), ascending.
  std::span<const std::uint32_t> finished() const { return finished_; }
  //! Jobs submitted at now(), in submission order.
  std::span<const std::uint32_t> submitted() const { return submitted_; }
  std::span<const Job> jobs() const { return jobs_; }
  ClusterView view(std::uint32_t only_pool = ANY_POOL) const
  {
    return ClusterView{*cluster_, *state_, only_pool, site_pin_, jobs_.data(), pinned_backlog_};
  }

  //! Places `job` with the scenario's placement policy (in pool `only_pool` if given) and starts it if it fits.
  //! A job that may span sites and that no single pool can place now is placed across sites (place_across_sites).
  bool try_start(std::uint32_t job, std::uint32_t only_pool = ANY_POOL);
  //! For a job with span_sites: first-fit over the pools of one eligible type (the first type with enough
  //! available accelerators in total), sites by route latency from the job's data site (else platform order),
  //! lowest-numbered free accelerators within rack caps. Appends pieces in ascending node order.
  bool place_across_sites(std::uint32_t job, std::vector<NodeSlots>& out) const;
  //! Cheap necessary condition for try_start(): an allowed pool has enough available accelerators.
  bool may_fit_now(std::uint32_t job, std::uint32_t only_pool = ANY_POOL) const;
  //! Asks the placement policy where `job` would go now, without starting it (out untouched on false).
  bool place(std::uint32_t job, std::vector<NodeSlots>& out, std::uint32_t only_pool = ANY_POOL);

  //! Marks slots as held for the rest of the pass (or until release_hold()): placement sees them as busy.
  //! Backfilling uses this to keep a reservation out of reach of jobs that would overlap it.
  //! Precondition: the slots are free. Every hold is released before the pass ends.
  void hold(std::span<const NodeSlots> slots);
  void release_hold(std::span<const NodeSlots> slots);

  //! Racks whose limit falls after now() (Cluster::capacity_drops from the first after now()): try_start() and
  //! place() never give a job slots on a rack whose limit falls below what it would hold before its walltime ends
  //! (docs/scenario.md "Platform over time"). Empty for a platform fixed over time.
  void set_capacity_drops(std::span<const Cluster::Drop> drops) { drops_ = drops; }

  //! Requests a decision pass at time `t` (> now()) even if no job ends or arrives then.
  void wake_up_at(double t);
  const std::vector<double>& wake_ups() const { return wake_ups_; }
  //! Starts `job` on `slots`: free, in one pool of an eligible type (pools of one type at several sites for a job
  //! with span_sites), within rack power caps, one piece per node in ascending node order. Throws std::logic_error otherwise (a policy bug must not corrupt the run).
  void start(std::uint32_t job, std::span<const NodeSlots> slots);

  //! Decisions taken so far in this pass: job and its slots (an offset range in started_slots()).
  struct Start {
    std::uint32_t job;
    std::uint32_t first_slot, slot_count;
  };
  const std::vector<Start>& started() const { return started_; }
  const std::vector<NodeSlots>& started_slots() const { return slots_; }

private:
  double now_;
  std::span<const std::uint32_t> finished_, submitted_;
  std::span<const Job> jobs_;
  std::span<const std::uint32_t> site_pin_;
  std::span<const double> pinned_backlog_;
  const Cluster* cluster_;
  ClusterState* state_;
  PlacementPolicy* placement_;
  std::vector<Start> started_;
  std::vector<NodeSlots> slots_;
  std::vector<NodeSlots> scratch_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> scratch_racks_; //!< (rack, accelerators) of one decision
  std::vector<double> wake_ups_;
  std::int64_t held_ = 0; //!< accelerators currently held (must be 0 at the end of a pass)
  std::span<const Cluster::Drop> drops_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> narrowed_; //!< (rack, its limit before) while placing a job
  //! Lowers, for a job of `walltime_s` starting now, the limit of every rack whose limit falls before it would end
  //! to the least over its run; widen() puts them back.
  void narrow(double walltime_s);
  void widen();

public:
  std::int64_t held() const { return held_; }
};

//! Orders the waiting jobs and decides which start. SimGrid-free; never blocks.
class QueuePolicy {
public:
  virtual ~QueuePolicy() = default;
  //! Called once per decision point with that timestamp's finished and submitted jobs.
  virtual void decide(SchedulingContext& ctx) = 0;
  //! Jobs waiting in the queue.
  virtual std::size_t queued() const = 0;
  //! After decide(): the job at the head of the queue, the first still waiting in the policy's order (the one FCFS,
  //! SJF and priority block on, EASY's reservation holder, conservative's earliest reservation); NO_JOB when the
  //! queue is empty or the policy does not say (wait attribution's log marks the head, docs/metrics.md).
  static constexpr std::uint32_t NO_JOB = UINT32_MAX;
  virtual std::uint32_t head() const { return NO_JOB; }
};

} // namespace ccsim
