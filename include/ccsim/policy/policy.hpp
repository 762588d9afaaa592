// include/ccsim/policy/policy.hpp
#pragma once

#include "ccsim/cluster/state.hpp"
#include "ccsim/workload/job.hpp"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ccsim {

//! Read-only view of the platform and its occupancy, handed to policies.
struct ClusterView {
  const Cluster& cluster;
  const ClusterState& state;
};

//! Chooses which free accelerators a job gets. SimGrid-free; never blocks.
class PlacementPolicy {
public:
  virtual ~PlacementPolicy() = default;
  //! Appends to `out` the slots `job` should take now and returns true, or returns false (out untouched) when
  //! it cannot be placed now. All slots must lie in one pool of an eligible type.
  virtual bool place(const Job& job, const ClusterView& view, std::vector<NodeSlots>& out) = 0;
};

//! What the engine hands a queue policy at one decision point, and how the policy answers: by starting jobs.
//! Every event of one timestamp is delivered together: jobs that ended at `now`, then jobs submitted at `now`.
class SchedulingContext {
public:
  SchedulingContext(double now, std::span<const std::uint32_t> finished, std::span<const std::uint32_t> submitted,
                    std::span<const Job> jobs, const Cluster& cluster, ClusterState& state,
                    PlacementPolicy& placement);

  double now() const { return now_; }
  //! Jobs (indices into jobs()) that ended at now(), ascending.
  std::span<const std::uint32_t> finished() const { return finished_; }
  //! Jobs submitted at now(), in submission order.
  std::span<const std::uint32_t> submitted() const { return submitted_; }
  std::span<const Job> jobs() const { return jobs_; }
  ClusterView view() const { return ClusterView{*cluster_, *state_}; }

  //! Places `job` with the scenario's placement policy and starts it if it fits now.
  bool try_start(std::uint32_t job);
  //! Starts `job` on `slots`: free, in one pool of an eligible type, within rack power caps, one piece per node
  //! in ascending node order. Throws std::logic_error otherwise (a policy bug must not corrupt the run).
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
  const Cluster* cluster_;
  ClusterState* state_;
  PlacementPolicy* placement_;
  std::vector<Start> started_;
  std::vector<NodeSlots> slots_;
  std::vector<NodeSlots> scratch_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> scratch_racks_; //!< (rack, accelerators) of one decision
};

//! Orders the waiting jobs and decides which start. SimGrid-free; never blocks.
class QueuePolicy {
public:
  virtual ~QueuePolicy() = default;
  //! Called once per decision point with that timestamp's finished and submitted jobs.
  virtual void decide(SchedulingContext& ctx) = 0;
  //! Jobs waiting in the queue.
  virtual std::size_t queued() const = 0;
};

} // namespace ccsim
