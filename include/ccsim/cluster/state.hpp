// include/ccsim/cluster/state.hpp
#pragma once

#include "ccsim/cluster/cluster.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace ccsim {

//! Some accelerator slots of one node: bit s of `mask` is slot s (global accelerator node_first_accel + s).
struct NodeSlots {
  std::uint32_t node = 0;
  std::uint64_t mask = 0;
};

//! Which accelerators are held: per node (bit masks), per rack and per pool (busy counts). O(1) per node touched
//! (a rack whose power cap binds also refreshes its nodes' effective free counts).
class ClusterState {
public:
  explicit ClusterState(const Cluster& cluster);

  std::uint64_t used_mask(std::uint32_t node) const { return used_[node]; }
  std::uint32_t free_on_node(std::uint32_t node) const { return free_[node]; }
  //! Accelerators a job could take in the pool now: free, and within every rack's current limit (its power cap,
  //! 0 while it is out of service): the sum over its racks of max(0, limit - busy).
  std::uint64_t available_in_pool(std::uint32_t pool) const { return pool_avail_[pool]; }
  std::uint64_t busy_in_pool(std::uint32_t pool) const { return pool_busy_[pool]; }
  //! Accelerators that may still become busy in the rack under its current limit (0 when it holds more).
  std::uint32_t rack_allowance(std::uint32_t rack) const
  {
    return limit_[rack] > rack_busy_[rack] ? limit_[rack] - rack_busy_[rack] : 0;
  }
  //! How many of the rack's accelerators may be busy at once now: under its power cap in force, 0 while the rack is
  //! out of service (docs/scenario.md "Platform over time"). Starts at Rack::initial_limit.
  std::uint32_t rack_limit(std::uint32_t rack) const { return limit_[rack]; }
  //! Whether the rack is in service now (commissioned, not retired, not in maintenance): it draws power.
  bool rack_online(std::uint32_t rack) const { return online_[rack] != 0; }
  //! Sets the rack's limit and whether it is in service. Jobs running on it keep their slots (busy may exceed
  //! the limit until they end); no new slot may be taken beyond it.
  void set_rack_limit(std::uint32_t rack, std::uint32_t limit, bool online);
  //! Accelerators of racks in service now.
  std::uint64_t online_accelerators() const { return online_accels_; }
  std::uint32_t busy_in_rack(std::uint32_t rack) const { return rack_busy_[rack]; }
  //! Position in the pool's node list below which every node is full (a first-fit scan may start here).
  std::uint32_t pool_first_free(std::uint32_t pool) const { return pool_cursor_[pool]; }
  //! The first position >= `from` in the pool's node list of a node with a free slot (rack caps aside), or the
  //! pool's node count: a word scan of a bitmap of the pool's nodes, so scans skip full nodes 64 at a time.
  std::uint32_t next_free_position(std::uint32_t pool, std::uint32_t from) const;
  //! That bitmap: bit i of word i / 64 is set iff the pool's node i has a free slot.
  std::span<const std::uint64_t> pool_free_bits(std::uint32_t pool) const
  {
    return std::span(free_bits_).subspan(bits_first_[pool], bits_first_[pool + 1] - bits_first_[pool]);
  }
  std::uint64_t busy_accelerators() const { return busy_; }
  //! Accelerators that could still become busy, over all pools: the sum of available_in_pool(). O(1).
  std::uint64_t available_total() const { return avail_total_; }
  //! Structure-of-arrays state for the scoring kernel: per node, effective free = min(free, its rack's allowance);
  //! per node, free; per rack, its allowance (max_busy - busy).
  const std::uint8_t* effective_free() const { return ef_.data(); }
  const std::uint8_t* free_counts() const { return free_.data(); }
  const std::int32_t* rack_allowances() const { return rack_allow_.data(); }
  std::uint64_t busy_of_type(std::uint16_t type) const { return busy_type_[type]; }
  //! How many allocate() and release() calls this state has had: equal counts mean an unchanged state, so a
  //! policy may keep what it derived from it.
  std::uint64_t changes() const { return changes_; }

  //! Drops slots from `slots` (pieces in ascending node order), highest slots first, so that no rack gets more
  //! than its power cap still allows. Backfilling trims the slots it holds out of reach with this: a slot no job
  //! could power protects nothing, and holding it would overbook the rack.
  void trim_to_rack_allowances(std::vector<NodeSlots>& slots) const;

  //! Marks the slots held. Precondition: they are free and within rack power caps (checked: std::logic_error).
  void allocate(std::span<const NodeSlots> slots);
  //! Marks the slots free. Precondition: they are held.
  void release(std::span<const NodeSlots> slots);

private:
  const Cluster* cluster_;
  std::vector<std::uint64_t> used_;
  std::vector<std::uint8_t> free_;
  std::vector<std::uint64_t> pool_busy_;
  std::vector<std::uint32_t> rack_busy_;
  std::vector<std::uint32_t> pool_cursor_;
  std::vector<std::uint64_t> free_bits_; //!< per pool, per position in its node list: the node has a free slot
  std::vector<std::size_t> bits_first_;  //!< per pool (and one past the last): its first word in free_bits_
  std::vector<std::uint64_t> busy_type_;
  std::vector<std::uint8_t> ef_;          //!< per node: min(free, its rack's allowance)
  std::vector<std::int32_t> rack_allow_;  //!< per rack: max(0, limit - busy)
  std::vector<std::uint32_t> limit_;      //!< per rack: accelerators that may be busy at once now
  std::vector<std::uint8_t> online_;      //!< per rack: in service now
  std::vector<std::uint64_t> pool_avail_; //!< per pool: available_in_pool()
  std::uint64_t busy_ = 0;
  std::uint64_t avail_total_ = 0;
  std::uint64_t online_accels_ = 0;
  std::uint64_t changes_ = 0;

  //! The rack's busy count changes by `delta`: its pool's and the platform's available counts follow.
  void count_available(std::uint32_t rack, std::uint32_t pool, std::int64_t delta);
  //! Updates the rack's allowance after `node`'s free count and the rack's busy count changed, and ef_: O(1) (that
  //! node only) while the rack can power at least a node's worth of accelerators before and after, which is
  //! always the case for an uncapped rack; every node of the rack when the cap binds (ef = min(free, allowance)).
  void refresh(std::uint32_t node, std::uint32_t rack);
  //! ef_ of every node of the rack.
  void refresh_rack(std::uint32_t rack);
  //! The node's bit in free_bits_ after its free count changed.
  void refresh_free_bit(std::uint32_t node, std::uint32_t pool);
};

} // namespace ccsim
