// include/ccsim/scenario/catalog.hpp
#pragma once

#include <nlohmann/json.hpp>

#include <string_view>

namespace ccsim {

//! The built-in accelerator catalog (catalog/accelerators.json, compiled in); sources in docs/accelerators.md.
std::string_view builtin_catalog_json();

//! The catalog a scenario sees: the built-in entries, with the scenario's `accelerators` object applied on top.
//! An entry whose name is built in is an RFC 7386 merge patch (given fields replace, null removes, e.g.
//! `"peak_tflops": {"fp64": null}`); any other name is a new type and must be complete.
nlohmann::json effective_catalog(const nlohmann::json* scenario_accelerators);

} // namespace ccsim
