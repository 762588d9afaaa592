// src/policy/builtin/conservative.cpp
// Conservative backfilling with batsched's semantics (docs/policies.md): every queued job holds a reservation
// (first fit in its pool's availability profile: earliest start, lowest-numbered slots). Running jobs occupy
// their slots until start + walltime. When no job ended at t, only newly submitted jobs are inserted; when a job
// ended, the queue is walked in order and each job is re-inserted first-fit while every other reservation stays
// in place. A job whose reservation lands at now starts.
//
// At depth (docs/policies.md, "Conservative at depth"): re-inserting a job gives back its reservation unless
// slot-time was freed, since the job was last placed, where a better window could use it. Every freeing of
// slot-time (an early end, a reservation that moved, a start on other slots than reserved, a failed start) is
// logged, and marks the queued jobs it may let move (log_release(): a segment tree per class over queue order,
// pruned by what the release's slot-time can hold); the walk visits the marked jobs in queue order and re-inserts
// those for which a search bounded by the releases that marked them finds a better window (improves()).
// Reservations are indexed by start for the start loop and the wake-up. The `verify` parameter re-inserts the
// skipped jobs too (marked or not) and fails if one moves (tests).
#include "ccsim/core/params.hpp"
#include "ccsim/policy/builtin/builtin.hpp"
#include "ccsim/policy/slot_profile.hpp"
#include "ordered_min_index.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <stdexcept>
#include <unordered_map>
#include <utility>

namespace ccsim {

namespace {

constexpr double INF = std::numeric_limits<double>::infinity();
constexpr std::uint32_t GONE = std::numeric_limits<std::uint32_t>::max();
//! Past this many releases a job has not seen, the walk re-inserts it without testing them. Measured on 2,000 jobs
//! submitted at once on one pool, where each early end moves half the queue: testing every release took 37 s,
//! this takes 19 s (batsched's plain walk, the previous build: 19.9 s); the 20,000-job P7-shaped case is unchanged.
constexpr std::uint64_t MANY_RELEASES = 128;

class ConservativeBackfilling final : public QueuePolicy {
public:
  explicit ConservativeBackfilling(bool verify)
      : verify_(verify)
  {
  }

  void decide(SchedulingContext& ctx) override
  {
    init(ctx);
    const double now = ctx.now();
    bool ended = false;
    bool replan_all = false;
    for (const std::uint32_t j : ctx.finished()) {
      const auto it = running_.find(j);
      if (it == running_.end())
        continue;
      if (it->second.end > now) { // ended before its walltime: its slots are free from now on
        pools_[it->second.pool].profile.release(it->second.slots, now, it->second.end);
        block_closed_racks(ctx.view().cluster, it->second.pool, now, it->second.end); // a job that outran its walltime
        log_release(it->second.pool, now, it->second.end, it->second.slots);
      }
      running_.erase(it);
      ended = true;
    }
    for (auto& pool : pools_)
      pool.profile.forget_before(now);
    // A job past its walltime (no kill_at_walltime) keeps its slots: extend its booking to its re-estimated end
    // and re-plan the whole queue, as if a job's end had moved (the extension may overlap reservations).
    for (auto& [j, booking] : running_) {
      if (booking.end > now)
        continue;
      const double end = expected_end(booking.start, booking.end - booking.start, now);
      pools_[booking.pool].profile.occupy(booking.slots, now, end);
      booking.end = end;
      ended = true;
      replan_all = true;
    }

    if (ended)
      replan(ctx, now, replan_all);
    for (const std::uint32_t j : ctx.submitted())
      enqueue(ctx, j, now);

    // Start every job whose reservation is now, in queue order. Starting one changes no other reservation, so the
    // set is known before the first start; a job that cannot start is re-planned strictly after now.
    std::vector<std::uint64_t> due;
    for (auto it = by_start_.begin(); it != by_start_.end() && it->first <= now; ++it)
      due.push_back(it->second);
    std::sort(due.begin(), due.end());
    for (const std::uint64_t seq : due)
      if (Waiting& w = entry(seq); start(ctx, w)) {
        w.job = GONE;
        dead_++;
      }
    if (dead_ > 64 && dead_ * 2 > queue_.size()) {
      std::erase_if(queue_, [](const Waiting& w) { return w.job == GONE; });
      dead_ = 0;
      first_live_ = 0;
    }
    // Entries only die or are appended: the first live one moves forward (amortized O(1) per pass).
    while (first_live_ < queue_.size() && queue_[first_live_].job == GONE)
      first_live_++;
    // Wake up at the earliest future reservation, so it starts even if no job ends or arrives then.
    if (not by_start_.empty())
      ctx.wake_up_at(std::max(by_start_.begin()->first, std::nextafter(now, INF)));
  }

