// examples/policy-plugin/largest_first.cpp: out-of-tree policies, loaded with --policy-lib.
//
// Queue policy "largest-first": the job asking for the most accelerators starts first (ties: submission order); a
// job that does not fit blocks the rest, as under FCFS. Placement policy "last-fit": the first eligible pool that
// can hold the job now, and in it the highest-numbered free accelerators (first-fit's mirror image), within rack
// power caps. Build it as a shared library against ccsim's headers (see CMakeLists.txt beside this file, or
// docs/extending.md) and run:
//   ccsim run scenario.json --policy-lib ./libccsim_largest_first.so --queue largest-first --placement last-fit
#include <ccsim/policy/plugin.hpp>

#include <algorithm>
#include <bit>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>
#include <vector>

namespace {

class LargestFirst final : public ccsim::QueuePolicy {
public:
  void decide(ccsim::SchedulingContext& ctx) override
  {
    // Events in: jobs submitted at ctx.now() (and ctx.finished(), unused here).
    for (const std::uint32_t j : ctx.submitted())
      queue_.emplace(-static_cast<std::int64_t>(ctx.jobs()[j].accelerators), sequence_++, j);
    // Decisions out: start jobs through the context (the placement policy picks the accelerators).
    while (not queue_.empty()) {
      const std::uint32_t head = std::get<2>(*queue_.begin());
      if (not ctx.may_fit_now(head) || not ctx.try_start(head))
        break;
      queue_.erase(queue_.begin());
    }
  }
  std::size_t queued() const override { return queue_.size(); }
  // The job the others wait behind (wait_log.csv, `ccsim explain --job`).
  std::uint32_t head() const override { return queue_.empty() ? NO_JOB : std::get<2>(*queue_.begin()); }

private:
  std::uint64_t sequence_ = 0;
  std::set<std::tuple<std::int64_t, std::uint64_t, std::uint32_t>> queue_;
};

class LastFit final : public ccsim::PlacementPolicy {
public:
  bool place(const ccsim::Job& job, const ccsim::ClusterView& view, std::vector<ccsim::NodeSlots>& out) override
  {
    const ccsim::Cluster& c = view.cluster;
    for (std::uint32_t p = 0; p < c.pools.size(); p++) {
      // An eligible type (at the job's pinned site, if any), and the one pool a queue policy may have asked for.
      if (not view.may_use(job, p) || (view.only_pool != ccsim::ANY_POOL && p != view.only_pool))
        continue;
      std::vector<ccsim::NodeSlots> pieces;
      std::map<std::uint32_t, std::uint32_t> allowance; // rack -> accelerators its power cap still lets run
      std::uint32_t need = job.accelerators;
      const auto& nodes = c.pools[p].nodes;
      for (auto it = nodes.rbegin(); it != nodes.rend() && need > 0; ++it) {
        const std::uint32_t node = *it;
        const std::uint32_t rack = c.node_rack[node];
        auto& left = allowance.try_emplace(rack, view.state.rack_allowance(rack)).first->second;
        const std::uint32_t n = c.node_accels[node];
        const std::uint64_t all = n >= 64 ? ~0ULL : (1ULL << n) - 1;
        std::uint64_t free = all & ~view.state.used_mask(node);
        std::uint64_t take = 0;
        while (free != 0 && need > 0 && left > 0) { // highest-numbered first
          const std::uint64_t bit = 1ULL << (63 - std::countl_zero(free));
          take |= bit;
          free &= ~bit;
          need--;
          left--;
        }
        if (take != 0)
          pieces.push_back(ccsim::NodeSlots{node, take});
      }
      if (need == 0) {
        std::reverse(pieces.begin(), pieces.end()); // ascending nodes, as the engine expects
        out.insert(out.end(), pieces.begin(), pieces.end());
        return true;
      }
    }
    return false;
  }
};

} // namespace

extern "C" void ccsim_register_policies(ccsim::PolicyRegistry& registry)
{
  registry.queues.add("largest-first", "example plug-in: most accelerators first; the head blocks later jobs",
                      [](const nlohmann::json& params) -> std::unique_ptr<ccsim::QueuePolicy> {
                        if (not params.is_null() && not params.empty())
                          throw std::invalid_argument("largest-first takes no parameters");
                        return std::make_unique<LargestFirst>();
                      });
  registry.placements.add("last-fit",
                          "example plug-in: the highest-numbered free accelerators of the first pool that fits",
                          [](const nlohmann::json& params) -> std::unique_ptr<ccsim::PlacementPolicy> {
                            if (not params.is_null() && not params.empty())
                              throw std::invalid_argument("last-fit takes no parameters");
                            return std::make_unique<LastFit>();
                          });
}
