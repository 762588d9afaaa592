// include/ccsim/policy/builtin/builtin.hpp
#pragma once

#include "ccsim/policy/policy.hpp"

#include <nlohmann/json.hpp>

#include <memory>

namespace ccsim {
// Queue policies (docs/policies.md).
//! First come, first served; the queue head blocks later jobs.
std::unique_ptr<QueuePolicy> make_fcfs(const nlohmann::json& params);
//! Shortest job first by walltime estimate; the head blocks later jobs.
std::unique_ptr<QueuePolicy> make_sjf(const nlohmann::json& params);
//! Highest job priority first; the head blocks later jobs.
std::unique_ptr<QueuePolicy> make_priority(const nlohmann::json& params);
//! EASY backfilling, batsched semantics.
std::unique_ptr<QueuePolicy> make_easy(const nlohmann::json& params);
//! Conservative backfilling, batsched semantics.
std::unique_ptr<QueuePolicy> make_conservative(const nlohmann::json& params);

// Placement policies.
//! Lowest-numbered free accelerators in the first pool of an eligible type that can hold the job.
std::unique_ptr<PlacementPolicy> make_first_fit(const nlohmann::json& params);
std::unique_ptr<PlacementPolicy> make_best_fit(const nlohmann::json& params);
std::unique_ptr<PlacementPolicy> make_packing(const nlohmann::json& params);
std::unique_ptr<PlacementPolicy> make_spread(const nlohmann::json& params);
std::unique_ptr<PlacementPolicy> make_dot_product(const nlohmann::json& params);
std::unique_ptr<PlacementPolicy> make_power_aware(const nlohmann::json& params);
std::unique_ptr<PlacementPolicy> make_heterogeneity_aware(const nlohmann::json& params);
//! The narrowest level that holds the job now (one node, else one rack, else the pool), least leftover within it.
std::unique_ptr<PlacementPolicy> make_compact(const nlohmann::json& params);
//! The data's site, then the nearest sites by route latency; nodes by best-fit (param nodes).
std::unique_ptr<PlacementPolicy> make_locality(const nlohmann::json& params);
//! The site with the least estimated facility energy for the job, staging included.
std::unique_ptr<PlacementPolicy> make_pue_aware(const nlohmann::json& params);
//! The site with the least estimated electricity cost for the job, staging included.
std::unique_ptr<PlacementPolicy> make_cost_aware(const nlohmann::json& params);
} // namespace ccsim
