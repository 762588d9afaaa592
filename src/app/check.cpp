// src/app/check.cpp
#include "check.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/output/html_report.hpp"
#include "ccsim/output/writers.hpp"

#include "child_process.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <string_view>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

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
  // Control characters are not allowed in XML 1.0 (a pointer from a hostile summary may hold them); the rest is
  // escaped as for HTML (&#39; is XML too).
  std::string clean(s);
  for (char& c : clean)
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r')
      c = '?';
  return report::html_escape(clean);
}

struct Row {
  std::string pointer;
  double base = 0, now = 0;
  std::string change, verdict;
  bool failed = false;
};

struct CheckResult {
  std::string scenario, summary_path;
  std::vector<std::string> experiment; //!< what differs between the baseline's experiment and the run's
  bool experiment_fatal = false;
  std::vector<Row> rows;
  int failed = 0, better = 0, ok = 0;
  ExitCode code = ExitCode::OK;
  std::string outcome; //!< "pass", "regression", "changed" (strict) or "experiment changed"
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

//! Compares one results folder with one baseline: the rows, the experiment's changes and the exit code.
CheckResult evaluate(const CheckOptions& opt)
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

  CheckResult result;
  result.scenario = run_name;
  result.summary_path = summary_path.string();
  result.experiment = std::move(experiment);
  result.experiment_fatal = experiment_fatal;
  result.rows = std::move(rows);
  result.failed = regressions;
  result.better = better;
  result.ok = unchanged;
  result.code = code;
  result.outcome = outcome;
  return result;
}

//! One JUnit <testsuite> of a check (one test case per metric, one for the experiment).
std::string junit_suite(const CheckResult& r)
{
  const std::string suite = "ccsim check " + r.scenario;
  std::string xml = fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">\n", xml_escaped(suite),
                                r.rows.size() + 1, r.failed + (r.experiment.empty() ? 0 : 1));
  xml += fmt::format("    <testcase classname=\"{}\" name=\"experiment\">", xml_escaped(suite));
  if (not r.experiment.empty()) {
    std::string all;
    for (const auto& e : r.experiment)
      all += (all.empty() ? "" : "; ") + e;
    xml += fmt::format("<failure message=\"the experiment changed: {}\"/>", xml_escaped(all));
  }
  xml += "</testcase>\n";
  for (const Row& row : r.rows) {
    xml += fmt::format("    <testcase classname=\"{}\" name=\"{}\">", xml_escaped(suite), xml_escaped(row.pointer));
    if (row.failed)
      xml += fmt::format("<failure message=\"{}: {:.10g} in the baseline, {:.10g} now ({})\"/>",
                         xml_escaped(row.verdict), row.base, row.now, row.change);
    xml += "</testcase>\n";
  }
  return xml + "  </testsuite>\n";
}

void write_junit(const std::string& path, const std::vector<std::string>& suites)
{
  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n";
  for (const auto& s : suites)
    xml += s;
  AtomicFile f(path);
  f.write(xml + "</testsuites>\n");
  f.commit();
}

nlohmann::ordered_json result_json(const CheckResult& r, const CheckOptions& opt)
{
  nlohmann::ordered_json out;
  out["verdict"] = r.outcome;
  out["exit_code"] = static_cast<int>(r.code);
  out["results"] = r.summary_path;
  out["baseline"] = opt.baseline;
  out["strict"] = opt.strict;
  out["experiment_changes"] = r.experiment;
  out["counts"] = {{"metrics", r.rows.size()}, {"failed", r.failed}, {"better", r.better}, {"ok", r.ok}};
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Row& row : r.rows)
    if (row.failed || not opt.only_failures)
      list.push_back({{"metric", row.pointer},
                      {"baseline", std::isnan(row.base) ? nlohmann::ordered_json() : nlohmann::ordered_json(row.base)},
                      {"now", std::isnan(row.now) ? nlohmann::ordered_json() : nlohmann::ordered_json(row.now)},
                      {"change", row.change},
                      {"verdict", row.verdict}});
  out["metrics"] = list;
  return out;
}

