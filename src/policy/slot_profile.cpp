// src/policy/slot_profile.cpp
#include "ccsim/policy/slot_profile.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
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

std::uint32_t SlotSet::lowest_member() const
{
  for (std::size_t i = 0; i < words_.size(); i++)
    if (words_[i] != 0)
      return static_cast<std::uint32_t>(i * 64 + static_cast<std::size_t>(std::countr_zero(words_[i])));
  return size_;
}

std::uint32_t SlotSet::highest_member() const
{
  for (std::size_t i = words_.size(); i-- > 0;)
    if (words_[i] != 0)
      return static_cast<std::uint32_t>(i * 64 + 63 - static_cast<std::size_t>(std::countl_zero(words_[i])));
  return size_;
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
  SlotSet all(slots, true);
  free_.emplace(origin, Segment{all, all.count()});
}

void SlotProfile::split_at(double t)
{
  auto it = free_.upper_bound(t);
  assert(it != free_.begin() && "SlotProfile::split_at(): time before the profile's origin");
  --it;
  if (it->first != t)
    free_.emplace_hint(std::next(it), t, it->second);
}

void SlotProfile::merge_around(double from, double to)
{
  auto it = free_.lower_bound(from);
  if (it != free_.begin())
    --it;
  while (it != free_.end()) {
    auto next = std::next(it);
    if (next == free_.end() || next->first > to)
      break;
    if (next->second.count == it->second.count && next->second.free == it->second.free)
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
  for (auto it = free_.find(from); it != free_.end() && it->first < to; ++it) {
    it->second.free.subtract(slots);
    it->second.count = it->second.free.count();
  }
  merge_around(from, to);
}

void SlotProfile::release(const SlotSet& slots, double from, double to)
{
  if (not(to > from))
    return;
  split_at(from);
  split_at(to);
  for (auto it = free_.find(from); it != free_.end() && it->first < to; ++it) {
    it->second.free |= slots;
    it->second.count = it->second.free.count();
  }
  merge_around(from, to);
}

void SlotProfile::forget_before(double now)
{
  auto it = free_.upper_bound(now);
  if (it == free_.begin())
    return;
  --it; // the segment holding `now`
  if (it == free_.begin() && it->first == now)
    return;
  Segment current = it->second;
  free_.erase(free_.begin(), std::next(it));
  free_.emplace(now, std::move(current));
}

SlotSet SlotProfile::free_throughout(double from, double to) const
{
  auto it = free_.upper_bound(from);
  assert(it != free_.begin() && "SlotProfile::free_throughout(): time before the profile's origin");
  --it;
  SlotSet window = it->second.free;
  for (++it; it != free_.end() && it->first < to; ++it)
    window &= it->second.free;
  return window;
}

std::uint32_t SlotProfile::count_before(double t) const
{
  auto it = free_.lower_bound(t);
  assert(it != free_.begin() && "SlotProfile::count_before(): time not after the profile's origin");
  return std::prev(it)->second.count;
}

SlotProfile::Reach SlotProfile::reach(const SlotSet& slots, double from, double to) const
{
  Reach r{from, to};
  auto holding = free_.upper_bound(from);
  assert(holding != free_.begin() && "SlotProfile::reach(): time before the profile's origin");
  --holding;
  // Back from `from`, while one of the slots free at `from` stays free.
  SlotSet alive = slots;
  alive &= holding->second.free;
  for (auto it = holding; alive.count() > 0;) {
    r.begin = it->first;
    if (it == free_.begin())
      break;
    --it;
    alive &= it->second.free;
  }
  // On from `to`, while one of the slots free just before `to` stays free.
  auto it = std::prev(free_.lower_bound(to));
  alive = slots;
  alive &= it->second.free;
  while (alive.count() > 0) {
    if (++it == free_.end()) {
      r.end = std::numeric_limits<double>::infinity();
      break;
    }
    r.end = it->first;
    alive &= it->second.free;
  }
  return r;
}

double slack_up(double duration, double end)
{
  return duration + 4 * std::numeric_limits<double>::epsilon() * std::fabs(end);
}

void SlotProfile::holds(double from, double to, std::uint32_t min_count, double longest, std::vector<Hold>& out) const
{
  auto start = free_.upper_bound(from);
  assert(start != free_.begin() && "SlotProfile::holds(): time before the profile's origin");
  --start;
  for (double t = from; t < to; t = (++start == free_.end() ? to : start->first)) {
    if (start->second.count < min_count)
      continue;
    SlotSet window = start->second.free;
    std::uint32_t count = start->second.count;
    for (auto it = std::next(start);; ++it) {
      if (it == free_.end()) {
        out.push_back(Hold{t, std::numeric_limits<double>::infinity(), count});
        break;
      }
      if (it->first - t >= longest) { // held long enough for anyone: stop
        out.push_back(Hold{t, slack_up(it->first - t, it->first), count});
        break;
      }
      window &= it->second.free;
      if (const std::uint32_t left = window.count(); left < count) {
        out.push_back(Hold{t, slack_up(it->first - t, it->first), count});
        count = left;
        if (count < min_count)
          break;
      }
    }
  }
}

std::optional<SlotProfile::Fit> SlotProfile::first_fit(std::uint32_t count, double duration, double earliest,
                                                       double latest) const
{
  if (earliest > latest)
    return std::nullopt;
  // Candidate starts: `earliest`, then every breakpoint after it. For a candidate t, the window is the segment
  // holding t and every segment starting before t + duration. `good` is where the count check of the window has
  // got to: every segment from the candidate's up to it has enough free slots (a later candidate's window covers
  // them too, so they are not counted again).
  auto next = free_.upper_bound(earliest); // the candidate after this one
  auto holding = next == free_.begin() ? free_.end() : std::prev(next);
  auto good = free_.end();
  double t = earliest;
  for (;;) {
    if (holding != free_.end()) {
      // Counts first: a segment of the window with too few free slots fails this candidate and every later one up
      // to that segment's start (their windows overlap it too).
      const auto from = good != free_.end() && holding->first <= good->first ? std::next(good) : holding;
      auto too_few = free_.end();
      for (auto it = from; it != free_.end() && (it == holding || it->first < t + duration); ++it) {
        if (it->second.count < count) {
          too_few = it;
          break;
        }
        good = it;
      }
      if (too_few != free_.end()) {
        next = std::next(too_few);
        good = free_.end();
      } else {
        SlotSet window = holding->second.free;
        bool enough = true;
        for (auto it = std::next(holding); it != free_.end() && it->first < t + duration; ++it) {
          window &= it->second.free;
          if (window.count() < count) {
            enough = false;
            break;
          }
        }
        if (enough)
          return Fit{t, window.lowest(count)};
      }
    }
    if (next == free_.end() || next->first > latest)
      return std::nullopt;
    t = next->first;
    holding = next;
    ++next;
  }
}

} // namespace ccsim
