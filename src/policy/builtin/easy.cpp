// src/policy/builtin/easy.cpp
// EASY backfilling with batsched's semantics (docs/policies.md):
//   walk the queue in submission order; a job that fits now starts; the first job that cannot start gets a
//   reservation: the earliest time t at which enough of its pool's slots are free, assuming every running job
//   holds its slots until start + walltime, on the lowest-numbered such slots; every later job starts only if
//   it can start now without touching the reserved slots, or ends (by its walltime) no later than t.
//   The reservation is recomputed at every decision pass.
#include "ccsim/core/params.hpp"
#include "ccsim/policy/builtin/builtin.hpp"
#include "ordered_min_index.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <unordered_map>

namespace ccsim {

namespace {

class EasyBackfilling final : public QueuePolicy {
public:
  void decide(SchedulingContext& ctx) override
  {
    for (const std::uint32_t j : ctx.finished())
      forget(j);
    for (const std::uint32_t j : ctx.submitted())
      enqueue(ctx, j);

    // The head of the queue, in order: each job that fits starts; the first that cannot gets the reservation.
    std::uint64_t head = 0;
    double t_res = 0;
    std::vector<NodeSlots> hold; // reserved slots that are free now
    for (;;) {
      if (order_.empty())
        return;
      const auto [pos, j] = *order_.begin();
      if (ctx.may_fit_now(j) && ctx.try_start(j)) {
        dequeue(j);
        remember(ctx, j);
        continue;
      }
      head = pos;
      t_res = reserve(ctx, ctx.jobs()[j], hold);
      if (t_res == std::numeric_limits<double>::infinity())
        return; // a job spanning sites, larger than any one pool: no per-pool reservation, so no backfilling
      break;
    }
    backfill(ctx, head, t_res, hold);
  }

  std::size_t queued() const override { return order_.size(); }
  std::uint32_t head() const override { return order_.empty() ? NO_JOB : order_.begin()->second; }

private:
  // The queue, indexed so that a pass visits only the jobs that may start (docs/policies.md, "EASY at depth"). A
  // queued job belongs to the class of its eligible types, or, pinned to a site or allowed to span sites, to the
  // few "special" jobs checked one by one.
  struct Entry {
    std::uint64_t pos;
    std::uint32_t cls; //!< SPECIAL, or an index into classes_
    std::uint32_t size;
  };
  static constexpr std::uint32_t SPECIAL = UINT32_MAX;
  static constexpr std::uint64_t BACKGROUND = std::uint64_t{1} << 62; //!< added to a background job's position
  struct Class {
    std::uint64_t types; //!< eligible types
    OrderedMinIndex<std::uint32_t> by_size;
    std::map<std::uint32_t, OrderedMinIndex<double>> by_walltime; //!< per size, the jobs of that size by walltime
    // Per pass, recomputed after every start:
    std::uint64_t avail = 0;  //!< most available accelerators in one pool of its types: may_fit_now() is size <= this
    std::uint64_t beside = 0; //!< the same with the reservation's still-free slots held (fits_beside_hold())
    bool fresh = false;       //!< `next` is valid
    std::optional<std::uint64_t> next; //!< its first candidate after the pass's cursor
  };

  void enqueue(const SchedulingContext& ctx, std::uint32_t j)
  {
    const Job& job = ctx.jobs()[j];
    // Flexible work under scheduler.shift queues behind every job that may not wait (docs/policies.md "Shifting
    // flexible work"): it heads the queue only when no other job waits, and otherwise only backfills.
    Entry e{(job.background ? BACKGROUND : 0) + next_pos_++, SPECIAL, job.accelerators};
    if (ctx.view().pinned_site(job) == NO_SITE && not job.span_sites) {
      // Background jobs have classes of their own: each class's index takes positions in increasing order.
      auto& class_of = job.background ? background_class_of_ : class_of_;
      auto [it, added] = class_of.try_emplace(job.eligible_types, static_cast<std::uint32_t>(classes_.size()));
      if (added)
        classes_.push_back(Class{job.eligible_types, {}, {}, 0, 0, false, std::nullopt});
      e.cls = it->second;
      Class& c = classes_[e.cls];
      c.by_size.append(e.pos, e.size);
      c.by_walltime[e.size].append(e.pos, job.walltime_s);
    } else {
      special_.insert(e.pos);
    }
    order_.emplace(e.pos, j);
    entries_.emplace(j, e);
  }

