// include/ccsim/policy/registry.hpp
#pragma once

#include "ccsim/policy/policy.hpp"

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
  using QueueFactory = std::function<std::unique_ptr<QueuePolicy>()>;
  using PlacementFactory = std::function<std::unique_ptr<PlacementPolicy>()>;

  //! The process-wide registry, holding the built-ins.
  static PolicyRegistry& global();

  void add_queue(const std::string& name, const std::string& description, QueueFactory factory);
  void add_placement(const std::string& name, const std::string& description, PlacementFactory factory);

  bool has_queue(const std::string& name) const { return queues_.contains(name); }
  bool has_placement(const std::string& name) const { return placements_.contains(name); }
  //! Precondition: has_queue(name).
  std::unique_ptr<QueuePolicy> make_queue(const std::string& name) const;
  //! Precondition: has_placement(name).
  std::unique_ptr<PlacementPolicy> make_placement(const std::string& name) const;

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

} // namespace ccsim
