// include/ccsim/core/params.hpp: checks of policy parameter objects, for built-in and plug-in policy factories.
#pragma once

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <stdexcept>
#include <string>

namespace ccsim {

//! Throws std::invalid_argument unless `params` is null or an object whose keys are all in `known`.
inline void expect_params(const nlohmann::json& params, const char* policy, std::initializer_list<const char*> known)
{
  if (params.is_null())
    return;
  if (not params.is_object())
    throw std::invalid_argument(std::string(policy) + " parameters: expected an object");
  for (const auto& [k, _] : params.items()) {
    bool ok = false;
    for (const char* name : known)
      ok = ok || k == name;
    if (ok)
      continue;
    if (known.size() == 0)
      throw std::invalid_argument(std::string(policy) + " takes no parameters (expected {} or nothing)");
    std::string list;
    for (const char* name : known)
      list += (list.empty() ? "" : ", ") + std::string(name);
    throw std::invalid_argument(std::string(policy) + ": unknown parameter \"" + k + "\" (expected one of: " + list +
                                ")");
  }
}

} // namespace ccsim
