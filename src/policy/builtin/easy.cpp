// src/policy/builtin/easy.cpp
// EASY backfilling with batsched's semantics (docs/policies.md):
//   walk the queue in submission order; a job that fits now starts; the first job that cannot start gets a
//   reservation: the earliest time t at which enough of its pool's slots are free, assuming every running job
//   holds its slots until start + walltime, on the lowest-numbered such slots; every later job starts only if
//   it can start now without touching the reserved slots, or ends (by its walltime) no later than t.
//   The reservation is recomputed at every decision pass.
#include "ccsim/core/params.hpp"
#include "ccsim/policy/builtin/builtin.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <deque>
#include <limits>
#include <map>
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
    queue_.insert(queue_.end(), ctx.submitted().begin(), ctx.submitted().end());
    const double now = ctx.now();

    bool reserved = false;
    double t_res = 0;
    std::vector<NodeSlots> hold; // reserved slots that are free now
    // Within a pass availability only shrinks (holds are released after each attempt), so a job that an
    // availability check rejects rejects every later job with the same eligible types and at least as many
    // accelerators: remember the smallest rejected size per eligibility mask and skip those without a pool scan.
    no_room_.clear();
    best_beside_.clear();
    hold_version_ = SIZE_MAX;
    const ClusterState& state = ctx.view().state;
    std::uint64_t held = 0;
    for (auto it = queue_.begin(); it != queue_.end();) {
      const std::uint32_t j = *it;
      const Job& job = ctx.jobs()[j];
      bool started = false;
      if (not reserved) {
        started = ctx.may_fit_now(j) && ctx.try_start(j);
        if (not started) {
          reserved = true;
          t_res = reserve(ctx, job, hold);
          if (t_res == std::numeric_limits<double>::infinity())
            break; // a job spanning sites, larger than any one pool: no per-pool reservation, so no backfilling
        }
      } else if (state.available_total() == 0) {
        break; // nothing later in the queue can start in this pass
      } else if (fits_by_count(ctx, j)) {
        if (now + job.walltime_s <= t_res) {
          started = ctx.try_start(j);
        } else {
          // Jobs that end before t_res may have taken reserved slots this pass: hold only those still free.
          // Recomputed only after a start (nothing else changes the state within a pass).
          if (hold_version_ != ctx.started().size()) {
            hold_version_ = ctx.started().size();
            best_beside_.clear();
            active_hold_.clear();
            held = 0;
            for (const auto& h : hold)
              if (const std::uint64_t still_free = h.mask & ~state.used_mask(h.node); still_free != 0)
                active_hold_.push_back(NodeSlots{h.node, still_free});
            state.trim_to_rack_allowances(active_hold_); // jobs started since may have used a rack's headroom
            for (const auto& h : active_hold_)
              held += static_cast<std::uint64_t>(std::popcount(h.mask));
          }
          // Holding the slots would leave available_in_pool(reserved pool) - held: check by count first (the
          // answer may_fit_now() would give under the hold), and hold (a state change) only for a job that may
          // fit beside the reservation.
          if (fits_beside_hold(ctx, job, held)) {
            ctx.hold(active_hold_);
            started = ctx.try_start(j);
            ctx.release_hold(active_hold_);
          }
        }
      }
      if (started) {
        remember(ctx, j);
        it = queue_.erase(it);
      } else {
        ++it;
      }
    }
  }

  std::size_t queued() const override { return queue_.size(); }

