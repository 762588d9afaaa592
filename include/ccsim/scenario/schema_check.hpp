// include/ccsim/scenario/schema_check.hpp
#pragma once

#include "ccsim/core/error.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace ccsim {

//! The shipped JSON Schema of scenario files (schema/scenario.schema.json, compiled in).
std::string_view scenario_schema_json();

//! Validates `doc` against the shipped schema with valijson; reports each failure at its JSON pointer.
void check_scenario_schema(const nlohmann::json& doc, const std::string& file, Diagnostics& diags);

} // namespace ccsim
