// src/attribution/wait_causes.cpp
#include "ccsim/attribution/wait_causes.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <span>

namespace ccsim {

namespace {
//! a - b, 0 when b > a (counts never go negative, even on a platform whose racks mix pools).
std::uint64_t minus(std::uint64_t a, std::uint64_t b)
{
  return a > b ? a - b : 0;
}

//! The cause the counts give for a job pinned to site `pin`, POLICY meaning "its site's pool of an eligible type
//! has room" (the placement may still say FRAGMENTATION). The pools of its types at other sites count as
//! accelerators it may not use (eligibility).
WaitCause pinned_by_counts(const Job& job, const ClusterView& view, std::uint32_t pin)
{
  const Cluster& c = view.cluster;
  const ClusterState& state = view.state;
  const std::uint64_t n = job.accelerators;
  bool power_cap = false, elsewhere = false;
  for (std::uint16_t t = 0; t < c.types.size(); t++) {
    // Available within caps in all the type's pools: usable - busy (busy never exceeds what caps allow).
    const std::uint64_t available = minus(c.usable_of_type[t], state.busy_of_type(t));
    if ((job.eligible_types >> t & 1U) == 0) {
      elsewhere = elsewhere || available >= n;
      continue;
    }
    const std::uint32_t own = c.pool_at(pin, t);
    const std::uint64_t own_available = own == UINT32_MAX ? 0 : state.available_in_pool(own);
    if (own_available >= n)
      return WaitCause::POLICY;
    power_cap = power_cap || (own != UINT32_MAX && minus(c.pools[own].accelerators, state.busy_in_pool(own)) >= n);
    elsewhere = elsewhere || minus(available, own_available) >= n;
  }
  return power_cap ? WaitCause::POWER_CAP : elsewhere ? WaitCause::ELIGIBILITY : WaitCause::CAPACITY;
}
} // namespace

WaitAttribution::WaitAttribution(const Cluster& cluster, const PlacementPolicy& placement)
    : cluster_(&cluster)
    , by_room_(placement.places_whenever_a_pool_has_room())
    , accelerators_of_type_(cluster.types.size())
    , max_available_(cluster.types.size())
    , available_(cluster.pools.size())
    , is_dirty_(cluster.pools.size())
{
  for (const Rack& rack : cluster.racks) // nothing is busy yet: each rack's limit at t = 0
    available_[cluster.node_pool[rack.first_node]] += rack.initial_limit;
  for (std::uint32_t p = 0; p < cluster.pools.size(); p++) {
    const Pool& pool = cluster.pools[p];
    accelerators_of_type_[pool.type] += pool.accelerators;
    max_available_[pool.type] = std::max(max_available_[pool.type], available_[p]);
  }
}

void WaitAttribution::admit(std::uint32_t h, double submit_s, std::uint32_t accelerators, bool staging)
{
  admit(h, submit_s, accelerators, staging ? WaitCause::STAGING : WaitCause::CAPACITY);
}

void WaitAttribution::admit(std::uint32_t h, double submit_s, std::uint32_t accelerators, WaitCause until_queued)
{
  if (h >= jobs_.size())
    jobs_.resize(h + 1);
  jobs_[h] = Waiting{};
  jobs_[h].since = submit_s;
  jobs_[h].cause = until_queued; // decided when it joins the queue
  waiting_[static_cast<std::size_t>(jobs_[h].cause)] += accelerators;
  if (log_ != nullptr) {
    if (h >= rows_.size())
      rows_.resize(h + 1);
    rows_[h] = LogRow{};
    rows_[h].from = submit_s;
  }
}

void WaitAttribution::touched(std::span<const NodeSlots> pieces)
{
  for (const NodeSlots& piece : pieces)
    if (const std::uint32_t p = cluster_->node_pool[piece.node]; is_dirty_[p] == 0) {
      is_dirty_[p] = 1;
      dirty_.push_back(p);
    }
}

void WaitAttribution::change(std::uint32_t h, double now, WaitCause cause, bool at_head)
{
  Waiting& w = jobs_[h];
  if (log_ != nullptr) {
    LogRow& r = rows_[h];
    if (now > r.from) { // the open row closes; the one held back goes out
      if (r.held)
        log_->interval(live_[h], r.held_from, r.held_to, r.held_cause, r.held_at_head);
      r = LogRow{now, r.from, now, w.cause, w.at_head, true};
    } else if (r.held && r.held_to == now && r.held_cause == cause && r.held_at_head == at_head) {
      r.from = r.held_from; // back to the state of the row closed at this same time: it reopens
      r.held = false;
    }
  }
  if (cause != w.cause) { // (only a cause's change splits its seconds: they sum as they did without the log)
    w.seconds[static_cast<std::size_t>(w.cause)] += now - w.since;
    w.since = now;
    const std::uint32_t n = live_[h].accelerators;
    waiting_[static_cast<std::size_t>(w.cause)] -= n;
    waiting_[static_cast<std::size_t>(cause)] += n;
  }
  w.cause = cause;
  w.at_head = at_head;
}

void WaitAttribution::end_wait(std::uint32_t h, double now)
{
  Waiting& w = jobs_[h];
  w.seconds[static_cast<std::size_t>(w.cause)] += now - w.since;
  waiting_[static_cast<std::size_t>(w.cause)] -= live_[h].accelerators;
  if (log_ != nullptr) {
    const LogRow& r = rows_[h];
    if (r.held)
      log_->interval(live_[h], r.held_from, r.held_to, r.held_cause, r.held_at_head);
    if (now > r.from)
      log_->interval(live_[h], r.from, now, w.cause, w.at_head);
  }
  w.at_head = false;
}

void WaitAttribution::set_cause(std::uint32_t h, WaitCause cause, double now)
{
  if (cause != jobs_[h].cause)
    change(h, now, cause, jobs_[h].at_head);
}

void WaitAttribution::set_head(std::uint32_t head, double now)
{
  if (head != NONE && (head >= jobs_.size() || not jobs_[head].queued))
    head = NONE; // not a waiting job: a policy's mistake, ignored
  if (head == head_)
    return;
  if (head_ != NONE && jobs_[head_].queued)
    change(head_, now, jobs_[head_].cause, false);
  if (head != NONE)
    change(head, now, jobs_[head].cause, true);
  head_ = head;
}

void WaitAttribution::refresh(const ClusterState& state)
{
  std::uint64_t recount = 0; // types whose most available pool lost some
  for (const std::uint32_t p : dirty_) {
    is_dirty_[p] = 0;
    const std::uint16_t t = cluster_->pools[p].type;
    const std::uint64_t was = available_[p], now = state.available_in_pool(p);
    available_[p] = now;
    if (now >= max_available_[t])
      max_available_[t] = now;
    else if (was == max_available_[t])
      recount |= std::uint64_t{1} << t;
  }
  dirty_.clear();
  for (; recount != 0; recount &= recount - 1) {
    const auto t = static_cast<std::uint16_t>(std::countr_zero(recount));
    std::uint64_t most = 0;
    for (const std::uint32_t p : cluster_->pools_of_type[t])
      most = std::max(most, available_[p]);
    max_available_[t] = most;
  }
#ifndef NDEBUG
  for (std::uint32_t p = 0; p < cluster_->pools.size(); p++)
    assert(available_[p] == state.available_in_pool(p) && "WaitAttribution: a pool changed without touched()");
#endif
}

std::array<std::uint64_t, 4> WaitAttribution::thresholds(const Group& g, const ClusterState& state) const
{
  std::uint64_t a = 0, b = 0, c = 0, d = 0;
  for (std::uint16_t t = 0; t < cluster_->types.size(); t++) {
    const std::uint64_t busy = state.busy_of_type(t);
    const std::uint64_t available = minus(cluster_->usable_of_type[t], busy);
    if ((g.eligible_types >> t & 1U) == 0) {
      d = std::max(d, available);
      continue;
    }
    a = std::max(a, max_available_[t]);
    b = std::max(b, available);
    c = std::max(c, minus(accelerators_of_type_[t], busy));
  }
  // A job that may span sites is placed across a type's pools when no single one has room.
  return {g.span ? b : a, b, c, std::max(c, d)};
}

bool WaitAttribution::placement_takes(std::uint32_t h, SchedulingContext& ctx)
{
  scratch_.clear();
  return ctx.place(h, scratch_);
}

WaitCause WaitAttribution::by_size(const Group& g, std::uint64_t n) const
{
  const auto& [a, b, c, e] = g.thresholds;
  if (n <= a)
    return by_room_ || g.span ? WaitCause::POLICY : ASK;
  return n <= b   ? WaitCause::FRAGMENTATION
         : n <= c ? WaitCause::POWER_CAP
         : n <= e ? WaitCause::ELIGIBILITY
                  : WaitCause::CAPACITY;
}

WaitCause WaitAttribution::decide(const Group& g, std::uint32_t h, SchedulingContext& ctx)
{
  const WaitCause cause = by_size(g, ctx.jobs()[h].accelerators);
  if (cause != ASK)
    return cause;
  return placement_takes(h, ctx) ? WaitCause::POLICY : WaitCause::FRAGMENTATION;
}

void WaitAttribution::update(Group& g, SchedulingContext& ctx)
{
  const ClusterState& state = ctx.view().state;
  const double now = ctx.now();
  const auto old = g.thresholds;
  g.thresholds = thresholds(g, state);
  g.stamp = state.changes();
  for (std::size_t k = 0; k < old.size(); k++) {
    // The jobs whose size lies between a threshold's old and new values changed side.
    const std::uint64_t lo = std::min(old[k], g.thresholds[k]), hi = std::max(old[k], g.thresholds[k]);
    if (lo == hi || lo >= UINT32_MAX)
      continue;
    for (auto it = g.by_size.lower_bound(static_cast<std::uint32_t>(lo + 1)); it != g.by_size.end() && it->first <= hi;
         ++it) {
      const WaitCause cause = by_size(g, it->first);
      if (cause == ASK)
        continue; // within a: the placement is asked below, once per job
      for (const std::uint32_t h : it->second)
        set_cause(h, cause, now);
    }
  }
  if (not by_room_ && not g.span) // within a, the placement's answer may change with any occupancy change
    for (auto it = g.by_size.begin(); it != g.by_size.end() && it->first <= g.thresholds[0]; ++it)
      for (const std::uint32_t h : it->second)
        set_cause(h, decide(g, h, ctx), now);
}

WaitCause WaitAttribution::classify_pinned(std::uint32_t h, SchedulingContext& ctx)
{
  const Job& j = ctx.jobs()[h];
  const ClusterView view = ctx.view();
  const WaitCause counted = pinned_by_counts(j, view, view.pinned_site(j));
  if (counted != WaitCause::POLICY || by_room_ || j.span_sites)
    return counted;
  return placement_takes(h, ctx) ? WaitCause::POLICY : WaitCause::FRAGMENTATION;
}

void WaitAttribution::after_pass(SchedulingContext& ctx, std::span<const std::uint32_t> entered, std::uint32_t head)
{
  const double now = ctx.now();
  const ClusterState& state = ctx.view().state;
  live_ = ctx.jobs();
  for (const std::uint32_t h : entered)
    jobs_[h].queued = true; // into its group below, unless it started in this very pass
  for (const auto& s : ctx.started()) {
    touched(std::span(ctx.started_slots()).subspan(s.first_slot, s.slot_count));
    Waiting& w = jobs_[s.job];
    end_wait(s.job, now);
    std::vector<std::uint32_t>* list = &pinned_;
    if (w.group != NONE) {
      Group& g = groups_[w.group];
      list = &g.by_size[ctx.jobs()[s.job].accelerators];
      g.jobs--;
    }
    if (w.pos != NONE) { // in a list: remove it (the last takes its place)
      const std::uint32_t last = list->back();
      (*list)[w.pos] = last;
      jobs_[last].pos = w.pos;
      list->pop_back();
    }
    w.group = w.pos = NONE;
    w.queued = false;
  }
  // Prefetch mode (pinned jobs exist): placement may weigh the backlog pinned to each site, which every
  // submission changes, so the jobs it is asked about are asked at every pass.
  const bool changed = state.changes() != stamp_;
  const bool ask = changed || not pinned_.empty();
  if (changed)
    refresh(state);
  if (ask) {
    for (Group& g : groups_)
      if (g.jobs > 0)
        update(g, ctx);
    for (const std::uint32_t h : pinned_)
      set_cause(h, classify_pinned(h, ctx), now);
  }
  stamp_ = state.changes();
  const ClusterView view = ctx.view();
  for (const std::uint32_t h : entered) {
    Waiting& w = jobs_[h];
    if (not w.queued)
      continue; // started in the pass that queued it
    const Job& j = ctx.jobs()[h];
    if (view.pinned_site(j) != NO_SITE) {
      w.pos = static_cast<std::uint32_t>(pinned_.size());
      pinned_.push_back(h);
      set_cause(h, classify_pinned(h, ctx), now);
      continue;
    }
    const auto [it, fresh] =
        group_of_.try_emplace({j.eligible_types, j.span_sites}, static_cast<std::uint32_t>(groups_.size()));
    if (fresh) {
      groups_.emplace_back();
      groups_.back().eligible_types = j.eligible_types;
      groups_.back().span = j.span_sites;
    }
    Group& g = groups_[it->second];
    if (g.stamp != state.changes())
      update(g, ctx);
    w.group = it->second;
    std::vector<std::uint32_t>& bucket = g.by_size[j.accelerators];
    w.pos = static_cast<std::uint32_t>(bucket.size());
    bucket.push_back(h);
    g.jobs++;
    set_cause(h, decide(g, h, ctx), now);
  }
  set_head(head, now);
}

} // namespace ccsim
