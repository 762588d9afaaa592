// src/app/check.cpp
#include "check.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>

namespace ccsim::app {

namespace {

constexpr double DEFAULT_TOLERANCE = 1e-9; // runs are deterministic: anything above rounding is a real change

void flatten(const nlohmann::json& v, const std::string& pointer, nlohmann::ordered_json& out)
{
  if (v.is_object()) {
    for (const auto& [k, x] : v.items())
      flatten(x, pointer_append(pointer, k), out);
  } else if (v.is_number()) {
    out[pointer] = v.get<double>();
  }
}

} // namespace

nlohmann::ordered_json summary_metrics(const nlohmann::json& summary)
{
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  flatten(summary, "", metrics);
  return metrics;
}

namespace {

enum class Better : std::uint8_t { LOWER, HIGHER, SAME };

//! Which way a metric should move, from its name (docs/metrics.md lists them).
Better direction(const std::string& pointer)
{
  for (const char* lower : {"wait", "slowdown", "turnaround", "makespan", "energy", "kwh", "cost", "carbon", "staging",
                            "killed", "failed", "fragment", "stranded", "first_failure"})
    if (pointer.find(lower) != std::string::npos)
      return pointer.find("first_failure") != std::string::npos ? Better::HIGHER : Better::LOWER;
  for (const char* higher :
       {"utilization", "completed", "placed", "allocation", "allocated", "delivered", "accelerator_hours"})
    if (pointer.find(higher) != std::string::npos)
      return Better::HIGHER;
  return Better::SAME; // counts that define the experiment (platform, jobs submitted, seed): must not move
}

nlohmann::json read_json(const std::string& path)
{
  return parse_json_file(path);
}

} // namespace

std::string metric_direction(const std::string& pointer)
{
  switch (direction(pointer)) {
    case Better::LOWER:
      return "lower";
    case Better::HIGHER:
      return "higher";
    case Better::SAME:
      break;
  }
  return "none";
}

nlohmann::ordered_json make_baseline(const nlohmann::ordered_json& summary, const std::string& scenario_name,
                                     const std::string& scenario_sha256, std::uint64_t seed)
{
  nlohmann::ordered_json b;
  b["ccsim_baseline"] = 1;
  b["scenario"] = scenario_name;
  b["scenario_sha256"] = scenario_sha256;
  b["seed"] = seed;
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  flatten(nlohmann::json(summary), "", metrics);
  b["metrics"] = metrics;
  return b;
}

int check(const CheckOptions& opt)
{
  std::filesystem::path summary_path(opt.results);
  if (std::filesystem::is_directory(summary_path))
    summary_path /= "summary.json";
  const nlohmann::json summary = read_json(summary_path.string());
  const nlohmann::json baseline = read_json(opt.baseline);
  if (not baseline.is_object() || not baseline.contains("metrics") || not baseline["metrics"].is_object())
    throw InputError(opt.baseline, "/metrics", "expected an object of metrics (a file from ccsim run --save-baseline)");
  // What the file claims to be: this format's version, some metrics, and a baseline of the same scenario (a check
  // that compares nothing, or another scenario's numbers, must not pass).
  if (not baseline.contains("ccsim_baseline") || baseline["ccsim_baseline"] != 1)
    throw InputError(
        opt.baseline, "/ccsim_baseline",
        "expected 1, the baseline format this ccsim reads, found " +
            (baseline.contains("ccsim_baseline") ? describe_json(baseline["ccsim_baseline"]) : std::string("nothing")));
  if (baseline["metrics"].empty())
    throw InputError(opt.baseline, "/metrics", "expected at least one metric (an empty baseline checks nothing)");
  const auto text_at = [](const nlohmann::json& doc, const char* pointer) {
    const nlohmann::json::json_pointer p(pointer);
    return doc.contains(p) && doc[p].is_string() ? doc[p].get<std::string>() : std::string();
  };
  const std::string base_name = text_at(baseline, "/scenario");
  const std::string run_name = text_at(summary, "/scenario/name");
  if (base_name != run_name)
    throw InputError(opt.baseline, "/scenario",
                     "the baseline is of scenario \"" + printable(base_name) + "\" and the results of \"" +
                         printable(run_name) + "\" (expected a baseline saved from the same scenario)");
  const bool same_inputs = text_at(baseline, "/scenario_sha256") == text_at(summary, "/scenario/sha256");
  if (not same_inputs)
    std::cout << "note: the scenario's sha256 differs from the baseline's: its file or --set edits changed since "
                 "the baseline was saved"
              << (opt.strict ? " (a change, in strict mode)\n" : "\n");
  std::map<std::string, double> tolerance; // pointer prefix -> relative tolerance
  for (const auto& t : opt.tolerances) {
    const auto eq = t.find('=');
    double value = -1;
    try {
      value = eq == std::string::npos ? -1 : std::stod(t.substr(eq + 1));
    } catch (const std::exception&) {
    }
    if (eq == std::string::npos || eq == 0 || not(value >= 0) || not std::isfinite(value))
      throw InputError("--tolerance", t,
                       "expected METRIC=REL, METRIC a JSON pointer such as /wait_s/mean (or a "
                       "prefix such as /wait_s) and REL a relative tolerance >= 0");
    tolerance[t.substr(0, eq)] = value;
  }
  const auto tolerance_of = [&](const std::string& pointer) {
    double tol = DEFAULT_TOLERANCE;
    std::size_t best = 0;
    for (const auto& [prefix, value] : tolerance)
      if ((pointer == prefix || pointer.starts_with(prefix + "/")) && prefix.size() >= best) {
        best = prefix.size();
        tol = value;
      }
    return tol;
  };
  nlohmann::ordered_json now_metrics = nlohmann::ordered_json::object();
  flatten(summary, "", now_metrics);

  int regressions = 0, better = 0, unchanged = 0;
  std::cout << fmt::format("{:<44} {:>16} {:>16} {:>10}  {}\n", "metric", "baseline", "now", "change", "verdict");
  for (const auto& [pointer, base_value] : baseline["metrics"].items()) {
    if (not base_value.is_number())
      throw InputError(opt.baseline, pointer_append("/metrics", pointer),
                       "expected a number, found " + describe_json(base_value));
    const double base = base_value.get<double>();
    std::string verdict;
    std::string change_text = "";
    double now = std::numeric_limits<double>::quiet_NaN();
    if (not now_metrics.contains(pointer)) {
      verdict = "REGRESSION (missing)";
    } else {
      now = now_metrics[pointer].get<double>();
      const double tol = tolerance_of(pointer);
      const double change = base != 0 ? (now - base) / std::fabs(base) : now - base;
      change_text = base != 0 ? fmt::format("{:+.3f}%", 100 * change) : fmt::format("{:+.4g}", change);
      const Better dir = direction(pointer);
      const bool improved = (dir == Better::LOWER && change < 0) || (dir == Better::HIGHER && change > 0);
      if (std::fabs(change) <= tol) // NaN (a metric that became NaN) is never within tolerance
        verdict = "ok";
      else if (improved)
        verdict = opt.strict ? "CHANGED (better)" : "better";
      else
        verdict = dir == Better::SAME ? "REGRESSION (changed)" : "REGRESSION";
    }
    if (verdict.starts_with("REGRESSION") || verdict.starts_with("CHANGED"))
      regressions++;
    else if (verdict == "better")
      better++;
    else
      unchanged++;
    std::cout << fmt::format("{:<44} {:>16.10g} {:>16.10g} {:>10}  {}\n", pointer, base, now, change_text, verdict);
  }
  // Strict: a metric the run has and the baseline lacks is a change too (the summary's shape moved).
  int added = 0;
  if (opt.strict)
    for (const auto& [pointer, value] : now_metrics.items())
      if (not baseline["metrics"].contains(pointer)) {
        std::cout << fmt::format("{:<44} {:>16} {:>16.10g} {:>10}  {}\n", pointer, "-", value.get<double>(), "",
                                 "CHANGED (not in baseline)");
        added++;
      }
  regressions += added + (opt.strict && not same_inputs ? 1 : 0);
  std::cout << fmt::format("check{}: {} metrics: {} {}, {} better, {} within tolerance ({} vs {})\n",
                           opt.strict ? " (strict)" : "", regressions + better + unchanged, regressions,
                           opt.strict ? "changed" : "regressed", better, unchanged, summary_path.string(),
                           opt.baseline);
  return regressions > 0 ? 1 : 0;
}

} // namespace ccsim::app
