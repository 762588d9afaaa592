// src/workload/step_table.cpp
#include "ccsim/workload/step_table.hpp"

#include "ccsim/core/csv_table.hpp"
#include "ccsim/core/error.hpp"
#include "ccsim/core/limits.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ccsim {

double StepTable::step_s(const std::string& type, std::uint32_t accelerators) const
{
  const auto it = by_type.find(type);
  if (it == by_type.end())
    return std::numeric_limits<double>::quiet_NaN();
  const auto& rows = it->second;
  const auto above = std::lower_bound(rows.begin(), rows.end(), accelerators,
                                      [](const auto& row, std::uint32_t n) { return row.first < n; });
  if (above == rows.end())
    return std::numeric_limits<double>::quiet_NaN();
  if (above->first == accelerators)
    return above->second;
  if (above == rows.begin())
    return std::numeric_limits<double>::quiet_NaN();
  const auto& [n1, t1] = *(above - 1);
  const auto& [n2, t2] = *above;
  const double exponent = std::log(t2 / t1) / std::log(static_cast<double>(n2) / n1);
  return t1 * std::pow(static_cast<double>(accelerators) / n1, exponent);
}

std::string StepTable::sizes() const
{
  std::string out;
  for (const auto& [type, rows] : by_type)
    out += (out.empty() ? "" : ", ") + type + " " + std::to_string(rows.front().first) +
           (rows.size() > 1 ? "-" + std::to_string(rows.back().first) : std::string());
  return out;
}

std::shared_ptr<const StepTable> read_step_table(const std::string& name, const std::string& path)
{
  auto table = std::make_shared<StepTable>();
  table->name = name;
  table->path = path;
  CsvTable csv(LineSource::from_file(path, "step-time table (CSV)"), "step-time table",
               {"accelerator_type", "accelerators", "step_s"});
  const int type_col = csv.column("accelerator_type");
  const int size_col = csv.column("accelerators");
  const int step_col = csv.column("step_s");
  while (csv.next_row()) {
    const std::string type = csv.required_text(type_col, "an accelerator type name");
    const auto n = static_cast<std::uint32_t>(csv.integer(size_col, 1, 1'000'000'000));
    const double seconds = csv.number(step_col, std::numeric_limits<double>::min(), MAX_TIME_S);
    auto& rows = table->by_type[type];
    const auto at =
        std::lower_bound(rows.begin(), rows.end(), n, [](const auto& row, std::uint32_t k) { return row.first < k; });
    if (at != rows.end() && at->first == n)
      csv.fail_row(type + " on " + std::to_string(n) + " accelerators is given twice (expected one row per size)");
    rows.insert(at, {n, seconds});
  }
  if (table->by_type.empty())
    throw InputError(path, "", "a step-time table without rows (expected accelerator_type, accelerators, step_s)");
  return table;
}

} // namespace ccsim
