// src/workload/gpu_trace_import.cpp: GPU cluster traces as CSV: Alibaba openb v2023 (pods and nodes), Alibaba PAI
// v2020 (task and job tables) and Tiresias. Mapping rules: docs/workloads.md.
#include "ccsim/workload/importers.hpp"

#include "ccsim/core/csv_table.hpp"
#include "ccsim/core/line_source.hpp"
#include "ccsim/workload/trace_reader.hpp"
#include "readers.hpp"
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

//! openb pods as jobs, one at a time.
class OpenbReader final : public TraceReader {
public:
  OpenbReader(LineSource lines, const nlohmann::json& options, ImportUse use)
      : t_(std::move(lines), "openb pod list", {"name", "cpu_milli", "memory_mib", "num_gpu", "gpu_milli"})
  {
    const TraceOptions opt(options, t_.path(), "openb", {"models", "cpu_only", "pending"});
    const bool fill = use == ImportUse::FILL;
    keep_cpu_only_ = opt.keep("cpu_only", fill);
    keep_pending_ = opt.keep("pending", fill);
    models_ = opt.models();
    c_name_ = t_.column("name");
    c_cpu_ = t_.column("cpu_milli");
    c_mem_ = t_.column("memory_mib");
    c_num_ = t_.column("num_gpu");
    c_milli_ = t_.column("gpu_milli");
    c_spec_ = t_.column("gpu_spec");
    c_create_ = t_.column("creation_time");
    c_delete_ = t_.column("deletion_time");
    c_sched_ = t_.column("scheduled_time");
    timed_ = c_create_ != CsvTable::ABSENT && c_delete_ != CsvTable::ABSENT && c_sched_ != CsvTable::ABSENT;
    if (not timed_ && not fill)
      throw InputError(t_.path(), "line 1",
                       "this pod list has no creation_time, deletion_time and scheduled_time columns (the multigpuNN "
                       "variants carry none); expected a timed pod list, or scheduler.mode = \"fill\"");
    report_.format = "openb";
    report_.path = t_.path();
  }

  std::uint64_t line() const override { return t_.line(); }

