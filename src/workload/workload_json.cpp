// src/workload/workload_json.cpp: jobs as ccsim workload JSON (the inline job format of docs/scenario.md).
#include "ccsim/workload/workload_json.hpp"

#include "ccsim/core/version.hpp"

#include <cmath>

namespace ccsim {

nlohmann::ordered_json job_to_json(const Job& job)
{
  nlohmann::ordered_json j;
  j["id"] = job.id;
  j["submit_s"] = job.submit_s;
  j["accelerators"] = job.accelerators;
  if (not std::isnan(job.work_flop))
    j["work_flop"] = job.work_flop;
  else
    j["duration_s"] = std::isnan(job.duration_s) ? 0.0 : job.duration_s;
  if (not std::isnan(job.walltime_s) && job.walltime_s > 0)
    j["walltime_s"] = job.walltime_s;
  j["class"] = std::string(enum_name(JOB_CLASS_NAMES, job.job_class));
  j["precision"] = std::string(enum_name(PRECISION_NAMES, job.precision));
  if (job.efficiency != 1.0)
    j["efficiency"] = job.efficiency;
  if (not job.accept.empty())
    j["accept"] = job.accept;
  if (job.memory_gib > 0)
    j["memory_gib"] = job.memory_gib;
  if (job.priority != 0)
    j["priority"] = job.priority;
  if (job.gpu_milli != 1000)
    j["gpu_milli"] = job.gpu_milli;
  if (job.cpu_milli > 0)
    j["cpu_milli"] = job.cpu_milli;
  if (job.host_memory_mib > 0)
    j["host_memory_mib"] = job.host_memory_mib;
  if (not job.tenant.empty())
    j["tenant"] = job.tenant;
  return j;
}

std::string workload_json_text(std::span<const Job> jobs, const ImportReport& source)
{
  // Written by hand around one compact line per job: readable, diffable, and linear in the number of jobs.
  nlohmann::ordered_json src;
  src["format"] = source.format;
  src["path"] = source.path;
  src["read"] = source.read;
  src["kept"] = source.kept;
  src["skipped"] = source.skipped;
  src["converted_by"] = "ccsim " + std::string(version());
  std::string out = "{\n  \"source\": " + src.dump() + ",\n  \"jobs\": [";
  for (std::size_t i = 0; i < jobs.size(); i++)
    out += (i == 0 ? "\n    " : ",\n    ") + job_to_json(jobs[i]).dump();
  out += jobs.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

} // namespace ccsim
