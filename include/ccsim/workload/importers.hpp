// include/ccsim/workload/importers.hpp
#pragma once

#include "ccsim/core/error.hpp"
#include "ccsim/workload/job.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ccsim {

//! What an importer did: counts of records read, jobs kept, and records skipped by reason.
struct ImportReport {
  std::string format;
  std::string path;
  std::uint64_t read = 0;
  std::uint64_t kept = 0;
  std::map<std::string, std::uint64_t> skipped; //!< reason -> count
};

//! Jobs read from a trace file, in file order, and the report.
struct ImportedWorkload {
  std::vector<Job> jobs;
  ImportReport report;
};

//! Batsim JSON workload (docs/workloads.md): jobs {id, subtime, res, walltime, profile} with delay profiles
//! ("delay" or "DelayProfile"). `options`: {"walltime_missing": "duration"} only for now.
//! Throws InputError located by JSON pointer inside the trace file.
ImportedWorkload import_batsim(const std::string& path, const nlohmann::json& options);
//! The same from the file's text; `path` names it in messages.
ImportedWorkload import_batsim_text(std::string_view text, const std::string& path, const nlohmann::json& options);

} // namespace ccsim
