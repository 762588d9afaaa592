// src/policy/registry.cpp
#include "ccsim/policy/registry.hpp"

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

std::unique_ptr<QueuePolicy> PolicyRegistry::make_queue(const std::string& name) const
{
  return queues_.at(name).factory();
}

std::unique_ptr<PlacementPolicy> PolicyRegistry::make_placement(const std::string& name) const
{
  return placements_.at(name).factory();
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
