// src/workload/workload_json.cpp: jobs as ccsim workload JSON (the inline job format of docs/scenario.md).
#include "ccsim/workload/workload_json.hpp"

#include "ccsim/core/json_reader.hpp"
#include "ccsim/core/limits.hpp"
#include "ccsim/core/line_source.hpp"
#include "ccsim/core/version.hpp"
#include "readers.hpp"

#include <cmath>
#include <limits>
#include <unordered_set>

namespace ccsim {

namespace {
using Need = ObjectReader::Need;
constexpr double INF = std::numeric_limits<double>::infinity();
constexpr std::int64_t MAX_COUNT = 1'000'000'000;

//! A job's "llm_training" object (docs/model.md "LLM training"): the work of training a dense transformer of
//! `params` parameters on `tokens` tokens, 6 N D + the attention term 12 L H S D, and its memory per accelerator:
//! the model state (16 bytes per parameter: bf16 weights and gradients, fp32 master weights and two Adam moments)
//! sharded over the job's accelerators, plus one sequence's layer inputs (2 bytes x S x H x L, with activations
//! recomputed). The gradient all-reduce moves the bf16 gradients, 2 N bytes, unless allreduce_bytes is given; with
//! `global_batch_tokens` the job makes tokens / global_batch_tokens of them.
void read_llm_training(const ObjectReader& j, Job& job)
{
  const auto* value = j.value("llm_training", Need::REQUIRED);
  ObjectReader m(*value, j.pointer_of("llm_training"), j.file(), j.diagnostics(),
                 {"params", "tokens", "seq_len", "layers", "hidden", "global_batch_tokens"});
  const double params = m.number("params", Need::REQUIRED, 0, MAX_LLM_PARAMS, true).value_or(1);
  const double tokens = m.number("tokens", Need::REQUIRED, 0, MAX_LLM_TOKENS, true).value_or(1);
  const double seq_len = m.number("seq_len", Need::OPTIONAL, 0, MAX_LLM_DIMENSION, true).value_or(4096);
  const auto layers = m.number("layers", Need::OPTIONAL, 0, MAX_LLM_DIMENSION, true);
  const auto hidden = m.number("hidden", Need::OPTIONAL, 0, MAX_LLM_DIMENSION, true);
  if (layers.has_value() != hidden.has_value())
    m.error_here("expected both \"layers\" and \"hidden\" (the attention term and the activations need both), or "
                 "neither");
  if (j.has("memory_gib"))
    j.error("memory_gib", "an llm_training job's memory comes from its model (expected no memory_gib with it)");
  const double attention_per_token = layers && hidden ? 12 * *layers * *hidden * seq_len : 0;
  job.work_flop = std::min(MAX_WORK_FLOP, tokens * (6 * params + attention_per_token));
  job.model_state_bytes = 16 * params;
  const double activation_bytes = layers && hidden ? 2 * seq_len * *hidden * *layers : 0;
  job.memory_gib = (job.model_state_bytes / std::max<double>(1, job.accelerators) + activation_bytes) / GIB_BYTES;
  if (not j.has("allreduce_bytes"))
    job.allreduce_bytes = std::min(MAX_BYTES, 2 * params);
  // One gradient all-reduce per optimizer step: the collectives' share of the run follows (prepare).
  if (const auto batch = m.number("global_batch_tokens", Need::OPTIONAL, 0, MAX_LLM_TOKENS, true)) {
    job.steps = tokens / *batch;
    if (j.has("comm_share"))
      j.error("comm_share", "an llm_training job with global_batch_tokens has its collectives from its steps "
                            "(expected no comm_share with it)");
  }
}

} // namespace

Job read_job_json(const nlohmann::json& value, const std::string& ptr, const std::string& file, Diagnostics& diags,
                  std::int64_t min_accelerators, const StepTables* tables)
{
  Job job;
  ObjectReader j(value, ptr, file, diags,
                 {"id",           "submit_s",   "accelerators", "duration_s",   "work_flop",
                  "walltime_s",   "precision",  "class",        "efficiency",   "accept",
                  "memory_gib",   "priority",   "gpu_milli",    "cpu_milli",    "host_memory_mib",
                  "tenant",       "data_site",  "data_bytes",   "comm_share",   "allreduce_bytes",
                  "span_sites",   "activity",   "slack_s",      "memory_bytes", "arithmetic_intensity",
                  "llm_training", "step_table", "steps"});
  job.id = j.identifier("id", Need::REQUIRED).value_or("");
  job.submit_s = j.number("submit_s", Need::REQUIRED, 0, MAX_TIME_S).value_or(0);
  job.accelerators =
      static_cast<std::uint32_t>(j.integer("accelerators", Need::REQUIRED, min_accelerators, MAX_COUNT).value_or(1));
  const bool has_duration = j.has("duration_s");
  const bool has_llm = j.has("llm_training");
  const bool has_table = j.has("step_table");
  const bool has_work = j.has("work_flop") || has_llm;
  if (j.has("work_flop") && has_llm)
    j.error("work_flop", "expected one of \"work_flop\" or \"llm_training\" (which gives the work), found both");
  else if (static_cast<int>(has_duration) + static_cast<int>(has_work) + static_cast<int>(has_table) != 1)
    j.error_here("expected exactly one of \"duration_s\" (seconds), \"work_flop\" (FLOP), \"llm_training\" or "
                 "\"step_table\" with \"steps\", found " +
                 std::string(has_duration || has_work || has_table ? "several" : "none"));
  if (has_table != j.has("steps"))
    j.error(has_table ? "step_table" : "steps", "measured step times need both \"step_table\" (a name in "
                                                "workload.step_tables) and \"steps\"");
  if (has_table) {
    if (const auto name = j.string("step_table", Need::REQUIRED)) {
      const auto found = tables != nullptr ? tables->find(*name) : StepTables::const_iterator{};
      if (tables == nullptr || found == tables->end())
        j.error("step_table", "\"" + *name +
                                  "\" names no step-time table (expected a name in the scenario's "
                                  "workload.step_tables)");
      else
        job.step_table = found->second.get();
    }
    job.steps = j.number("steps", Need::REQUIRED, 0, MAX_WORK_FLOP, true).value_or(1);
    if (j.has("comm_share"))
      j.error("comm_share", "measured step times include their collectives (expected no comm_share with a "
                            "step_table)");
  }
  if (has_duration)
    job.duration_s = j.number("duration_s", Need::REQUIRED, 0, MAX_TIME_S).value_or(0);
  if (j.has("work_flop"))
    job.work_flop = j.number("work_flop", Need::REQUIRED, 0, MAX_WORK_FLOP, true).value_or(1);
  // The roofline (docs/model.md "Run time"): bytes moved, or FLOP per byte; for work-based jobs only.
  if (j.has("memory_bytes") && j.has("arithmetic_intensity"))
    j.error("arithmetic_intensity", "expected one of \"memory_bytes\" or \"arithmetic_intensity\", found both");
  else if ((j.has("memory_bytes") || j.has("arithmetic_intensity")) && not has_work)
    j.error(j.has("memory_bytes") ? "memory_bytes" : "arithmetic_intensity",
            "a roofline run time needs work: expected \"work_flop\" with it (a duration_s job runs for its duration)");
  job.memory_bytes = j.number("memory_bytes", Need::OPTIONAL, 0, MAX_MEMORY_BYTES).value_or(0);
  job.arithmetic_intensity =
      j.number("arithmetic_intensity", Need::OPTIONAL, 0, MAX_ARITHMETIC_INTENSITY, true).value_or(0);
  if (j.has("walltime_s"))
    job.walltime_s = j.number("walltime_s", Need::REQUIRED, 0, MAX_TIME_S, true).value_or(UNSET);
  job.efficiency = j.number("efficiency", Need::OPTIONAL, 0, 1, true).value_or(1.0);
  if (const auto activity = j.number("activity", Need::OPTIONAL, 0, 1, true)) {
    job.activity = *activity;
    job.activity_given = true;
  }
  job.memory_gib = j.number("memory_gib", Need::OPTIONAL, 0, INF).value_or(0);
  if (has_llm)
    read_llm_training(j, job);
  job.slack_s = j.number("slack_s", Need::OPTIONAL, 0, MAX_TIME_S).value_or(0);
  job.priority = j.integer("priority", Need::OPTIONAL, -1'000'000'000, 1'000'000'000).value_or(0);
  job.gpu_milli = static_cast<std::uint16_t>(j.integer("gpu_milli", Need::OPTIONAL, 1, 1000).value_or(1000));
  job.cpu_milli = static_cast<std::uint32_t>(j.integer("cpu_milli", Need::OPTIONAL, 0, MAX_COUNT).value_or(0));
  job.host_memory_mib = j.number("host_memory_mib", Need::OPTIONAL, 0, INF).value_or(0);
  job.tenant = j.string("tenant", Need::OPTIONAL).value_or("");
  job.data_site = j.string("data_site", Need::OPTIONAL).value_or("");
  job.data_bytes = j.number("data_bytes", Need::OPTIONAL, 0, MAX_BYTES).value_or(0); // SimGrid aborts past it
  if (job.data_bytes > 0 && job.data_site.empty())
    j.error("data_bytes", "input data needs a place: expected \"data_site\" (the site holding it) with \"data_bytes\"");
  job.comm_share = j.number("comm_share", Need::OPTIONAL, 0, MAX_COMM_SHARE).value_or(0);
  job.allreduce_bytes = j.number("allreduce_bytes", Need::OPTIONAL, 0, MAX_BYTES, true).value_or(job.allreduce_bytes);
  job.span_sites = j.boolean("span_sites", Need::OPTIONAL).value_or(false);
  if (const auto cls = j.string("class", Need::OPTIONAL)) {
    if (const auto c = enum_from_name<JobClass>(JOB_CLASS_NAMES, *cls))
      job.job_class = *c;
    else
      j.error("class", "unknown job class \"" + *cls + "\" (expected one of: " + names_list(JOB_CLASS_NAMES) + ")");
  }
  job.precision = default_precision(job.job_class);
  if (const auto prec = j.string("precision", Need::OPTIONAL)) {
    if (const auto p = enum_from_name<Precision>(PRECISION_NAMES, *prec))
      job.precision = *p;
    else
      j.error("precision",
              "unknown precision \"" + *prec + "\" (expected one of: " + names_list(PRECISION_NAMES) + ")");
  }
  for_each_element(j, "accept", Need::OPTIONAL, [&](const nlohmann::json& a, const std::string& aptr) {
    if (a.is_string() && not a.get_ref<const std::string&>().empty())
      job.accept.push_back(a.get<std::string>());
    else
      diags.add(file, aptr, "expected an accelerator type or kind name, found " + describe_json(a));
  });
  return job;
}

void check_unique_ids(std::span<const Job> jobs, const std::string& file, Diagnostics& diags,
                      const std::function<std::string(std::size_t)>& locate)
{
  std::unordered_set<std::string_view> ids;
  ids.reserve(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); i++)
    if (not jobs[i].id.empty() && not ids.insert(jobs[i].id).second)
      diags.add(file, locate(i), "duplicate job id \"" + jobs[i].id + "\" (expected unique ids)");
}

