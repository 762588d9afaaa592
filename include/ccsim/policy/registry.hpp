// include/ccsim/policy/registry.hpp
#pragma once

#include "ccsim/policy/policy.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ccsim {

//! Policies by registered name. Built-ins are registered explicitly by register_builtin_policies();
//! out-of-tree policies call add_*() from their own registration function.
class PolicyRegistry {
public:
  //! A factory gets the policy's parameters (scheduler.queue_params / placement_params; null when absent) and
  //! throws std::invalid_argument with a message saying what was expected when they are wrong.
  using QueueFactory = std::function<std::unique_ptr<QueuePolicy>(const nlohmann::json& params)>;
  using PlacementFactory = std::function<std::unique_ptr<PlacementPolicy>(const nlohmann::json& params)>;

  //! The process-wide registry, holding the built-ins.
  static PolicyRegistry& global();

  void add_queue(const std::string& name, const std::string& description, QueueFactory factory);
  void add_placement(const std::string& name, const std::string& description, PlacementFactory factory);

  bool has_queue(const std::string& name) const { return queues_.contains(name); }
  bool has_placement(const std::string& name) const { return placements_.contains(name); }
  //! Precondition: has_queue(name).
  std::unique_ptr<QueuePolicy> make_queue(const std::string& name,
                                         const nlohmann::json& params = nlohmann::json()) const;
  //! Precondition: has_placement(name).
  std::unique_ptr<PlacementPolicy> make_placement(const std::string& name,
                                                 const nlohmann::json& params = nlohmann::json()) const;

  struct Entry {
    std::string name, description;
  };
  std::vector<Entry> queue_policies() const;
  std::vector<Entry> placement_policies() const;

private:
  template <typename F>
  struct Registered {
    std::string description;
    F factory;
  };
  std::map<std::string, Registered<QueueFactory>> queues_;
  std::map<std::string, Registered<PlacementFactory>> placements_;
};

//! Registers the policies shipped with ccsim.
void register_builtin_policies(PolicyRegistry& registry);

//! The scenario's queue and placement policies, built from `registry`.
struct ScenarioPolicies {
  std::unique_ptr<QueuePolicy> queue;
  std::unique_ptr<PlacementPolicy> placement;
};
//! Throws InputError located at /scheduler/queue, /scheduler/placement or their *_params for an unknown name or
//! parameters the policy rejects (every problem reported together).
ScenarioPolicies make_scenario_policies(const struct Scenario& scenario,
                                        const PolicyRegistry& registry = PolicyRegistry::global());

} // namespace ccsim
