// include/ccsim/scenario/loader.hpp
#pragma once

#include "ccsim/scenario/scenario.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace ccsim {

//! Reads, parses and validates a scenario file. Throws InputError with every problem found,
//! each located by JSON pointer (or line and column for malformed JSON).
//! `seed` replaces the file's seed before anything depends on it (the generator draws its jobs with it).
Scenario load_scenario(const std::string& path, std::optional<std::uint64_t> seed = std::nullopt);

//! Same from JSON already parsed; `file` names the source in messages, `sha256` is stored as given.
Scenario scenario_from_json(const nlohmann::json& doc, const std::string& file, const std::string& sha256,
                            std::optional<std::uint64_t> seed = std::nullopt);

} // namespace ccsim
