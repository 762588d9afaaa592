// src/workload/trace_options.hpp: an importer's "options" object, checked (internal).
#pragma once

#include "ccsim/core/error.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ccsim {

//! Reads an importer's options object, reporting unknown keys and bad values at "options/<key>" of the trace.
class TraceOptions {
public:
  TraceOptions(const nlohmann::json& o, std::string path, std::string format,
               std::initializer_list<std::string_view> known)
      : o_(o)
      , path_(std::move(path))
      , format_(std::move(format))
  {
    if (o.is_null())
      return;
    if (not o.is_object())
      throw InputError(path_, "options", "expected an object of " + format_ + " options");
    std::string names;
    for (const auto k : known)
      names += (names.empty() ? "" : ", ") + std::string(k);
    for (const auto& [k, v] : o.items()) {
      bool ok = false;
      for (const auto name : known)
        ok = ok || k == name;
      if (not ok)
        throw InputError(path_, "options/" + k,
                         "unknown " + format_ + " option (expected one of: " + (names.empty() ? "none" : names) + ")");
    }
  }

  //! One of `values` (default `dflt`).
  std::string choice(const char* key, std::initializer_list<std::string_view> values, std::string_view dflt) const
  {
    if (not o_.is_object() || not o_.contains(key))
      return std::string(dflt);
    const auto& v = o_[key];
    std::string expected;
    for (const auto value : values) {
      if (v.is_string() && v.get_ref<const std::string&>() == value)
        return std::string(value);
      expected += (expected.empty() ? "\"" : ", \"") + std::string(value) + "\"";
    }
    throw InputError(path_, std::string("options/") + key, "expected one of: " + expected);
  }

  //! "keep" or "drop" (default `dflt`), as a bool: keep?
  bool keep(const char* key, bool dflt) const
  {
    return choice(key, {"keep", "drop"}, dflt ? "keep" : "drop") == "keep";
  }

  //! An integer in [min, max] (default `dflt`).
  std::int64_t integer(const char* key, std::int64_t min, std::int64_t max, std::int64_t dflt) const
  {
    if (not o_.is_object() || not o_.contains(key))
      return dflt;
    const auto& v = o_[key];
    if (not v.is_number_integer() || v.get<std::int64_t>() < min || v.get<std::int64_t>() > max)
      throw InputError(path_, std::string("options/") + key, fmt::format("expected an integer in [{}, {}]", min, max));
    return v.get<std::int64_t>();
  }

  bool flag(const char* key, bool dflt) const
  {
    if (not o_.is_object() || not o_.contains(key))
      return dflt;
    if (not o_[key].is_boolean())
      throw InputError(path_, std::string("options/") + key, "expected true or false");
    return o_[key].get<bool>();
  }

  std::set<std::string> string_set(const char* key, std::set<std::string> dflt) const
  {
    if (not o_.is_object() || not o_.contains(key))
      return dflt;
    const auto& v = o_[key];
    std::set<std::string> out;
    if (v.is_array())
      for (const auto& e : v)
        if (e.is_string())
          out.insert(e.get<std::string>());
    if (not v.is_array() || out.size() != v.size() || out.empty())
      throw InputError(path_, std::string("options/") + key, "expected a non-empty array of strings");
    return out;
  }

  //! options.models: trace model name -> accelerator type name. Unmapped names stay as they are.
  std::unordered_map<std::string, std::string> models() const
  {
    std::unordered_map<std::string, std::string> out;
    if (not o_.is_object() || not o_.contains("models"))
      return out;
    const auto& v = o_["models"];
    if (not v.is_object())
      throw InputError(path_, "options/models", "expected an object: trace GPU model -> accelerator type name");
    for (const auto& [k, name] : v.items()) {
      if (not name.is_string() || name.get_ref<const std::string&>().empty())
        throw InputError(path_, "options/models/" + k, "expected an accelerator type name");
      out[k] = name.get<std::string>();
    }
    return out;
  }

private:
  const nlohmann::json& o_;
  std::string path_, format_;
};

} // namespace ccsim
