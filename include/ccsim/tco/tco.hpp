// include/ccsim/tco/tco.hpp: total cost of ownership (docs/model.md "Total cost of ownership").
#pragma once

#include "ccsim/cluster/cluster.hpp"
#include "ccsim/scenario/scenario.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace ccsim {

//! summary.json's "tco": capex (accelerators, nodes, racks, facility per kW of IT capacity), a year's cost
//! (amortization, maintenance, electricity) and its cost per delivered accelerator-hour and EFLOP, and carbon per
//! EFLOP. The year's figures come from the measurement window's annualized ones when the summary has a window,
//! else from the whole run scaled to 365 days (`basis`).
nlohmann::ordered_json tco_json(const TcoSpec& tco, const Cluster& cluster, const nlohmann::ordered_json& summary);

//! Problems of `tco` against the platform built (types from node lists too), located in `file` under /tco.
std::vector<Diagnostic> tco_problems(const TcoSpec& tco, const Cluster& cluster, const std::string& file);

} // namespace ccsim