private:
  //! ctx.may_fit_now(job) as it would answer with `held` free slots of the reserved pool held. The answer's
  //! pool scan is cached per eligibility until the next start (best_beside_, cleared with the hold).
  bool fits_beside_hold(const SchedulingContext& ctx, const Job& job, std::uint64_t held)
  {
    const ClusterView v = ctx.view();
    const auto most_beside = [&] {
      std::uint64_t most = 0;
      const auto consider = [&](std::uint32_t p) {
        const std::uint64_t avail = v.state.available_in_pool(p);
        const std::uint64_t reserved = p == res_pool_ ? held : 0;
        most = std::max(most, avail > reserved ? avail - reserved : 0);
      };
      const std::uint32_t pin = v.pinned_site(job);
      for (std::uint16_t t = 0; t < v.cluster.types.size(); t++) {
        if ((job.eligible_types >> t & 1U) == 0)
          continue;
        if (pin != NO_SITE) { // uncached (see below): the one pool at its site, not a scan
          if (const std::uint32_t p = v.cluster.pool_at(pin, t); p != UINT32_MAX)
            consider(p);
          continue;
        }
        for (const std::uint32_t p : v.cluster.pools_of_type[t])
          consider(p);
      }
      return most;
    };
    if (v.pinned_site(job) != NO_SITE) // the cache is keyed by eligibility only
      return most_beside() >= job.accelerators;
    const auto [it, added] = best_beside_.try_emplace(job.eligible_types, 0);
    if (added)
      it->second = most_beside();
    return it->second >= job.accelerators;
  }

  //! ctx.may_fit_now(j), skipping the pool scan when a job with the same eligibility and no more accelerators than
  //! this one already failed it in this pass.
  bool fits_by_count(const SchedulingContext& ctx, std::uint32_t j)
  {
    const Job& job = ctx.jobs()[j];
    // The cache is keyed by eligibility only: a pinned job sees fewer pools, a job spanning sites sums them.
    if (ctx.view().pinned_site(job) != NO_SITE || job.span_sites)
      return ctx.may_fit_now(j);
    const auto known = no_room_.find(job.eligible_types);
    if (known != no_room_.end() && job.accelerators >= known->second)
      return false;
    if (ctx.may_fit_now(j))
      return true;
    auto& smallest = no_room_[job.eligible_types];
    smallest = smallest == 0 ? job.accelerators : std::min(smallest, job.accelerators);
    return false;
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
    if (by_end_.size() < c.pools.size())
      by_end_.resize(c.pools.size());
    for (const auto& piece : slots) // a job spanning sites ends in every pool it holds slots of
      by_end_[c.node_pool[piece.node]][{est_end, j}] += static_cast<std::uint32_t>(std::popcount(piece.mask));
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
    by_end_[it->second.pool].erase({it->second.est_end, j});
    for (const std::uint32_t p : it->second.other_pools)
      by_end_[p].erase({it->second.est_end, j});
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
    if (by_end_.size() < c.pools.size())
      by_end_.resize(c.pools.size());
    double best_t = std::numeric_limits<double>::infinity();
    std::uint32_t best_pool = 0;
    for (std::uint32_t p = 0; p < c.pools.size(); p++) {
      if (not ctx.view().may_use(job, p) || c.pools[p].usable < job.accelerators)
        continue;
      // Free within rack power caps: a capped rack's stranded slots never count (each ending job gives its
      // slots' headroom back, so adding released counts below stays exact).
      std::uint64_t free = state.available_in_pool(p);
      double t = now;
      if (free < job.accelerators)
        for_each_end(p, now, [&](double end, std::uint32_t /*job*/, std::uint32_t count) {
          t = end;
          free += count; // its accelerators in this pool
          return free < job.accelerators;
        });
      if (free >= job.accelerators && t < best_t) {
        best_t = t;
        best_pool = p;
      }
    }
    hold.clear();
    res_pool_ = best_pool;
    if (best_t == std::numeric_limits<double>::infinity())
      return best_t; // only a job spanning sites that no single pool can hold (the caller stops backfilling)
    // Candidate slots: free now, or released by running jobs expected to end by best_t.
    std::vector<NodeSlots> released;
    for_each_end(best_pool, now, [&](double end, std::uint32_t j, std::uint32_t /*count*/) {
      if (end > best_t)
        return false;
      const auto& slots = running_.at(j).slots;
      released.insert(released.end(), slots.begin(), slots.end());
      return true;
    });
    std::sort(released.begin(), released.end(), [](const NodeSlots& a, const NodeSlots& b) { return a.node < b.node; });
    // The job.accelerators lowest-numbered candidates, node by node.
    const Pool& pool = c.pools[best_pool];
    std::uint32_t needed = job.accelerators;
    std::size_t r = 0;
    for (std::size_t i = 0; needed > 0 && i < pool.nodes.size(); i++) {
      const std::uint32_t node = pool.nodes[i];
      const std::uint64_t valid = c.node_accels[node] >= 64 ? ~0ULL : (1ULL << c.node_accels[node]) - 1;
      const std::uint64_t free_mask = ~state.used_mask(node) & valid;
      std::uint64_t released_mask = 0;
      while (r < released.size() && released[r].node < node)
        r++;
      while (r < released.size() && released[r].node == node)
        released_mask |= released[r++].mask;
      std::uint64_t candidates = free_mask | released_mask;
      std::uint64_t take_free = 0;
      while (candidates != 0 && needed > 0) {
        const std::uint64_t bit = candidates & (~candidates + 1);
        candidates ^= bit;
        needed--;
        if ((free_mask & bit) != 0)
          take_free |= bit;
      }
      if (take_free != 0)
        hold.push_back(NodeSlots{node, take_free});
    }
    state.trim_to_rack_allowances(hold);
    return best_t;
  }

  std::deque<std::uint32_t> queue_;
  std::unordered_map<std::uint32_t, Running> running_;
  //! Per pool: (est_end, job) of running jobs -> its accelerators in that pool.
  std::vector<std::map<std::pair<double, std::uint32_t>, std::uint32_t>> by_end_;
  struct End {
    double end;
    std::uint32_t job, count;
    bool operator<(const End& o) const { return end != o.end ? end < o.end : job < o.job; }
  };
  std::vector<End> overrun_;                                     //!< scratch of for_each_end()
  std::unordered_map<std::uint64_t, std::uint32_t> no_room_;     //!< per pass: eligibility -> smallest size rejected
  std::vector<NodeSlots> active_hold_;                           //!< the reservation's slots still free
  std::size_t hold_version_ = SIZE_MAX;                          //!< starts in this pass when active_hold_ was made
  std::unordered_map<std::uint64_t, std::uint64_t> best_beside_; //!< eligibility -> most available beside the hold
  std::uint32_t res_pool_ = 0;                                   //!< pool of this pass's reservation
};

} // namespace

std::unique_ptr<QueuePolicy> make_easy(const nlohmann::json& params)
{
  expect_params(params, "easy", {});
  return std::make_unique<EasyBackfilling>();
}

} // namespace ccsim
