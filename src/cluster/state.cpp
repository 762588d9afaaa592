// src/cluster/state.cpp
#include "ccsim/cluster/state.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <string>

namespace ccsim {

ClusterState::ClusterState(const Cluster& cluster)
    : cluster_(&cluster)
    , used_(cluster.node_count(), 0)
    , free_(cluster.node_accels)
    , pool_busy_(cluster.pools.size(), 0)
    , rack_busy_(cluster.racks.size(), 0)
    , pool_cursor_(cluster.pools.size(), 0)
    , busy_type_(cluster.types.size(), 0)
    , ef_(cluster.node_count(), 0)
    , rack_allow_(cluster.racks.size(), 0)
    , limit_(cluster.racks.size(), 0)
    , online_(cluster.racks.size(), 0)
    , pool_avail_(cluster.pools.size(), 0)
{
  for (std::uint32_t r = 0; r < cluster.racks.size(); r++) {
    const Rack& rack = cluster.racks[r];
    limit_[r] = rack.initial_limit;
    online_[r] = rack.initially_online ? 1 : 0;
    if (rack.initially_online)
      online_accels_ += rack.accelerators;
    pool_avail_[cluster.node_pool[rack.first_node]] += rack.initial_limit;
    avail_total_ += rack.initial_limit;
    refresh_rack(r);
  }
  bits_first_.push_back(0);
  for (const auto& p : cluster.pools)
    bits_first_.push_back(bits_first_.back() + (p.nodes.size() + 63) / 64);
  free_bits_.assign(bits_first_.back(), 0);
  for (std::uint32_t pool = 0; pool < cluster.pools.size(); pool++)
    for (const std::uint32_t node : cluster.pools[pool].nodes)
      refresh_free_bit(node, pool);
}

void ClusterState::refresh_free_bit(std::uint32_t node, std::uint32_t pool)
{
  const std::uint32_t pos = cluster_->node_pos_in_pool[node];
  std::uint64_t& word = free_bits_[bits_first_[pool] + pos / 64];
  const std::uint64_t bit = std::uint64_t{1} << (pos % 64);
  word = free_[node] > 0 ? word | bit : word & ~bit;
}

std::uint32_t ClusterState::next_free_position(std::uint32_t pool, std::uint32_t from) const
{
  const auto size = static_cast<std::uint32_t>(cluster_->pools[pool].nodes.size());
  const std::span<const std::uint64_t> bits = pool_free_bits(pool);
  std::size_t w = from / 64;
  if (from >= size)
    return size;
  std::uint64_t word = bits[w] & (~std::uint64_t{0} << (from % 64));
  while (word == 0) {
    if (++w == bits.size())
      return size;
    word = bits[w];
  }
  return static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(std::countr_zero(word)));
}

void ClusterState::set_rack_limit(std::uint32_t rack, std::uint32_t limit, bool online)
{
  changes_++;
  const std::uint32_t pool = cluster_->node_pool[cluster_->racks[rack].first_node];
  const std::uint64_t before = rack_allowance(rack);
  limit_[rack] = limit;
  const std::uint64_t after = rack_allowance(rack);
  pool_avail_[pool] = pool_avail_[pool] - before + after;
  avail_total_ = avail_total_ - before + after;
  if (online != (online_[rack] != 0)) {
    online_[rack] = online ? 1 : 0;
    const std::uint64_t n = cluster_->racks[rack].accelerators;
    online_accels_ = online ? online_accels_ + n : online_accels_ - n;
  }
  refresh_rack(rack);
}

void ClusterState::count_available(std::uint32_t rack, std::uint32_t pool, std::int64_t delta)
{
  // Before and after the change: max(0, limit - busy) (busy exceeds the limit only on a rack whose limit fell
  // under running jobs).
  const std::int64_t limit = limit_[rack];
  const std::int64_t busy = rack_busy_[rack];
  const std::int64_t before = std::max<std::int64_t>(0, limit - busy);
  const std::int64_t after = std::max<std::int64_t>(0, limit - busy - delta);
  pool_avail_[pool] = static_cast<std::uint64_t>(static_cast<std::int64_t>(pool_avail_[pool]) + after - before);
  avail_total_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(avail_total_) + after - before);
}

