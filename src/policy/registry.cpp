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

ScenarioPolicies make_scenario_policies(const Scenario& scenario, const PolicyRegistry& registry)
{
  Diagnostics diags;
  ScenarioPolicies out;
  const auto names = [](const std::vector<PolicyRegistry::Entry>& entries) {
    std::string text;
    for (const auto& e : entries)
      text += (text.empty() ? "" : ", ") + e.name;
    return text;
  };
  const SchedulerSpec& spec = scenario.scheduler;
  if (spec.mode == SchedulerMode::FILL) {
    if (not registry.has_packing(spec.placement_policy)) {
      diags.add(scenario.file, "/scheduler/placement",
                "unknown fill-mode placement policy \"" + spec.placement_policy + "\" (expected one of: " +
                    names(registry.packing_policies()) + ")");
    } else {
      try {
        out.packing = registry.make_packing(spec.placement_policy, spec.placement_params);
      } catch (const std::invalid_argument& e) {
        diags.add(scenario.file, "/scheduler/placement_params", e.what());
      }
    }
    diags.throw_if_any();
    return out;
  }
  if (not registry.has_queue(spec.queue_policy)) {
    diags.add(scenario.file, "/scheduler/queue",
              "unknown queue policy \"" + spec.queue_policy + "\" (expected one of: " +
                  names(registry.queue_policies()) + ")");
  } else {
    try {
      out.queue = registry.make_queue(spec.queue_policy, spec.queue_params);
    } catch (const std::invalid_argument& e) {
      diags.add(scenario.file, "/scheduler/queue_params", e.what());
    }
  }
  if (not registry.has_placement(spec.placement_policy)) {
    diags.add(scenario.file, "/scheduler/placement",
              "unknown placement policy \"" + spec.placement_policy + "\" (expected one of: " +
                  names(registry.placement_policies()) + ")");
  } else {
    try {
      out.placement = registry.make_placement(spec.placement_policy, spec.placement_params);
    } catch (const std::invalid_argument& e) {
      diags.add(scenario.file, "/scheduler/placement_params", e.what());
    }
  }
  diags.throw_if_any();
  return out;
}

} // namespace ccsim