  void dequeue(std::uint32_t j)
  {
    const auto it = entries_.find(j);
    const Entry e = it->second;
    entries_.erase(it);
    order_.erase(e.pos);
    if (e.cls == SPECIAL) {
      special_.erase(e.pos);
      return;
    }
    Class& c = classes_[e.cls];
    c.by_size.erase(e.pos);
    auto w = c.by_walltime.find(e.size);
    w->second.erase(e.pos);
    if (w->second.empty())
      c.by_walltime.erase(w);
  }

  //! Backfilling behind the reservation (at t_res, on `hold` of pool res_pool_): every later job, in queue order,
  //! starts if it fits now and either ends by t_res (walltime) or fits beside the reserved slots still free. The
  //! jobs visited are only those a count says may start (a job that cannot start leaves the state unchanged, so
  //! skipping it changes nothing); each is then judged exactly as batsched does.
  void backfill(SchedulingContext& ctx, std::uint64_t head, double t_res, const std::vector<NodeSlots>& hold)
  {
    const double now = ctx.now();
    const ClusterState& state = ctx.view().state;
    // A walltime limit a little above t_res - now for the index: the exact test (now + walltime <= t_res) decides.
    const double window = t_res - now;
    const double w_limit = window + std::fabs(t_res) * 1e-12 + 1e-12;
    std::uint64_t held = 0;
    bool stale = true;             // availability changed since the classes' counts were taken ...
    std::uint64_t changed = ~0ULL; // ... in the pools of these types
    std::uint64_t cursor = head;
    for (;;) {
      if (state.available_total() == 0)
        break; // nothing later in the queue can start in this pass
      if (stale) {
        held = refresh_hold(state, hold);
        refresh_classes(ctx, held, changed);
        stale = false;
        changed = 0;
      }
      // The next candidate: the first, after the cursor, of each class's own first candidate and special jobs.
      std::optional<std::uint64_t> next;
      for (Class& c : classes_) {
        if (not c.fresh || (c.next && *c.next <= cursor)) {
          c.next = candidate(c, cursor, w_limit);
          c.fresh = true;
        }
        if (c.next && (not next || *c.next < *next))
          next = c.next;
      }
      if (const auto sp = special_.upper_bound(cursor); sp != special_.end() && (not next || *sp < *next))
        next = *sp;
      if (not next)
        break;
      cursor = *next;
      const std::uint32_t j = order_.at(cursor);
      const Job& job = ctx.jobs()[j];
      const Entry& e = entries_.at(j);
      bool started = false;
      const bool fits = e.cls == SPECIAL ? ctx.may_fit_now(j) : job.accelerators <= classes_[e.cls].avail;
      if (fits) {
        if (now + job.walltime_s <= t_res) {
          started = ctx.try_start(j);
        } else if (e.cls == SPECIAL ? fits_beside_hold(ctx, job, held) : job.accelerators <= classes_[e.cls].beside) {
          // Holding the slots would leave available_in_pool(reserved pool) - held: the count said it may fit
          // beside the reservation; the hold (a state change) is made only then.
          ctx.hold(active_hold_);
          started = ctx.try_start(j);
          ctx.release_hold(active_hold_);
        }
      }
      if (started) {
        dequeue(j);
        remember(ctx, j);
        stale = true;
        changed |= started_types(ctx);
        for (Class& c : classes_)
          c.fresh = false;
      }
    }
  }

