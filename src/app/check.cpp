// src/app/check.cpp
#include "check.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/output/writers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <string_view>
#include <vector>

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

//! Which way a metric should move, from its name (docs/metrics.md lists them). Exact pointers first: names that
//! would otherwise match a rule the wrong way.
Better direction(const std::string& pointer)
{
  // Parameters and counts that define the experiment, though named like a result.
  for (const char* same : {"/bounded_slowdown/tau_s", "/comm_slowdown/jobs"})
    if (pointer == same)
      return Better::SAME;
  // Accelerator-hours held (busy) for the same work: more is waste (stretched by placement or held for data), not
  // more work done; a lower effective PUE is better.
  if (pointer == "/accelerator_hours/busy" || pointer.find("pue") != std::string::npos)
    return Better::LOWER;
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
  // The policies the run used (after --queue / --placement): part of what makes two runs comparable.
  if (summary.contains("scheduler") && summary["scheduler"].is_object())
    for (const char* k : {"queue", "placement"})
      if (summary["scheduler"].contains(k) && summary["scheduler"][k].is_string())
        b[k] = summary["scheduler"][k];
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  flatten(nlohmann::json(summary), "", metrics);
  b["metrics"] = metrics;
  return b;
}

namespace {

//! Levenshtein distance (names suggested for a mistyped tolerance pointer).
std::size_t edit_distance(std::string_view a, std::string_view b)
{
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); j++)
    row[j] = j;
  for (std::size_t i = 1; i <= a.size(); i++) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); j++) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string text_at(const nlohmann::json& doc, const char* pointer)
{
  const nlohmann::json::json_pointer p(pointer);
  return doc.contains(p) && doc[p].is_string() ? doc[p].get<std::string>() : std::string();
}

std::string xml_escaped(std::string_view s)
{
  std::string out;
  for (const char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters are not allowed in XML 1.0 (a pointer from a hostile summary may hold them).
        out += static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r' ? '?' : c;
    }
  }
  return out;
}

struct Row {
  std::string pointer;
  double base = 0, now = 0;
  std::string change, verdict;
  bool failed = false;
};

//! The baseline to check against: a baseline file, or a summary.json (an A/B of two result folders).
nlohmann::json load_baseline(const std::string& path)
{
  nlohmann::json b = parse_json_file(path);
  if (b.is_object() && not b.contains("ccsim_baseline") && b.contains("ccsim") && b["ccsim"].is_object() &&
      b.contains("scenario") && b["scenario"].is_object()) {
    const std::uint64_t seed =
        b.contains("seed") && b["seed"].is_number_unsigned() ? b["seed"].get<std::uint64_t>() : 0;
    return make_baseline(nlohmann::ordered_json(b), text_at(b, "/scenario/name"), text_at(b, "/scenario/sha256"), seed);
  }
  if (not b.is_object() || not b.contains("metrics") || not b["metrics"].is_object())
    throw InputError(path, "/metrics",
                     "expected an object of metrics (a file from ccsim run --save-baseline, or a summary.json)");
  // What the file claims to be: this format's version, some metrics, each a number.
  if (not b.contains("ccsim_baseline") || b["ccsim_baseline"] != 1)
    throw InputError(path, "/ccsim_baseline",
                     "expected 1, the baseline format this ccsim reads, found " +
                         (b.contains("ccsim_baseline") ? describe_json(b["ccsim_baseline"]) : std::string("nothing")));
  if (b["metrics"].empty())
    throw InputError(path, "/metrics", "expected at least one metric (an empty baseline checks nothing)");
  for (const auto& [pointer, value] : b["metrics"].items())
    if (not value.is_number())
      throw InputError(path, pointer_append("/metrics", pointer), "expected a number, found " + describe_json(value));
  return b;
}

} // namespace

