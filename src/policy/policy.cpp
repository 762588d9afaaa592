// src/policy/policy.cpp
#include "ccsim/policy/policy.hpp"

#include "ccsim/core/error.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

namespace ccsim {

double expected_end(double start_s, double walltime_s, double now)
{
  const double end = start_s + walltime_s;
  if (end > now)
    return end;
  const double elapsed = now - start_s;
  return elapsed > 0 ? now + elapsed : std::nextafter(now, std::numeric_limits<double>::infinity());
}

SchedulingContext::SchedulingContext(double now, std::span<const std::uint32_t> finished,
                                     std::span<const std::uint32_t> submitted, std::span<const Job> jobs,
                                     const Cluster& cluster, ClusterState& state, PlacementPolicy& placement,
                                     std::span<const std::uint32_t> site_pin, std::span<const double> pinned_backlog)
    : now_(now)
    , finished_(finished)
    , submitted_(submitted)
    , jobs_(jobs)
    , site_pin_(site_pin)
    , pinned_backlog_(pinned_backlog)
    , cluster_(&cluster)
    , state_(&state)
    , placement_(&placement)
{
}

std::uint64_t lowest_free_slots(const Cluster& cluster, const ClusterState& state, std::uint32_t node, std::uint32_t k)
{
  const unsigned slots = cluster.node_accels[node];
  std::uint64_t free_mask = ~state.used_mask(node) & (slots >= 64 ? ~0ULL : (1ULL << slots) - 1);
  std::uint64_t mask = 0;
  for (; k > 0 && free_mask != 0; k--) {
    const std::uint64_t bit = free_mask & (~free_mask + 1);
    mask |= bit;
    free_mask ^= bit;
  }
  return mask;
}

std::uint32_t take_lowest_free(const Cluster& cluster, const ClusterState& state, std::uint32_t pool,
                               std::uint32_t needed, std::vector<NodeSlots>& out)
{
  const Pool& p = cluster.pools[pool];
  std::uint32_t rack = UINT32_MAX;
  std::uint32_t allowance = 0; // what the current rack's cap still allows
  const auto size = static_cast<std::uint32_t>(p.nodes.size());
  for (std::uint32_t i = state.next_free_position(pool, state.pool_first_free(pool)); needed > 0 && i < size;
       i = state.next_free_position(pool, i + 1)) {
    const std::uint32_t node = p.nodes[i];
    if (cluster.node_rack[node] != rack) {
      rack = cluster.node_rack[node];
      allowance = state.rack_allowance(rack);
    }
    const std::uint32_t k = std::min({needed, allowance, state.free_on_node(node)});
    if (k == 0)
      continue;
    out.push_back(NodeSlots{node, lowest_free_slots(cluster, state, node, k)});
    needed -= k;
    allowance -= k;
  }
  return needed;
}

std::uint32_t PlacementPolicy::prefetch_site(const Job& job, const ClusterView& view)
{
  // The data's site if it can ever run the job, else the nearest (route latency, then platform order) that can.
  const Cluster& c = view.cluster;
  std::uint32_t best = NO_SITE;
  double best_latency = std::numeric_limits<double>::infinity();
  for (std::uint32_t p = 0; p < c.pools.size(); p++) {
    const std::uint32_t site = c.pools[p].site;
    if (not view.may_use(job, p) || c.pools[p].usable < job.accelerators)
      continue;
    const double latency = c.topology.latency_s(job.data_site_index, site);
    if (latency < best_latency || (latency == best_latency && site < best)) {
      best = site;
      best_latency = latency;
    }
  }
  return best == NO_SITE ? job.data_site_index : best;
}

void SchedulingContext::narrow(double walltime_s)
{
  const double end = now_ + walltime_s;
  for (const Cluster::Drop& d : drops_) {
    if (not(d.at_s < end))
      break;
    const std::uint32_t limit = state_->rack_limit(d.rack);
    if (d.limit >= limit)
      continue;
    if (std::none_of(narrowed_.begin(), narrowed_.end(), [&](const auto& n) { return n.first == d.rack; }))
      narrowed_.emplace_back(d.rack, limit);
    state_->set_rack_limit(d.rack, d.limit, state_->rack_online(d.rack));
  }
}

void SchedulingContext::widen()
{
  for (auto it = narrowed_.rbegin(); it != narrowed_.rend(); ++it)
    state_->set_rack_limit(it->first, it->second, state_->rack_online(it->first));
  narrowed_.clear();
}

bool SchedulingContext::try_start(std::uint32_t job, std::uint32_t only_pool)
{
  scratch_.clear();
  narrow(jobs_[job].walltime_s);
  if (not placement_->place(jobs_[job], view(only_pool), scratch_)) {
    if (not jobs_[job].span_sites || only_pool != ANY_POOL || not place_across_sites(job, scratch_)) {
      widen();
      return false;
    }
  }
  try {
    start(job, scratch_);
  } catch (...) {
    widen();
    throw;
  }
  widen();
  return true;
}

bool SchedulingContext::may_fit_now(std::uint32_t job, std::uint32_t only_pool) const
{
  const Job& j = jobs_[job];
  const ClusterView v = view(only_pool);
  if (only_pool != ANY_POOL)
    return v.pool_allowed(j, only_pool) && state_->available_in_pool(only_pool) >= j.accelerators;
  // Only the pools of the job's eligible types (a platform of a national scale has hundreds of pools): the one at
  // its site for a pinned job; none when the type's free accelerators (all pools) are too few.
  const std::uint32_t pin = v.pinned_site(j);
  for (std::uint16_t t = 0; t < cluster_->types.size(); t++) {
    const std::uint64_t usable = cluster_->usable_of_type[t], busy = state_->busy_of_type(t);
    if ((j.eligible_types >> t & 1U) == 0 || busy >= usable || usable - busy < j.accelerators)
      continue;
    if (pin != NO_SITE) {
      const std::uint32_t p = cluster_->pool_at(pin, t);
      if (p != UINT32_MAX && state_->available_in_pool(p) >= j.accelerators)
        return true;
      continue;
    }
    std::uint64_t total = 0; // across sites, for a job that may span them
    for (const std::uint32_t p : cluster_->pools_of_type[t])
      if (v.may_use(j, p)) {
        const std::uint64_t available = state_->available_in_pool(p);
        if (available >= j.accelerators)
          return true;
        total += available;
      }
    if (j.span_sites && total >= j.accelerators)
      return true;
  }
  return false;
}

bool SchedulingContext::place_across_sites(std::uint32_t job, std::vector<NodeSlots>& out) const
{
  const Job& j = jobs_[job];
  const ClusterView v = view();
  std::vector<std::uint32_t> pools;
  for (std::uint16_t t = 0; t < cluster_->types.size(); t++) {
    pools.clear();
    std::uint64_t total = 0;
    for (const std::uint32_t p : cluster_->pools_of_type[t])
      if (v.may_use(j, p) && state_->available_in_pool(p) > 0) {
        pools.push_back(p);
        total += state_->available_in_pool(p);
      }
    if (total < j.accelerators)
      continue;
    if (j.data_site_index != NO_SITE)
      std::stable_sort(pools.begin(), pools.end(), [&](std::uint32_t a, std::uint32_t b) {
        return cluster_->topology.latency_s(j.data_site_index, cluster_->pools[a].site) <
               cluster_->topology.latency_s(j.data_site_index, cluster_->pools[b].site);
      });
    const std::size_t first = out.size();
    std::uint32_t needed = j.accelerators;
    for (const std::uint32_t p : pools) {
      needed = take_lowest_free(*cluster_, *state_, p, needed, out);
      if (needed == 0)
        break;
    }
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
              [](const NodeSlots& a, const NodeSlots& b) { return a.node < b.node; });
    return true; // available_in_pool() counted only slots within rack caps, so enough were found
  }
  return false;
}

