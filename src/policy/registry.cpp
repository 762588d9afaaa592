// src/policy/registry.cpp
#include "ccsim/policy/registry.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/scenario/scenario.hpp"

#include <stdexcept>

namespace ccsim {

PolicyRegistry& PolicyRegistry::global()
{
  static PolicyRegistry registry = [] {
    PolicyRegistry r;
    register_builtin_policies(r);
    return r;
  }();
  return registry;
}

namespace {

//! Builds one of the scenario's policies: an unknown name is reported at /scheduler/<field>, parameters the
//! factory rejects at /scheduler/<field>_params.
template <typename T>
void make_one(const Scenario& scenario, Diagnostics& diags, const std::string& field, const Registry<T>& registry,
              const std::string& name, const nlohmann::json& params, std::unique_ptr<T>& out)
{
  if (not registry.has(name)) {
    diags.add(scenario.file, "/scheduler/" + field,
              "unknown " + registry.kind() + " \"" + name + "\" (expected one of: " + registry.names() + ")");
    return;
  }
  try {
    out = registry.make(name, params);
  } catch (const std::invalid_argument& e) {
    diags.add(scenario.file, "/scheduler/" + field + "_params", e.what());
  }
}

} // namespace

ScenarioPolicies make_scenario_policies(const Scenario& scenario, const PolicyRegistry& registry)
{
  Diagnostics diags;
  ScenarioPolicies out;
  const SchedulerSpec& spec = scenario.scheduler;
  if (spec.mode == SchedulerMode::FILL) {
    make_one(scenario, diags, "placement", registry.fills, spec.placement_policy, spec.placement_params, out.fill);
  } else {
    make_one(scenario, diags, "queue", registry.queues, spec.queue_policy, spec.queue_params, out.queue);
    make_one(scenario, diags, "placement", registry.placements, spec.placement_policy, spec.placement_params,
             out.placement);
  }
  diags.throw_if_any();
  return out;
}

} // namespace ccsim