int check(const CheckOptions& opt)
{
  std::filesystem::path summary_path(opt.results);
  if (std::filesystem::is_directory(summary_path))
    summary_path /= "summary.json";
  const nlohmann::json summary = read_json(summary_path.string());
  const nlohmann::json baseline = load_baseline(opt.baseline);
  // A check that compares another scenario's numbers must not pass.
  const std::string base_name = text_at(baseline, "/scenario");
  const std::string run_name = text_at(summary, "/scenario/name");
  if (base_name != run_name)
    throw InputError(opt.baseline, "/scenario",
                     "the baseline is of scenario \"" + printable(base_name) + "\" and the results of \"" +
                         printable(run_name) + "\" (expected a baseline saved from the same scenario)");
  nlohmann::ordered_json now_metrics = nlohmann::ordered_json::object();
  flatten(summary, "", now_metrics);

  // Tolerances: each must name a metric (or a group of them) that the baseline or the run has.
  std::map<std::string, double> tolerance; // pointer prefix -> relative tolerance
  const auto names_metric = [&](const std::string& prefix) {
    for (const auto& [pointer, _] : baseline["metrics"].items())
      if (pointer == prefix || pointer.starts_with(prefix + "/"))
        return true;
    for (const auto& [pointer, _] : now_metrics.items())
      if (pointer == prefix || pointer.starts_with(prefix + "/"))
        return true;
    return false;
  };
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
    const std::string prefix = t.substr(0, eq);
    if (not names_metric(prefix)) {
      std::vector<std::pair<std::size_t, std::string>> near;
      for (const auto& [pointer, _] : baseline["metrics"].items())
        near.emplace_back(edit_distance(prefix, pointer), pointer);
      std::sort(near.begin(), near.end());
      std::string closest;
      for (std::size_t i = 0; i < near.size() && i < 3; i++)
        closest += (i > 0 ? ", " : "") + near[i].second;
      throw InputError("--tolerance", t,
                       "\"" + printable(prefix) + "\" names no metric of the baseline or the results (expected a " +
                           "JSON pointer or a prefix of one; closest: " + closest + ")");
    }
    tolerance[prefix] = value;
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

  // The experiment itself: the scenario's inputs (file and --set edits), the seed and the policies.
  std::vector<std::string> experiment;
  const auto differs = [&](const char* what, const std::string& base, const std::string& now) {
    if (not base.empty() && base != now)
      experiment.push_back(
          fmt::format("{}: {} in the baseline, {} now", what, printable(base, 80), printable(now, 80)));
  };
  differs("scenario sha256 (its file or --set edits)", text_at(baseline, "/scenario_sha256"),
          text_at(summary, "/scenario/sha256"));
  if (baseline.contains("seed") && baseline["seed"].is_number() && summary.contains("seed") &&
      summary["seed"].is_number())
    differs("seed", baseline["seed"].dump(), summary["seed"].dump());
  differs("queue policy", text_at(baseline, "/queue"), text_at(summary, "/scheduler/queue"));
  differs("placement policy", text_at(baseline, "/placement"), text_at(summary, "/scheduler/placement"));

  std::vector<Row> rows;
  int regressions = 0, better = 0, unchanged = 0;
  for (const auto& [pointer, base_value] : baseline["metrics"].items()) {
    Row row{pointer, base_value.get<double>(), std::numeric_limits<double>::quiet_NaN(), "", "", false};
    if (not now_metrics.contains(pointer)) {
      row.verdict = "REGRESSION (missing)";
    } else {
      row.now = now_metrics[pointer].get<double>();
      const double tol = tolerance_of(pointer);
      const double change = row.base != 0 ? (row.now - row.base) / std::fabs(row.base) : row.now - row.base;
      row.change = row.base != 0 ? fmt::format("{:+.3f}%", 100 * change) : fmt::format("{:+.4g}", change);
      const Better dir = direction(pointer);
      const bool improved = (dir == Better::LOWER && change < 0) || (dir == Better::HIGHER && change > 0);
      if (std::fabs(change) <= tol) // NaN (a metric that became NaN) is never within tolerance
        row.verdict = "ok";
      else if (improved)
        row.verdict = opt.strict ? "CHANGED (better)" : "better";
      else
        row.verdict = dir == Better::SAME ? "REGRESSION (changed)" : "REGRESSION";
    }
    row.failed = row.verdict.starts_with("REGRESSION") || row.verdict.starts_with("CHANGED");
    (row.failed ? regressions : row.verdict == "better" ? better : unchanged)++;
    rows.push_back(std::move(row));
  }
  // Strict: a metric the run has and the baseline lacks is a change too (the summary's shape moved).
  if (opt.strict)
    for (const auto& [pointer, value] : now_metrics.items())
      if (not baseline["metrics"].contains(pointer)) {
        rows.push_back(Row{pointer, std::numeric_limits<double>::quiet_NaN(), value.get<double>(), "",
                           "CHANGED (not in baseline)", true});
        regressions++;
      }
  const bool experiment_fatal = not experiment.empty() && (opt.strict || opt.fail_on_experiment_change);
  const ExitCode code = experiment_fatal  ? ExitCode::EXPERIMENT_CHANGED
                        : regressions > 0 ? ExitCode::REGRESSION
                                          : ExitCode::OK;
  const std::string outcome = code == ExitCode::EXPERIMENT_CHANGED ? "experiment changed"
                              : code == ExitCode::REGRESSION       ? (opt.strict ? "changed" : "regression")
                                                                   : "pass";

  if (not opt.junit.empty()) {
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    const std::string suite = "ccsim check " + run_name;
    xml += fmt::format("<testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">\n", xml_escaped(suite), rows.size() + 1,
                       regressions + (experiment.empty() ? 0 : 1));
    xml += fmt::format("  <testcase classname=\"{}\" name=\"experiment\">", xml_escaped(suite));
    if (not experiment.empty()) {
      std::string all;
      for (const auto& e : experiment)
        all += (all.empty() ? "" : "; ") + e;
      xml += fmt::format("<failure message=\"the experiment changed: {}\"/>", xml_escaped(all));
    }
    xml += "</testcase>\n";
    for (const Row& r : rows) {
      xml += fmt::format("  <testcase classname=\"{}\" name=\"{}\">", xml_escaped(suite), xml_escaped(r.pointer));
      if (r.failed)
        xml += fmt::format("<failure message=\"{}: {:.10g} in the baseline, {:.10g} now ({})\"/>",
                           xml_escaped(r.verdict), r.base, r.now, r.change);
      xml += "</testcase>\n";
    }
    xml += "</testsuite>\n";
    AtomicFile f(opt.junit);
    f.write(xml);
    f.commit();
  }

  if (opt.format == "json") {
    nlohmann::ordered_json out;
    out["verdict"] = outcome;
    out["exit_code"] = static_cast<int>(code);
    out["results"] = summary_path.string();
    out["baseline"] = opt.baseline;
    out["strict"] = opt.strict;
    out["experiment_changes"] = experiment;
    out["counts"] = {{"metrics", rows.size()}, {"failed", regressions}, {"better", better}, {"ok", unchanged}};
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const Row& r : rows)
      if (r.failed || not opt.only_failures)
        list.push_back({{"metric", r.pointer},
                        {"baseline", std::isnan(r.base) ? nlohmann::ordered_json() : nlohmann::ordered_json(r.base)},
                        {"now", std::isnan(r.now) ? nlohmann::ordered_json() : nlohmann::ordered_json(r.now)},
                        {"change", r.change},
                        {"verdict", r.verdict}});
    out["metrics"] = list;
    std::cout << out.dump(2) << "\n";
    return static_cast<int>(code);
  }
  for (const auto& e : experiment)
    std::cout << "EXPERIMENT CHANGED: " << e
              << (experiment_fatal ? "\n" : " (the runs may not be comparable; --fail-on-experiment-change fails)\n");
  std::cout << fmt::format("{:<44} {:>16} {:>16} {:>10}  {}\n", "metric", "baseline", "now", "change", "verdict");
  for (const Row& r : rows)
    if (r.failed || not opt.only_failures) {
      if (std::isnan(r.base))
        std::cout << fmt::format("{:<44} {:>16} {:>16.10g} {:>10}  {}\n", r.pointer, "-", r.now, "", r.verdict);
      else
        std::cout << fmt::format("{:<44} {:>16.10g} {:>16.10g} {:>10}  {}\n", r.pointer, r.base, r.now, r.change,
                                 r.verdict);
    }
  std::cout << fmt::format("check{}: {} metrics: {} {}, {} better, {} within tolerance{} ({} vs {})\n",
                           opt.strict ? " (strict)" : "", rows.size(), regressions,
                           opt.strict ? "changed" : "regressed", better, unchanged,
                           experiment.empty() ? "" : "; EXPERIMENT CHANGED", summary_path.string(), opt.baseline);
  return static_cast<int>(code);
}

} // namespace ccsim::app