ImportedWorkload import_ccsim(const std::string& path, ImportUse use)
{
  ImportedWorkload out;
  Diagnostics diags;
  const nlohmann::json doc = parse_json_file(path);
  ObjectReader root(doc, "", path, diags, {"jobs", "source"});
  for_each_element(root, "jobs", Need::REQUIRED, [&](const nlohmann::json& jv, const std::string& ptr) {
    out.jobs.push_back(read_job_json(jv, ptr, path, diags, use == ImportUse::FILL ? 0 : 1));
  });
  check_unique_ids(out.jobs, path, diags, [](std::size_t i) { return "/jobs/" + std::to_string(i) + "/id"; });
  diags.throw_if_any();
  out.report.format = "ccsim";
  out.report.path = path;
  out.report.read = out.report.kept = out.jobs.size();
  return out;
}

namespace {

//! A ccsim workload file as workload_json_text() lays it out, one job at a time: "{", an optional one-line
//! "source", "\"jobs\": [", one job object per line (comma-separated), "]", "}". Any other layout, or a job with a
//! problem, throws ReadWhole: import_ccsim() then reads the file whole and reports every mistake.
class CcsimReader final : public TraceReader {
public:
  CcsimReader(const std::string& path, ImportUse use)
      : lines_(LineSource::from_file(path, "ccsim workload file (JSON)"))
      , min_accelerators_(use == ImportUse::FILL ? 0 : 1)
  {
    report_.format = "ccsim";
    report_.path = path;
    std::string_view t = next_line();
    if (t != "{")
      throw ReadWhole();
    t = next_line();
    if (t.starts_with("\"source\":")) {
      if (not t.ends_with(",") || not nlohmann::json::accept(t.substr(9, t.size() - 10)))
        throw ReadWhole();
      t = next_line();
    }
    if (t == "\"jobs\": []") {
      done_ = true;
      expect_end();
    } else if (t != "\"jobs\": [") {
      throw ReadWhole();
    }
  }

