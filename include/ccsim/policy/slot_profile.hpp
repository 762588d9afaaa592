// include/ccsim/policy/slot_profile.hpp
#pragma once

#include "ccsim/cluster/state.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <vector>

namespace ccsim {

//! `duration`, a difference of times up to `end`, rounded up by a few ulps of `end`: tests against it accept
//! every window [t, t + d) that ends by `end` in floating point.
double slack_up(double duration, double end);

//! A set of slots (pool-local accelerator indices) as a bit vector.
class SlotSet {
public:
  SlotSet() = default;
  explicit SlotSet(std::uint32_t size, bool full = false);

  std::uint32_t size() const { return size_; }
  bool test(std::uint32_t i) const { return (words_[i / 64] >> (i % 64) & 1U) != 0; }
  void set(std::uint32_t i) { words_[i / 64] |= 1ULL << (i % 64); }
  std::uint32_t count() const;
  //! The lowest and highest members (size() when empty).
  std::uint32_t lowest_member() const;
  std::uint32_t highest_member() const;
  //! The `n` lowest-numbered members (precondition: count() >= n).
  SlotSet lowest(std::uint32_t n) const;
  SlotSet& operator&=(const SlotSet& o);
  SlotSet& operator|=(const SlotSet& o);
  //! Removes the members of `o`.
  SlotSet& subtract(const SlotSet& o);
  bool operator==(const SlotSet& o) const = default;
  const std::vector<std::uint64_t>& words() const { return words_; }

private:
  std::uint32_t size_ = 0;
  std::vector<std::uint64_t> words_;
};

//! Pool-local slot numbering: the pool's accelerators ordered by node, then slot (so by global index).
class PoolSlots {
public:
  PoolSlots(const Cluster& cluster, std::uint32_t pool);
  std::uint32_t size() const { return size_; }
  //! Slot sets <-> allocation pieces (one piece per node, ascending).
  SlotSet to_set(std::span<const NodeSlots> pieces) const;
  std::vector<NodeSlots> to_pieces(const SlotSet& set) const;
  //! The slots free right now in `state`.
  SlotSet free_now(const ClusterState& state) const;

private:
  const Cluster* cluster_;
  std::uint32_t pool_;
  std::uint32_t size_ = 0;
  std::vector<std::uint32_t> first_; //!< per position in the pool's node list: its first pool-local slot
};

//! Availability profile of one pool: which slots are free over time, as a step function. Batsched keeps the
//! same structure (free machines per time interval). Each segment also keeps its count of free slots, so that
//! first_fit rejects windows by counts before it intersects sets: a segment with too few free slots rules out
//! every window that overlaps it at once. Cost: occupy/release O(segments touched x words); first_fit
//! O(breakpoints) count checks plus one intersection per window that passes them.
class SlotProfile {
public:
  SlotProfile() = default;
  SlotProfile(std::uint32_t slots, double origin);

  //! Marks `slots` busy on [from, to).
  void occupy(const SlotSet& slots, double from, double to);
  //! Marks `slots` free on [from, to).
  void release(const SlotSet& slots, double from, double to);
  //! Forgets the profile before `now`.
  void forget_before(double now);

  struct Fit {
    double start;
    SlotSet slots;
  };
  //! The earliest t >= `earliest` (a breakpoint or `earliest` itself) such that `count` slots are free
  //! throughout [t, t + duration), with the `count` lowest-numbered such slots. nullopt if none is, up to
  //! `latest`.
  std::optional<Fit> first_fit(std::uint32_t count, double duration, double earliest,
                               double latest = std::numeric_limits<double>::infinity()) const;
  //! Slots free throughout [from, to) (at `from` alone when to <= from).
  SlotSet free_throughout(double from, double to) const;
  std::size_t breakpoints() const { return free_.size(); }
  //! The slots free just before `t` (precondition: t is after the profile's origin).
  std::uint32_t count_before(double t) const;

  //! Where slot-time of `slots` free around [from, to) reaches: [begin, end) covers every run of time over which
  //! one of `slots` stays free and that meets [from, to) (end is infinite if one stays free for ever). A window
  //! free throughout that uses a slot of `slots` during [from, to) lies in [begin, end) and starts before `to`.
  struct Reach {
    double begin, end;
  };
  Reach reach(const SlotSet& slots, double from, double to) const;

  //! The longest holds of windows starting in [from, to): for each start t (`from` and every breakpoint before
  //! `to`), in order, each (duration d, count c) such that c slots are free throughout [t, t + d) and fewer
  //! through any longer window from t, down to `min_count` slots (d infinite: free for ever). So c slots can be
  //! held for a duration D from t only if a hold of t has d >= D and count >= c. Each d is rounded up by a few
  //! ulps of its end time (slack_up): a window [t, t + D) fits up to end e when t + D <= e in floating point, which
  //! e - t >= D can miss by an ulp.
  struct Hold {
    double start, duration;
    std::uint32_t count;
  };
  //! Holds of `longest` or more end the list of their start (its last hold may then be longer than listed).
  void holds(double from, double to, std::uint32_t min_count, double longest, std::vector<Hold>& out) const;

private:
  struct Segment {
    SlotSet free;
    std::uint32_t count = 0; //!< free.count()
  };
  void split_at(double t);
  //! Merges equal neighbours among the segments from the one before `from` to the one starting at `to`.
  void merge_around(double from, double to);
  std::map<double, Segment> free_; //!< free slots from each key until the next key (the last one: forever)
};

} // namespace ccsim
