// src/output/report_data.cpp: the chart data of a run's results folder (ccsim report).
#include "ccsim/output/report_data.hpp"

#include "ccsim/attribution/wait_causes.hpp"
#include "ccsim/core/csv_table.hpp"
#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <optional>
#include <vector>

namespace ccsim::report {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

constexpr double INF = std::numeric_limits<double>::infinity();

struct RackRow {
  std::string name, site, type;
  std::uint64_t first = 0; //!< global index of its first accelerator
  std::uint64_t accelerators = 0;
};

std::vector<RackRow> read_racks(const fs::path& file)
{
  CsvTable t(LineSource::from_file(file.string(), "racks.csv written by ccsim run"), "racks.csv",
             {"rack", "site", "accelerator_type", "accelerators", "first_accelerator"});
  const int c_rack = t.column("rack"), c_site = t.column("site"), c_type = t.column("accelerator_type");
  const int c_acc = t.column("accelerators"), c_first = t.column("first_accelerator");
  std::vector<RackRow> racks;
  std::uint64_t next = 0;
  while (t.next_row()) {
    RackRow r;
    r.name = std::string(t.text(c_rack));
    r.site = t.required_text(c_site, "a site name");
    r.type = t.required_text(c_type, "an accelerator type name");
    r.accelerators = static_cast<std::uint64_t>(t.integer(c_acc, 0, std::int64_t{1} << 40));
    r.first = static_cast<std::uint64_t>(t.integer(c_first, 0, std::int64_t{1} << 40));
    if (r.first < next)
      t.fail(c_first, fmt::format("racks in ascending order of first_accelerator, not overlapping (>= {})", next));
    next = r.first + r.accelerators;
    racks.push_back(std::move(r));
  }
  return racks;
}

//! The index in `racks` (ascending first_accelerator, not overlapping) of the rack holding accelerator `a`, or
//! racks.size() when `a` lies in no rack (past the last one, or in a gap between two).
std::size_t rack_holding(const std::vector<RackRow>& racks, std::uint64_t a)
{
  const auto after =
      std::upper_bound(racks.begin(), racks.end(), a, [](std::uint64_t x, const RackRow& rr) { return x < rr.first; });
  if (after == racks.begin()) // racks[r - 1] is the last rack starting at or before a (a zero-size one comes first)
    return racks.size();
  const auto r = static_cast<std::size_t>(after - racks.begin()) - 1;
  return a < racks[r].first + racks[r].accelerators ? r : racks.size();
}

//! Parses one Batsim interval set ("0-3 7 9-10") and calls f(first, last) for each interval (inclusive).
template <typename F>
void for_each_interval(const CsvTable& t, int col, F&& f)
{
  const std::string_view text = t.text(col);
  std::size_t pos = 0;
  const auto bad = [&] { t.fail(col, "a Batsim interval set of accelerator indices such as \"0-3 7 9-10\""); };
  while (pos < text.size()) {
    if (text[pos] == ' ') {
      pos++;
      continue;
    }
    std::uint64_t a = 0, b = 0;
    auto [p, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), a);
    if (ec != std::errc())
      bad();
    b = a;
    if (p != text.data() + text.size() && *p == '-') {
      auto [q, ec2] = std::from_chars(p + 1, text.data() + text.size(), b);
      if (ec2 != std::errc() || b < a)
        bad();
      p = q;
    }
    if (p != text.data() + text.size() && *p != ' ')
      bad();
    f(a, b);
    pos = static_cast<std::size_t>(p - text.data());
  }
}

//! Busy accelerator-seconds per (row, bin) over `bins` equal bins of [0, horizon_s]. A rack's busy time goes to
//! each of its rows (its site's, its type's, and its own when the occupancy chart shows it), so memory is
//! (sites + types + shown racks) x bins, not racks x bins.
class BinnedBusy {
public:
  BinnedBusy(std::vector<std::vector<std::uint32_t>> rows_of_rack, std::size_t rows, std::size_t bins, double horizon_s)
      : rows_of_rack_(std::move(rows_of_rack))
      , bins_(bins)
      , horizon_s_(horizon_s)
      , busy_(rows * bins, 0.0)
  {
  }
  double edge(std::size_t k) const { return horizon_s_ * static_cast<double>(k) / static_cast<double>(bins_); }
  double width(std::size_t k) const { return edge(k + 1) - edge(k); }
  std::size_t bins() const { return bins_; }

