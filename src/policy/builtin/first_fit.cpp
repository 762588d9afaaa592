// src/policy/builtin/first_fit.cpp
// First-fit: the first pool (site x type, in platform order) of an eligible type with enough free
// accelerators; within it the lowest-numbered free accelerators, node by node, skipping what a rack's power
// cap forbids.
#include "ccsim/core/params.hpp"
#include "ccsim/policy/builtin/builtin.hpp"

#include <bit>
#include <stdexcept>

namespace ccsim {

namespace {
class FirstFit final : public PlacementPolicy {
public:
  bool places_whenever_a_pool_has_room() const override { return true; }
  bool place(const Job& job, const ClusterView& view, std::vector<NodeSlots>& out) override
  {
    const Cluster& c = view.cluster;
    for (std::uint32_t p = 0; p < c.pools.size(); p++) {
      if (not view.pool_allowed(job, p) || view.state.available_in_pool(p) < job.accelerators)
        continue;
      take_lowest_free(c, view.state, p, job.accelerators, out);
      return true; // available_in_pool() counted only slots within rack caps, so enough were found
    }
    return false;
  }
};
} // namespace

std::unique_ptr<PlacementPolicy> make_first_fit(const nlohmann::json& params)
{
  expect_params(params, "first-fit", {});
  return std::make_unique<FirstFit>();
}

} // namespace ccsim
