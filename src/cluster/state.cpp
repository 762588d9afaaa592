// src/cluster/state.cpp
#include "ccsim/cluster/state.hpp"

#include <bit>
#include <cassert>

namespace ccsim {

ClusterState::ClusterState(const Cluster& cluster)
    : cluster_(&cluster)
    , used_(cluster.node_count(), 0)
    , free_(cluster.node_accels)
    , pool_busy_(cluster.pools.size(), 0)
    , rack_busy_(cluster.racks.size(), 0)
    , pool_cursor_(cluster.pools.size(), 0)
    , busy_type_(cluster.types.size(), 0)
{
}

void ClusterState::allocate(std::span<const NodeSlots> slots)
{
  for (const auto& s : slots) {
    assert((used_[s.node] & s.mask) == 0 && "ClusterState::allocate(): slot already held");
    const auto n = static_cast<std::uint32_t>(std::popcount(s.mask));
    used_[s.node] |= s.mask;
    free_[s.node] = static_cast<std::uint8_t>(free_[s.node] - n);
    const std::uint32_t pool = cluster_->node_pool[s.node];
    pool_busy_[pool] += n;
    rack_busy_[cluster_->node_rack[s.node]] += n;
    assert(rack_busy_[cluster_->node_rack[s.node]] <= cluster_->racks[cluster_->node_rack[s.node]].max_busy &&
           "ClusterState::allocate(): rack power cap exceeded");
    busy_ += n;
    busy_type_[cluster_->node_type[s.node]] += n;
    // Keep the cursor on the first node that still has a free slot.
    const auto& nodes = cluster_->pools[pool].nodes;
    std::uint32_t& cursor = pool_cursor_[pool];
    while (cursor < nodes.size() && free_[nodes[cursor]] == 0)
      cursor++;
  }
}

void ClusterState::release(std::span<const NodeSlots> slots)
{
  for (const auto& s : slots) {
    assert((used_[s.node] & s.mask) == s.mask && "ClusterState::release(): slot not held");
    const auto n = static_cast<std::uint32_t>(std::popcount(s.mask));
    used_[s.node] &= ~s.mask;
    free_[s.node] = static_cast<std::uint8_t>(free_[s.node] + n);
    const std::uint32_t pool = cluster_->node_pool[s.node];
    pool_busy_[pool] -= n;
    rack_busy_[cluster_->node_rack[s.node]] -= n;
    busy_ -= n;
    busy_type_[cluster_->node_type[s.node]] -= n;
    pool_cursor_[pool] = std::min(pool_cursor_[pool], cluster_->node_pos_in_pool[s.node]);
  }
}

} // namespace ccsim