  //! The class's first job after `cursor` that a count says may start: size <= beside (any walltime), or
  //! beside < size <= avail with a walltime that may end by the reservation.
  static std::optional<std::uint64_t> candidate(const Class& c, std::uint64_t cursor, double w_limit)
  {
    std::optional<std::uint64_t> best;
    if (c.avail == 0)
      return best;
    if (c.beside > 0)
      best = c.by_size.first_after(cursor, static_cast<std::uint32_t>(std::min<std::uint64_t>(c.beside, UINT32_MAX)));
    for (auto it = c.by_walltime.upper_bound(static_cast<std::uint32_t>(std::min<std::uint64_t>(c.beside, UINT32_MAX)));
         it != c.by_walltime.end() && it->first <= c.avail; ++it)
      if (const auto p = it->second.first_after(cursor, w_limit); p && (not best || *p < *best))
        best = p;
    return best;
  }

  //! The reserved slots still free (jobs that end before the reservation may have taken some), trimmed to what
  //! their racks may still power; returns how many.
  std::uint64_t refresh_hold(const ClusterState& state, const std::vector<NodeSlots>& hold)
  {
    active_hold_.clear();
    for (const auto& h : hold)
      if (const std::uint64_t still_free = h.mask & ~state.used_mask(h.node); still_free != 0)
        active_hold_.push_back(NodeSlots{h.node, still_free});
    state.trim_to_rack_allowances(active_hold_); // jobs started since may have used a rack's headroom
    std::uint64_t held = 0;
    for (const auto& h : active_hold_)
      held += static_cast<std::uint64_t>(std::popcount(h.mask));
    return held;
  }

  //! The types of the pools the job started last holds, and the reserved pool's (its held count changes).
  std::uint64_t started_types(const SchedulingContext& ctx) const
  {
    const Cluster& c = ctx.view().cluster;
    const auto& s = ctx.started().back();
    std::uint64_t types = 1ULL << c.pools[res_pool_].type;
    for (std::uint32_t i = s.first_slot; i < s.first_slot + s.slot_count; i++)
      types |= 1ULL << c.pools[c.node_pool[ctx.started_slots()[i].node]].type;
    return types;
  }

  //! Each class's counts: the most available accelerators in one pool of its types, and the same beside the hold.
  //! Only the types in `changed` are counted again (the other types' pools have not changed since).
  void refresh_classes(const SchedulingContext& ctx, std::uint64_t held, std::uint64_t changed)
  {
    const Cluster& c = ctx.view().cluster;
    const ClusterState& state = ctx.view().state;
    if (type_avail_.size() != c.types.size()) {
      type_avail_.assign(c.types.size(), 0);
      type_beside_.assign(c.types.size(), 0);
      changed = ~0ULL;
    }
    for (std::uint16_t t = 0; t < c.types.size(); t++) {
      if ((changed >> t & 1U) == 0)
        continue;
      type_avail_[t] = type_beside_[t] = 0;
      for (const std::uint32_t p : c.pools_of_type[t]) {
        const std::uint64_t a = state.available_in_pool(p);
        const std::uint64_t reserved = p == res_pool_ ? held : 0;
        type_avail_[t] = std::max(type_avail_[t], a);
        type_beside_[t] = std::max(type_beside_[t], a > reserved ? a - reserved : 0);
      }
    }
    for (Class& k : classes_) {
      k.avail = k.beside = 0;
      for (std::uint64_t m = k.types; m != 0; m &= m - 1) {
        const auto t = static_cast<std::size_t>(std::countr_zero(m));
        if (t >= c.types.size())
          break;
        k.avail = std::max(k.avail, type_avail_[t]);
        k.beside = std::max(k.beside, type_beside_[t]);
      }
      k.fresh = false;
    }
  }