  //! `count` accelerators of rack `rack` busy over [start_s, end_s).
  void add(std::size_t rack, double start_s, double end_s, double count)
  {
    start_s = std::max(start_s, 0.0);
    end_s = std::min(end_s, horizon_s_);
    if (not(end_s > start_s))
      return;
    auto k = bin_of(start_s);
    const auto last = bin_of(end_s);
    while (k > 0 && edge(k) > start_s) // rounding in start_s * scale
      k--;
    for (; k <= last; k++) {
      const double lo = std::max(start_s, edge(k)), hi = std::min(end_s, edge(k + 1));
      if (hi > lo)
        for (const auto row : rows_of_rack_[rack])
          busy_[row * bins_ + k] += count * (hi - lo);
    }
  }
  double at(std::size_t row, std::size_t k) const { return busy_[row * bins_ + k]; }

private:
  //! The bin holding time t, clamped to [0, bins - 1] (in double before the cast: no overflow, NaN -> 0).
  std::size_t bin_of(double t) const
  {
    const double pos = t / horizon_s_ * static_cast<double>(bins_);
    if (not(pos > 0))
      return 0;
    return pos >= static_cast<double>(bins_ - 1) ? bins_ - 1 : static_cast<std::size_t>(pos);
  }

  std::vector<std::vector<std::uint32_t>> rows_of_rack_;
  std::size_t bins_;
  double horizon_s_;
  std::vector<double> busy_;
};

//! Utilization per bin of a group of rows: busy accelerator-seconds / (accelerators x bin width).
//! The waits of ended jobs: how many ended, and the positive waits (8 bytes per job that waited).
struct WaitSample {
  std::uint64_t ended = 0;
  std::vector<double> positive;

  void add(double wait_s)
  {
    ended++;
    if (wait_s > 0)
      positive.push_back(wait_s);
  }

  //! Wait CDF on a log time axis: the share of ended jobs that waited at most t, at up to CDF_POINTS times spaced
  //! evenly in log t from the shortest positive wait to the longest (jobs that did not wait: zero_share).
  //! Precondition: ended > 0.
  Json cdf()
  {
    std::sort(positive.begin(), positive.end());
    constexpr std::size_t CDF_POINTS = 100;
    Json ts = Json::array(), shares = Json::array();
    const auto zero = static_cast<double>(ended - positive.size());
    if (not positive.empty()) {
      const double lo = positive.front(), hi = positive.back();
      const std::size_t n = hi > lo ? CDF_POINTS : 1;
      for (std::size_t k = 0; k < n; k++) {
        const double at = k + 1 == n ? hi : lo * std::pow(hi / lo, static_cast<double>(k) / static_cast<double>(n - 1));
        const auto upto =
            static_cast<double>(std::upper_bound(positive.begin(), positive.end(), at) - positive.begin());
        ts.push_back(at);
        shares.push_back((zero + upto) / static_cast<double>(ended));
      }
    }
    return Json{{"t_s", ts}, {"share", shares}, {"zero_share", zero / static_cast<double>(ended)}};
  }
};

Json group_series(const BinnedBusy& busy, const std::vector<std::size_t>& rows, std::uint64_t accelerators)
{
  Json values = Json::array();
  for (std::size_t k = 0; k < busy.bins(); k++) {
    double sum = 0;
    for (const auto r : rows)
      sum += busy.at(r, k);
    values.push_back(accelerators > 0 ? sum / (static_cast<double>(accelerators) * busy.width(k)) : 0.0);
  }
  return values;
}

struct Group {
  std::string name;
  std::vector<std::size_t> racks; //!< indices in racks.csv
  std::vector<std::size_t> rows;  //!< its rows in BinnedBusy
  std::uint64_t accelerators = 0;
};