void ClusterState::refresh_rack(std::uint32_t rack)
{
  const Rack& r = cluster_->racks[rack];
  const std::uint32_t allow = rack_allowance(rack);
  rack_allow_[rack] = static_cast<std::int32_t>(allow);
  for (std::uint32_t n = r.first_node; n < r.first_node + r.node_count; n++)
    ef_[n] = static_cast<std::uint8_t>(std::min<std::uint32_t>(free_[n], allow));
}

void ClusterState::refresh(std::uint32_t node, std::uint32_t rack)
{
  const auto before = static_cast<std::uint32_t>(rack_allow_[rack]);
  const std::uint32_t after = rack_allowance(rack);
  const std::uint32_t node_size = cluster_->node_accels[node]; // a rack's nodes are identical
  if (before >= node_size && after >= node_size) {
    // The cap binds no node of the rack, before or after: ef = free everywhere, and only this node changed.
    rack_allow_[rack] = static_cast<std::int32_t>(after);
    ef_[node] = free_[node];
    return;
  }
  refresh_rack(rack);
}

void ClusterState::allocate(std::span<const NodeSlots> slots)
{
  changes_++;
  for (const auto& s : slots) {
    // Always checked: a double booking would silently corrupt every count after it.
    if ((used_[s.node] & s.mask) != 0)
      throw std::logic_error("ClusterState::allocate(): node " + std::to_string(s.node) + " slots already held");
    const auto n = static_cast<std::uint32_t>(std::popcount(s.mask));
    used_[s.node] |= s.mask;
    free_[s.node] = static_cast<std::uint8_t>(free_[s.node] - n);
    const std::uint32_t pool = cluster_->node_pool[s.node];
    pool_busy_[pool] += n;
    const std::uint32_t rack = cluster_->node_rack[s.node];
    if (rack_busy_[rack] + n > limit_[rack])
      throw std::logic_error("ClusterState::allocate(): node " + std::to_string(s.node) +
                             " would exceed the limit (power cap, or out of service) of rack " +
                             cluster_->racks[rack].name);
    count_available(rack, pool, n);
    rack_busy_[rack] += n;
    busy_ += n;
    busy_type_[cluster_->node_type[s.node]] += n;
    refresh(s.node, rack);
    refresh_free_bit(s.node, pool);
    // Keep the cursor on the first node that still has a free slot.
    if (cluster_->node_pos_in_pool[s.node] == pool_cursor_[pool])
      pool_cursor_[pool] = next_free_position(pool, pool_cursor_[pool]);
  }
}

void ClusterState::trim_to_rack_allowances(std::vector<NodeSlots>& slots) const
{
  std::uint32_t rack = UINT32_MAX;
  std::uint32_t allowance = 0;
  for (auto& piece : slots) {
    const std::uint32_t r = cluster_->node_rack[piece.node];
    if (r != rack) {
      rack = r;
      allowance = rack_allowance(r);
    }
    while (static_cast<std::uint32_t>(std::popcount(piece.mask)) > allowance)
      piece.mask &= ~(std::uint64_t{1} << (63 - std::countl_zero(piece.mask))); // the highest slot
    allowance -= static_cast<std::uint32_t>(std::popcount(piece.mask));
  }
  std::erase_if(slots, [](const NodeSlots& piece) { return piece.mask == 0; });
}

void ClusterState::release(std::span<const NodeSlots> slots)
{
  changes_++;
  for (const auto& s : slots) {
    if ((used_[s.node] & s.mask) != s.mask)
      throw std::logic_error("ClusterState::release(): node " + std::to_string(s.node) + " slots not held");
    const auto n = static_cast<std::uint32_t>(std::popcount(s.mask));
    used_[s.node] &= ~s.mask;
    free_[s.node] = static_cast<std::uint8_t>(free_[s.node] + n);
    const std::uint32_t pool = cluster_->node_pool[s.node];
    pool_busy_[pool] -= n;
    const std::uint32_t rack = cluster_->node_rack[s.node];
    count_available(rack, pool, -static_cast<std::int64_t>(n));
    rack_busy_[rack] -= n;
    busy_ -= n;
    busy_type_[cluster_->node_type[s.node]] -= n;
    pool_cursor_[pool] = std::min(pool_cursor_[pool], cluster_->node_pos_in_pool[s.node]);
    refresh(s.node, rack);
    refresh_free_bit(s.node, pool);
  }
}

} // namespace ccsim
