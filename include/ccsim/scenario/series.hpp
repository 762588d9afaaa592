// include/ccsim/scenario/series.hpp: a site's electricity price, carbon intensity or temperature over time (docs/scenario.md
// "Tariffs and carbon over time").
#pragma once

#include "ccsim/core/json_reader.hpp"
#include "ccsim/core/step_function.hpp"

#include <optional>
#include <string>

namespace ccsim {

//! Reads `parent[key]` when it is a series object (nullopt otherwise, or on a problem, reported),
//! either time-of-use periods ({"daily": [{"from_hour", "value"}], "weekend": [...], "seasons": [{"months",
//! "daily", "weekend"}]}) or a CSV file ({"csv", "time_column", "value_column", "scale", "step_s", "repeat_s"}).
//! Values in [min_value, max_value]; problems reported at their pointer or the CSV line. Paths relative to
//! `base_dir`.
std::optional<StepFunction> read_series(const ObjectReader& parent, const char* key, double max_value,
                                        const std::string& base_dir, double min_value = 0);

} // namespace ccsim
