// include/ccsim/scenario/loader.hpp
#pragma once

#include "ccsim/scenario/scenario.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace ccsim {

//! Reads, parses and validates a scenario file. Throws InputError with every problem found,
//! each located by JSON pointer (or line and column for malformed JSON).
Scenario load_scenario(const std::string& path);

//! Same from JSON already parsed; `file` names the source in messages, `sha256` is stored as given.
Scenario scenario_from_json(const nlohmann::json& doc, const std::string& file, const std::string& sha256);

} // namespace ccsim
