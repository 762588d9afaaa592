// src/app/report.hpp: `ccsim report` (app-private).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ccsim::app {

struct ReportOptions {
  std::vector<std::string> dirs; //!< results folders of `ccsim run` (summary.json), `ccsim sweep` (sweep.sqlite)
                                 //!< or `ccsim compare` (compare.csv: each policy's run)
  std::string out;               //!< the HTML file to write
  std::string title;             //!< page title (default: "ccsim report" and the folder when there is one)
  std::size_t time_bins = 240;   //!< bins of the utilization and rack occupancy charts
  std::size_t racks = 48;        //!< rack rows in the occupancy chart
  std::size_t delta_charts = 12; //!< sweep metrics drawn as delta charts (every metric is in the table)
  bool quiet = false;
};

//! Writes one self-contained HTML report (docs/report.md) of the given folders, atomically. Bad input throws
//! InputError (exit 2) and leaves no file behind.
int report(const ReportOptions& options);

} // namespace ccsim::app
