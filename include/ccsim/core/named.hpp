// include/ccsim/core/named.hpp: tables of named presets (PUE models, climates) looked up by name.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ccsim {

template <typename T>
struct Named {
  std::string_view name;
  T value;
};

//! The value named `name` in `table`, or nullopt.
template <typename T>
std::optional<T> find_named(std::span<const Named<T>> table, std::string_view name)
{
  for (const auto& entry : table)
    if (entry.name == name)
      return entry.value;
  return std::nullopt;
}

//! The names of `table`, in order (for "expected one of: ..." messages).
template <typename T>
std::vector<std::string> names_of(std::span<const Named<T>> table)
{
  std::vector<std::string> out;
  for (const auto& entry : table)
    out.emplace_back(entry.name);
  return out;
}

} // namespace ccsim
