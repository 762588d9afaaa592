// src/policy/builtin/first_fit.cpp
// First-fit: the first pool (site x type, in platform order) of an eligible type with enough free
// accelerators; within it the lowest-numbered free accelerators, node by node, skipping what a rack's power
// cap forbids.
#include "ccsim/policy/builtin/builtin.hpp"
#include "params.hpp"

#include <bit>
#include <stdexcept>

namespace ccsim {

namespace {
class FirstFit final : public PlacementPolicy {
public:
  bool place(const Job& job, const ClusterView& view, std::vector<NodeSlots>& out) override
  {
    const Cluster& c = view.cluster;
    for (std::uint32_t p = 0; p < c.pools.size(); p++) {
      const Pool& pool = c.pools[p];
      if (not view.pool_allowed(job, p) || view.state.available_in_pool(p) < job.accelerators)
        continue;
      std::uint32_t needed = job.accelerators;
      std::uint32_t rack = UINT32_MAX;
      std::uint32_t allowance = 0; // what the current rack's cap still allows
      for (std::size_t i = view.state.pool_first_free(p); needed > 0 && i < pool.nodes.size(); i++) {
        const std::uint32_t node = pool.nodes[i];
        if (c.node_rack[node] != rack) {
          rack = c.node_rack[node];
          allowance = view.state.rack_allowance(rack);
        }
        std::uint64_t free_mask = ~view.state.used_mask(node) & low_bits(c.node_accels[node]);
        std::uint64_t take = 0;
        while (free_mask != 0 && needed > 0 && allowance > 0) {
          const std::uint64_t lowest = free_mask & (~free_mask + 1);
          take |= lowest;
          free_mask ^= lowest;
          needed--;
          allowance--;
        }
        if (take != 0)
          out.push_back(NodeSlots{node, take});
      }
      return true; // available_in_pool() counted only slots within rack caps, so enough were found
    }
    return false;
  }

private:
  static std::uint64_t low_bits(unsigned n) { return n >= 64 ? ~0ULL : (1ULL << n) - 1; }
};
} // namespace

std::unique_ptr<PlacementPolicy> make_first_fit(const nlohmann::json& params)
{
  expect_params(params, "first-fit", {});
  return std::make_unique<FirstFit>();
}

} // namespace ccsim