//! Groups of racks by key (site or type), in order of first appearance.
std::vector<Group> group_racks(const std::vector<RackRow>& racks, std::string RackRow::*key)
{
  std::vector<Group> groups;
  for (std::size_t r = 0; r < racks.size(); r++) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const Group& g) { return g.name == racks[r].*key; });
    if (it == groups.end())
      it = groups.insert(groups.end(), Group{racks[r].*key, {}, {}, 0});
    it->racks.push_back(r);
    it->accelerators += racks[r].accelerators;
  }
  return groups;
}

Json series_list(const BinnedBusy& busy, const std::vector<Group>& groups)
{
  Json out = Json::array();
  for (const auto& g : groups)
    out.push_back(
        {{"name", g.name}, {"accelerators", g.accelerators}, {"values", group_series(busy, g.rows, g.accelerators)}});
  return out;
}

//! The largest `keep` sites one by one (platform order among equals), the others summed into one line.
std::vector<Group> largest_sites(std::vector<Group> sites, std::size_t keep)
{
  if (sites.size() <= keep + 1)
    return sites;
  std::vector<std::size_t> order(sites.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return sites[a].accelerators > sites[b].accelerators; });
  std::vector<bool> kept(sites.size(), false);
  for (std::size_t i = 0; i < keep; i++)
    kept[order[i]] = true;
  std::vector<Group> out;
  Group other{fmt::format("other {} sites", sites.size() - keep), {}, {}, 0};
  for (std::size_t s = 0; s < sites.size(); s++) {
    if (kept[s]) {
      out.push_back(std::move(sites[s]));
    } else {
      other.rows.insert(other.rows.end(), sites[s].rows.begin(), sites[s].rows.end());
      other.accelerators += sites[s].accelerators;
    }
  }
  out.push_back(std::move(other));
  return out;
}

//! The racks the occupancy chart shows: all, or `max_rows` evenly spaced in platform order (rack j x R / N).
std::vector<std::size_t> shown_racks(std::size_t racks, std::size_t max_rows)
{
  std::vector<std::size_t> rows;
  if (racks <= max_rows) {
    rows.resize(racks);
    std::iota(rows.begin(), rows.end(), 0);
  } else {
    for (std::size_t j = 0; j < max_rows; j++)
      rows.push_back(j * racks / max_rows);
  }
  return rows;
}

//! Rack occupancy rows (the shown racks, whose BinnedBusy rows start at `first_row`): consecutive bins whose
//! occupancy falls in the same tenth merge into one segment [row, start_s, end_s, mean occupancy]; idle
//! stretches draw nothing.
Json gantt(const BinnedBusy& busy, const std::vector<RackRow>& racks, const std::vector<std::size_t>& rows,
           std::size_t first_row)
{
  Json names = Json::array(), segments = Json::array();
  for (std::size_t row = 0; row < rows.size(); row++) {
    const RackRow& rack = racks[rows[row]];
    names.push_back(
        {{"name", rack.name}, {"site", rack.site}, {"type", rack.type}, {"accelerators", rack.accelerators}});
    int level = -1;
    double seg_start = 0, seg_busy = 0;
    const auto close = [&](double end_s) {
      if (level >= 0)
        segments.push_back(
            {row, seg_start, end_s, seg_busy / (static_cast<double>(rack.accelerators) * (end_s - seg_start))});
    };
    for (std::size_t k = 0; k < busy.bins(); k++) {
      const double b = busy.at(first_row + row, k);
      const double occ = rack.accelerators > 0 ? b / (static_cast<double>(rack.accelerators) * busy.width(k)) : 0;
      const int lv = occ > 0 ? static_cast<int>(std::min(9.0, occ * 10)) : -1; // NaN -> idle
      if (lv != level) {
        close(busy.edge(k));
        level = lv;
        seg_start = busy.edge(k);
        seg_busy = 0;
      }
      seg_busy += b;
    }
    close(busy.edge(busy.bins()));
  }
  return {{"racks", names}, {"segments", segments}, {"racks_total", racks.size()}};
}

