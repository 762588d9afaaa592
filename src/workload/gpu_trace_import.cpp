// src/workload/gpu_trace_import.cpp: GPU cluster traces as CSV: Alibaba openb v2023 (pods and nodes), Alibaba PAI
// v2020 (task and job tables) and Tiresias. Mapping rules: docs/workloads.md.
#include "ccsim/workload/importers.hpp"

#include "ccsim/core/csv_table.hpp"
#include "ccsim/core/line_source.hpp"
#include "trace_options.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <optional>
#include <set>
#include <unordered_map>

namespace ccsim {

namespace {

constexpr double INF = std::numeric_limits<double>::infinity();
constexpr std::int64_t MAX_GPUS = 1'000'000;
constexpr std::int64_t MAX_MILLI = 1'000'000'000;

std::string map_model(const std::unordered_map<std::string, std::string>& models, std::string_view name)
{
  const auto it = models.find(std::string(name));
  return it != models.end() ? it->second : std::string(name);
}

//! Splits openb's gpu_spec ("V100M16|V100M32") into accepted type names; duplicates are dropped.
std::vector<std::string> split_spec(std::string_view spec, const std::unordered_map<std::string, std::string>& models,
                                    const CsvTable& t, int col)
{
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= spec.size()) {
    const auto bar = spec.find('|', pos);
    const std::string_view name = spec.substr(pos, bar == std::string_view::npos ? std::string_view::npos : bar - pos);
    if (name.empty())
      t.fail(col, "GPU model names separated by '|', or nothing for any model");
    const std::string mapped = map_model(models, name);
    if (std::find(out.begin(), out.end(), mapped) == out.end())
      out.push_back(mapped);
    if (bar == std::string_view::npos)
      break;
    pos = bar + 1;
  }
  return out;
}

ImportedWorkload openb_pods(CsvTable& t, const nlohmann::json& options, ImportUse use)
{
  const TraceOptions opt(options, t.path(), "openb", {"models", "cpu_only", "pending"});
  const bool fill = use == ImportUse::FILL;
  const bool keep_cpu_only = opt.keep("cpu_only", fill);
  const bool keep_pending = opt.keep("pending", fill);
  const auto models = opt.models();
  const int c_name = t.column("name"), c_cpu = t.column("cpu_milli"), c_mem = t.column("memory_mib"),
            c_num = t.column("num_gpu"), c_milli = t.column("gpu_milli"), c_spec = t.column("gpu_spec"),
            c_create = t.column("creation_time"), c_delete = t.column("deletion_time"),
            c_sched = t.column("scheduled_time");
  const bool timed = c_create != CsvTable::ABSENT && c_delete != CsvTable::ABSENT && c_sched != CsvTable::ABSENT;
  if (not timed && not fill)
    throw InputError(t.path(), "line 1",
                     "this pod list has no creation_time, deletion_time and scheduled_time columns (the multigpuNN "
                     "variants carry none); expected a timed pod list, or scheduler.mode = \"fill\"");
  ImportedWorkload out;
  out.report.format = "openb";
  out.report.path = t.path();
  while (t.next_row()) {
    out.report.read++;
    Job job;
    job.id = t.required_text(c_name, "a pod name");
    job.cpu_milli = static_cast<std::uint32_t>(t.integer(c_cpu, 0, MAX_MILLI));
    job.host_memory_mib = t.number(c_mem, 0, INF);
    const auto num_gpu = t.integer(c_num, 0, 64);
    const auto milli = t.integer(c_milli, 0, MAX_MILLI);
    if (c_spec != CsvTable::ABSENT && not t.text(c_spec).empty())
      job.accept = split_spec(t.text(c_spec), models, t, c_spec);
    if (timed) {
      job.submit_s = t.number(c_create, 0, INF);
      const double deleted = t.number(c_delete, 0, INF);
      if (deleted < job.submit_s)
        t.fail(c_delete, fmt::format("a time >= creation_time {}", job.submit_s));
      const double scheduled = t.number(c_sched, 0, INF, -1.0);
      if (scheduled >= 0 && (scheduled < job.submit_s || scheduled > deleted))
        t.fail(c_sched, fmt::format("a time in [creation_time {}, deletion_time {}], or empty for a pending pod",
                                    job.submit_s, deleted));
      if (scheduled < 0 && not keep_pending) {
        out.report.skipped["pending (never scheduled)"]++;
        continue;
      }
      // The pod held its resources from scheduling to deletion; a pending pod never ran.
      job.duration_s = scheduled >= 0 ? deleted - scheduled : 0;
    } else {
      job.duration_s = 0;
    }
    job.walltime_s = job.duration_s;
    if (num_gpu == 0) {
      if (not keep_cpu_only) {
        out.report.skipped["cpu-only (num_gpu 0)"]++;
        continue;
      }
      job.accelerators = 0;
      job.gpu_milli = 1000;
    } else {
      job.accelerators = static_cast<std::uint32_t>(num_gpu);
      // As the FGD simulator does: gpu_milli clamped into [1, 1000] (a GPU task asks for some share).
      job.gpu_milli = static_cast<std::uint16_t>(std::clamp<std::int64_t>(milli, 1, 1000));
    }
    job.precision = Precision::FP32; // every GPU model of the trace supports it (eligibility by gpu_spec only)
    job.job_class = JobClass::INFERENCE;
    out.jobs.push_back(std::move(job));
    out.report.lines.push_back(t.line());
  }
  out.report.kept = out.jobs.size();
  return out;
}

std::vector<NodeRecord> openb_nodes(CsvTable& t, const nlohmann::json& options, ImportReport& report)
{
  const TraceOptions opt(options, t.path(), "openb node list", {"models"});
  const auto models = opt.models();
  const int c_sn = t.column("sn"), c_cpu = t.column("cpu_milli"), c_mem = t.column("memory_mib"),
            c_gpu = t.column("gpu"), c_model = t.column("model");
  report.format = "openb";
  report.path = t.path();
  std::vector<NodeRecord> out;
  while (t.next_row()) {
    report.read++;
    NodeRecord n;
    n.name = t.required_text(c_sn, "a node name");
    n.cpu_milli = static_cast<std::uint32_t>(t.integer(c_cpu, 0, MAX_MILLI));
    n.memory_mib = t.number(c_mem, 0, INF);
    n.gpus = static_cast<std::uint32_t>(t.integer(c_gpu, 0, 64));
    const std::string_view model = t.text(c_model);
    n.line = t.line();
    if (n.gpus == 0) {
      report.skipped["cpu-only node (gpu 0)"]++;
      continue;
    }
    if (model.empty())
      t.fail(c_model, "a GPU model name for a node with GPUs");
    n.model = map_model(models, model);
    out.push_back(std::move(n));
  }
  report.kept = out.size();
  return out;
}

ImportedWorkload tiresias(CsvTable& t, const nlohmann::json& options)
{
  const TraceOptions opt(options, t.path(), "tiresias", {});
  const int c_id = t.column("job_id"), c_gpu = t.column("num_gpu"), c_submit = t.column("submit_time"),
            c_duration = t.column("duration");
  ImportedWorkload out;
  out.report.format = "tiresias";
  out.report.path = t.path();
  while (t.next_row()) {
    out.report.read++;
    Job job;
    job.id = t.required_text(c_id, "a job id");
    job.accelerators = static_cast<std::uint32_t>(t.integer(c_gpu, 1, MAX_GPUS));
    job.submit_s = t.number(c_submit, 0, INF);
    job.duration_s = t.number(c_duration, 0, INF);
    job.walltime_s = job.duration_s > 0 ? job.duration_s : UNSET;
    out.jobs.push_back(std::move(job));
    out.report.lines.push_back(t.line());
  }
  out.report.kept = out.jobs.size();
  return out;
}

const std::vector<std::string> PAI_TASK_COLUMNS = {"job_name", "task_name", "inst_num", "status",   "start_time",
                                                   "end_time", "plan_cpu",  "plan_mem", "plan_gpu", "gpu_type"};
const std::vector<std::string> PAI_JOB_COLUMNS = {"job_name", "inst_id", "user", "status", "start_time", "end_time"};

struct PaiJob {
  double submit_s = -1;
  std::string user;
};

std::unordered_map<std::string, PaiJob> pai_jobs(CsvTable& t)
{
  std::unordered_map<std::string, PaiJob> out;
  const int c_name = t.column("job_name"), c_user = t.column("user"), c_start = t.column("start_time");
  while (t.next_row()) {
    const std::string name = t.required_text(c_name, "a job name");
    PaiJob j;
    j.submit_s = t.number(c_start, 0, INF, -1.0);
    j.user = std::string(t.text(c_user));
    if (not out.emplace(name, std::move(j)).second)
      t.fail(c_name, "a job name not seen before in the job table");
  }
  return out;
}

ImportedWorkload pai_tasks(CsvTable& t, const std::unordered_map<std::string, PaiJob>* jobs,
                           const nlohmann::json& options, ImportUse use)
{
  const TraceOptions opt(options, t.path(), "pai", {"job_table", "models", "cpu_only", "start_at_zero", "statuses"});
  const bool keep_cpu_only = opt.keep("cpu_only", use == ImportUse::FILL);
  const bool start_at_zero = opt.flag("start_at_zero", true);
  const auto statuses = opt.string_set("statuses", {"Terminated", "Failed"});
  const auto models = opt.models();
  const int c_job = t.column("job_name"), c_task = t.column("task_name"), c_inst = t.column("inst_num"),
            c_status = t.column("status"), c_start = t.column("start_time"), c_end = t.column("end_time"),
            c_cpu = t.column("plan_cpu"), c_mem = t.column("plan_mem"), c_gpu = t.column("plan_gpu"),
            c_type = t.column("gpu_type");
  ImportedWorkload out;
  out.report.format = "pai";
  out.report.path = t.path();
  double first_submit = INF;
  while (t.next_row()) {
    out.report.read++;
    const std::string job_name = t.required_text(c_job, "a job name");
    const std::string task_name(t.text(c_task));
    const std::string status(t.text(c_status));
    if (not statuses.contains(status)) {
      out.report.skipped[fmt::format("status {}", status.empty() ? "(empty)" : status)]++;
      continue;
    }
    const double start = t.number(c_start, 0, INF, -1.0);
    const double end = t.number(c_end, 0, INF, -1.0);
    if (start < 0 || end < 0) {
      out.report.skipped["no start or end time"]++;
      continue;
    }
    if (end < start)
      t.fail(c_end, fmt::format("a time >= start_time {}", start));
    const auto inst = t.integer(c_inst, 1, MAX_GPUS);
    const double plan_gpu = t.number(c_gpu, 0, 100.0 * 64, 0.0); // percent of one GPU per instance
    Job job;
    job.id = job_name + "/" + task_name;
    job.duration_s = end - start;
    job.walltime_s = job.duration_s;
    job.submit_s = start;
    if (jobs != nullptr) {
      const auto it = jobs->find(job_name);
      if (it == jobs->end())
        t.fail(c_job, "a job_name of the job table");
      if (it->second.submit_s >= 0) {
        if (it->second.submit_s > start)
          t.fail(c_start, fmt::format("a time >= the job's submission {} (job table start_time)", it->second.submit_s));
        job.submit_s = it->second.submit_s;
      }
      job.tenant = it->second.user;
    }
    job.cpu_milli = static_cast<std::uint32_t>(std::llround(t.number(c_cpu, 0, 1e8, 0.0) * 10)); // percent of a core
    job.host_memory_mib = t.number(c_mem, 0, 1e9, 0.0) * 1024;                                   // GB -> MiB
    if (plan_gpu <= 0) {
      if (not keep_cpu_only) {
        out.report.skipped["cpu-only (plan_gpu 0)"]++;
        continue;
      }
      job.accelerators = 0;
    } else if (plan_gpu < 100) {
      job.accelerators = static_cast<std::uint32_t>(inst);
      job.gpu_milli = static_cast<std::uint16_t>(std::clamp<long long>(std::llround(plan_gpu * 10), 1, 1000));
    } else {
      job.accelerators = static_cast<std::uint32_t>(
          std::min<double>(1e9, static_cast<double>(inst) * std::ceil(plan_gpu / 100.0 - 1e-9)));
    }
    const std::string_view type = t.text(c_type);
    if (not type.empty() && type != "MISC")
      job.accept = {map_model(models, type)};
    job.precision = Precision::FP32;
    first_submit = std::min(first_submit, job.submit_s);
    out.jobs.push_back(std::move(job));
    out.report.lines.push_back(t.line());
  }
  if (start_at_zero && not out.jobs.empty())
    for (Job& j : out.jobs)
      j.submit_s -= first_submit;
  out.report.kept = out.jobs.size();
  return out;
}

} // namespace