  std::size_t queued() const override { return queue_.size() - dead_; }
  std::uint32_t head() const override { return first_live_ < queue_.size() ? queue_[first_live_].job : NO_JOB; }

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
  //! Whether two bookings hold the same slots of the same pool from the same time (their ends follow).
  static bool same_place(const Booking& a, const Booking& b)
  {
    return a.start == b.start && a.pool == b.pool && a.slots == b.slots;
  }
  //! A queued job: its reservation, its class of eligible pools, and the release it was last placed after.
  struct Waiting {
    std::uint32_t job;   //!< GONE once started
    std::uint32_t klass; //!< index into classes_
    std::uint32_t size;  //!< accelerators
    std::uint64_t seq;   //!< queue order (from 1)
    std::uint64_t seen;  //!< releases up to this sequence number cannot improve its reservation
    Booking res;
  };
  //! What a release's candidates are searched by (log_release()): over a class's queued jobs, the smallest size,
  //! the smallest and largest walltime and the latest reservation start.
  struct Box {
    std::uint32_t min_size;
    double min_walltime, max_walltime, max_start;
  };
  struct BoxTraits {
    using Value = Box;
    static Box none() { return Box{std::numeric_limits<std::uint32_t>::max(), INF, -INF, -INF}; }
    static Box join(const Box& a, const Box& b)
    {
      return Box{std::min(a.min_size, b.min_size), std::min(a.min_walltime, b.min_walltime),
                 std::max(a.max_walltime, b.max_walltime), std::max(a.max_start, b.max_start)};
    }
  };
  //! A start of SlotProfile::holds() and its holds [first, last).
  struct Start {
    double t;
    std::size_t first, last;
  };
  //! Slot-time freed in `pool` over [from, to), on slots from `lowest` up.
  struct Release {
    std::uint64_t seq;
    std::uint32_t pool;
    double from, to;
    std::uint32_t lowest; //!< the lowest slot freed
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
      block_closed_racks(c, p, ctx.now(), INF);
    }
    by_pool_.resize(c.pools.size());
    pool_classes_.resize(c.pools.size());
  }

  //! Racks out of service (docs/scenario.md "Platform over time") occupy their slots in the profile over [from, to)
  //! while they are closed, so that no reservation overlaps them (power-cap changes are not slot-shaped: as static
  //! caps, a start they forbid is re-planned).
  void block_closed_racks(const Cluster& c, std::uint32_t p, double from, double to)
  {
    for (const std::uint32_t r : c.pools[p].varying_racks) {
      const Rack& rack = c.racks[r];
      std::vector<NodeSlots> pieces;
      for (std::uint32_t n = rack.first_node; n < rack.first_node + rack.node_count; n++)
        pieces.push_back(NodeSlots{n, c.node_accels[n] >= 64 ? ~0ULL : (1ULL << c.node_accels[n]) - 1});
      const SlotSet slots = pools_[p].slots->to_set(pieces);
      for (const auto& [a, b] : rack.closed_intervals())
        pools_[p].profile.occupy(slots, std::max(a, from), std::min(b, to));
    }
  }

  Waiting& entry(std::uint64_t seq)
  {
    return *std::lower_bound(queue_.begin(), queue_.end(), seq,
                             [](const Waiting& w, std::uint64_t s) { return w.seq < s; });
  }

