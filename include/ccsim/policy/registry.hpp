// include/ccsim/policy/registry.hpp
#pragma once

#include "ccsim/packing/packing.hpp"
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
  //! Fill-mode placement (scheduler.mode = "fill"), which packs fractional GPU shares.
  using PackingFactory = std::function<std::unique_ptr<PackingPolicy>(const nlohmann::json& params)>;

  //! The process-wide registry, holding the built-ins.
  static PolicyRegistry& global();

  void add_queue(const std::string& name, const std::string& description, QueueFactory factory);
  void add_placement(const std::string& name, const std::string& description, PlacementFactory factory);
  void add_packing(const std::string& name, const std::string& description, PackingFactory factory);

  bool has_queue(const std::string& name) const { return queues_.contains(name); }
  bool has_placement(const std::string& name) const { return placements_.contains(name); }
  bool has_packing(const std::string& name) const { return packings_.contains(name); }
  //! Precondition: has_queue(name).
  std::unique_ptr<QueuePolicy> make_queue(const std::string& name,
                                         const nlohmann::json& params = nlohmann::json()) const;
  //! Precondition: has_placement(name).
  std::unique_ptr<PlacementPolicy> make_placement(const std::string& name,
                                                 const nlohmann::json& params = nlohmann::json()) const;

  //! Precondition: has_packing(name).
  std::unique_ptr<PackingPolicy> make_packing(const std::string& name,
                                             const nlohmann::json& params = nlohmann::json()) const;

  struct Entry {
    std::string name, description;
  };
  std::vector<Entry> queue_policies() const;
  std::vector<Entry> placement_policies() const;
  std::vector<Entry> packing_policies() const;

private:
  template <typename F>
  struct Registered {
    std::string description;
    F factory;
  };
  std::map<std::string, Registered<QueueFactory>> queues_;
  std::map<std::string, Registered<PlacementFactory>> placements_;
  std::map<std::string, Registered<PackingFactory>> packings_;
};

//! Registers the policies shipped with ccsim.
void register_builtin_policies(PolicyRegistry& registry);

//! The scenario's policies, built from `registry`: queue and placement in event mode, packing in fill mode.
struct ScenarioPolicies {
  std::unique_ptr<QueuePolicy> queue;
  std::unique_ptr<PlacementPolicy> placement;
  std::unique_ptr<PackingPolicy> packing;
};
//! Throws InputError located at /scheduler/queue, /scheduler/placement or their *_params for an unknown name or
//! parameters the policy rejects (every problem reported together). In fill mode /scheduler/placement names a
//! packing policy.
ScenarioPolicies make_scenario_policies(const struct Scenario& scenario,
                                        const PolicyRegistry& registry = PolicyRegistry::global());

} // namespace ccsim
