// include/ccsim/output/report_text.hpp
#pragma once

#include "ccsim/cluster/cluster.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace ccsim {

//! Human-readable duration: "42 s", "17.5 min", "3.2 h", "2.1 d".
std::string human_duration(double seconds);

//! The short summary `ccsim run` prints: platform, jobs, waits, slowdown, utilization by type and site.
std::string summary_text(const nlohmann::ordered_json& summary, const Cluster& cluster);

} // namespace ccsim
