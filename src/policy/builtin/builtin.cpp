// src/policy/builtin/builtin.cpp
#include "ccsim/policy/builtin/builtin.hpp"

#include "ccsim/packing/policies.hpp"
#include "ccsim/policy/registry.hpp"

namespace ccsim {

void register_builtin_policies(PolicyRegistry& registry)
{
  registry.add_queue("fcfs", "first come, first served; the queue head blocks later jobs (no backfilling)",
                     make_fcfs);
  registry.add_queue("sjf", "shortest walltime estimate first; the head blocks later jobs (no backfilling)", make_sjf);
  registry.add_queue("priority", "highest job priority first, then submission order; the head blocks later jobs",
                     make_priority);
  registry.add_queue("easy", "EASY backfilling with batsched's semantics (one reservation on specific slots)",
                     make_easy);
  registry.add_queue("conservative",
                     "conservative backfilling with batsched's semantics (every queued job holds a reservation)",
                     make_conservative);
  registry.add_placement("first-fit",
                         "first site pool of an eligible type with room; lowest-numbered free accelerators",
                         make_first_fit);
  registry.add_placement("best-fit", "least leftover accelerators on the node (SIMD-scored)", make_best_fit);
  registry.add_placement("packing", "partly used nodes first (SIMD-scored)", make_packing);
  registry.add_placement("spread", "emptiest nodes first (SIMD-scored)", make_spread);
  registry.add_placement("dot-product", "Tetris: demand . free over accelerators and rack power (SIMD-scored)",
                         make_dot_product);
  registry.add_placement("power-aware", "racks with the most power headroom first, balancing caps (SIMD-scored)",
                         make_power_aware);
  registry.add_placement("heterogeneity-aware",
                         "the accelerator type with the best throughput per watt (or per cost) for the job's "
                         "precision; params: objective per-watt|per-cost, throughput {class: {type: value}}",
                         make_heterogeneity_aware);
  registry.add_placement("compact",
                         "one node if one holds the job, else one rack, else the site pool (least leftover at "
                         "that level): the fastest level for its collectives",
                         make_compact);
  registry.add_placement("locality",
                         "the site holding the job's data, then the nearest by route latency; nodes by best-fit "
                         "(params: nodes best-fit|first-fit|compact, prefetch_slack_s)",
                         make_locality);
  registry.add_placement("pue-aware",
                         "the site with the least estimated facility energy (IT x PUE, accelerators held idle during "
                         "staging included); params: nodes, max_staging_share, prefetch_slack_s",
                         make_pue_aware);
  registry.add_placement("cost-aware",
                         "the site with the least estimated electricity cost (facility energy x price), staging "
                         "included; params: nodes, max_staging_share, prefetch_slack_s",
                         make_cost_aware);
  for (auto& p : builtin_packing_policies())
    registry.add_packing(p.name, p.description, std::move(p.factory));
}

} // namespace ccsim
