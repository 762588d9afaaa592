// src/policy/builtin/conservative.cpp
// Conservative backfilling with batsched's semantics (docs/policies.md): every queued job holds a reservation
// (first fit in its pool's availability profile: earliest start, lowest-numbered slots). Running jobs occupy
// their slots until start + walltime. When no job ended at t, only newly submitted jobs are inserted; when a job
// ended, the queue is walked in order and each job is re-inserted first-fit while every other reservation stays
// in place. A job whose reservation lands at now starts.
#include "ccsim/core/params.hpp"
#include "ccsim/policy/builtin/builtin.hpp"
#include "ccsim/policy/slot_profile.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <stdexcept>
#include <unordered_map>

namespace ccsim {

namespace {

constexpr double INF = std::numeric_limits<double>::infinity();

class ConservativeBackfilling final : public QueuePolicy {
public:
  void decide(SchedulingContext& ctx) override
  {
    init(ctx);
    const double now = ctx.now();
    bool ended = false;
    for (const std::uint32_t j : ctx.finished()) {
      const auto it = running_.find(j);
      if (it == running_.end())
        continue;
      if (it->second.end > now) // ended before its walltime: its slots are free from now on
        pools_[it->second.pool].profile.release(it->second.slots, now, it->second.end);
      running_.erase(it);
      ended = true;
    }
    for (auto& pool : pools_)
      pool.profile.forget_before(now);
    // A job past its walltime (no kill_at_walltime) keeps its slots: extend its booking to its re-estimated end
    // and re-plan the queue, as if a job's end had moved.
    for (auto& [j, booking] : running_) {
      if (booking.end > now)
        continue;
      const double end = expected_end(booking.start, booking.end - booking.start, now);
      pools_[booking.pool].profile.occupy(booking.slots, now, end);
      booking.end = end;
      ended = true;
    }

    if (ended) {
      blocked_.clear(); // headroom may be back anywhere: every pool may be tried again
      for (const std::uint32_t j : queue_) {
        unreserve(j);
        reserve(ctx, j, now);
      }
    }
    for (const std::uint32_t j : ctx.submitted()) {
      queue_.push_back(j);
      reserve(ctx, j, now);
    }

    // Start every job whose reservation is now, in queue order.
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (reservations_.at(*it).start <= now && start(ctx, *it))
        it = queue_.erase(it);
      else
        ++it;
    }
    // Wake up at the earliest future reservation, so it starts even if no job ends or arrives then.
    double next = INF;
    for (const std::uint32_t j : queue_)
      next = std::min(next, reservations_.at(j).start);
    if (next < INF)
      ctx.wake_up_at(std::max(next, std::nextafter(now, INF)));
  }

  std::size_t queued() const override { return queue_.size(); }

private:
  struct Pool {
    std::unique_ptr<PoolSlots> slots;
    SlotProfile profile;
  };
  //! Slots held on [start, end) of one pool: a reservation, or a running job (end = start + walltime).
  struct Booking {
    std::uint32_t pool;
    double start, end;
    SlotSet slots;
  };

  void init(const SchedulingContext& ctx)
  {
    if (not pools_.empty())
      return;
    const Cluster& c = ctx.view().cluster;
    for (std::uint32_t p = 0; p < c.pools.size(); p++) {
      auto slots = std::make_unique<PoolSlots>(c, p);
      const std::uint32_t n = slots->size();
      pools_.push_back(Pool{std::move(slots), SlotProfile(n, ctx.now())});
    }
  }

