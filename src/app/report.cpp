// src/app/report.cpp: `ccsim report DIR... -o report.html`.
#include "report.hpp"

#include "check.hpp"
#include "child_process.hpp"
#include "sweep_db.hpp"
#include "sweep_spec.hpp"

#include "ccsim/core/csv_table.hpp"
#include "ccsim/core/error.hpp"
#include "ccsim/output/html_report.hpp"
#include "ccsim/output/report_data.hpp"
#include "ccsim/output/writers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>

namespace ccsim::app {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

//! Runs `sql` on the database, calling row(stmt) for each result row.
template <typename F>
void query(Database& db, const std::string& sql, F&& row)
{
  const Stmt stmt = db.prepare(sql);
  int rc = 0;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW)
    row(stmt.get());
  if (rc != SQLITE_DONE)
    throw std::runtime_error(std::string("cannot read the sweep database: ") + sqlite3_errmsg(db.get()));
}

std::optional<double> column_number(sqlite3_stmt* s, int k)
{
  if (sqlite3_column_type(s, k) == SQLITE_NULL)
    return std::nullopt;
  return sqlite3_column_double(s, k);
}

Json number_or_null(std::optional<double> v)
{
  return v && std::isfinite(*v) ? Json(*v) : Json(nullptr);
}

//! Metrics drawn first when they moved (the rest follow in database order).
constexpr const char* PRIORITY[] = {"/window/wait_s/mean",
                                    "/window/utilization/accelerators",
                                    "/window/annualized/electricity_cost",
                                    "/wait_s/mean",
                                    "/utilization/accelerators",
                                    "/makespan_s",
                                    "/energy/facility_kwh",
                                    "/cost/electricity",
                                    "/carbon/tco2",
                                    "/bounded_slowdown/mean",
                                    "/wait_s/p95",
                                    "/pue/effective",
                                    "/final/allocation_ratio",
                                    "/staging/mean_s",
                                    "/staging/bytes",
                                    "/comm_slowdown/jobs",
                                    "/comm_slowdown/accelerator_hours"};