  //! ctx.may_fit_now(job) as it would answer with `held` free slots of the reserved pool held (special jobs).
  bool fits_beside_hold(const SchedulingContext& ctx, const Job& job, std::uint64_t held) const
  {
    const ClusterView v = ctx.view();
    std::uint64_t most = 0;
    const auto consider = [&](std::uint32_t p) {
      const std::uint64_t avail = v.state.available_in_pool(p);
      const std::uint64_t reserved = p == res_pool_ ? held : 0;
      most = std::max(most, avail > reserved ? avail - reserved : 0);
    };
    v.for_each_usable_pool(job, consider);
    return most >= job.accelerators;
  }

  struct Running {
    double start;
    double est_end; //!< start + walltime (the key in by_end_)
    std::uint32_t pool;
    std::vector<NodeSlots> slots;
    std::vector<std::uint32_t> other_pools; //!< pools besides `pool` (a job spanning sites)
  };

  void remember(const SchedulingContext& ctx, std::uint32_t j)
  {
    const auto& s = ctx.started().back();
    std::vector<NodeSlots> slots(ctx.started_slots().begin() + s.first_slot,
                                 ctx.started_slots().begin() + s.first_slot + s.slot_count);
    const Cluster& c = ctx.view().cluster;
    const std::uint32_t pool = c.node_pool[slots.front().node];
    const double est_end = ctx.now() + ctx.jobs()[j].walltime_s;
    size_pools(c);
    for (const auto& piece : slots) { // a job spanning sites ends in every pool it holds slots of
      const std::uint32_t p = c.node_pool[piece.node];
      by_end_[p][{est_end, j}] += static_cast<std::uint32_t>(std::popcount(piece.mask));
      first_end_[p] = std::min(first_end_[p], est_end);
    }
    std::vector<std::uint32_t> others;
    for (const auto& piece : slots)
      if (const std::uint32_t p = c.node_pool[piece.node];
          p != pool && std::find(others.begin(), others.end(), p) == others.end())
        others.push_back(p);
    running_.emplace(j, Running{ctx.now(), est_end, pool, std::move(slots), std::move(others)});
  }

  void forget(std::uint32_t j)
  {
    const auto it = running_.find(j);
    if (it == running_.end())
      return;
    const auto erase = [&](std::uint32_t p) {
      by_end_[p].erase({it->second.est_end, j});
      first_end_[p] = by_end_[p].empty() ? std::numeric_limits<double>::infinity() : by_end_[p].begin()->first.first;
    };
    erase(it->second.pool);
    for (const std::uint32_t p : it->second.other_pools)
      erase(p);
    running_.erase(it);
  }

  //! Calls f(expected_end, job, its accelerators in p) for the running jobs of pool `p` in the order
  //! backfilling expects them to end, until f returns false. Jobs past their walltime lead by_end_; their expected end is re-estimated
  //! (expected_end()) and merged in. Cost: the overrunning jobs plus the jobs visited, not every running job.
  template <typename F>
  void for_each_end(std::uint32_t p, double now, F&& f)
  {
    overrun_.clear();
    const auto& ends = by_end_[p];
    auto it = ends.begin();
    for (; it != ends.end() && it->first.first <= now; ++it) {
      const auto [end, j] = it->first;
      const double start = running_.at(j).start;
      overrun_.push_back(End{expected_end(start, end - start, now), j, it->second});
    }
    std::sort(overrun_.begin(), overrun_.end());
    std::size_t o = 0;
    while (o < overrun_.size() || it != ends.end()) {
      if (o < overrun_.size() && (it == ends.end() || not(it->first < std::pair(overrun_[o].end, overrun_[o].job)))) {
        if (not f(overrun_[o].end, overrun_[o].job, overrun_[o].count))
          return;
        o++;
      } else {
        if (not f(it->first.first, it->first.second, it->second))
          return;
        ++it;
      }
    }
  }