ImportedWorkload import_openb(const std::string& path, const nlohmann::json& options, ImportUse use)
{
  CsvTable t(LineSource::from_file(path, "openb pod list CSV"), "openb pod list",
             {"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli"});
  return openb_pods(t, options, use);
}

ImportedWorkload import_openb_text(std::string_view text, const std::string& path, const nlohmann::json& options,
                                   ImportUse use)
{
  CsvTable t(LineSource::from_text(text, path), "openb pod list",
             {"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli"});
  return openb_pods(t, options, use);
}

std::vector<NodeRecord> import_openb_nodes(const std::string& path, const nlohmann::json& options, ImportReport& report)
{
  CsvTable t(LineSource::from_file(path, "openb node list CSV"), "openb node list",
             {"sn", "cpu_milli", "memory_mib", "gpu", "model"});
  return openb_nodes(t, options, report);
}

std::vector<NodeRecord> import_openb_nodes_text(std::string_view text, const std::string& path,
                                                const nlohmann::json& options, ImportReport& report)
{
  CsvTable t(LineSource::from_text(text, path), "openb node list", {"sn", "cpu_milli", "memory_mib", "gpu", "model"});
  return openb_nodes(t, options, report);
}

ImportedWorkload import_tiresias(const std::string& path, const nlohmann::json& options, ImportUse /*use*/)
{
  CsvTable t(LineSource::from_file(path, "Tiresias job CSV"), "tiresias",
             {"job_id", "num_gpu", "submit_time", "duration"});
  return tiresias(t, options);
}

