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
  std::map<std::string, std::string> header;     //!< trace header keys (SWF: MaxProcs, MaxNodes, UnixStartTime, ...)
  std::vector<std::uint64_t> lines;              //!< line-based formats: the source line of each kept job

  //! Where job `i` (index among kept jobs) comes from, for messages: "line N", or a JSON pointer.
  std::string locate(std::size_t i, const std::string& pointer_base) const
  {
    return i < lines.size() ? "line " + std::to_string(lines[i]) : pointer_base + "/" + std::to_string(i);
  }
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

//! Standard Workload Format (Parallel Workloads Archive), `.swf` or `.swf.gz`, streamed line by line. Options:
//! start_at_zero (true), processors_per_accelerator (1), walltime_below_runtime ("raise" | "keep"),
//! failed ("keep" | "drop"), cancelled ("drop-zero-runtime" | "keep" | "drop"), zero_runtime ("keep" | "drop").
//! A malformed row (field count, non-numeric field, negative submit time) or truncated gzip data fails with the
//! line number. Mapping rules: docs/workloads.md.
ImportedWorkload import_swf(const std::string& path, const nlohmann::json& options);
ImportedWorkload import_swf_text(std::string_view text, const std::string& path, const nlohmann::json& options);

} // namespace ccsim