  //! Reservation of `job`: the earliest start over its eligible pools (ties: lowest pool), assuming running jobs
  //! release their slots at their expected end. Fills `hold` with the reserved slots that are free now; returns
  //! the reservation time.
  double reserve(const SchedulingContext& ctx, const Job& job, std::vector<NodeSlots>& hold)
  {
    const Cluster& c = ctx.view().cluster;
    const ClusterState& state = ctx.view().state;
    const double now = ctx.now();
    size_pools(c);
    double best_t = std::numeric_limits<double>::infinity();
    std::uint32_t best_pool = 0;
    // Earliest start, ties to the lowest pool: whether pool p starting at t does better than the best so far
    // (so the pools may be visited in any order).
    const auto beats = [&](double t, std::uint32_t p) { return t < best_t || (t == best_t && p < best_pool); };
    const auto consider = [&](std::uint32_t p) {
      if (c.pools[p].usable < job.accelerators)
        return;
      if (collect_varying(ctx, p)) { // racks whose limit changes: counted rack by rack
        if (const double t = earliest_varying(ctx, job, p, best_t); t < INF && beats(t, p)) {
          best_t = t;
          best_pool = p;
        }
        return;
      }
      // Free within rack power caps: a capped rack's stranded slots never count (each ending job gives its
      // slots' headroom back, so adding released counts below stays exact).
      std::uint64_t free = state.available_in_pool(p);
      double t = now;
      if (free < job.accelerators && not beats(std::max(first_end_[p], now), p))
        return; // its start is no earlier than its first expected end (or now): it cannot do better
      if (free < job.accelerators)
        for_each_end(p, now, [&](double end, std::uint32_t /*job*/, std::uint32_t count) {
          t = end;
          free += count;                                   // its accelerators in this pool
          return free < job.accelerators && beats(end, p); // later ends cannot do better either
        });
      if (free >= job.accelerators && beats(t, p)) {
        best_t = t;
        best_pool = p;
      }
    };
    ctx.view().for_each_usable_pool(job, consider);
    hold.clear();
    res_pool_ = best_pool;
    if (best_t == std::numeric_limits<double>::infinity())
      return best_t; // only a job spanning sites that no single pool can hold (the caller stops backfilling)
    // Candidate slots: free now, or released by running jobs expected to end by best_t. Visited by position in the
    // pool's node list, only where a node has either: the state's bitmap of nodes with a free slot, or-ed with one
    // of the nodes where a job releases slots.
    // A pool with racks whose limit changes: each of them gives at most what its least limit over the reservation
    // allows beyond what stays busy then (quota_).
    const bool varying = collect_varying(ctx, best_pool);
    if (varying) {
      earliest_varying(ctx, job, best_pool, best_t);
      for (std::size_t i = 0; i < vary_.size(); i++) {
        const std::uint32_t limit = c.racks[vary_[i]].min_limit(best_t, best_t + job.walltime_s);
        quota_[i] = limit > vary_busy_[i] ? limit - vary_busy_[i] : 0;
      }
    }
    const Pool& pool = c.pools[best_pool];
    const std::span<const std::uint64_t> free_bits = state.pool_free_bits(best_pool);
    released_bits_.assign(free_bits.size(), 0);
    if (released_mask_.size() < pool.nodes.size())
      released_mask_.resize(pool.nodes.size(), 0);
    for_each_end(best_pool, now, [&](double end, std::uint32_t j, std::uint32_t /*count*/) {
      if (end > best_t)
        return false;
      for (const auto& piece : running_.at(j).slots)
        if (c.node_pool[piece.node] == best_pool) { // a job spanning sites also holds slots elsewhere
          const std::uint32_t pos = c.node_pos_in_pool[piece.node];
          released_mask_[pos] |= piece.mask;
          released_bits_[pos / 64] |= std::uint64_t{1} << (pos % 64);
        }
      return true;
    });
    // The job.accelerators lowest-numbered candidates, node by node.
    std::uint32_t needed = job.accelerators;
    for (std::size_t w = 0; w < free_bits.size() && needed > 0; w++)
      for (std::uint64_t word = free_bits[w] | released_bits_[w]; word != 0 && needed > 0; word &= word - 1) {
        const std::size_t pos = w * 64 + static_cast<std::size_t>(std::countr_zero(word));
        const std::uint32_t node = pool.nodes[pos];
        const std::uint64_t valid = c.node_accels[node] >= 64 ? ~0ULL : (1ULL << c.node_accels[node]) - 1;
        const std::uint64_t free_mask = ~state.used_mask(node) & valid;
        std::uint64_t candidates = free_mask | released_mask_[pos];
        std::uint64_t take_free = 0;
        std::uint32_t* quota = nullptr;
        if (varying)
          if (const std::int32_t i = vary_index_[c.node_rack[node]]; i >= 0)
            quota = &quota_[static_cast<std::size_t>(i)];
        while (candidates != 0 && needed > 0) {
          const std::uint64_t bit = candidates & (~candidates + 1);
          candidates ^= bit;
          if (quota != nullptr && *quota == 0)
            break;
          if (quota != nullptr)
            --*quota;
          needed--;
          if ((free_mask & bit) != 0)
            take_free |= bit;
        }
        if (take_free != 0)
          hold.push_back(NodeSlots{node, take_free});
      }
    for (std::size_t w = 0; w < released_bits_.size(); w++) // the scratch masks back to 0
      for (std::uint64_t word = released_bits_[w]; word != 0; word &= word - 1)
        released_mask_[w * 64 + static_cast<std::size_t>(std::countr_zero(word))] = 0;
    for (const std::uint32_t r : vary_)
      vary_index_[r] = -1;
    vary_.clear();
    state.trim_to_rack_allowances(hold);
    return best_t;
  }