  std::uint64_t line() const override { return line_no_; }
  std::string where() const override { return "/jobs/" + std::to_string(report_.kept - 1); }

  bool next(Job& job) override
  {
    if (done_)
      return false;
    std::string_view t = next_line();
    if (t == "]") {
      if (report_.kept > 0 && not last_)
        throw ReadWhole(); // a comma after the last job
      done_ = true;
      expect_end();
      return false;
    }
    if (last_)
      throw ReadWhole(); // a job after one without a comma
    last_ = not t.ends_with(",");
    if (not last_)
      t.remove_suffix(1);
    std::optional<nlohmann::json> parsed;
    try {
      parsed = try_parse_json_text(t, report_.path);
    } catch (const InputError&) {
      throw ReadWhole(); // too deep, a duplicate key: read whole, it is reported located
    }
    if (not parsed)
      throw ReadWhole();
    const nlohmann::json& value = *parsed;
    Diagnostics problems;
    job = read_job_json(value, "/jobs/" + std::to_string(report_.kept), report_.path, problems, min_accelerators_);
    if (not problems.empty())
      throw ReadWhole();
    report_.read++;
    report_.kept++;
    line_no_ = lines_.line_number();
    return true;
  }

private:
  std::string_view next_line()
  {
    while (lines_.next(line_))
      if (const std::string_view t = trim_blanks(line_); not t.empty())
        return t;
    throw ReadWhole(); // the file ends inside the document
  }