  bool next(Job& job) override
  {
    CsvTable& t = t_;
    while (t.next_row()) {
      report_.read++;
      job = Job();
      job.id = t.required_text(c_name_, "a pod name");
      job.cpu_milli = static_cast<std::uint32_t>(t.integer(c_cpu_, 0, MAX_MILLI));
      job.host_memory_mib = t.number(c_mem_, 0, INF);
      const auto num_gpu = t.integer(c_num_, 0, 64);
      const auto milli = t.integer(c_milli_, 0, MAX_MILLI);
      if (c_spec_ != CsvTable::ABSENT && not t.text(c_spec_).empty())
        job.accept = split_spec(t.text(c_spec_), models_, t, c_spec_);
      if (timed_) {
        job.submit_s = t.number(c_create_, 0, INF);
        const double deleted = t.number(c_delete_, 0, INF);
        if (deleted < job.submit_s)
          t.fail(c_delete_, fmt::format("a time >= creation_time {}", job.submit_s));
        const double scheduled = t.number(c_sched_, 0, INF, -1.0);
        if (scheduled >= 0 && (scheduled < job.submit_s || scheduled > deleted))
          t.fail(c_sched_, fmt::format("a time in [creation_time {}, deletion_time {}], or empty for a pending pod",
                                       job.submit_s, deleted));
        if (scheduled < 0 && not keep_pending_) {
          report_.skipped["pending (never scheduled)"]++;
          continue;
        }
        // The pod held its resources from scheduling to deletion; a pending pod never ran.
        job.duration_s = scheduled >= 0 ? deleted - scheduled : 0;
      } else {
        job.duration_s = 0;
      }
      job.walltime_s = job.duration_s;
      if (num_gpu == 0) {
        if (not keep_cpu_only_) {
          report_.skipped["cpu-only (num_gpu 0)"]++;
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
      report_.kept++;
      return true;
    }
    return false;
  }

private:
  CsvTable t_;
  bool keep_cpu_only_ = false, keep_pending_ = false, timed_ = false;
  std::unordered_map<std::string, std::string> models_;
  int c_name_ = 0, c_cpu_ = 0, c_mem_ = 0, c_num_ = 0, c_milli_ = 0, c_spec_ = 0, c_create_ = 0, c_delete_ = 0,
      c_sched_ = 0;
};

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

//! Tiresias jobs, one at a time.
class TiresiasReader final : public TraceReader {
public:
  TiresiasReader(LineSource lines, const nlohmann::json& options)
      : t_(std::move(lines), "tiresias", {"job_id", "num_gpu", "submit_time", "duration"})
  {
    const TraceOptions opt(options, t_.path(), "tiresias", {});
    c_id_ = t_.column("job_id");
    c_gpu_ = t_.column("num_gpu");
    c_submit_ = t_.column("submit_time");
    c_duration_ = t_.column("duration");
    report_.format = "tiresias";
    report_.path = t_.path();
  }

  std::uint64_t line() const override { return t_.line(); }

  bool next(Job& job) override
  {
    if (not t_.next_row())
      return false;
    report_.read++;
    job = Job();
    job.id = t_.required_text(c_id_, "a job id");
    job.accelerators = static_cast<std::uint32_t>(t_.integer(c_gpu_, 1, MAX_GPUS));
    job.submit_s = t_.number(c_submit_, 0, INF);
    job.duration_s = t_.number(c_duration_, 0, INF);
    job.walltime_s = job.duration_s > 0 ? job.duration_s : UNSET;
    report_.kept++;
    return true;
  }

private:
  CsvTable t_;
  int c_id_ = 0, c_gpu_ = 0, c_submit_ = 0, c_duration_ = 0;
};

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

//! PAI tasks as jobs, one at a time, joined with the job table (held in memory: one entry per job name).
class PaiReader final : public TraceReader {
public:
  PaiReader(LineSource tasks, std::optional<LineSource> job_table, const nlohmann::json& options, ImportUse use)
      : t_(std::move(tasks), "pai task table",
           {"job_name", "task_name", "inst_num", "status", "start_time", "end_time", "plan_cpu", "plan_mem", "plan_gpu",
            "gpu_type"},
           PAI_TASK_COLUMNS)
  {
    const TraceOptions opt(options, t_.path(), "pai", {"job_table", "models", "cpu_only", "start_at_zero", "statuses"});
    keep_cpu_only_ = opt.keep("cpu_only", use == ImportUse::FILL);
    start_at_zero_ = opt.flag("start_at_zero", true);
    statuses_ = opt.string_set("statuses", {"Terminated", "Failed"});
    models_ = opt.models();
    if (job_table) {
      CsvTable jt(std::move(*job_table), "pai job table", {"job_name", "user", "start_time"}, PAI_JOB_COLUMNS);
      jobs_ = pai_jobs(jt);
      joined_ = true;
    }
    c_job_ = t_.column("job_name");
    c_task_ = t_.column("task_name");
    c_inst_ = t_.column("inst_num");
    c_status_ = t_.column("status");
    c_start_ = t_.column("start_time");
    c_end_ = t_.column("end_time");
    c_cpu_ = t_.column("plan_cpu");
    c_mem_ = t_.column("plan_mem");
    c_gpu_ = t_.column("plan_gpu");
    c_type_ = t_.column("gpu_type");
    report_.format = "pai";
    report_.path = t_.path();
  }

  std::uint64_t line() const override { return t_.line(); }

  bool next(Job& job) override
  {
    CsvTable& t = t_;
    while (t.next_row()) {
      report_.read++;
      const std::string job_name = t.required_text(c_job_, "a job name");
      const std::string task_name(t.text(c_task_));
      const std::string status(t.text(c_status_));
      if (not statuses_.contains(status)) {
        report_.skipped[fmt::format("status {}", status.empty() ? "(empty)" : status)]++;
        continue;
      }
      const double start = t.number(c_start_, 0, INF, -1.0);
      const double end = t.number(c_end_, 0, INF, -1.0);
      if (start < 0 || end < 0) {
        report_.skipped["no start or end time"]++;
        continue;
      }
      if (end < start)
        t.fail(c_end_, fmt::format("a time >= start_time {}", start));
      const auto inst = t.integer(c_inst_, 1, MAX_GPUS);
      const double plan_gpu = t.number(c_gpu_, 0, 100.0 * 64, 0.0); // percent of one GPU per instance
      job = Job();
      job.id = job_name + "/" + task_name;
      job.duration_s = end - start;
      job.walltime_s = job.duration_s;
      job.submit_s = start;
      if (joined_) {
        const auto it = jobs_.find(job_name);
        if (it == jobs_.end())
          t.fail(c_job_, "a job_name of the job table");
        if (it->second.submit_s >= 0) {
          if (it->second.submit_s > start)
            t.fail(c_start_,
                   fmt::format("a time >= the job's submission {} (job table start_time)", it->second.submit_s));
          job.submit_s = it->second.submit_s;
        }
        job.tenant = it->second.user;
      }
      job.cpu_milli = static_cast<std::uint32_t>(std::llround(t.number(c_cpu_, 0, 1e8, 0.0) * 10)); // % of a core
      job.host_memory_mib = t.number(c_mem_, 0, 1e9, 0.0) * 1024;                                   // GB -> MiB
      if (plan_gpu <= 0) {
        if (not keep_cpu_only_) {
          report_.skipped["cpu-only (plan_gpu 0)"]++;
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
      const std::string_view type = t.text(c_type_);
      if (not type.empty() && type != "MISC")
        job.accept = {map_model(models_, type)};
      job.precision = Precision::FP32;
      report_.kept++;
      return true;
    }
    return false;
  }

private:
  CsvTable t_;
  bool keep_cpu_only_ = false, joined_ = false;
  std::set<std::string> statuses_;
  std::unordered_map<std::string, std::string> models_;
  std::unordered_map<std::string, PaiJob> jobs_;
  int c_job_ = 0, c_task_ = 0, c_inst_ = 0, c_status_ = 0, c_start_ = 0, c_end_ = 0, c_cpu_ = 0, c_mem_ = 0, c_gpu_ = 0,
      c_type_ = 0;
};

} // namespace

std::unique_ptr<TraceReader> open_openb_reader(const std::string& path, const nlohmann::json& options, ImportUse use)
{
  return std::make_unique<OpenbReader>(LineSource::from_file(path, "openb pod list CSV"), options, use);
}

ImportedWorkload import_openb(const std::string& path, const nlohmann::json& options, ImportUse use)
{
  return read_whole(*open_openb_reader(path, options, use));
}

ImportedWorkload import_openb_text(std::string_view text, const std::string& path, const nlohmann::json& options,
                                   ImportUse use)
{
  OpenbReader reader(LineSource::from_text(text, path), options, use);
  return read_whole(reader);
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

std::unique_ptr<TraceReader> open_tiresias_reader(const std::string& path, const nlohmann::json& options)
{
  return std::make_unique<TiresiasReader>(LineSource::from_file(path, "Tiresias job CSV"), options);
}

ImportedWorkload import_tiresias(const std::string& path, const nlohmann::json& options, ImportUse /*use*/)
{
  return read_whole(*open_tiresias_reader(path, options));
}

ImportedWorkload import_tiresias_text(std::string_view text, const std::string& path, const nlohmann::json& options,
                                      ImportUse /*use*/)
{
  TiresiasReader reader(LineSource::from_text(text, path), options);
  return read_whole(reader);
}

std::unique_ptr<TraceReader> open_pai_reader(const std::string& path, const nlohmann::json& options, ImportUse use)
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
  return std::make_unique<PaiReader>(LineSource::from_file(path, "PAI task table CSV"), std::move(job_table), options,
                                     use);
}

ImportedWorkload import_pai(const std::string& path, const nlohmann::json& options, ImportUse use)
{
  return read_whole(*open_pai_reader(path, options, use));
}

ImportedWorkload import_pai_text(std::string_view task_text, std::string_view job_table_text, const std::string& path,
                                 const nlohmann::json& options, ImportUse use)
{
  std::optional<LineSource> job_table;
  if (not job_table_text.empty())
    job_table = LineSource::from_text(job_table_text, path + " (job table)");
  PaiReader reader(LineSource::from_text(task_text, path), std::move(job_table), options, use);
  return read_whole(reader);
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