//! The delta charts and table of a finished sweep.
Json sweep_data(const fs::path& dir, const std::string& label, std::size_t max_charts)
{
  const std::string path = (dir / "sweep.sqlite").string();
  Database db(path, Database::Mode::READ_ONLY);
  const auto has_table = [&](const std::string& table) { return not db.columns(table).empty(); };
  std::string spec_text;
  if (has_table("sweep"))
    if (const auto spec = db.setting("spec"))
      spec_text = *spec;
  if (spec_text.empty())
    throw InputError(path, "", "expected a database written by ccsim sweep (no sweep specification in it)");
  nlohmann::json spec;
  try {
    spec = nlohmann::json::parse(spec_text);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(path, "sweep", std::string("expected the sweep specification as JSON: ") + e.what());
  }
  if (not spec.contains("axes") || not spec["axes"].is_array() || not spec.contains("baseline"))
    throw InputError(path, "sweep", "expected the sweep specification ccsim sweep writes (axes, baseline)");

  // Configurations: the first axis varies slowest (docs/sweeps.md).
  std::vector<std::string> axis_names;
  std::vector<std::size_t> sizes;
  for (const auto& a : spec["axes"]) {
    axis_names.push_back(a.value("name", std::string("?")));
    sizes.push_back(std::max<std::size_t>(1, a.contains("values") ? a["values"].size() : 1));
  }
  const auto config_label = [&](std::size_t c) {
    const auto idx = config_indices(c, sizes);
    std::string out;
    for (std::size_t a = 0; a < idx.size(); a++)
      out += (out.empty() ? "" : ", ") + axis_names[a] + "=" + axis_value_text(spec["axes"][a]["values"][idx[a]]);
    return out.empty() ? std::string("(no axes)") : out;
  };
  if (not spec["baseline"].is_number_unsigned())
    throw InputError(path, "sweep", "expected the baseline configuration as a non-negative integer");
  const auto baseline = spec["baseline"].get<std::size_t>();
  std::size_t points = 0;
  std::size_t seeds = spec.contains("seeds") && spec["seeds"].is_array() ? spec["seeds"].size() : 0;
  if (has_table("points"))
    query(db, "SELECT COUNT(*) FROM points",
          [&](sqlite3_stmt* s) { points = static_cast<std::size_t>(sqlite3_column_int64(s, 0)); });

  Json out;
  out["label"] = label;
  out["axes"] = axis_names;
  out["points"] = points;
  out["seeds"] = seeds;
  Json notes = Json::array();
  if (not has_table("deltas")) {
    notes.push_back("no deltas yet: the sweep has not finished (rerun the same ccsim sweep command to complete it)");
    out["configs"] = Json::array({{{"label", config_label(baseline)}, {"baseline", true}}});
    out["baseline"] = 0;
    out["metrics"] = Json::array();
    out["charts"] = Json::array();
    out["notes"] = notes;
    return out;
  }

  // deltas: one row per (config, metric), in the order ccsim sweep wrote them.
  std::vector<std::size_t> configs;
  std::map<std::size_t, std::size_t> config_row;
  std::vector<std::string> metric_names;
  std::map<std::string, std::size_t> metric_index;
  struct Cell {
    std::optional<double> mean, delta, ci;
  };
  std::map<std::pair<std::size_t, std::size_t>, Cell> cells;
  std::vector<std::optional<double>> baseline_mean;
  query(db, "SELECT config, metric, mean, baseline_mean, delta, delta_ci95 FROM deltas ORDER BY rowid",
        [&](sqlite3_stmt* s) {
          const auto c = static_cast<std::size_t>(sqlite3_column_int64(s, 0));
          const auto* m_text = reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
          const std::string m = m_text != nullptr ? m_text : "";
          if (not config_row.contains(c)) {
            config_row[c] = configs.size();
            configs.push_back(c);
          }
          if (not metric_index.contains(m)) {
            metric_index[m] = metric_names.size();
            metric_names.push_back(m);
            baseline_mean.emplace_back();
          }
          const std::size_t mi = metric_index[m];
          cells[{config_row[c], mi}] = Cell{column_number(s, 2), column_number(s, 4), column_number(s, 5)};
          if (not baseline_mean[mi])
            baseline_mean[mi] = column_number(s, 3);
        });
  Json j_configs = Json::array();
  std::size_t baseline_row = 0;
  for (std::size_t r = 0; r < configs.size(); r++) {
    j_configs.push_back(
        {{"config", configs[r]}, {"label", config_label(configs[r])}, {"baseline", configs[r] == baseline}});
    if (configs[r] == baseline)
      baseline_row = r;
  }
  Json metrics = Json::array();
  std::vector<std::size_t> moved;
  for (std::size_t mi = 0; mi < metric_names.size(); mi++) {
    Json mean = Json::array(), delta = Json::array(), ci = Json::array();
    bool changed = false;
    for (std::size_t r = 0; r < configs.size(); r++) {
      const auto it = cells.find({r, mi});
      const Cell cell = it != cells.end() ? it->second : Cell{};
      mean.push_back(number_or_null(cell.mean));
      delta.push_back(number_or_null(cell.delta));
      ci.push_back(number_or_null(cell.ci));
      if (cell.delta && std::isfinite(*cell.delta) && *cell.delta != 0)
        changed = true;
    }
    const std::string better = metric_direction(metric_names[mi]);
    metrics.push_back({{"metric", metric_names[mi]},
                       {"better", better},
                       {"baseline_mean", number_or_null(baseline_mean[mi])},
                       {"mean", mean},
                       {"delta", delta},
                       {"delta_ci95", ci}});
    if (changed && better != "none")
      moved.push_back(mi);
  }
  const auto rank = [&](std::size_t mi) {
    const auto* p = std::find(std::begin(PRIORITY), std::end(PRIORITY), metric_names[mi]);
    return static_cast<std::size_t>(p - std::begin(PRIORITY));
  };
  std::stable_sort(moved.begin(), moved.end(), [&](std::size_t a, std::size_t b) { return rank(a) < rank(b); });
  if (moved.size() > max_charts) {
    notes.push_back(fmt::format("{} metrics moved; the first {} are drawn, every metric is in the table below",
                                moved.size(), max_charts));
    moved.resize(max_charts);
  }
  if (moved.empty())
    notes.push_back("no metric moved against the baseline: nothing to draw");
  out["configs"] = j_configs;
  out["baseline"] = baseline_row;
  out["metrics"] = metrics;
  out["charts"] = moved;
  out["notes"] = notes;
  return out;
}

