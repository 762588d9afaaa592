// src/policy/builtin/compact.cpp
// Compact placement (docs/policies.md): the narrowest level of the platform that can hold the job now - one node,
// else one rack, else the site pool - so that its collectives run at the fastest level of the communication
// model (docs/model.md, "Communication"). Within a level, the least leftover (best fit); inside the chosen rack
// or pool, the nodes with the most free first and the rest from the node that holds it with the least to spare.
#include "ccsim/core/params.hpp"
#include "ccsim/policy/builtin/builtin.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace ccsim {

namespace {

enum class Level : std::uint8_t { NODE, RACK, POOL };

struct Choice {
  Level level = Level::POOL;
  std::uint64_t leftover = 0; //!< what the node, rack or pool can still give after the job
  std::uint32_t key = 0;      //!< its first node (ties go to the lowest)
  std::uint32_t pool = 0;
  std::uint32_t unit = 0; //!< the node, or the rack
  bool operator<(const Choice& o) const
  {
    return std::tie(level, leftover, key) < std::tie(o.level, o.leftover, o.key);
  }
};

class Compact final : public PlacementPolicy {
public:
  bool places_whenever_a_pool_has_room() const override { return true; }
  bool place(const Job& job, const ClusterView& view, std::vector<NodeSlots>& out) override
  {
    const Cluster& c = view.cluster;
    const ClusterState& st = view.state;
    const std::uint32_t n = job.accelerators;
    bool found = false;
    Choice best;
    const auto consider = [&](const Choice& ch) {
      if (not found || ch < best) {
        best = ch;
        found = true;
      }
    };
    for (std::uint32_t p = 0; p < c.pools.size(); p++) {
      const std::uint64_t available = st.available_in_pool(p);
      if (not view.pool_allowed(job, p) || available < n)
        continue;
      const Pool& pool = c.pools[p];
      // Racks are groups of identical nodes, consecutive in the pool; nodes before its first free one are full.
      std::size_t i = st.pool_first_free(p);
      while (i < pool.nodes.size()) {
        const std::uint32_t rack = c.node_rack[pool.nodes[i]];
        std::uint64_t free = 0;
        for (; i < pool.nodes.size() && c.node_rack[pool.nodes[i]] == rack; i++) {
          const std::uint32_t node = pool.nodes[i];
          free += st.free_on_node(node);
          if (const std::uint64_t ef = st.effective_free()[node]; ef >= n)
            consider({Level::NODE, ef - n, node, p, node});
        }
        if (const std::uint64_t avail = std::min<std::uint64_t>(free, st.rack_allowance(rack)); avail >= n)
          consider({Level::RACK, avail - n, c.racks[rack].first_node, p, rack});
      }
      consider({Level::POOL, available - n, pool.nodes.front(), p, 0});
    }
    if (not found)
      return false;
    const std::size_t first = out.size();
    nodes_.clear();
    if (best.level == Level::NODE) {
      nodes_.push_back(best.unit);
    } else if (best.level == Level::RACK) {
      const Rack& rack = c.racks[best.unit];
      for (std::uint32_t node = rack.first_node; node < rack.first_node + rack.node_count; node++)
        nodes_.push_back(node);
    } else {
      const Pool& pool = c.pools[best.pool];
      nodes_.assign(pool.nodes.begin() + static_cast<std::ptrdiff_t>(st.pool_first_free(best.pool)), pool.nodes.end());
    }
    take_from(c, st, n, out);
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end(),
              [](const NodeSlots& x, const NodeSlots& y) { return x.node < y.node; });
    return true;
  }

private:
  //! Takes `needed` accelerators from nodes_: while no node can give what is left, the one that can give the most
  //! gives all it can (ties: the lowest node); then the one that can give the rest with the least to spare gives
  //! it (best fit: whole nodes stay whole where a partly used one serves). What a node can give is its free
  //! accelerators within what its rack's power cap still allows, less what this job already took there.
  void take_from(const Cluster& c, const ClusterState& st, std::uint32_t needed, std::vector<NodeSlots>& out)
  {
    const std::uint8_t* ef = st.effective_free();
    std::stable_sort(nodes_.begin(), nodes_.end(), [ef](std::uint32_t a, std::uint32_t b) { return ef[a] > ef[b]; });
    rack_taken_.clear();
    const auto can_give = [&](std::uint32_t node) {
      const auto it = rack_taken_.find(c.node_rack[node]);
      const std::uint32_t taken = it == rack_taken_.end() ? 0 : it->second;
      return std::min<std::uint32_t>(st.free_on_node(node), st.rack_allowance(c.node_rack[node]) - taken);
    };
    for (std::size_t k = 0; k < nodes_.size() && needed > 0; k++) {
      std::uint32_t node = nodes_[k];
      std::uint32_t give = can_give(node);
      if (give >= needed) {
        for (std::size_t m = k + 1; m < nodes_.size(); m++) // the least that holds the rest
          if (const std::uint32_t g = can_give(nodes_[m]); g >= needed && g < give) {
            node = nodes_[m];
            give = g;
          }
        give = needed;
      }
      if (give == 0)
        continue;
      out.push_back(NodeSlots{node, lowest_free_slots(c, st, node, give)});
      rack_taken_[c.node_rack[node]] += give;
      needed -= give;
    }
  }

  std::vector<std::uint32_t> nodes_;
  std::map<std::uint32_t, std::uint32_t> rack_taken_;
};

} // namespace

std::unique_ptr<PlacementPolicy> make_compact(const nlohmann::json& params)
{
  expect_params(params, "compact", {});
  return std::make_unique<Compact>();
}

} // namespace ccsim
