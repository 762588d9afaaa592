// src/policy/builtin/builtin.cpp
#include "ccsim/policy/builtin/builtin.hpp"

#include "ccsim/fill/builtin.hpp"
#include "ccsim/policy/registry.hpp"

namespace ccsim {

void register_builtin_policies(PolicyRegistry& registry)
{
  registry.queues.add("fcfs", "first come, first served; the queue head blocks later jobs (no backfilling)", make_fcfs);
  registry.queues.add("sjf", "shortest walltime estimate first; the head blocks later jobs (no backfilling)", make_sjf);
  registry.queues.add("priority", "highest job priority first, then submission order; the head blocks later jobs",
                      make_priority);
  registry.queues.add("easy", "EASY backfilling with batsched's semantics (one reservation on specific slots)",
                      make_easy);
  registry.queues.add("conservative",
                      "conservative backfilling with batsched's semantics (every queued job holds a reservation)",
                      make_conservative);
  registry.placements.add(
      "first-fit", "first site pool of an eligible type with room; lowest-numbered free accelerators", make_first_fit);
  registry.placements.add("best-fit", "least leftover accelerators on the node (SIMD-scored)", make_best_fit);
  registry.placements.add("packing", "partly used nodes first (SIMD-scored)", make_packing);
  registry.placements.add("spread", "emptiest nodes first (SIMD-scored)", make_spread);
  registry.placements.add("dot-product", "Tetris: demand . free over accelerators and rack power (SIMD-scored)",
                          make_dot_product);
  registry.placements.add("power-aware", "racks with the most power headroom first, balancing caps (SIMD-scored)",
                          make_power_aware);
  registry.placements.add("heterogeneity-aware",
                          "the accelerator type with the best throughput per watt (or per cost) for the job's "
                          "precision; params: objective per-watt|per-cost, throughput {class: {type: value}}",
                          make_heterogeneity_aware);
  registry.placements.add("compact",
                          "one node if one holds the job, else one rack, else the site pool (least leftover at "
                          "that level): the fastest level for its collectives",
                          make_compact);
  registry.placements.add("locality",
                          "the site holding the job's data, then the nearest by route latency; nodes by best-fit "
                          "(params: nodes best-fit|first-fit|compact, prefetch_slack_s)",
                          make_locality);
  registry.placements.add("pue-aware",
                          "the site with the least estimated facility energy (IT x PUE, accelerators held idle during "
                          "staging included); params: nodes, max_staging_share, prefetch_slack_s",
                          make_pue_aware);
  registry.placements.add("cost-aware",
                          "the site with the least estimated electricity cost (facility energy x price), staging "
                          "included; params: nodes, max_staging_share, prefetch_slack_s",
                          make_cost_aware);
  for (auto& p : builtin_fill_policies())
    registry.fills.add(p.name, p.description, std::move(p.factory));
}

} // namespace ccsim
