// src/app/explain.cpp: `ccsim explain`: a run's bottleneck (summary.json) and one job's wait, interval by interval
// (jobs.csv, wait_log.csv); docs/metrics.md "Why jobs wait".
#include "explain.hpp"

#include "ccsim/attribution/wait_causes.hpp"
#include "ccsim/core/csv_table.hpp"
#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/core/line_source.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

namespace ccsim::app {

//! `ccsim explain RESULTS --bottleneck`: a run's waiting accelerator-hours by cause, the bottleneck (the dominant
//! cause, the types, sites and classes it weighs most on) and the what-if that would test it (docs/metrics.md "Why
//! jobs wait"), read from its summary.json.
int explain_bottleneck(const std::string& results, bool as_json)
{
  std::filesystem::path path(results);
  if (std::filesystem::is_directory(path))
    path /= "summary.json";
  const nlohmann::json s = parse_json_file(path.string());
  const auto bad = [&](const std::string& pointer, const std::string& expected) {
    return InputError(path.string(), pointer, "expected " + expected);
  };
  if (not s.is_object() || not s.contains("wait_causes") || not s["wait_causes"].is_object())
    throw bad("/wait_causes", "the summary of a run whose waits were attributed (output.wait_causes; on by default "
                              "for first-fit, best-fit, compact and the scored placements)");
  const nlohmann::json& w = s["wait_causes"];
  if (as_json) {
    std::cout << w.dump(2) << "\n";
    return 0;
  }
  // Hours by cause, largest first (file order on a tie), each checked.
  const auto hours_of = [&](const nlohmann::json& o, const std::string& pointer) {
    if (not o.is_object())
      throw bad(pointer, "an object of accelerator-hours by cause");
    std::vector<std::pair<double, std::string>> rows;
    for (const auto& [cause, h] : o.items()) {
      if (not h.is_number() || not(h.get<double>() >= 0))
        throw bad(pointer + "/" + cause, "a number of accelerator-hours >= 0");
      rows.emplace_back(h.get<double>(), cause);
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    return rows;
  };
  const auto hours = [](double h) { // hours readable from 1e-4 to 1e9 (a 3-job case to a national year)
    return h >= 100 ? fmt::format("{:.1f}", h) : h >= 1 || h == 0 ? fmt::format("{:.3f}", h) : fmt::format("{:.4g}", h);
  };
  const auto rows = hours_of(w.value("accelerator_hours", nlohmann::json()), "/wait_causes/accelerator_hours");
  double total = 0;
  for (const auto& [h, cause] : rows)
    total += h;
  std::cout << fmt::format("{}: {} accelerator-hours waited\n", results, hours(total));
  for (const auto& [h, cause] : rows)
    std::cout << fmt::format("  {:<14} {:>12} h {:>6.1f} %\n", cause, hours(h), total > 0 ? 100 * h / total : 0.0);
  if (not w.contains("bottleneck")) {
    std::cout << "bottleneck  none: no job waited\n";
    return 0;
  }
  const nlohmann::json& b = w["bottleneck"];
  for (const char* key : {"cause", "type", "site", "what_if"})
    if (not b.is_object() || not b.contains(key) || not b[key].is_string())
      throw bad(std::string("/wait_causes/bottleneck/") + key, "a string");
  const std::string cause = b["cause"].get<std::string>();
  std::cout << fmt::format("bottleneck  {}\nwhat-if     {}\n", cause, b["what_if"].get<std::string>());
  // Where the bottleneck's hours are: the types, sites and classes with the most of them.
  for (const char* group : {"by_type", "by_site", "by_class", "by_size"}) {
    const std::string pointer = std::string("/wait_causes/") + group;
    if (std::string_view(group) == "by_size" && not w.contains(group))
      continue; // results written before sizes were grouped
    if (not w.contains(group) || not w[group].is_object())
      throw bad(pointer, "an object of hours by cause per name");
    std::vector<std::pair<double, std::string>> where;
    for (const auto& [name, o] : w[group].items())
      for (const auto& [h, c] : hours_of(o, pointer + "/" + name))
        if (c == cause && h > 0) // sizes read as "2 accelerators", "3-4 accelerators"
          where.emplace_back(h, std::string_view(group) != "by_size" ? name
                                : name == "1"                        ? "1 accelerator"
                                                                     : name + " accelerators");
    std::stable_sort(where.begin(), where.end(), [](const auto& x, const auto& y) { return x.first > y.first; });
    std::string text;
    for (std::size_t i = 0; i < where.size() && i < 5; i++)
      text += fmt::format("{}{} {} h", i == 0 ? "" : ", ", where[i].second, hours(where[i].first));
    if (where.size() > 5)
      text += fmt::format(", and {} more", where.size() - 5);
    std::cout << fmt::format("  {:<9} {}\n", std::string_view(group).substr(3), text.empty() ? "-" : text);
  }
  return 0;
}

namespace {

//! What each cause means for the job, in the story's words (docs/metrics.md "Why jobs wait").
constexpr std::array<std::string_view, WAIT_CAUSE_COUNT> CAUSE_STORY{
    "its input data is moving to its site",
    "it fits, but the queue policy holds it",
    "enough accelerators it may use are free, but not in a shape its placement takes",
    "enough accelerators it may use are free, but rack power caps forbid running them",
    "enough accelerators are free, but only of types (or at sites) it may not use",
    "too few accelerators are free, of any type",
};

struct LogRow {
  double from_s, to_s;
  std::size_t cause;
  bool at_head;
  std::string job; //!< for head rows: the job at the head
};

//! The cause named `text` (WAIT_CAUSE_NAMES), or the table's located error.
std::size_t cause_of(const CsvTable& t, int col)
{
  const std::string_view text = t.text(col);
  for (std::size_t c = 0; c < WAIT_CAUSE_COUNT; c++)
    if (WAIT_CAUSE_NAMES[c] == text)
      return c;
  t.fail(col, "a cause: staging, policy, fragmentation, power_cap, eligibility or capacity");
}

std::string seconds(double s)
{
  return fmt::format("{} s", s);
}

//! A duration for reading: seconds up to 2 min, then minutes, hours up to 2 days, days.
std::string readable(double s)
{
  if (s < 120)
    return seconds(s);
  if (s < 7200)
    return fmt::format("{:.1f} min", s / 60);
  if (s < 172800)
    return fmt::format("{:.1f} h", s / 3600);
  return fmt::format("{:.1f} d", s / 86400);
}

} // namespace

int explain_job(const std::string& results, const std::string& job_id, bool as_json)
{
  const std::filesystem::path dir(results);
  const std::filesystem::path jobs_path = dir / "jobs.csv", log_path = dir / "wait_log.csv";
  // The job's row of jobs.csv.
  CsvTable jobs(LineSource::from_file(jobs_path.string(), "jobs.csv written by ccsim run"), "jobs.csv",
                {"job_id", "submission_time", "requested_number_of_resources", "requested_time", "starting_time",
                 "finish_time", "waiting_time", "final_state", "allocated_resources"});
  const int c_id = jobs.column("job_id");
  bool found = false;
  while (not found && jobs.next_row())
    found = jobs.text(c_id) == job_id;
  if (not found)
    throw InputError(jobs_path.string(), "", "expected a job with id \"" + job_id + "\" (no row has it)");
  const auto text = [&](const char* column) { return std::string(jobs.text(jobs.column(column))); };
  const auto number = [&](const char* column) {
    return jobs.number(jobs.column(column), 0, std::numeric_limits<double>::max());
  };
  const double submit = number("submission_time");
  const std::int64_t accelerators = jobs.integer(jobs.column("requested_number_of_resources"), 0, INT64_MAX);
  const std::string state = text("final_state");
  if (state == "PENDING")
    throw InputError(jobs_path.string(), "", "expected a job that started (job \"" + job_id + "\" never did)");
  const double start = number("starting_time"), finish = number("finish_time"), wait = number("waiting_time");
  std::array<double, WAIT_CAUSE_COUNT> by_cause{};
  bool attributed = true;
  for (std::size_t c = 0; c < WAIT_CAUSE_COUNT; c++) {
    const int col = jobs.column("wait_" + std::string(WAIT_CAUSE_NAMES[c]) + "_s");
    attributed = attributed && col != CsvTable::ABSENT && not jobs.text(col).empty();
    if (attributed)
      by_cause[c] = jobs.number(col, 0, std::numeric_limits<double>::max());
  }
  const std::uint64_t row_line = jobs.line();

  // Its intervals, and the rows of the jobs at the head of the queue while it waited.
  std::vector<LogRow> own, heads;
  if (wait > 0) {
    if (not attributed || not std::filesystem::exists(log_path))
      throw InputError(log_path.string(), "",
                       "expected the wait log of a run whose waits were attributed (output.wait_causes; on by "
                       "default for first-fit, best-fit, compact and the scored placements) and logged "
                       "(output.wait_log, on by default)");
    CsvTable log(LineSource::from_file(log_path.string(), "wait_log.csv written by ccsim run"), "wait_log.csv",
                 {"job_id", "from_s", "to_s", "cause", "at_head"});
    const int l_id = log.column("job_id"), l_from = log.column("from_s"), l_to = log.column("to_s");
    const int l_cause = log.column("cause"), l_head = log.column("at_head");
    while (log.next_row()) {
      const std::string_view id = log.text(l_id);
      const bool at_head = log.integer(l_head, 0, 1) == 1;
      if (id != job_id && not at_head)
        continue;
      const double from = log.number(l_from, 0, std::numeric_limits<double>::max());
      const double to = log.number(l_to, from, std::numeric_limits<double>::max());
      if (id == job_id)
        own.push_back(LogRow{from, to, cause_of(log, l_cause), at_head, {}});
      else if (from < start && to > submit)
        heads.push_back(LogRow{from, to, cause_of(log, l_cause), true, std::string(id)});
    }
    // A job's rows tile its wait, in time order (docs/metrics.md "wait_log.csv"): anything else is not this run's.
    double at = submit;
    for (const LogRow& r : own) {
      if (r.from_s != at)
        throw InputError(log_path.string(), "",
                         fmt::format("expected job \"{}\"'s rows to tile its wait from {} (jobs.csv line {}): a row "
                                     "begins at {} s, not {} s",
                                     job_id, seconds(submit), row_line, r.from_s, at));
      at = r.to_s;
    }
    if (at != start)
      throw InputError(log_path.string(), "",
                       fmt::format("expected job \"{}\"'s rows to end at its start, {} (jobs.csv line {}), not {}",
                                   job_id, seconds(start), row_line, seconds(at)));
    std::sort(heads.begin(), heads.end(), [](const LogRow& a, const LogRow& b) { return a.from_s < b.from_s; });
  }
  // The jobs at the head of the queue during [from, to), in order (each once in a row).
  const auto heads_during = [&](const LogRow& r) {
    std::vector<std::pair<double, std::string>> out; // (since, job)
    for (const LogRow& h : heads)
      if (h.from_s < r.to_s && h.to_s > r.from_s && (out.empty() || out.back().second != h.job))
        out.emplace_back(std::max(h.from_s, r.from_s), h.job);
    return out;
  };

  if (as_json) {
    nlohmann::ordered_json j;
    j["job_id"] = job_id;
    j["accelerators"] = accelerators;
    for (const char* key : {"class", "tenant", "precision", "data_site"})
      if (jobs.column(key) != CsvTable::ABSENT)
        j[key] = text(key);
    j["submitted_s"] = submit;
    j["walltime_s"] = number("requested_time");
    j["started_s"] = start;
    j["finished_s"] = finish;
    j["final_state"] = state;
    for (const char* key : {"site", "accelerator_type"})
      if (jobs.column(key) != CsvTable::ABSENT)
        j[key] = text(key);
    j["allocated_resources"] = text("allocated_resources");
    j["wait_s"] = wait;
    if (attributed) {
      nlohmann::ordered_json causes = nlohmann::ordered_json::object();
      for (std::size_t c = 0; c < WAIT_CAUSE_COUNT; c++)
        causes[std::string(WAIT_CAUSE_NAMES[c])] = by_cause[c];
      j["wait_by_cause_s"] = causes;
    }
    j["intervals"] = nlohmann::ordered_json::array();
    for (const LogRow& r : own) {
      nlohmann::ordered_json behind = nlohmann::ordered_json::array();
      if (not r.at_head)
        for (const auto& [since, head] : heads_during(r))
          behind.push_back({{"job_id", head}, {"from_s", since}});
      j["intervals"].push_back({{"from_s", r.from_s},
                                {"to_s", r.to_s},
                                {"cause", WAIT_CAUSE_NAMES[r.cause]},
                                {"at_head", r.at_head},
                                {"behind", behind}});
    }
    std::cout << j.dump(2) << "\n";
    return 0;
  }

  std::string labels;
  for (const char* key : {"class", "precision", "tenant"})
    if (jobs.column(key) != CsvTable::ABSENT && not jobs.text(jobs.column(key)).empty())
      labels += (labels.empty() ? "" : ", ") + text(key);
  std::cout << fmt::format("job {}: {} accelerator{}{}, walltime {}\n", job_id, accelerators,
                           accelerators == 1 ? "" : "s", labels.empty() ? "" : " (" + labels + ")",
                           seconds(number("requested_time")));
  std::cout << fmt::format("  {:<12} {:<10} submitted\n", seconds(submit), "+0 s");
  if (wait > 0) {
    std::string split;
    for (std::size_t c = 0; c < WAIT_CAUSE_COUNT; c++)
      if (by_cause[c] > 0)
        split += fmt::format("{}{} {}", split.empty() ? "" : ", ", WAIT_CAUSE_NAMES[c], seconds(by_cause[c]));
    for (const LogRow& r : own) {
      std::string where;
      if (r.at_head) {
        where = "; it heads the queue";
      } else {
        const auto behind = heads_during(r);
        for (std::size_t k = 0; k < behind.size(); k++)
          where += k == 0 ? fmt::format("; behind {} (the queue's head)", behind[k].second)
                          : fmt::format(", then {} from +{}", behind[k].second, readable(behind[k].first - submit));
      }
      std::cout << fmt::format("  {:<12} {:<10} {:<13} {}{}\n", seconds(r.from_s), "+" + readable(r.from_s - submit),
                               WAIT_CAUSE_NAMES[r.cause], CAUSE_STORY[r.cause], where);
    }
    std::cout << fmt::format("  {:<12} {:<10} started after waiting {} ({})\n", seconds(start), "+" + readable(wait),
                             seconds(wait), split);
  } else {
    std::cout << fmt::format("  {:<12} {:<10} started at once\n", seconds(start), "+0 s");
  }
  std::string place;
  if (jobs.column("site") != CsvTable::ABSENT)
    place = fmt::format(" at {} on {}", text("site"), text("accelerator_type"));
  std::cout << fmt::format("  {:<12} {:<10} {} after running {}{}, accelerators {}\n", seconds(finish),
                           "+" + readable(finish - submit),
                           state == "COMPLETED_WALLTIME_REACHED" ? "killed at its walltime" : "ended",
                           seconds(finish - start), place, text("allocated_resources"));
  return 0;
}

} // namespace ccsim::app