//! The run folders of a `ccsim compare` results folder, in compare.csv's order: its `policy` column, each in the
//! folder ccsim compare named after it (run_folder_name).
std::vector<std::string> compare_runs(const fs::path& dir)
{
  CsvTable table(LineSource::from_file((dir / "compare.csv").string(), "a compare.csv"), "compare.csv", {"policy"});
  const int policy = table.column("policy");
  std::vector<std::string> subs;
  while (table.next_row()) {
    const std::string name = run_folder_name(table.required_text(policy, "a policy label"));
    if (name == "." || name == ".." || not fs::exists(dir / name / "summary.json"))
      table.fail(policy, "a policy whose results folder (with summary.json) is beside compare.csv");
    subs.push_back(name);
  }
  return subs;
}

//! Names the runs for people: "scenario · queue + placement" ("scenario · fill: placement" in fill mode), from
//! summary.json; runs that would share a name get their folder's name after it, then the whole path. The folder
//! stays in `folder`.
void label_runs(Json& runs)
{
  std::vector<std::string> base, named;
  std::map<std::string, int> uses, uses_named;
  for (Json& run : runs) {
    run["folder"] = run["label"];
    const std::string folder = run["folder"];
    const std::string scenario = run.value("scenario", "");
    const std::string policy = run.value("mode", "") == "fill"
                                   ? "fill: " + run.value("placement", "")
                                   : run.value("queue", "") + " + " + run.value("placement", "");
    base.push_back(scenario.empty() ? folder : scenario + " \u00b7 " + policy);
    const fs::path path = fs::path(folder).lexically_normal();
    named.push_back(base.back() + " (" + (path.has_filename() ? path : path.parent_path()).filename().string() + ")");
    uses[base.back()]++;
    uses_named[named.back()]++;
  }
  for (std::size_t i = 0; i < runs.size(); i++)
    runs[i]["label"] = uses[base[i]] == 1          ? base[i]
                       : uses_named[named[i]] == 1 ? named[i]
                                                   : base[i] + " (" + runs[i]["folder"].get<std::string>() + ")";
}

//! A `ccsim plan` results folder (docs/planning.md): per SLO, each option's mean (and 95 % CI) at every value
//! evaluated, the threshold, and each option's answer; decisions.csv's table.
Json plan_data(const fs::path& dir, const std::string& label)
{
  constexpr double INF = std::numeric_limits<double>::infinity();
  Json plan;
  plan["label"] = label;
  plan["decisions"] = Json::array();
  std::map<std::string, Json> answers; // option -> value (null unless found)
  {
    CsvTable t(LineSource::from_file((dir / "decisions.csv").string(), "decisions.csv written by ccsim plan"),
               "decisions.csv", {"rank", "option", "variable", "value", "status"});
    const int rank = t.column("rank"), option = t.column("option"), variable = t.column("variable"),
              value = t.column("value"), status = t.column("status"), objective = t.column("objective"),
              mean = t.column("objective_mean"), ci = t.column("objective_ci95");
    while (t.next_row()) {
      const std::string st(t.text(status));
      const Json v = t.text(value).empty() ? Json(nullptr) : Json(t.number(value, -INF, INF));
      answers[std::string(t.text(option))] = st == "found" ? v : Json(nullptr);
      plan["decisions"].push_back({{"rank", std::string(t.text(rank))},
                                   {"option", std::string(t.text(option))},
                                   {"variable", std::string(t.text(variable))},
                                   {"value", v},
                                   {"status", st},
                                   {"objective", std::string(t.text(objective))},
                                   {"objective_mean", std::string(t.text(mean))},
                                   {"objective_ci95", std::string(t.text(ci))}});
    }
  }
  // plan.csv: rows in evaluation order; charted per metric, per option, by value.
  struct Point {
    double value, mean, ci95;
    std::string verdict;
  };
  std::vector<std::string> metrics;
  std::map<std::string, std::pair<std::string, double>> bound_of;           // metric -> (max|min, threshold)
  std::map<std::string, std::vector<std::string>> options_of;               // metric -> options, first-seen order
  std::map<std::pair<std::string, std::string>, std::vector<Point>> points; // (metric, option) -> points
  CsvTable t(LineSource::from_file((dir / "plan.csv").string(), "plan.csv written by ccsim plan"), "plan.csv",
             {"option", "value", "metric", "mean", "ci95", "bound", "threshold", "verdict"});
  const int option = t.column("option"), value = t.column("value"), metric = t.column("metric"),
            mean = t.column("mean"), ci = t.column("ci95"), bound = t.column("bound"),
            threshold = t.column("threshold"), verdict = t.column("verdict");
  while (t.next_row()) {
    const std::string m(t.text(metric)), o(t.text(option));
    if (not bound_of.contains(m)) {
      metrics.push_back(m);
      bound_of[m] = {std::string(t.text(bound)), t.number(threshold, -INF, INF)};
    }
    auto& opts = options_of[m];
    if (std::find(opts.begin(), opts.end(), o) == opts.end())
      opts.push_back(o);
    points[{m, o}].push_back({t.number(value, -INF, INF), t.number(mean, -INF, INF), t.number(ci, 0, INF, 0.0),
                              std::string(t.text(verdict))});
  }
  plan["slos"] = Json::array();
  for (const auto& m : metrics) {
    Json by_option = Json::array();
    for (const auto& o : options_of[m]) {
      auto pts = points[{m, o}];
      std::sort(pts.begin(), pts.end(), [](const Point& a, const Point& b) { return a.value < b.value; });
      Json values = Json::array(), means = Json::array(), cis = Json::array(), verdicts = Json::array();
      for (const auto& p : pts) {
        values.push_back(p.value);
        means.push_back(p.mean);
        cis.push_back(p.ci95);
        verdicts.push_back(p.verdict);
      }
      by_option.push_back({{"option", o},
                           {"value", values},
                           {"mean", means},
                           {"ci95", cis},
                           {"verdict", verdicts},
                           {"answer", answers.contains(o) ? answers[o] : Json(nullptr)}});
    }
    plan["slos"].push_back(
        {{"metric", m}, {"bound", bound_of[m].first}, {"threshold", bound_of[m].second}, {"options", by_option}});
  }
  return plan;
}

} // namespace

