// src/policy/policy.cpp
#include "ccsim/policy/policy.hpp"

#include <bit>
#include <stdexcept>
#include <string>

namespace ccsim {

SchedulingContext::SchedulingContext(double now, std::span<const std::uint32_t> finished,
                                     std::span<const std::uint32_t> submitted, std::span<const Job> jobs,
                                     const Cluster& cluster, ClusterState& state, PlacementPolicy& placement)
    : now_(now)
    , finished_(finished)
    , submitted_(submitted)
    , jobs_(jobs)
    , cluster_(&cluster)
    , state_(&state)
    , placement_(&placement)
{
}

bool SchedulingContext::try_start(std::uint32_t job)
{
  scratch_.clear();
  if (not placement_->place(jobs_[job], view(), scratch_))
    return false;
  start(job, scratch_);
  return true;
}

void SchedulingContext::start(std::uint32_t job, std::span<const NodeSlots> slots)
{
  // A policy bug must not corrupt the simulation: check the decision before applying it.
  const Job& j = jobs_[job];
  std::uint64_t count = 0;
  const std::uint32_t pool = slots.empty() ? 0 : cluster_->node_pool[slots.front().node];
  scratch_racks_.clear();
  for (const auto& s : slots) {
    const bool bad = s.node >= cluster_->node_count() || cluster_->node_pool[s.node] != pool ||
                     (state_->used_mask(s.node) & s.mask) != 0 ||
                     (s.mask >> cluster_->node_accels[s.node]) != 0;
    if (bad)
      throw std::logic_error("SchedulingContext::start(): job " + j.id + " given slots on node " +
                             std::to_string(s.node) + " that are busy, missing, or in another pool");
    count += static_cast<std::uint64_t>(std::popcount(s.mask));
    const std::uint32_t rack = cluster_->node_rack[s.node];
    if (scratch_racks_.empty() || scratch_racks_.back().first != rack)
      scratch_racks_.emplace_back(rack, 0);
    scratch_racks_.back().second += static_cast<std::uint32_t>(std::popcount(s.mask));
  }
  for (const auto& [rack, n] : scratch_racks_)
    if (n > state_->rack_allowance(rack))
      throw std::logic_error("SchedulingContext::start(): job " + j.id + " would exceed the power cap of rack " +
                             cluster_->racks[rack].name);
  if (count != j.accelerators || (j.eligible_types >> cluster_->pools[pool].type & 1U) == 0)
    throw std::logic_error("SchedulingContext::start(): job " + j.id + " needs " + std::to_string(j.accelerators) +
                           " accelerators of an eligible type, given " + std::to_string(count));
  state_->allocate(slots);
  started_.push_back(Start{job, static_cast<std::uint32_t>(slots_.size()), static_cast<std::uint32_t>(slots.size())});
  slots_.insert(slots_.end(), slots.begin(), slots.end());
}

} // namespace ccsim