  //! The racks of pool `p` whose limit changes after now, or that hold more than their limit now (vary_, indexed in
  //! vary_index_); false when there are none (the pool's counts then hold for the whole reservation).
  bool collect_varying(const SchedulingContext& ctx, std::uint32_t p)
  {
    const Cluster& c = ctx.view().cluster;
    for (const std::uint32_t r : vary_)
      vary_index_[r] = -1;
    vary_.clear();
    if (c.pools[p].varying_racks.empty())
      return false;
    if (vary_index_.size() < c.racks.size())
      vary_index_.resize(c.racks.size(), -1);
    const ClusterState& state = ctx.view().state;
    for (const std::uint32_t r : c.pools[p].varying_racks)
      if (c.racks[r].changes.back().at_s > ctx.now() || state.busy_in_rack(r) > state.rack_limit(r)) {
        vary_index_[r] = static_cast<std::int32_t>(vary_.size());
        vary_.push_back(r);
      }
    return not vary_.empty();
  }

  //! The earliest t >= now before `bound` at which pool `p` (its varying racks in vary_) has job.accelerators that may
  //! be busy throughout [t, t + walltime): the static racks' available count grown by ending jobs, plus, per varying
  //! rack, its least limit over the window minus what stays busy at t. Candidates: now, expected ends, the racks'
  //! changes (the count rises only there). Leaves vary_busy_ at that t. INF when none.
  double earliest_varying(const SchedulingContext& ctx, const Job& job, std::uint32_t p, double bound)
  {
    const Cluster& c = ctx.view().cluster;
    const ClusterState& state = ctx.view().state;
    const double now = ctx.now();
    std::int64_t stat = static_cast<std::int64_t>(state.available_in_pool(p));
    vary_busy_.assign(vary_.size(), 0);
    quota_.assign(vary_.size(), 0);
    times_.clear();
    for (std::size_t i = 0; i < vary_.size(); i++) {
      const std::uint32_t r = vary_[i];
      vary_busy_[i] = state.busy_in_rack(r);
      stat -= state.rack_allowance(r);
      for (const auto& change : c.racks[r].changes)
        if (change.at_s > now)
          times_.push_back(change.at_s);
    }
    std::sort(times_.begin(), times_.end());
    ends_.clear();
    for_each_end(p, now, [&](double end, std::uint32_t j, std::uint32_t /*count*/) {
      ends_.emplace_back(end, j);
      return end < bound;
    });
    const auto fits_at = [&](double t) {
      std::int64_t sum = stat;
      for (std::size_t i = 0; i < vary_.size(); i++) {
        const std::uint32_t limit = c.racks[vary_[i]].min_limit(t, t + job.walltime_s);
        sum += limit > vary_busy_[i] ? limit - vary_busy_[i] : 0;
      }
      return sum >= static_cast<std::int64_t>(job.accelerators);
    };
    std::size_t e = 0, k = 0;
    for (double t = now; t <= bound;) {
      for (; e < ends_.size() && ends_[e].first <= t; e++)
        for (const auto& piece : running_.at(ends_[e].second).slots)
          if (c.node_pool[piece.node] == p) {
            const auto n = static_cast<std::uint32_t>(std::popcount(piece.mask));
            if (const std::int32_t i = vary_index_[c.node_rack[piece.node]]; i >= 0)
              vary_busy_[static_cast<std::size_t>(i)] -= n;
            else
              stat += n;
          }
      if (fits_at(t))
        return t;
      for (; k < times_.size() && times_[k] <= t; k++) {
      }
      const double next = std::min(e < ends_.size() ? ends_[e].first : INF, k < times_.size() ? times_[k] : INF);
      if (next == INF)
        break;
      t = next;
    }
    return INF;
  }