  //! The pools a job may ever be placed in (eligible and large enough), as a class shared by equal sets.
  std::uint32_t class_of(const SchedulingContext& ctx, const Job& job)
  {
    const Cluster& c = ctx.view().cluster;
    std::vector<bool> pools(c.pools.size());
    for (std::uint32_t p = 0; p < c.pools.size(); p++)
      pools[p] = ctx.view().may_use(job, p) && c.pools[p].usable >= job.accelerators;
    const auto [it, added] = class_ids_.try_emplace(pools, static_cast<std::uint32_t>(classes_.size()));
    if (added) {
      for (std::uint32_t p = 0; p < c.pools.size(); p++)
        if (pools[p])
          pool_classes_[p].push_back(it->second);
      classes_.push_back(std::move(pools));
      by_class_.emplace_back();
    }
    return it->second;
  }

  void enqueue(const SchedulingContext& ctx, std::uint32_t j, double now)
  {
    const Job& job = ctx.jobs()[j];
    Waiting w{j, class_of(ctx, job), job.accelerators, next_seq_++, 0, plan(ctx, j, now)};
    w.seen = release_seq_;
    by_class_[w.klass].append(w.seq, box(w));
    book(w);
    queue_.push_back(std::move(w));
  }

  //! First fit over the job's eligible pools from `earliest` on: earliest start, ties to the lowest pool; the
  //! slots are occupied in the profile. A pool where the job could not start because of a rack power cap (the
  //! profile does not model caps) is searched only from the next expected end of a job running there (blocked_).
  //! `latest`: a start known to be free (the job's own reservation, given back), so no pool is searched past it.
  Booking plan(const SchedulingContext& ctx, std::uint32_t j, double earliest, double latest = INF)
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
      // Only an earlier start can beat the best so far (ties go to the lower pool: the test below).
      auto fit = pools_[p].profile.first_fit(job.accelerators, job.walltime_s, from, best ? best->start : latest);
      if (fit && (not best || fit->start < best->start))
        best = Booking{p, fit->start, fit->start + job.walltime_s, std::move(fit->slots)};
    }
    if (not best)
      throw std::logic_error("conservative: no pool can ever hold job " + job.id);
    pools_[best->pool].profile.occupy(best->slots, best->start, best->end);
    return std::move(*best);
  }

  void unreserve(const Booking& b) { pools_[b.pool].profile.release(b.slots, b.start, b.end); }

  //! Logs slot-time freed in `pool` over [from, to) on `slots` (the profile already counts it free) and marks dirty
  //! every queued job it may let move, but `mover` (the job that freed it, just placed).
  void log_release(std::uint32_t pool, double from, double to, const SlotSet& slots, std::uint64_t mover = 0)
  {
    releases_.push_back(Release{++release_seq_, pool, from, to, slots.lowest_member()});
    if (flood_)
      return; // the next walk tests every job
    // A better window W for job J that uses this slot-time lies where a slot of it stays free, [begin, end),
    // starts at some t in [begin, to), and no later than J's reservation (SlotProfile::reach). So, with J's
    // reservation at s: either W holds J's accelerators for J's walltime from t <= s (SlotProfile::holds), or J
    // holds its reservation in this pool and W runs through it with J's own slots given back: then W holds J's
    // accelerators from t < s until s, or starts at s (< to). docs/policies.md, "Conservative at depth".
    const SlotProfile& profile = pools_[pool].profile;
    const SlotProfile::Reach reach = profile.reach(slots, from, to);
    std::uint32_t min_size = std::numeric_limits<std::uint32_t>::max();
    double longest = 0; // no queued job needs a hold longer than this
    for (const std::uint32_t c : pool_classes_[pool]) {
      min_size = std::min(min_size, by_class_[c].all().min_size);
      longest = std::max(longest, by_class_[c].all().max_walltime);
    }
    if (min_size == std::numeric_limits<std::uint32_t>::max())
      return; // nobody waits for this pool
    holds_.clear();
    profile.holds(reach.begin, to, min_size, longest, holds_);
    // Per start, its holds [first, last); and every start's holds merged: the most accelerators held for at least
    // each duration from some start (durations descending).
    starts_.clear();
    for (std::size_t i = 0; i < holds_.size(); i++)
      if (i == 0 || holds_[i].start != holds_[i - 1].start)
        starts_.push_back({holds_[i].start, i, i + 1});
      else
        starts_.back().last = i + 1;
    merged_ = holds_;
    std::sort(merged_.begin(), merged_.end(), [](const auto& a, const auto& b) { return a.duration > b.duration; });
    for (std::size_t i = 1; i < merged_.size(); i++)
      merged_[i].count = std::max(merged_[i].count, merged_[i - 1].count);
    const auto held_from = [&](const Start& st, double duration) { // most accelerators held from st.t
      const auto first = holds_.begin() + static_cast<std::ptrdiff_t>(st.first);
      const auto last = holds_.begin() + static_cast<std::ptrdiff_t>(st.last);
      const auto it = std::partition_point(first, last, [&](const auto& h) { return h.duration < duration; });
      return it == last ? 0U : it->count;
    };
    const auto held = [&](double duration, double latest_start) { // most held from a start <= latest_start
      if (not starts_.empty() && starts_.back().t <= latest_start) {
        const auto it =
            std::partition_point(merged_.begin(), merged_.end(), [&](const auto& h) { return h.duration >= duration; });
        return it == merged_.begin() ? 0U : std::prev(it)->count;
      }
      std::uint32_t most = 0;
      for (std::size_t i = 0; i < starts_.size() && starts_[i].t <= latest_start; i++)
        most = std::max(most, held_from(starts_[i], duration));
      return most;
    };
    const double length = slack_up(reach.end - reach.begin, reach.end);
    const auto mark = [&](std::uint64_t seq) {
      if (seq != mover) {
        auto& by = dirty_[seq];
        if (by.empty() || by.back() != release_seq_)
          by.push_back(release_seq_);
      }
      marks_++;
      return true;
    };
    for (const std::uint32_t c : pool_classes_[pool])
      by_class_[c].visit_after(
          0,
          [&](const Box& b) {
            return b.max_start >= reach.begin && b.min_walltime <= length &&
                   held(b.min_walltime, b.max_start) >= b.min_size;
          },
          mark);
    // Reservations in this pool: those that may be run through start before the latest time min_size
    // accelerators are held until from some start.
    double latest = to;
    for (const Start& st : starts_)
      for (std::size_t i = st.first; i < st.last; i++)
        if (holds_[i].count >= min_size)
          latest = std::max(latest, st.t + holds_[i].duration);
    const auto& own = by_pool_[pool];
    for (auto it = own.lower_bound({reach.begin, 0}); it != own.end() && it->first <= latest; ++it) {
      const double start = it->first;
      bool may = start < to;
      const std::uint32_t size = entry(it->second).size;
      for (std::size_t i = 0; not may && i < starts_.size() && starts_[i].t < start; i++)
        may = held_from(starts_[i], start - starts_[i].t) >= size;
      if (may)
        mark(it->second);
    }
    // A walk whose releases have marked as many jobs as are queued moves much of the queue (every job submitted at
    // once on one pool): marking now costs more than testing every job. Stop, test every job from here on, and in
    // the next walk. (Measured in instructions: stopping at a quarter of the queue instead cost 23 % more at
    // 20,000 jobs of the P7 shape, twice the first fits, and saved 4 % on 500 jobs submitted at once.)
    if (walking_ && not verify_ && marks_ > queued())
      flood_ = true;
  }

  static Box box(const Waiting& w)
  {
    return Box{w.size, w.res.end - w.res.start, w.res.end - w.res.start, w.res.start};
  }

  //! Indexes `w`'s reservation (by start, by pool, in its class).
  void book(const Waiting& w)
  {
    by_start_.emplace(w.res.start, w.seq);
    by_pool_[w.res.pool].emplace(w.res.start, w.seq);
    by_class_[w.klass].set(w.seq, box(w));
  }
  void unbook(const Waiting& w)
  {
    by_start_.erase({w.res.start, w.seq});
    by_pool_[w.res.pool].erase({w.res.start, w.seq});
  }

  //! Whether re-inserting `w` would give another reservation: a better window W (an earlier start, a lower pool at
  //! the same start, or lower slots in its own pool at the same start). When the job was last placed (or checked),
  //! W was not free, so W holds slot-time freed since by a logged release in W's pool, and W's start t lies in
  //! [r.from - walltime, r.to] for that release r. Other pools are searched exactly (first fit) over those starts.
  //! In its own pool the profile counts the job's own reservation busy, so: a W that ends by the reservation's start
  //! is searched as in other pools; a W that shares time with the reservation either starts with it, on a slot
  //! below the reservation's highest that a release over the reservation freed (r.lowest), or starts earlier with
  //! its part before the reservation free (the count just before the reservation's start is at least the job's
  //! size). Only then is the own pool searched with the job's slots given back. Each test is necessary for W to
  //! exist, so a job for which none passes keeps its reservation: batsched's re-insertion would give it back.
  //! `marked`: the releases that marked the job (log_release()), or null to test every release it has not seen.
  bool improves(const SchedulingContext& ctx, const Waiting& w, double now, const std::vector<std::uint64_t>* marked)
  {
    const Job& job = ctx.jobs()[w.job];
    const std::uint32_t n = job.accelerators;
    const double walltime = w.res.end - w.res.start;
    const double start = w.res.start;
    const std::uint32_t own = w.res.pool;
    const std::vector<bool>& pools = classes_[w.klass];
    // Many unseen releases (a walk where much of the queue moves, as when every job was submitted at once on one
    // pool): re-inserting is cheaper than testing each.
    // (The log holds the releases since the last walk's start: older ones were seen, or do not concern the job.)
    if (releases_.empty())
      return false;
    const std::uint64_t first = releases_.front().seq; // releases_[i] has sequence number first + i
    const std::uint64_t unseen = marked != nullptr ? marked->size() : release_seq_ - std::max(w.seen, first - 1);
    if (unseen > MANY_RELEASES)
      return true;
    candidates_.clear();
    for (std::uint64_t k = 0; k < unseen; k++) {
      const std::uint64_t seq = marked != nullptr ? (*marked)[k] : release_seq_ - k;
      if (seq <= w.seen || seq < first)
        continue;
      const Release& r = releases_[seq - first];
      if (r.to <= now || r.from >= w.res.end || not pools[r.pool])
        continue;
      // The starts t of windows [t, t + walltime) that overlap r's span, t <= the reservation's start.
      const double lo = std::max(now, r.from - walltime);
      const double hi = std::min(start, r.to);
      if (lo > hi)
        continue;
      // In its own pool, a window that shares slots with the reservation needs the exact search with them given
      // back; one that ends before the reservation does not.
      bool touch = false;
      if (r.pool == own)
        touch = (r.to > start && r.lowest < w.res.slots.highest_member()) ||
                (start > now && pools_[own].profile.count_before(start) >= n);
      const auto c =
          std::find_if(candidates_.begin(), candidates_.end(), [&](const Candidate& x) { return x.pool == r.pool; });
      if (c == candidates_.end())
        candidates_.push_back(Candidate{r.pool, lo, hi, touch});
      else {
        c->lo = std::min(c->lo, lo);
        c->hi = std::max(c->hi, hi);
        c->touch = c->touch || touch;
      }
    }
    for (const Candidate& c : candidates_) {
      SlotProfile& profile = pools_[c.pool].profile;
      if (c.pool != own) {
        const auto fit = profile.first_fit(n, walltime, c.lo, c.hi);
        if (fit && (fit->start < start || c.pool < own))
          return true;
      } else if (not c.touch) {
        if (profile.first_fit(n, walltime, c.lo, std::min(c.hi, start - walltime)))
          return true;
      } else {
        profile.release(w.res.slots, start, w.res.end);
        const auto fit = profile.first_fit(n, walltime, c.lo, c.hi);
        profile.occupy(w.res.slots, start, w.res.end);
        if (fit && (fit->start < start || not(fit->slots == w.res.slots)))
          return true;
      }
    }
    return false;
  }

  //! The walk after an early end: batsched re-inserts every queued job in order; re-inserting one no release
  //! may improve gives back its reservation, so only the others are re-inserted. The walk visits the jobs a release
  //! marked dirty, in queue order (a job moved by the walk marks later ones, visited in this walk, and earlier ones,
  //! left for the next); every job when all must move, a rack cap held jobs back, in verify mode, or after a flood.
  void replan(const SchedulingContext& ctx, double now, bool all)
  {
    // Headroom may be back anywhere: every pool may be tried again by a job a rack cap held back.
    const auto was_blocked = std::move(blocked_);
    blocked_.clear();
    const std::uint64_t walk_from = release_seq_;
    bool every = all || verify_ || flood_ || not was_blocked.empty();
    flood_ = false;
    walking_ = true;
    marks_ = 0;
    std::uint64_t cursor = 0;
    std::size_t i = 0; // with `every`, the position in queue_ after the cursor
    for (;;) {
      Waiting* w = nullptr;
      bool dirty = false;
      decltype(dirty_)::node_type marked;
      if (every || flood_) {
        if (not every) { // a flood in this walk: every job after the cursor from now on
          every = true;
          i = static_cast<std::size_t>(&entry(cursor) - queue_.data()) + 1;
        }
        for (; i < queue_.size() && queue_[i].job == GONE; i++)
          ;
        if (i == queue_.size())
          break;
        w = &queue_[i++];
        marked = dirty_.extract(w->seq);
        // Not in verify mode, every release it has not seen (marking may have stopped).
        dirty = not marked.empty() || not verify_;
        if (not verify_)
          marked = {};
      } else {
        const auto it = dirty_.upper_bound(cursor);
        if (it == dirty_.end())
          break;
        w = &entry(it->first);
        marked = dirty_.extract(it);
        dirty = true;
      }
      cursor = w->seq;
      const bool replanned = all || was_blocked.contains(w->job) ||
                             (dirty && improves(ctx, *w, now, marked.empty() ? nullptr : &marked.mapped()));
      if (not replanned && verify_) // re-insert it anyway: it must get the same reservation back
        check_kept(ctx, *w, now);
      if (replanned) {
        unbook(*w);
        Booking old = std::move(w->res);
        unreserve(old);
        w->res = plan(ctx, w->job, now, all ? INF : old.start);
        book(*w);
        if (not same_place(w->res, old))
          log_release(old.pool, old.start, old.end, old.slots, w->seq);
      }
      w->seen = release_seq_;
    }
    walking_ = false;
    // Every queued job has seen the releases up to the walk's start, or is not marked by them.
    std::erase_if(releases_, [&](const Release& r) { return r.seq <= walk_from; });
  }

  //! verify mode: re-inserts a job the walk skipped and fails if its reservation changes (a skip that was wrong).
  void check_kept(const SchedulingContext& ctx, Waiting& w, double now)
  {
    unreserve(w.res);
    Booking again = plan(ctx, w.job, now);
    if (not same_place(again, w.res))
      throw std::logic_error("conservative (verify): job " + ctx.jobs()[w.job].id + " skipped at t=" +
                             std::to_string(now) + " but re-inserting it moves its reservation from " +
                             std::to_string(w.res.start) + " to " + std::to_string(again.start));
  }

  //! Starts the job now, in its reservation's pool, with the placement policy choosing among the slots that are
  //! free now and free in the profile over [now, now + walltime) (batsched's first fit: the lowest-numbered of
  //! them); the pool's other free slots are held out of reach. If placement fails (a rack power cap, or a job that
  //! outran its walltime still holds the slots), the job is re-planned strictly after now.
  bool start(SchedulingContext& ctx, Waiting& w)
  {
    const std::uint32_t j = w.job;
    const Job& job = ctx.jobs()[j];
    const double now = ctx.now();
    const std::uint32_t p = w.res.pool;
    unreserve(w.res);
    Pool& pool = pools_[p];
    SlotSet blocked = pool.slots->free_now(ctx.view().state);
    blocked.subtract(pool.profile.free_throughout(now, now + job.walltime_s));
    std::vector<NodeSlots> hold = pool.slots->to_pieces(blocked);
    ctx.view().state.trim_to_rack_allowances(hold); // a capped rack: hold no more than it may power
    ctx.hold(hold);
    bool ok = ctx.may_fit_now(j, p) && ctx.try_start(j, p);
    ctx.release_hold(hold);
    unbook(w);
    double until = INF;
    if (not ok) {
      for (const auto& [r, booking] : running_)
        if (booking.pool == p && booking.end > now)
          until = std::min(until, booking.end);
      // A rack's limit that changes later (a cap falling within its walltime forbids the start until then).
      for (const std::uint32_t r : ctx.view().cluster.pools[p].varying_racks)
        for (const auto& change : ctx.view().cluster.racks[r].changes)
          if (change.at_s > now) {
            until = std::min(until, change.at_s);
            break;
          }
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
      log_release(p, w.res.start, w.res.end, w.res.slots, w.seq);
      w.res = plan(ctx, j, std::nextafter(now, INF));
      w.seen = release_seq_;
      book(w);
      return false;
    }
    blocked_.erase(j);
    by_class_[w.klass].erase(w.seq);
    dirty_.erase(w.seq);
    const auto& s = ctx.started().back();
    SlotSet used = pool.slots->to_set(std::span(ctx.started_slots().data() + s.first_slot, s.slot_count));
    pool.profile.occupy(used, now, now + job.walltime_s);
    if (not(used == w.res.slots))
      log_release(p, w.res.start, w.res.end, SlotSet(w.res.slots).subtract(used));
    running_.emplace(j, Booking{p, now, now + job.walltime_s, std::move(used)});
    return true;
  }

  bool verify_;                //!< re-insert skipped jobs too, and fail if one moves (tests, docs/policies.md)
  std::vector<Waiting> queue_; //!< in queue order (seq ascending); started jobs are GONE until compacted
  std::size_t dead_ = 0;
  std::size_t first_live_ = 0; //!< queue_'s first entry not GONE (queue_.size() when none), as of decide()'s end
  std::uint64_t next_seq_ = 1;
  std::set<std::pair<double, std::uint64_t>> by_start_; //!< (reservation start, seq) of every queued job
  std::vector<Pool> pools_;
  std::unordered_map<std::uint32_t, Booking> running_;
  //! Queued job -> (pool, time before which it is not searched): pools where a rack cap stopped it from starting.
  std::unordered_map<std::uint32_t, std::vector<std::pair<std::uint32_t, double>>> blocked_;
  std::vector<Release> releases_; //!< in sequence order; dropped once every queued job has seen them
  std::uint64_t release_seq_ = 0;
  struct Candidate {
    std::uint32_t pool;
    double lo, hi;
    bool touch; //!< own pool: search with the job's slots given back
  };
  std::vector<Candidate> candidates_; //!< improves(): pools to search, and from when to when
  std::vector<std::vector<bool>> classes_;
  std::unordered_map<std::vector<bool>, std::uint32_t> class_ids_;
  std::vector<OrderedTree<BoxTraits>> by_class_;                    //!< per class, its queued jobs by seq
  std::vector<std::vector<std::uint32_t>> pool_classes_;            //!< per pool, the classes that include it
  std::vector<std::set<std::pair<double, std::uint64_t>>> by_pool_; //!< per pool, (start, seq) of its reservations
  //! Queued jobs a release may let move, with the releases that marked them: tested by the next walk to reach them.
  std::map<std::uint64_t, std::vector<std::uint64_t>> dirty_;
  bool flood_ = false; //!< marking stopped: the next walk tests every job
  bool walking_ = false;
  std::size_t marks_ = 0;                         //!< marks in the current walk
  std::vector<SlotProfile::Hold> holds_, merged_; //!< log_release()'s scratch
  std::vector<Start> starts_;
};

} // namespace

std::unique_ptr<QueuePolicy> make_conservative(const nlohmann::json& params)
{
  expect_params(params, "conservative", {"verify"});
  bool verify = false;
  if (params.is_object() && params.contains("verify")) {
    if (not params["verify"].is_boolean())
      throw std::invalid_argument("conservative: verify " + params["verify"].dump() + " (expected true or false)");
    verify = params["verify"].get<bool>();
  }
  return std::make_unique<ConservativeBackfilling>(verify);
}

} // namespace ccsim