//! Power and PUE from timeseries.csv, consecutive rows averaged in groups of ceil(rows / max_points); with the
//! `waiting.<cause>` columns (runs whose waits were attributed), the accelerators waiting by cause, averaged the
//! same way. {"power": ..., "waiting": ... or null}.
Json timeseries_data(const fs::path& file, std::size_t max_points)
{
  CsvTable t(LineSource::from_file(file.string(), "timeseries.csv written by ccsim run"), "timeseries.csv",
             {"time_s", "it_power_w", "facility_power_w"});
  // Columns averaged: time, IT power, facility power, then each waiting.<cause> column present.
  std::vector<int> cols = {t.column("time_s"), t.column("it_power_w"), t.column("facility_power_w")};
  std::vector<std::string> causes;
  for (const std::string_view cause : WAIT_CAUSE_NAMES)
    if (const int c = t.column("waiting." + std::string(cause)); c != CsvTable::ABSENT) {
      cols.push_back(c);
      causes.emplace_back(cause);
    }
  // Weather-driven sites: (temperature_c.<site>, pue.<site>) pairs, read after the columns above.
  std::vector<std::string> weather_sites;
  const std::size_t first_weather = cols.size();
  for (const auto& name : t.header())
    if (name.starts_with("temperature_c."))
      if (const std::string site = name.substr(14); t.column("pue." + site) != CsvTable::ABSENT) {
        weather_sites.push_back(site);
        cols.push_back(t.column(name));
        cols.push_back(t.column("pue." + site));
      }
  // A platform that changes over time: the accelerators in service, then the busy.<type> columns (summed).
  const std::size_t first_capacity = cols.size();
  if (const int c = t.column("online_accelerators"); c != CsvTable::ABSENT) {
    cols.push_back(c);
    for (const auto& name : t.header())
      if (name.starts_with("busy."))
        cols.push_back(t.column(name));
  }
  std::vector<std::vector<double>> values(cols.size());
  while (t.next_row())
    for (std::size_t k = 0; k < cols.size(); k++)
      values[k].push_back(k >= first_weather && k < first_capacity && (k - first_weather) % 2 == 0
                              ? t.number(cols[k], -INF, INF)
                              : t.number(cols[k], 0, INF));
  const std::size_t rows = values[0].size();
  const std::size_t points = std::max<std::size_t>(1, max_points);
  const std::size_t group = std::max<std::size_t>(1, (rows + points - 1) / points);
  std::vector<Json> means(cols.size(), Json::array());
  Json j_pue = Json::array();
  for (std::size_t i = 0; i < rows; i += group) {
    const std::size_t n = std::min(group, rows - i);
    std::vector<double> sums(cols.size(), 0.0);
    for (std::size_t k = 0; k < cols.size(); k++)
      for (std::size_t r = i; r < i + n; r++)
        sums[k] += values[k][r];
    for (std::size_t k = 0; k < cols.size(); k++)
      means[k].push_back(sums[k] / static_cast<double>(n));
    j_pue.push_back(sums[1] > 0 ? Json(sums[2] / sums[1]) : Json(nullptr));
  }
  Json out;
  out["power"] = {{"rows", rows},     {"rows_per_point", group}, {"time_s", means[0]},
                  {"it_w", means[1]}, {"facility_w", means[2]},  {"pue", j_pue}};
  out["waiting"] = nullptr;
  if (not causes.empty()) {
    Json by_cause = Json::array();
    for (std::size_t k = 0; k < causes.size(); k++)
      by_cause.push_back({{"cause", causes[k]}, {"accelerators", means[3 + k]}});
    out["waiting"] = {{"rows_per_point", group}, {"time_s", means[0]}, {"by_cause", by_cause}};
  }
  out["weather"] = nullptr;
  if (not weather_sites.empty()) {
    Json sites = Json::array();
    for (std::size_t k = 0; k < weather_sites.size(); k++)
      sites.push_back({{"site", weather_sites[k]},
                       {"temperature_c", means[first_weather + 2 * k]},
                       {"pue", means[first_weather + 2 * k + 1]}});
    out["weather"] = {{"rows_per_point", group}, {"sites", sites}};
  }
  out["capacity"] = nullptr;
  if (cols.size() > first_capacity) {
    Json busy = Json::array();
    for (std::size_t i = 0; i < means[0].size(); i++) {
      double sum = 0;
      for (std::size_t k = first_capacity + 1; k < cols.size(); k++)
        sum += means[k][i].get<double>();
      busy.push_back(sum);
    }
    out["capacity"] = {
        {"rows_per_point", group}, {"time_s", means[0]}, {"online", means[first_capacity]}, {"busy", busy}};
  }
  return out;
}

