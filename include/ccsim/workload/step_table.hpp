// include/ccsim/workload/step_table.hpp: measured step times (docs/workloads.md "Measured step times"): for users
// who profiled their model, the seconds one step takes per accelerator type and job size, instead of a model of it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ccsim {

//! A step-time table: per accelerator type, the seconds one step takes on n accelerators, at the sizes measured.
struct StepTable {
  std::string name; //!< its name in the scenario (workload.step_tables)
  std::string path; //!< the CSV file it was read from
  //! type name -> (accelerators, seconds per step), ascending in accelerators, one row per size
  std::map<std::string, std::vector<std::pair<std::uint32_t, double>>> by_type;

  //! Seconds per step on `accelerators` of `type`: the measured value at a measured size; between two measured
  //! sizes n1 < n < n2, the power law through them, t1 x (n / n1)^(ln(t2 / t1) / ln(n2 / n1)); NaN when the type has
  //! no rows or n lies outside its measured sizes (the type cannot run the job: no extrapolation).
  double step_s(const std::string& type, std::uint32_t accelerators) const;
  //! "H100-SXM 8-64, H20 8-16": the measured sizes of each type, for messages.
  std::string sizes() const;
};

using StepTables = std::map<std::string, std::shared_ptr<const StepTable>>;

//! Reads a step-time table: a CSV file with a header row and the columns accelerator_type, accelerators (an integer
//! >= 1) and step_s (seconds, > 0), one row per type and size (a size given twice is an error). Throws InputError
//! naming the file and line.
std::shared_ptr<const StepTable> read_step_table(const std::string& name, const std::string& path);

} // namespace ccsim