void print_table(const CheckResult& r, const CheckOptions& opt, const std::string& indent = "")
{
  for (const auto& e : r.experiment)
    std::cout << indent << "EXPERIMENT CHANGED: " << e
              << (r.experiment_fatal ? "\n" : " (the runs may not be comparable; --fail-on-experiment-change fails)\n");
  std::cout << indent
            << fmt::format("{:<44} {:>16} {:>16} {:>10}  {}\n", "metric", "baseline", "now", "change", "verdict");
  for (const Row& row : r.rows)
    if (row.failed || not opt.only_failures) {
      if (std::isnan(row.base))
        std::cout << indent
                  << fmt::format("{:<44} {:>16} {:>16.10g} {:>10}  {}\n", row.pointer, "-", row.now, "", row.verdict);
      else
        std::cout << indent
                  << fmt::format("{:<44} {:>16.10g} {:>16.10g} {:>10}  {}\n", row.pointer, row.base, row.now,
                                 row.change, row.verdict);
    }
}

std::string counts_line(const CheckResult& r, const CheckOptions& opt)
{
  return fmt::format("{} metrics: {} {}, {} better, {} within tolerance{}", r.rows.size(), r.failed,
                     opt.strict ? "changed" : "regressed", r.better, r.ok,
                     r.experiment.empty() ? "" : "; EXPERIMENT CHANGED");
}

//! The nearest `../shared/data` of the manifest's folder or one of its parents (a repository root's sibling), or
//! an empty path.
std::filesystem::path shared_data_near(const std::filesystem::path& folder)
{
  std::error_code ec;
  for (std::filesystem::path p = std::filesystem::absolute(folder, ec); not p.empty(); p = p.parent_path()) {
    if (std::filesystem::is_directory(p.parent_path() / "shared" / "data", ec))
      return p.parent_path() / "shared" / "data";
    if (p == p.parent_path())
      break;
  }
  return {};
}