struct Headline {
  const char* pointer;
  const char* label;
  const char* unit;
};

constexpr Headline HEADLINES[] = {
    {"/jobs/submitted", "jobs submitted", ""},
    {"/jobs/completed", "jobs completed", ""},
    {"/jobs/killed_at_walltime", "jobs killed at walltime", ""},
    {"/makespan_s", "makespan", "s"},
    {"/wait_s/mean", "mean wait", "s"},
    {"/wait_s/p95", "p95 wait", "s"},
    {"/bounded_slowdown/mean", "mean bounded slowdown", ""},
    {"/utilization/accelerators", "accelerator utilization", "fraction"},
    {"/utilization/productive", "productive utilization (reference placement, no staging)", "fraction"},
    {"/stranded/accelerators", "accelerators stranded by rack caps", ""},
    {"/energy/it_kwh", "IT energy", "kWh"},
    {"/energy/facility_kwh", "facility energy", "kWh"},
    {"/pue/effective", "effective PUE", ""},
    {"/cost/electricity", "electricity cost", "currency"},
    {"/carbon/tco2", "carbon", "t CO2"},
    {"/staging/jobs", "jobs whose data moved", ""},
    {"/staging/mean_s", "mean staging time", "s"},
    {"/comm_slowdown/jobs", "jobs slowed by their placement's network", ""},
    {"/comm_slowdown/accelerator_hours", "accelerator-hours added by communication slowdown", "h"},
    {"/tasks/placed", "tasks placed", ""},
    {"/tasks/failed", "tasks failed", ""},
    {"/final/allocation_ratio", "GPU allocation", "fraction"},
    {"/final/fragmentation_ratio", "fragmentation of idle GPUs", "fraction"},
    // With a measurement window (output.window, docs/metrics.md): the same over the window, and a year at its rates.
    {"/window/start_s", "window: start", "s"},
    {"/window/end_s", "window: end", "s"},
    {"/window/jobs/submitted", "window: jobs submitted in it", ""},
    {"/window/wait_s/mean", "window: mean wait", "s"},
    {"/window/wait_s/p95", "window: p95 wait", "s"},
    {"/window/bounded_slowdown/mean", "window: mean bounded slowdown", ""},
    {"/window/utilization/accelerators", "window: accelerator utilization", "fraction"},
    {"/window/energy/facility_kwh", "window: facility energy", "kWh"},
    {"/window/cost/electricity", "window: electricity cost", "currency"},
    {"/window/annualized/facility_kwh", "per year at the window's rates: facility energy", "kWh"},
    {"/window/annualized/electricity_cost", "per year at the window's rates: electricity cost", "currency"},
    {"/window/annualized/tco2", "per year at the window's rates: carbon", "t CO2"},
};

const nlohmann::json* at_pointer(const nlohmann::json& doc, const char* pointer)
{
  const nlohmann::json::json_pointer p(pointer);
  return doc.contains(p) ? &doc.at(p) : nullptr;
}

std::string string_at(const nlohmann::json& doc, const char* pointer)
{
  const auto* v = at_pointer(doc, pointer);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

} // namespace

