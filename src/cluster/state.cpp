// src/cluster/state.cpp
#include "ccsim/cluster/state.hpp"

#include <bit>
#include <cassert>

namespace ccsim {

ClusterState::ClusterState(const Cluster& cluster)
    : cluster_(&cluster)
    , used_(cluster.node_count(), 0)
    , free_(cluster.node_accels)
    , pool_free_(cluster.pools.size())
    , pool_cursor_(cluster.pools.size(), 0)
    , busy_type_(cluster.types.size(), 0)
{
  for (std::size_t p = 0; p < cluster.pools.size(); p++)
    pool_free_[p] = cluster.pools[p].accelerators;
}

void ClusterState::allocate(std::span<const NodeSlots> slots)
{
  for (const auto& s : slots) {
    assert((used_[s.node] & s.mask) == 0 && "ClusterState::allocate(): slot already held");
    const auto n = static_cast<std::uint32_t>(std::popcount(s.mask));
    used_[s.node] |= s.mask;
    free_[s.node] = static_cast<std::uint8_t>(free_[s.node] - n);
    const std::uint32_t pool = cluster_->node_pool[s.node];
    pool_free_[pool] -= n;
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
    pool_free_[pool] += n;
    busy_ -= n;
    busy_type_[cluster_->node_type[s.node]] -= n;
    pool_cursor_[pool] = std::min(pool_cursor_[pool], cluster_->node_pos_in_pool[s.node]);
  }
}

} // namespace ccsim
