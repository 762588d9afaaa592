// include/ccsim/policy/registry.hpp: every kind of policy by registered name.
#pragma once

#include "ccsim/core/registry.hpp"
#include "ccsim/fill/fill.hpp"
#include "ccsim/policy/policy.hpp"

#include <memory>

namespace ccsim {

struct Scenario;

//! The policies a scenario may name, one Registry per kind. Built-ins are registered explicitly by
//! register_builtin_policies(); out-of-tree policies add theirs from their own registration function
//! (docs/extending.md), e.g. `registry.queues.add("mine", "what it does", factory)`.
struct PolicyRegistry {
  Registry<QueuePolicy> queues{"queue policy"};
  Registry<PlacementPolicy> placements{"placement policy"};
  Registry<FillPolicy> fills{"fill-mode placement policy"}; //!< scheduler.mode = "fill": packs fractional GPU shares

  //! The process-wide registry, holding the built-ins.
  static PolicyRegistry& global();
};

//! Registers the policies shipped with ccsim.
void register_builtin_policies(PolicyRegistry& registry);

//! The scenario's policies, built from `registry`: queue and placement in event mode, fill policy in fill mode.
struct ScenarioPolicies {
  std::unique_ptr<QueuePolicy> queue;
  std::unique_ptr<PlacementPolicy> placement;
  std::unique_ptr<FillPolicy> fill;
};
//! Throws InputError located at /scheduler/queue, /scheduler/placement or their *_params for an unknown name or
//! parameters the policy rejects (every problem reported together). In fill mode /scheduler/placement names a
//! fill policy.
ScenarioPolicies make_scenario_policies(const Scenario& scenario,
                                        const PolicyRegistry& registry = PolicyRegistry::global());

} // namespace ccsim