ImportedWorkload import_tiresias_text(std::string_view text, const std::string& path, const nlohmann::json& options,
                                      ImportUse /*use*/)
{
  CsvTable t(LineSource::from_text(text, path), "tiresias", {"job_id", "num_gpu", "submit_time", "duration"});
  return tiresias(t, options);
}

namespace {

ImportedWorkload pai_from(LineSource tasks, std::optional<LineSource> job_table, const nlohmann::json& options,
                          ImportUse use)
{
  std::unordered_map<std::string, PaiJob> jobs;
  if (job_table) {
    CsvTable jt(std::move(*job_table), "pai job table", {"job_name", "user", "start_time"}, PAI_JOB_COLUMNS);
    jobs = pai_jobs(jt);
  }
  CsvTable t(std::move(tasks), "pai task table",
             {"job_name", "task_name", "inst_num", "status", "start_time", "end_time", "plan_cpu", "plan_mem",
              "plan_gpu", "gpu_type"},
             PAI_TASK_COLUMNS);
  return pai_tasks(t, job_table ? &jobs : nullptr, options, use);
}

} // namespace

ImportedWorkload import_pai(const std::string& path, const nlohmann::json& options, ImportUse use)
{
  std::optional<LineSource> job_table;
  if (options.is_object() && options.contains("job_table")) {
    const auto& v = options["job_table"];
    if (not v.is_string() || v.get_ref<const std::string&>().empty())
      throw InputError(path, "options/job_table", "expected the path of the PAI job table CSV");
    std::filesystem::path jt(v.get<std::string>());
    if (jt.is_relative())
      jt = std::filesystem::path(path).parent_path() / jt; // relative to the task table
    job_table = LineSource::from_file(jt.string(), "PAI job table CSV");
  }
  return pai_from(LineSource::from_file(path, "PAI task table CSV"), std::move(job_table), options, use);
}

ImportedWorkload import_pai_text(std::string_view task_text, std::string_view job_table_text, const std::string& path,
                                 const nlohmann::json& options, ImportUse use)
{
  std::optional<LineSource> job_table;
  if (not job_table_text.empty())
    job_table = LineSource::from_text(job_table_text, path + " (job table)");
  return pai_from(LineSource::from_text(task_text, path), std::move(job_table), options, use);
}

ImportedWorkload import_trace(const std::string& format, const std::string& path, const nlohmann::json& options,
                              ImportUse use)
{
  if (format == "batsim")
    return import_batsim(path, options);
  if (format == "swf")
    return import_swf(path, options);
  if (format == "openb")
    return import_openb(path, options, use);
  if (format == "pai")
    return import_pai(path, options, use);
  if (format == "tiresias")
    return import_tiresias(path, options, use);
  std::string known;
  for (const auto f : TRACE_FORMATS)
    known += (known.empty() ? "" : ", ") + std::string(f);
  throw InputError(path, "", "unknown workload format \"" + format + "\" (expected one of: " + known + ")");
}

} // namespace ccsim
