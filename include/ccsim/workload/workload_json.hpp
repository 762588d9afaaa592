// include/ccsim/workload/workload_json.hpp
#pragma once

#include "ccsim/core/error.hpp"
#include "ccsim/workload/importers.hpp"
#include "ccsim/workload/job.hpp"
#include "ccsim/workload/step_table.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace ccsim {

//! Reads one job in the inline job format of scenario files (docs/scenario.md, "Jobs") at JSON pointer `pointer`
//! of `file`, reporting every problem into `diags` (fields it could not read keep their defaults).
//! `min_accelerators`: 0 in fill mode (CPU-only tasks), 1 otherwise. `tables`: the step-time tables a job may name
//! (a scenario's workload.step_tables; none elsewhere).
Job read_job_json(const nlohmann::json& value, const std::string& pointer, const std::string& file, Diagnostics& diags,
                  std::int64_t min_accelerators = 1, const StepTables* tables = nullptr);

//! Reports every job id that repeats an earlier one, located by `locate(index)`.
void check_unique_ids(std::span<const Job> jobs, const std::string& file, Diagnostics& diags,
                      const std::function<std::string(std::size_t)>& locate);

//! A ccsim workload file ({"source": ..., "jobs": [...]}, as `ccsim workload convert` writes it). Throws InputError
//! with every problem, located by JSON pointer in the file. Fill mode (`use`) accepts CPU-only tasks.
ImportedWorkload import_ccsim(const std::string& path, ImportUse use);

//! One job in the inline job format of scenario files (fields at their defaults are left out).
nlohmann::ordered_json job_to_json(const Job& job);

//! A ccsim workload file: {"source": {format, path, read, kept, skipped, converted_by}, "jobs": [...]}, one job per
//! line. A scenario reads it back with {"format": "ccsim", "path": ...}, or inline as its "workload".
std::string workload_json_text(std::span<const Job> jobs, const ImportReport& source);

} // namespace ccsim
