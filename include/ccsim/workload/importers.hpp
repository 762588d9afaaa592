// include/ccsim/workload/importers.hpp
#pragma once

#include "ccsim/core/error.hpp"
#include "ccsim/workload/job.hpp"

#include <nlohmann/json.hpp>

#include <array>
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
  std::map<std::string, std::string> header;    //!< trace header keys (SWF: MaxProcs, MaxNodes, UnixStartTime, ...)
  std::vector<std::uint64_t> lines;             //!< line-based formats: the source line of each kept job

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

namespace ccsim {

//! Defaults of the GPU-trace importers that depend on how the workload is used: fill mode keeps every row
//! (the FGD experiment packs pending and CPU-only pods too); event replay drops rows that cannot run in it.
enum class ImportUse : std::uint8_t { EVENTS, FILL };

//! Alibaba GPU cluster trace v2023 ("openb") pod list (docs/workloads.md). Options: models (object: trace model
//! -> accelerator type name), cpu_only ("keep" | "drop"), pending ("keep" | "drop"). A 5-column variant without
//! times (multigpuNN) is accepted in fill mode only.
ImportedWorkload import_openb(const std::string& path, const nlohmann::json& options, ImportUse use);
ImportedWorkload import_openb_text(std::string_view text, const std::string& path, const nlohmann::json& options,
                                   ImportUse use);

//! One node of an openb node list.
struct NodeRecord {
  std::string name;
  std::uint32_t cpu_milli = 0;
  double memory_mib = 0;
  std::uint32_t gpus = 0;
  std::string model; //!< accelerator type name (after options.models)
  std::uint64_t line = 0;
};

//! openb node list (`sn,cpu_milli,memory_mib,gpu,model`). CPU-only nodes are skipped and counted (ccsim nodes
//! hold accelerators). Options: models (as for pods).
std::vector<NodeRecord> import_openb_nodes(const std::string& path, const nlohmann::json& options,
                                           ImportReport& report);
std::vector<NodeRecord> import_openb_nodes_text(std::string_view text, const std::string& path,
                                                const nlohmann::json& options, ImportReport& report);

//! Tiresias job CSV (`job_id,num_gpu,submit_time,iterations,model_name,duration,interval`). No options.
ImportedWorkload import_tiresias(const std::string& path, const nlohmann::json& options, ImportUse use);
ImportedWorkload import_tiresias_text(std::string_view text, const std::string& path, const nlohmann::json& options,
                                      ImportUse use);

//! Alibaba PAI v2020 task table (`path`), optionally joined with its job table (options.job_table, for the
//! submission time and user). Header rows are optional (the published files have none). Options: job_table,
//! models, cpu_only, start_at_zero (true), statuses (array, default ["Terminated", "Failed"]).
ImportedWorkload import_pai(const std::string& path, const nlohmann::json& options, ImportUse use);
//! The same from texts: `job_table_text` may be empty (no job table).
ImportedWorkload import_pai_text(std::string_view task_text, std::string_view job_table_text, const std::string& path,
                                 const nlohmann::json& options, ImportUse use);

//! Trace formats a scenario's workload (or `ccsim workload convert`) can name.
inline constexpr std::array<std::string_view, 5> TRACE_FORMATS = {"batsim", "swf", "openb", "pai", "tiresias"};

//! Imports `path` in `format` (one of TRACE_FORMATS); throws InputError for an unknown format or bad input.
ImportedWorkload import_trace(const std::string& format, const std::string& path, const nlohmann::json& options,
                              ImportUse use);

} // namespace ccsim
