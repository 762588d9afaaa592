// include/ccsim/core/registry.hpp: components of one kind (a queue policy, a placement policy, a fill policy) by
// registered name. The one registry mechanism of ccsim: every kind of policy is chosen by name from the scenario.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace ccsim {

template <typename T>
class Registry {
public:
  //! A factory gets the component's parameters (the scenario's *_params object; null when absent) and throws
  //! std::invalid_argument with a message saying what was expected when they are wrong.
  using Factory = std::function<std::unique_ptr<T>(const nlohmann::json& params)>;
  struct Entry {
    std::string name, description;
  };

  //! `kind` names the components in messages ("queue policy").
  explicit Registry(std::string kind)
      : kind_(std::move(kind))
  {
  }

  //! Throws std::invalid_argument when `name` is taken. What is added while set_origin(library) holds is
  //! remembered as that library's.
  void add(const std::string& name, const std::string& description, Factory factory)
  {
    if (not items_.try_emplace(name, Registered{description, std::move(factory), origin_}).second)
      throw std::invalid_argument(kind_ + " \"" + name + "\" is already registered");
  }
  void set_origin(std::string library) { origin_ = std::move(library); }
  //! Removes `name` if `origin` added it (the Python module replaces a policy a notebook defines again); returns
  //! whether it did. ccsim's own components are never removed.
  bool remove(const std::string& name, const std::string& origin)
  {
    const auto it = items_.find(name);
    if (origin.empty() || it == items_.end() || it->second.origin != origin)
      return false;
    items_.erase(it);
    return true;
  }
  bool has(const std::string& name) const { return items_.contains(name); }
  //! Precondition: has(name). Throws std::invalid_argument for parameters the factory rejects, and for a factory
  //! that returns no object; a plug-in factory's other exceptions (any type) become std::invalid_argument naming
  //! its library, so that a faulty library is a reported input error, not a crash.
  std::unique_ptr<T> make(const std::string& name, const nlohmann::json& params = nlohmann::json()) const
  {
    const Registered& r = items_.at(name);
    const auto who = [&] { return kind_ + " \"" + name + "\"" + (r.origin.empty() ? "" : " of " + r.origin); };
    std::unique_ptr<T> made;
    try {
      made = r.factory(params);
    } catch (const std::invalid_argument&) {
      throw;
    } catch (const std::exception& e) {
      if (r.origin.empty())
        throw;
      throw std::invalid_argument(who() + ": its factory failed: " + e.what());
    } catch (...) {
      throw std::invalid_argument(who() + ": its factory threw something that is not a std::exception");
    }
    if (made == nullptr)
      throw std::invalid_argument(who() + ": its factory returned no object (expected a new " + kind_ + ")");
    return made;
  }
  //! Every registered name with its description, by name.
  std::vector<Entry> entries() const
  {
    std::vector<Entry> out;
    for (const auto& [name, r] : items_)
      out.push_back(Entry{name, r.description});
    return out;
  }
  //! "a, b, c": the registered names, for messages.
  std::string names() const
  {
    std::string out;
    for (const auto& [name, r] : items_)
      out += (out.empty() ? "" : ", ") + name;
    return out;
  }
  const std::string& kind() const { return kind_; }

private:
  struct Registered {
    std::string description;
    Factory factory;
    std::string origin; //!< the policy library that added it; empty for ccsim's own
  };
  std::string kind_;
  std::string origin_;
  std::map<std::string, Registered> items_;
};

} // namespace ccsim