bool SchedulingContext::place(std::uint32_t job, std::vector<NodeSlots>& out, std::uint32_t only_pool)
{
  narrow(jobs_[job].walltime_s);
  const bool placed = placement_->place(jobs_[job], view(only_pool), out);
  widen();
  return placed;
}

void SchedulingContext::hold(std::span<const NodeSlots> slots)
{
  state_->allocate(slots);
  for (const auto& s : slots)
    held_ += std::popcount(s.mask);
}

void SchedulingContext::release_hold(std::span<const NodeSlots> slots)
{
  state_->release(slots);
  for (const auto& s : slots)
    held_ -= std::popcount(s.mask);
}

void SchedulingContext::wake_up_at(double t)
{
  if (t > now_)
    wake_ups_.push_back(t);
}

std::string slots_problem(const Job& j, std::span<const NodeSlots> slots, const ClusterView& view,
                          std::vector<std::pair<std::uint32_t, std::uint32_t>>& racks)
{
  const Cluster& cluster = view.cluster;
  const ClusterState& state = view.state;
  std::uint64_t count = 0;
  const std::uint32_t pool =
      slots.empty() || slots.front().node >= cluster.node_count() ? 0 : cluster.node_pool[slots.front().node];
  racks.clear();
  for (std::size_t i = 0; i < slots.size(); i++) {
    const NodeSlots& s = slots[i];
    const bool out_of_order = i > 0 && s.node <= slots[i - 1].node; // one piece per node, ascending
    const bool other_pool =
        s.node < cluster.node_count() && cluster.node_pool[s.node] != pool &&
        not(j.span_sites && cluster.pools[cluster.node_pool[s.node]].type == cluster.pools[pool].type &&
            view.may_use(j, cluster.node_pool[s.node]));
    const bool bad = out_of_order || s.node >= cluster.node_count() || other_pool ||
                     (state.used_mask(s.node) & s.mask) != 0 ||
                     (cluster.node_accels[s.node] < 64 && (s.mask >> cluster.node_accels[s.node]) != 0);
    if (bad)
      return "job " + j.id + " given slots on node " + std::to_string(s.node) +
             " that are busy, missing, or in another pool";
    count += static_cast<std::uint64_t>(std::popcount(s.mask));
    const std::uint32_t rack = cluster.node_rack[s.node];
    if (racks.empty() || racks.back().first != rack)
      racks.emplace_back(rack, 0);
    racks.back().second += static_cast<std::uint32_t>(std::popcount(s.mask));
  }
  for (const auto& [rack, n] : racks)
    if (n > state.rack_allowance(rack))
      return "job " + j.id + " would exceed the power cap of rack " + cluster.racks[rack].name;
  if (count != j.accelerators || not view.may_use(j, pool))
    return "job " + j.id + " needs " + std::to_string(j.accelerators) + " accelerators of an eligible type, given " +
           std::to_string(count);
  return {};
}

void SchedulingContext::start(std::uint32_t job, std::span<const NodeSlots> slots)
{
  // A policy bug must not corrupt the simulation: check the decision before applying it.
  if (std::string problem = slots_problem(jobs_[job], slots, view(), scratch_racks_); not problem.empty())
    throw PolicyError("SchedulingContext::start(): " + problem);
  state_->allocate(slots);
  started_.push_back(Start{job, static_cast<std::uint32_t>(slots_.size()), static_cast<std::uint32_t>(slots.size())});
  slots_.insert(slots_.end(), slots.begin(), slots.end());
}

} // namespace ccsim
