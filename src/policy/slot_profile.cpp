// src/policy/slot_profile.cpp
#include "ccsim/policy/slot_profile.hpp"

#include <bit>
#include <cassert>
#include <limits>

namespace ccsim {

SlotSet::SlotSet(std::uint32_t size, bool full)
    : size_(size)
    , words_((size + 63) / 64, full ? ~0ULL : 0ULL)
{
  if (full && size % 64 != 0)
    words_.back() = (1ULL << (size % 64)) - 1;
}

std::uint32_t SlotSet::count() const
{
  std::uint32_t n = 0;
  for (const auto w : words_)
    n += static_cast<std::uint32_t>(std::popcount(w));
  return n;
}

SlotSet SlotSet::lowest(std::uint32_t n) const
{
  SlotSet out(size_);
  for (std::size_t i = 0; i < words_.size() && n > 0; i++) {
    std::uint64_t w = words_[i];
    while (w != 0 && n > 0) {
      const std::uint64_t bit = w & (~w + 1);
      out.words_[i] |= bit;
      w ^= bit;
      n--;
    }
  }
  return out;
}

SlotSet& SlotSet::operator&=(const SlotSet& o)
{
  for (std::size_t i = 0; i < words_.size(); i++)
    words_[i] &= o.words_[i];
  return *this;
}

SlotSet& SlotSet::operator|=(const SlotSet& o)
{
  for (std::size_t i = 0; i < words_.size(); i++)
    words_[i] |= o.words_[i];
  return *this;
}

SlotSet& SlotSet::subtract(const SlotSet& o)
{
  for (std::size_t i = 0; i < words_.size(); i++)
    words_[i] &= ~o.words_[i];
  return *this;
}

PoolSlots::PoolSlots(const Cluster& cluster, std::uint32_t pool)
    : cluster_(&cluster)
    , pool_(pool)
{
  for (const std::uint32_t node : cluster.pools[pool].nodes) {
    first_.push_back(size_);
    size_ += cluster.node_accels[node];
  }
}

SlotSet PoolSlots::to_set(std::span<const NodeSlots> pieces) const
{
  SlotSet set(size_);
  for (const auto& p : pieces) {
    const std::uint32_t base = first_[cluster_->node_pos_in_pool[p.node]];
    for (std::uint64_t m = p.mask; m != 0; m &= m - 1)
      set.set(base + static_cast<std::uint32_t>(std::countr_zero(m)));
  }
  return set;
}

std::vector<NodeSlots> PoolSlots::to_pieces(const SlotSet& set) const
{
  std::vector<NodeSlots> out;
  const auto& nodes = cluster_->pools[pool_].nodes;
  for (std::size_t i = 0; i < nodes.size(); i++) {
    std::uint64_t mask = 0;
    for (std::uint32_t s = 0; s < cluster_->node_accels[nodes[i]]; s++)
      if (set.test(first_[i] + s))
        mask |= 1ULL << s;
    if (mask != 0)
      out.push_back(NodeSlots{nodes[i], mask});
  }
  return out;
}

SlotSet PoolSlots::free_now(const ClusterState& state) const
{
  SlotSet set(size_);
  const auto& nodes = cluster_->pools[pool_].nodes;
  for (std::size_t i = 0; i < nodes.size(); i++) {
    const std::uint64_t used = state.used_mask(nodes[i]);
    for (std::uint32_t s = 0; s < cluster_->node_accels[nodes[i]]; s++)
      if ((used >> s & 1U) == 0)
        set.set(first_[i] + s);
  }
  return set;
}

SlotProfile::SlotProfile(std::uint32_t slots, double origin)
{
  free_.emplace(origin, SlotSet(slots, true));
}

void SlotProfile::split_at(double t)
{
  auto it = free_.upper_bound(t);
  assert(it != free_.begin() && "SlotProfile::split_at(): time before the profile's origin");
  --it;
  if (it->first != t)
    free_.emplace_hint(std::next(it), t, it->second);
}

void SlotProfile::merge_equal()
{
  for (auto it = free_.begin(); it != free_.end();) {
    auto next = std::next(it);
    if (next != free_.end() && next->second == it->second)
      free_.erase(next);
    else
      it = next;
  }
}

void SlotProfile::occupy(const SlotSet& slots, double from, double to)
{
  if (not(to > from))
    return;
  split_at(from);
  split_at(to);
  for (auto it = free_.find(from); it != free_.end() && it->first < to; ++it)
    it->second.subtract(slots);
  merge_equal();
}

void SlotProfile::release(const SlotSet& slots, double from, double to)
{
  if (not(to > from))
    return;
  split_at(from);
  split_at(to);
  for (auto it = free_.find(from); it != free_.end() && it->first < to; ++it)
    it->second |= slots;
  merge_equal();
}

void SlotProfile::forget_before(double now)
{
  auto it = free_.upper_bound(now);
  if (it == free_.begin())
    return;
  --it; // the segment holding `now`
  if (it == free_.begin() && it->first == now)
    return;
  SlotSet current = it->second;
  free_.erase(free_.begin(), std::next(it));
  free_.emplace(now, std::move(current));
}

SlotSet SlotProfile::free_throughout(double from, double to) const
{
  auto it = free_.upper_bound(from);
  assert(it != free_.begin() && "SlotProfile::free_throughout(): time before the profile's origin");
  --it;
  SlotSet window = it->second;
  for (++it; it != free_.end() && it->first < to; ++it)
    window &= it->second;
  return window;
}

std::optional<SlotProfile::Fit> SlotProfile::first_fit(std::uint32_t count, double duration, double earliest) const
{
  if (free_.empty())
    return std::nullopt;
  // Candidate starts: `earliest`, then every breakpoint after it.
  std::vector<double> candidates{earliest};
  for (auto it = free_.upper_bound(earliest); it != free_.end(); ++it)
    candidates.push_back(it->first);
  for (const double t : candidates) {
    auto it = free_.upper_bound(t);
    if (it == free_.begin())
      continue;
    --it; // segment holding t
    SlotSet window = it->second;
    if (window.count() < count)
      continue;
    for (++it; it != free_.end() && it->first < t + duration; ++it) {
      window &= it->second;
      if (window.count() < count)
        break;
    }
    if (window.count() >= count)
      return Fit{t, window.lowest(count)};
  }
  return std::nullopt;
}

} // namespace ccsim