  //! First fit over the job's eligible pools from `earliest` on: earliest start, ties to the lowest pool. A pool
  //! where the job could not start because of a rack power cap (the profile does not model caps) is searched only
  //! from the next expected end of a job running there (blocked_).
  void reserve(const SchedulingContext& ctx, std::uint32_t j, double earliest)
  {
    const Cluster& c = ctx.view().cluster;
    const Job& job = ctx.jobs()[j];
    std::optional<Booking> best;
    const auto blocked = blocked_.find(j);
    for (std::uint32_t p = 0; p < c.pools.size(); p++) {
      if (not ctx.view().may_use(job, p) || c.pools[p].usable < job.accelerators)
        continue;
      double from = earliest;
      if (blocked != blocked_.end())
        for (const auto& [bp, until] : blocked->second)
          if (bp == p)
            from = std::max(from, until);
      auto fit = pools_[p].profile.first_fit(job.accelerators, job.walltime_s, from);
      if (fit && (not best || fit->start < best->start))
        best = Booking{p, fit->start, fit->start + job.walltime_s, std::move(fit->slots)};
    }
    if (not best)
      throw std::logic_error("conservative: no pool can ever hold job " + job.id);
    pools_[best->pool].profile.occupy(best->slots, best->start, best->end);
    reservations_.insert_or_assign(j, std::move(*best));
  }

  void unreserve(std::uint32_t j)
  {
    const auto it = reservations_.find(j);
    pools_[it->second.pool].profile.release(it->second.slots, it->second.start, it->second.end);
    reservations_.erase(it);
  }

  //! Starts `j` now, in its reservation's pool, with the placement policy choosing among the slots that are free
  //! now and free in the profile over [now, now + walltime) (batsched's first fit: the lowest-numbered of them);
  //! the pool's other free slots are held out of reach. If placement fails (a rack power cap, or a job that outran its
  //! walltime still holds the slots), the job is re-planned strictly after now.
  bool start(SchedulingContext& ctx, std::uint32_t j)
  {
    const Job& job = ctx.jobs()[j];
    const double now = ctx.now();
    const std::uint32_t p = reservations_.at(j).pool;
    unreserve(j);
    Pool& pool = pools_[p];
    SlotSet blocked = pool.slots->free_now(ctx.view().state);
    blocked.subtract(pool.profile.free_throughout(now, now + job.walltime_s));
    std::vector<NodeSlots> hold = pool.slots->to_pieces(blocked);
    ctx.view().state.trim_to_rack_allowances(hold); // a capped rack: hold no more than it may power
    ctx.hold(hold);
    bool ok = ctx.may_fit_now(j, p) && ctx.try_start(j, p);
    ctx.release_hold(hold);
    double until = INF;
    if (not ok) {
      for (const auto& [r, booking] : running_)
        if (booking.pool == p && booking.end > now)
          until = std::min(until, booking.end);
      // The profile does not model rack power caps, so two reservations can be infeasible together under a cap,
      // each holding slots the other needs. With no running job left to give headroom back, waiting changes
      // nothing: start without holding the other reservations (they are re-planned if they lose their slots).
      if (until == INF)
        ok = ctx.may_fit_now(j, p) && ctx.try_start(j, p);
    }
    if (not ok) {
      // Not before a job running in this pool is expected to end and give headroom back (retrying an ulp later
      // would busy-loop until then).
      blocked_[j].emplace_back(p, until < INF ? until : std::nextafter(now, INF));
      reserve(ctx, j, std::nextafter(now, INF));
      return false;
    }
    blocked_.erase(j);
    const auto& s = ctx.started().back();
    SlotSet used = pool.slots->to_set(std::span(ctx.started_slots().data() + s.first_slot, s.slot_count));
    pool.profile.occupy(used, now, now + job.walltime_s);
    running_.emplace(j, Booking{p, now, now + job.walltime_s, std::move(used)});
    return true;
  }

  std::deque<std::uint32_t> queue_;
  std::vector<Pool> pools_;
  std::unordered_map<std::uint32_t, Booking> reservations_;
  std::unordered_map<std::uint32_t, Booking> running_;
  //! Queued job -> (pool, time before which it is not searched): pools where a rack cap stopped it from starting.
  std::unordered_map<std::uint32_t, std::vector<std::pair<std::uint32_t, double>>> blocked_;
};

} // namespace

std::unique_ptr<QueuePolicy> make_conservative(const nlohmann::json& params)
{
  expect_params(params, "conservative", {});
  return std::make_unique<ConservativeBackfilling>();
}

} // namespace ccsim
