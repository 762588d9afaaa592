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

void PolicyRegistry::add_queue(const std::string& name, const std::string& description, QueueFactory factory)
{
  if (not queues_.try_emplace(name, Registered<QueueFactory>{description, std::move(factory)}).second)
    throw std::invalid_argument("PolicyRegistry::add_queue(): \"" + name + "\" is already registered");
}

void PolicyRegistry::add_placement(const std::string& name, const std::string& description,
                                   PlacementFactory factory)
{
  if (not placements_.try_emplace(name, Registered<PlacementFactory>{description, std::move(factory)}).second)
    throw std::invalid_argument("PolicyRegistry::add_placement(): \"" + name + "\" is already registered");
}

void PolicyRegistry::add_packing(const std::string& name, const std::string& description, PackingFactory factory)
{
  if (not packings_.try_emplace(name, Registered<PackingFactory>{description, std::move(factory)}).second)
    throw std::invalid_argument("PolicyRegistry::add_packing(): \"" + name + "\" is already registered");
}

std::unique_ptr<PackingPolicy> PolicyRegistry::make_packing(const std::string& name, const nlohmann::json& params) const
{
  return packings_.at(name).factory(params);
}

std::vector<PolicyRegistry::Entry> PolicyRegistry::packing_policies() const
{
  std::vector<Entry> out;
  for (const auto& [name, r] : packings_)
    out.push_back(Entry{name, r.description});
  return out;
}

std::unique_ptr<QueuePolicy> PolicyRegistry::make_queue(const std::string& name, const nlohmann::json& params) const
{
  return queues_.at(name).factory(params);
}

std::unique_ptr<PlacementPolicy> PolicyRegistry::make_placement(const std::string& name,
                                                               const nlohmann::json& params) const
{
  return placements_.at(name).factory(params);
}

std::vector<PolicyRegistry::Entry> PolicyRegistry::queue_policies() const
{
  std::vector<Entry> out;
  for (const auto& [name, r] : queues_)
    out.push_back(Entry{name, r.description});
  return out;
}

std::vector<PolicyRegistry::Entry> PolicyRegistry::placement_policies() const
{
  std::vector<Entry> out;
  for (const auto& [name, r] : placements_)
    out.push_back(Entry{name, r.description});
  return out;
}

} // namespace ccsim

namespace ccsim {

namespace {

//! Builds one of the scenario's policies: an unknown name is reported at /scheduler/<field>, parameters the
//! factory rejects at /scheduler/<field>_params.
template <typename Ptr, typename Make>
void make_one(const Scenario& scenario, Diagnostics& diags, const std::string& field, const std::string& kind,
              const std::string& name, const std::vector<PolicyRegistry::Entry>* known, Ptr& out, Make make)
{
  if (known != nullptr) {
    std::string names;
    for (const auto& e : *known)
      names += (names.empty() ? "" : ", ") + e.name;
    diags.add(scenario.file, "/scheduler/" + field,
              "unknown " + kind + " \"" + name + "\" (expected one of: " + names + ")");
    return;
  }
  try {
    out = make();
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
  const auto& placement = spec.placement_policy;
  if (spec.mode == SchedulerMode::FILL) {
    const auto known = registry.packing_policies();
    make_one(scenario, diags, "placement", "fill-mode placement policy", placement,
             registry.has_packing(placement) ? nullptr : &known, out.packing,
             [&] { return registry.make_packing(placement, spec.placement_params); });
  } else {
    const auto queues = registry.queue_policies();
    make_one(scenario, diags, "queue", "queue policy", spec.queue_policy,
             registry.has_queue(spec.queue_policy) ? nullptr : &queues, out.queue,
             [&] { return registry.make_queue(spec.queue_policy, spec.queue_params); });
    const auto placements = registry.placement_policies();
    make_one(scenario, diags, "placement", "placement policy", placement,
             registry.has_placement(placement) ? nullptr : &placements, out.placement,
             [&] { return registry.make_placement(placement, spec.placement_params); });
  }
  diags.throw_if_any();
  return out;
}

} // namespace ccsim