  std::map<std::uint64_t, std::uint32_t> order_;     //!< queue position -> job handle
  std::unordered_map<std::uint32_t, Entry> entries_; //!< job handle -> its place in the index
  std::vector<Class> classes_;
  std::unordered_map<std::uint64_t, std::uint32_t> class_of_;            //!< eligible types -> class
  std::unordered_map<std::uint64_t, std::uint32_t> background_class_of_; //!< the same for background jobs
  std::set<std::uint64_t> special_;                                      //!< positions of pinned and site-spanning jobs
  std::uint64_t next_pos_ = 0;
  std::vector<std::uint64_t> type_avail_, type_beside_; //!< per type, per pass (refresh_classes)
  std::unordered_map<std::uint32_t, Running> running_;
  //! Per pool: (est_end, job) of running jobs -> its accelerators in that pool.
  std::vector<std::map<std::pair<double, std::uint32_t>, std::uint32_t>> by_end_;
  std::vector<double> first_end_; //!< per pool, by_end_'s first key (infinity if none): reserve() skips on it

  void size_pools(const Cluster& c)
  {
    if (by_end_.size() < c.pools.size()) {
      by_end_.resize(c.pools.size());
      first_end_.resize(c.pools.size(), std::numeric_limits<double>::infinity());
    }
  }
  struct End {
    double end;
    std::uint32_t job, count;
    bool operator<(const End& o) const { return end != o.end ? end < o.end : job < o.job; }
  };
  std::vector<End> overrun_;                 //!< scratch of for_each_end()
  std::vector<NodeSlots> active_hold_;       //!< the reservation's slots still free
  std::vector<std::uint64_t> released_mask_; //!< scratch of reserve(): per pool position, slots released (kept 0)
  std::vector<std::uint64_t> released_bits_; //!< scratch of reserve(): positions with released slots
  std::uint32_t res_pool_ = 0;               //!< pool of this pass's reservation
  // Scratch of reserve() in a pool whose racks' limits change (collect_varying(), earliest_varying()).
  std::vector<std::uint32_t> vary_;                    //!< those racks
  std::vector<std::int32_t> vary_index_;               //!< per rack: its index in vary_, or -1 (kept -1)
  std::vector<std::uint32_t> vary_busy_, quota_;       //!< per rack of vary_: busy at t; slots it may give
  std::vector<double> times_;                          //!< their changes after now
  std::vector<std::pair<double, std::uint32_t>> ends_; //!< expected ends in the pool
  static constexpr double INF = std::numeric_limits<double>::infinity();
};

} // namespace

std::unique_ptr<QueuePolicy> make_easy(const nlohmann::json& params)
{
  expect_params(params, "easy", {});
  return std::make_unique<EasyBackfilling>();
}

} // namespace ccsim