Json run_data(const fs::path& dir, const std::string& label, const Limits& limits)
{
  const fs::path summary_path = dir / "summary.json";
  const nlohmann::json summary = parse_json_file(summary_path.string());
  if (not summary.is_object())
    throw InputError(summary_path.string(), "", "expected the JSON object ccsim run writes");
  Json run;
  run["label"] = label;
  run["scenario"] = string_at(summary, "/scenario/name");
  if (const auto* seed = at_pointer(summary, "/seed"))
    run["seed"] = *seed;
  run["mode"] = string_at(summary, "/mode").empty() ? "events" : string_at(summary, "/mode");
  run["queue"] = string_at(summary, "/scheduler/queue");
  run["placement"] = string_at(summary, "/scheduler/placement");
  Json headline = Json::array();
  for (const auto& h : HEADLINES)
    if (const auto* v = at_pointer(summary, h.pointer); v != nullptr && v->is_number()) {
      const std::string unit = std::string_view(h.unit) == "currency" ? string_at(summary, "/cost/currency") : h.unit;
      headline.push_back({{"pointer", h.pointer}, {"label", h.label}, {"value", *v}, {"unit", unit}});
    }
  run["headline"] = headline;
  Json notes = Json::array();

  const fs::path jobs_path = dir / "jobs.csv", racks_path = dir / "racks.csv", ts_path = dir / "timeseries.csv";
  const auto* makespan = at_pointer(summary, "/makespan_s");
  const double horizon_s = makespan != nullptr && makespan->is_number() ? makespan->get<double>() : 0.0;

  // Waits and busy time from jobs.csv; racks.csv maps accelerators to racks.
  if (fs::exists(jobs_path)) {
    std::vector<RackRow> racks;
    if (fs::exists(racks_path))
      racks = read_racks(racks_path);
    else
      notes.push_back("racks.csv is absent (results of an older ccsim): no utilization or rack occupancy charts");
    const bool timed = not racks.empty() && horizon_s > 0;
    const std::size_t bins = std::max<std::size_t>(1, limits.time_bins);
    // BinnedBusy rows: one per site, then one per type, then one per rack the occupancy chart shows.
    auto sites = group_racks(racks, &RackRow::site);
    auto types = group_racks(racks, &RackRow::type);
    const auto shown = shown_racks(racks.size(), limits.gantt_racks);
    std::vector<std::vector<std::uint32_t>> rows_of_rack(racks.size());
    std::size_t row_count = 0;
    for (auto* groups : {&sites, &types})
      for (auto& g : *groups) {
        g.rows.push_back(row_count);
        for (const auto r : g.racks)
          rows_of_rack[r].push_back(static_cast<std::uint32_t>(row_count));
        row_count++;
      }
    const std::size_t first_shown_row = row_count;
    for (const auto r : shown)
      rows_of_rack[r].push_back(static_cast<std::uint32_t>(row_count++));
    BinnedBusy busy(std::move(rows_of_rack), timed ? row_count : 0, timed ? bins : 1, timed ? horizon_s : 1.0);
    std::vector<std::uint64_t> wait_counts(std::size(WAIT_EDGES_S) + 2, 0);
    WaitSample all_waits;
    std::map<std::string, WaitSample> class_waits; // by the `class` column, when jobs.csv has it
    std::uint64_t pending = 0;
    CsvTable t(LineSource::from_file(jobs_path.string(), "jobs.csv written by ccsim run"), "jobs.csv",
               {"starting_time", "finish_time", "waiting_time", "allocated_resources"});
    const int c_start = t.column("starting_time"), c_finish = t.column("finish_time");
    const int c_wait = t.column("waiting_time"), c_alloc = t.column("allocated_resources");
    const int c_class = t.column("class"); // CsvTable::ABSENT in runs written before it

    while (t.next_row()) {
      if (t.text(c_start).empty()) {
        pending++;
        continue;
      }
      const double wait = t.number(c_wait, 0, INF);
      all_waits.add(wait);
      if (c_class != CsvTable::ABSENT)
        class_waits[std::string(t.text(c_class))].add(wait);
      std::size_t bin = 0;
      if (wait > 0)
        bin = 1 + static_cast<std::size_t>(std::lower_bound(std::begin(WAIT_EDGES_S), std::end(WAIT_EDGES_S), wait) -
                                           std::begin(WAIT_EDGES_S));
      wait_counts[bin]++;
      if (not timed)
        continue;
      const double start = t.number(c_start, 0, INF), finish = t.number(c_finish, start, INF);
      for_each_interval(t, c_alloc, [&](std::uint64_t a, std::uint64_t b) {
        while (a <= b) { // one rack per step: at most racks.size() steps, whatever b is
          const auto r = rack_holding(racks, a);
          if (r == racks.size())
            t.fail(c_alloc, fmt::format("accelerator indices of racks.csv (index {} is in no rack)", a));
          const RackRow& rack = racks[r];
          const std::uint64_t last = std::min(b, rack.first + rack.accelerators - 1);
          busy.add(r, start, finish, static_cast<double>(last - a + 1));
          a = last + 1;
        }
      });
    }
    Json labels = Json::array({"0 s"});
    const char* names[] = {"<= 1 min", "1-10 min", "10-60 min", "1-6 h", "6-24 h", "> 1 day"};
    for (const char* n : names)
      labels.push_back(n);
    const std::uint64_t ended = all_waits.ended;
    run["waits"] = {
        {"edges_s", WAIT_EDGES_S}, {"labels", labels}, {"counts", wait_counts}, {"jobs", ended}, {"pending", pending}};
    if (ended > 0)
      run["wait_cdf"] = all_waits.cdf();
    // Per class (jobs.csv's `class` column), in class-name order: each class's CDF over its own ended jobs.
    if (class_waits.size() > 1) {
      run["wait_cdf_by_class"] = Json::array();
      for (auto& [name, sample] : class_waits) {
        Json cdf = sample.cdf();
        cdf["class"] = name;
        cdf["jobs"] = sample.ended;
        run["wait_cdf_by_class"].push_back(std::move(cdf));
      }
    }
    if (timed) {
      std::vector<std::size_t> all_sites(sites.size()); // every rack is in exactly one site row
      std::iota(all_sites.begin(), all_sites.end(), 0);
      const std::uint64_t total = std::accumulate(racks.begin(), racks.end(), std::uint64_t{0},
                                                  [](std::uint64_t s, const RackRow& r) { return s + r.accelerators; });
      run["time"] = {{"horizon_s", horizon_s}, {"bins", bins}};
      run["utilization"] = {{"total", group_series(busy, all_sites, total)},
                            {"by_type", series_list(busy, types)},
                            {"by_site", series_list(busy, largest_sites(sites, limits.site_lines))},
                            {"sites", sites.size()}};
      run["gantt"] = gantt(busy, racks, shown, first_shown_row);
    } else if (not racks.empty()) {
      notes.push_back("makespan is 0: no job ran, nothing to draw over time");
    }
  } else {
    notes.push_back(run["mode"] == "fill" ? "fill mode: tasks are placed once, nothing happens over time"
                                          : "jobs.csv is absent: no wait or occupancy charts");
  }
  if (fs::exists(ts_path)) {
    Json ts = timeseries_data(ts_path, limits.power_points);
    run["power"] = std::move(ts["power"]);
    if (not ts["waiting"].is_null())
      run["waiting"] = std::move(ts["waiting"]);
    if (not ts["weather"].is_null())
      run["weather"] = std::move(ts["weather"]);
    if (not ts["capacity"].is_null())
      run["capacity"] = std::move(ts["capacity"]);
  } else if (run["mode"] != "fill")
    notes.push_back("timeseries.csv is absent (output.timeseries_interval_s = 0): no power or PUE chart");
  // Energy and cost by hour of the day (summary.json's by_hour_of_day): when tariffs and carbon bite.
  if (const auto* hours = at_pointer(summary, "/by_hour_of_day"); hours != nullptr && hours->is_array()) {
    Json kwh = Json::array(), cost = Json::array(), tco2 = Json::array();
    for (const auto& h : *hours)
      if (h.is_object()) {
        kwh.push_back(h.value("facility_kwh", 0.0));
        cost.push_back(h.value("cost", 0.0));
        tco2.push_back(h.value("tco2", 0.0));
      }
    if (kwh.size() == 24)
      run["by_hour"] = {
          {"facility_kwh", kwh}, {"cost", cost}, {"tco2", tco2}, {"currency", string_at(summary, "/cost/currency")}};
  }
  run["notes"] = notes;
  return run;
}

} // namespace ccsim::report
