// src/scenario/catalog.cpp
#include "ccsim/scenario/catalog.hpp"

namespace ccsim {

nlohmann::json effective_catalog(const nlohmann::json* scenario_accelerators)
{
  static const nlohmann::json builtin = nlohmann::json::parse(builtin_catalog_json());
  nlohmann::json catalog = builtin;
  if (scenario_accelerators == nullptr || not scenario_accelerators->is_object())
    return catalog;
  for (const auto& [name, entry] : scenario_accelerators->items()) {
    if (catalog.contains(name) && entry.is_object())
      catalog[name].merge_patch(entry);
    else
      catalog[name] = entry;
  }
  return catalog;
}

} // namespace ccsim