//! check --manifest: runs every benchmark scenario of the manifest and checks it against its baseline.
int check_manifest(const CheckOptions& opt)
{
  namespace fs = std::filesystem;
  const nlohmann::json manifest = parse_json_file(opt.manifest);
  struct Entry {
    std::string baseline, scenario;
    std::vector<std::string> args;
    bool needs_shared_data = false;
  };
  std::vector<Entry> entries;
  if (not manifest.is_object() || not manifest.contains("runs") || not manifest["runs"].is_array() ||
      manifest["runs"].empty())
    throw InputError(opt.manifest, "/runs", "expected a non-empty array of {\"baseline\", \"scenario\", \"args\"}");
  for (std::size_t i = 0; i < manifest["runs"].size(); i++) {
    const nlohmann::json& r = manifest["runs"][i];
    const std::string at = "/runs/" + std::to_string(i);
    if (not r.is_object())
      throw InputError(opt.manifest, at, "expected an object, found " + describe_json(r));
    Entry e;
    for (const char* key : {"baseline", "scenario"}) {
      if (not r.contains(key) || not r[key].is_string() || r[key].get<std::string>().empty())
        throw InputError(opt.manifest, at + "/" + key, "expected a file name relative to the manifest's folder");
      (std::string_view(key) == "baseline" ? e.baseline : e.scenario) = r[key].get<std::string>();
    }
    if (r.contains("args")) {
      if (not r["args"].is_array())
        throw InputError(opt.manifest, at + "/args", "expected an array of ccsim run arguments");
      for (const auto& a : r["args"]) {
        if (not a.is_string())
          throw InputError(opt.manifest, at + "/args", "expected strings, found " + describe_json(a));
        e.args.push_back(a.get<std::string>());
      }
    }
    if (r.contains("needs_shared_data")) {
      if (not r["needs_shared_data"].is_boolean())
        throw InputError(opt.manifest, at + "/needs_shared_data", "expected true or false");
      e.needs_shared_data = r["needs_shared_data"].get<bool>();
    }
    entries.push_back(std::move(e));
  }
  const fs::path folder = fs::path(opt.manifest).parent_path();
  const bool shared = not shared_data_near(folder).empty();
  const fs::path work = fs::temp_directory_path() / fmt::format("ccsim-manifest-{}", ::getpid());
  fs::remove_all(work);
  fs::create_directories(work);
  struct Cleanup {
    fs::path path;
    ~Cleanup()
    {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } cleanup{work};

  ExitCode worst = ExitCode::OK;
  const auto rank = [](ExitCode c) {
    switch (c) {
      case ExitCode::OK:
        return 0;
      case ExitCode::REGRESSION:
        return 1;
      case ExitCode::EXPERIMENT_CHANGED:
        return 2;
      case ExitCode::BAD_INPUT:
        return 3;
      case ExitCode::FAILURE:
        break;
    }
    return 4;
  };
  int passed = 0, failed = 0, skipped = 0;
  std::vector<std::string> suites;
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < entries.size(); i++) {
    const Entry& e = entries[i];
    nlohmann::ordered_json item{{"baseline", e.baseline}, {"scenario", e.scenario}};
    if (e.needs_shared_data && not shared) {
      skipped++;
      item["verdict"] = "skipped";
      if (opt.format != "json")
        std::cout << fmt::format("{}: skipped (needs ../shared/data, absent)\n", e.baseline);
      runs.push_back(item);
      continue;
    }
    const fs::path out = work / std::to_string(i);
    const fs::path log = work / (std::to_string(i) + ".log");
    std::vector<std::string> args = {"run", (folder / e.scenario).string()};
    args.insert(args.end(), e.args.begin(), e.args.end());
    args.insert(args.end(), {"-q", "--out", out.string()});
    int status = 0;
    const pid_t pid = spawn(opt.self, args, log.string());
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (const int code = exit_code(status); code != 0) {
      failed++;
      const ExitCode c = code == static_cast<int>(ExitCode::BAD_INPUT) ? ExitCode::BAD_INPUT : ExitCode::FAILURE;
      worst = rank(c) > rank(worst) ? c : worst;
      std::ifstream in(log);
      std::string output((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      item["verdict"] = "run failed";
      item["exit_code"] = code;
      item["output"] = output;
      suites.push_back(fmt::format("  <testsuite name=\"ccsim check {}\" tests=\"1\" failures=\"1\">\n    <testcase "
                                   "classname=\"ccsim check {}\" name=\"run\"><failure message=\"ccsim run exited "
                                   "{}: {}\"/></testcase>\n  </testsuite>\n",
                                   xml_escaped(e.baseline), xml_escaped(e.baseline), code, xml_escaped(output)));
      if (opt.format != "json")
        std::cout << fmt::format("{}: RUN FAILED (ccsim run exited {}):\n{}", e.baseline, code, output);
      runs.push_back(item);
      continue;
    }
    CheckOptions one = opt;
    one.manifest.clear();
    one.results = out.string();
    one.baseline = (folder / e.baseline).string();
    CheckResult r = evaluate(one);
    worst = rank(r.code) > rank(worst) ? r.code : worst;
    (r.code == ExitCode::OK ? passed : failed)++;
    suites.push_back(junit_suite(r));
    if (opt.format == "json") {
      nlohmann::ordered_json j = result_json(r, one);
      j["baseline"] = e.baseline;
      j["scenario"] = e.scenario;
      runs.push_back(j);
    } else {
      std::cout << fmt::format("{}: {} ({})\n", e.baseline, r.outcome, counts_line(r, opt));
      if (r.code != ExitCode::OK || not opt.only_failures) {
        CheckOptions failures_only = opt;
        failures_only.only_failures = true;
        if (r.code != ExitCode::OK)
          print_table(r, failures_only, "    ");
      }
    }
  }
  if (not opt.junit.empty())
    write_junit(opt.junit, suites);
  if (opt.format == "json") {
    nlohmann::ordered_json out;
    out["verdict"] = worst == ExitCode::OK ? "pass" : "fail";
    out["exit_code"] = static_cast<int>(worst);
    out["manifest"] = opt.manifest;
    out["strict"] = opt.strict;
    out["counts"] = {{"runs", entries.size()}, {"passed", passed}, {"failed", failed}, {"skipped", skipped}};
    out["runs"] = runs;
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << fmt::format("check{} --manifest: {} runs: {} passed, {} failed, {} skipped ({})\n",
                             opt.strict ? " (strict)" : "", entries.size(), passed, failed, skipped, opt.manifest);
  }
  return static_cast<int>(worst);
}

} // namespace

int check(const CheckOptions& opt)
{
  if (not opt.manifest.empty()) {
    if (not opt.results.empty() || not opt.baseline.empty())
      throw InputError("ccsim check", "", "expected either RESULTS --baseline FILE, or --manifest FILE (not both)");
    return check_manifest(opt);
  }
  if (opt.results.empty() || opt.baseline.empty())
    throw InputError("ccsim check", "", "expected RESULTS and --baseline FILE (or --manifest FILE)");
  const CheckResult r = evaluate(opt);
  if (not opt.junit.empty())
    write_junit(opt.junit, {junit_suite(r)});
  if (opt.format == "json") {
    std::cout << result_json(r, opt).dump(2) << "\n";
    return static_cast<int>(r.code);
  }
  print_table(r, opt);
  std::cout << fmt::format("check{}: {} ({} vs {})\n", opt.strict ? " (strict)" : "", counts_line(r, opt),
                           r.summary_path, opt.baseline);
  return static_cast<int>(r.code);
}

} // namespace ccsim::app