int report(const ReportOptions& options)
{
  ccsim::report::Limits limits;
  limits.time_bins = options.time_bins;
  limits.gantt_racks = options.racks;
  Json data;
  data["runs"] = Json::array();
  data["sweeps"] = Json::array();
  data["plans"] = Json::array();
  for (const auto& d : options.dirs) {
    const fs::path dir(d);
    if (fs::exists(dir / "sweep.sqlite"))
      try {
        data["sweeps"].push_back(sweep_data(dir, d, options.delta_charts));
      } catch (const InputError&) {
        throw;
      } catch (const std::runtime_error& e) { // SQL on a database that is not a sweep's: bad input, not a bug
        throw InputError((dir / "sweep.sqlite").string(), "",
                         std::string("expected a database written by ccsim sweep: ") + e.what());
      } catch (const nlohmann::json::exception& e) { // a specification of another shape (axes not objects, ...)
        throw InputError((dir / "sweep.sqlite").string(), "sweep",
                         std::string("expected the sweep specification ccsim sweep writes: ") + e.what());
      }
    else if (fs::exists(dir / "summary.json"))
      data["runs"].push_back(ccsim::report::run_data(dir, d, limits));
    else if (fs::exists(dir / "plan.csv") && fs::exists(dir / "decisions.csv"))
      data["plans"].push_back(plan_data(dir, d));
    else if (fs::exists(dir / "compare.csv"))
      for (const auto& sub : compare_runs(dir))
        data["runs"].push_back(ccsim::report::run_data(dir / sub, (fs::path(d) / sub).string(), limits));
    else
      throw InputError(d, "",
                       fs::is_directory(dir)
                           ? "expected a results folder of ccsim run (summary.json), ccsim sweep "
                             "(sweep.sqlite), ccsim compare (compare.csv) or ccsim plan (plan.csv and "
                             "decisions.csv); this folder has none of them"
                           : "expected a results folder of ccsim run or ccsim sweep; no such folder");
  }
  label_runs(data["runs"]);
  const std::string title = not options.title.empty()
                                ? options.title
                                : (options.dirs.size() == 1 ? "ccsim report: " + options.dirs[0] : "ccsim report");
  const fs::path out(options.out);
  if (out.has_parent_path())
    fs::create_directories(out.parent_path());
  AtomicFile file(out);
  file.write(ccsim::report::html_page(title, data));
  file.commit();
  if (not options.quiet)
    std::cout << fmt::format("report      {} ({} runs, {} sweeps{})\n", options.out, data["runs"].size(),
                             data["sweeps"].size(),
                             data["plans"].empty() ? "" : fmt::format(", {} plans", data["plans"].size()));
  return 0;
}

} // namespace ccsim::app
