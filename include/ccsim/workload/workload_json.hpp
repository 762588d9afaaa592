// include/ccsim/workload/workload_json.hpp
#pragma once

#include "ccsim/workload/importers.hpp"
#include "ccsim/workload/job.hpp"

#include <nlohmann/json.hpp>

#include <span>
#include <string>

namespace ccsim {

//! One job in the inline job format of scenario files (fields at their defaults are left out).
nlohmann::ordered_json job_to_json(const Job& job);

//! A ccsim workload file: {"source": {format, path, read, kept, skipped, converted_by}, "jobs": [...]}, one job per
//! line. A scenario reads it back with {"format": "ccsim", "path": ...}, or inline as its "workload".
std::string workload_json_text(std::span<const Job> jobs, const ImportReport& source);

} // namespace ccsim