  void expect_end()
  {
    if (next_line() != "}")
      throw ReadWhole();
    while (lines_.next(line_))
      if (not trim_blanks(line_).empty())
        throw ReadWhole();
  }

  LineSource lines_;
  std::int64_t min_accelerators_;
  std::string line_;
  std::uint64_t line_no_ = 0;
  bool done_ = false;
  bool last_ = false; //!< the job read last had no comma after it
};

} // namespace

std::unique_ptr<TraceReader> open_ccsim_reader(const std::string& path, ImportUse use)
{
  return std::make_unique<CcsimReader>(path, use);
}

nlohmann::ordered_json job_to_json(const Job& job)
{
  nlohmann::ordered_json j;
  j["id"] = job.id;
  j["submit_s"] = job.submit_s;
  j["accelerators"] = job.accelerators;
  if (job.step_table != nullptr) {
    j["step_table"] = job.step_table->name;
    j["steps"] = job.steps;
  } else if (not std::isnan(job.work_flop)) {
    j["work_flop"] = job.work_flop;
    if (job.memory_bytes > 0)
      j["memory_bytes"] = job.memory_bytes;
    if (job.arithmetic_intensity > 0)
      j["arithmetic_intensity"] = job.arithmetic_intensity;
  } else
    j["duration_s"] = std::isnan(job.duration_s) ? 0.0 : job.duration_s;
  if (not std::isnan(job.walltime_s) && job.walltime_s > 0)
    j["walltime_s"] = job.walltime_s;
  j["class"] = std::string(enum_name(JOB_CLASS_NAMES, job.job_class));
  j["precision"] = std::string(enum_name(PRECISION_NAMES, job.precision));
  if (job.efficiency != 1.0)
    j["efficiency"] = job.efficiency;
  if (job.activity_given)
    j["activity"] = job.activity;
  if (job.slack_s > 0)
    j["slack_s"] = job.slack_s;
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
