// src/policy/builtin/easy.cpp
// EASY backfilling with batsched's semantics (docs/policies.md):
//   walk the queue in submission order; a job that fits now starts; the first job that cannot start gets a
//   reservation: the earliest time t at which enough of its pool's slots are free, assuming every running job
//   holds its slots until start + walltime, on the lowest-numbered such slots; every later job starts only if
//   it can start now without touching the reserved slots, or ends (by its walltime) no later than t.
//   The reservation is recomputed at every decision pass.
#include "ccsim/policy/builtin/builtin.hpp"
#include "params.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <deque>
#include <limits>
#include <set>
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
    for (auto it = queue_.begin(); it != queue_.end();) {
      const std::uint32_t j = *it;
      const Job& job = ctx.jobs()[j];
      bool started = false;
      if (not reserved) {
        started = ctx.may_fit_now(j) && ctx.try_start(j);
        if (not started) {
          reserved = true;
          t_res = reserve(ctx, job, hold);
        }
      } else if (ctx.may_fit_now(j)) {
        if (now + job.walltime_s <= t_res) {
          started = ctx.try_start(j);
        } else {
          // Jobs that end before t_res may have taken reserved slots this pass: hold only those still free.
          active_hold_.clear();
          for (const auto& h : hold)
            if (const std::uint64_t still_free = h.mask & ~ctx.view().state.used_mask(h.node); still_free != 0)
              active_hold_.push_back(NodeSlots{h.node, still_free});
          ctx.hold(active_hold_);
          started = ctx.may_fit_now(j) && ctx.try_start(j);
          ctx.release_hold(active_hold_);
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
  struct Running {
    double start;
    double est_end; //!< start + walltime (the key in by_end_)
    std::uint32_t pool;
    std::vector<NodeSlots> slots;
  };

  void remember(const SchedulingContext& ctx, std::uint32_t j)
  {
    const auto& s = ctx.started().back();
    std::vector<NodeSlots> slots(ctx.started_slots().begin() + s.first_slot,
                                 ctx.started_slots().begin() + s.first_slot + s.slot_count);
    const std::uint32_t pool = ctx.view().cluster.node_pool[slots.front().node];
    const double est_end = ctx.now() + ctx.jobs()[j].walltime_s;
    if (by_end_.size() <= pool)
      by_end_.resize(ctx.view().cluster.pools.size());
    by_end_[pool].emplace(est_end, j);
    running_.emplace(j, Running{ctx.now(), est_end, pool, std::move(slots)});
  }

  void forget(std::uint32_t j)
  {
    const auto it = running_.find(j);
    if (it == running_.end())
      return;
    by_end_[it->second.pool].erase({it->second.est_end, j});
    running_.erase(it);
  }

  //! Running jobs of pool `p` in the order backfilling expects them to end: (expected_end, job). Jobs past their
  //! walltime lead by_end_; their expected end is re-estimated (expected_end()) and merged in.
  const std::vector<std::pair<double, std::uint32_t>>& ends_in_pool(std::uint32_t p, double now)
  {
    ends_.clear();
    auto it = by_end_[p].begin();
    for (; it != by_end_[p].end() && it->first <= now; ++it)
      ends_.emplace_back(expected_end(running_.at(it->second).start, it->first - running_.at(it->second).start, now),
                         it->second);
    const std::size_t overrun = ends_.size();
    for (; it != by_end_[p].end(); ++it)
      ends_.emplace_back(*it);
    std::sort(ends_.begin(), ends_.begin() + static_cast<std::ptrdiff_t>(overrun));
    std::inplace_merge(ends_.begin(), ends_.begin() + static_cast<std::ptrdiff_t>(overrun), ends_.end());
    return ends_;
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
      if ((job.eligible_types >> c.pools[p].type & 1U) == 0 || c.pools[p].accelerators < job.accelerators)
        continue;
      std::uint64_t free = c.pools[p].accelerators - state.busy_in_pool(p);
      double t = now;
      if (free < job.accelerators) {
        for (const auto& [end, j] : ends_in_pool(p, now)) {
          t = end;
          for (const auto& s : running_.at(j).slots)
            free += static_cast<std::uint64_t>(std::popcount(s.mask));
          if (free >= job.accelerators)
            break;
        }
      }
      if (free >= job.accelerators && t < best_t) {
        best_t = t;
        best_pool = p;
      }
    }
    hold.clear();
    if (best_t == std::numeric_limits<double>::infinity())
      return best_t; // cannot happen for a validated job; then nothing is protected
    // Candidate slots: free now, or released by running jobs expected to end by best_t.
    std::vector<NodeSlots> released;
    for (const auto& [end, j] : ends_in_pool(best_pool, now)) {
      if (end > best_t)
        break;
      const auto& slots = running_.at(j).slots;
      released.insert(released.end(), slots.begin(), slots.end());
    }
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
    return best_t;
  }

  std::deque<std::uint32_t> queue_;
  std::unordered_map<std::uint32_t, Running> running_;
  std::vector<std::set<std::pair<double, std::uint32_t>>> by_end_; //!< per pool: (est_end, job) of running jobs
  std::vector<std::pair<double, std::uint32_t>> ends_;             //!< scratch of ends_in_pool()
  std::vector<NodeSlots> active_hold_;                             //!< scratch: the reservation's free slots
};

} // namespace

std::unique_ptr<QueuePolicy> make_easy(const nlohmann::json& params)
{
  expect_params(params, "easy", {});
  return std::make_unique<EasyBackfilling>();
}

} // namespace ccsim
