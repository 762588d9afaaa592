// include/ccsim/output/report_data.hpp: `ccsim report`'s chart data of a run's results folder.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace ccsim::report {

//! How much detail the page carries (a national run has 11,550 racks and 573k jobs; the page stays a few MB).
struct Limits {
  std::size_t time_bins = 240;     //!< utilization and rack occupancy are averaged over this many equal bins
  std::size_t gantt_racks = 48;    //!< rack rows in the occupancy view (evenly spaced in platform order beyond it)
  std::size_t site_lines = 12;     //!< sites drawn one by one (the largest); the rest as one "other sites" line
  std::size_t power_points = 1000; //!< timeseries rows are averaged in consecutive groups down to this many
};

//! Upper edges (s) of the wait-time histogram's bins after the first, which holds waits of exactly 0; the last
//! bin holds waits above the last edge.
inline constexpr double WAIT_EDGES_S[] = {60, 600, 3600, 21600, 86400};

//! The chart data of one `ccsim run` results folder (docs/report.md): reads summary.json, and when present
//! jobs.csv, racks.csv and timeseries.csv. Utilization by type and site and rack occupancy are exact averages
//! over `limits.time_bins` equal bins of [0, makespan] (busy accelerator-seconds in the bin / (accelerators x bin
//! width)); power and PUE are averages of consecutive timeseries rows. A missing optional file leaves its charts
//! out with a note saying why. Bad files throw InputError naming the file and the line.
nlohmann::ordered_json run_data(const std::filesystem::path& dir, const std::string& label, const Limits& limits = {});

} // namespace ccsim::report
