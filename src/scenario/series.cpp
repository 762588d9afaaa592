// src/scenario/series.cpp: tariffs and carbon intensity as piecewise-constant series.
#include "ccsim/scenario/series.hpp"

#include "ccsim/core/csv_table.hpp"
#include "ccsim/core/limits.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <limits>

namespace ccsim {

namespace {

using Need = ObjectReader::Need;
constexpr double HOUR_S = 3600, DAY_S = 86400;
constexpr std::array<int, 12> MONTH_DAYS = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

//! A day's pieces: (from_hour, value), the first from 0, strictly increasing hours below 24.
using Day = std::vector<std::pair<double, double>>;

Day read_day(const ObjectReader& parent, const char* key, double min_value, double max_value)
{
  Day day;
  const auto* v = parent.value(key, Need::OPTIONAL);
  if (v == nullptr)
    return day;
  if (not v->is_array() || v->empty()) {
    parent.error(key, "expected a non-empty array of {\"from_hour\", \"value\"}, the first from hour 0");
    return day;
  }
  for (std::size_t i = 0; i < v->size(); i++) {
    ObjectReader p((*v)[i], parent.pointer_of(key) + "/" + std::to_string(i), parent.file(), parent.diagnostics(),
                   {"from_hour", "value"});
    const double hour = p.number("from_hour", Need::REQUIRED, 0, 24).value_or(0);
    const double value = p.number("value", Need::REQUIRED, min_value, max_value).value_or(0);
    if (i == 0 && hour != 0)
      p.error("from_hour", "expected the first period to start at hour 0 (each holds until the next one's hour)");
    if (i > 0 && not(hour > day.back().first))
      p.error("from_hour",
              fmt::format("expected hours in increasing order (the previous period starts at {})", day.back().first));
    if (hour >= 24)
      p.error("from_hour", "expected an hour below 24");
    day.emplace_back(hour, value);
  }
  return day;
}

//! Appends day `d`'s pieces (starting at d x 86400 s) to times/values, merging equal neighbours.
void append_day(const Day& day, double d, std::vector<double>& times, std::vector<double>& values)
{
  for (const auto& [hour, value] : day) {
    if (not values.empty() && values.back() == value)
      continue;
    times.push_back(d * DAY_S + hour * HOUR_S);
    values.push_back(value);
  }
}

std::optional<StepFunction> read_periods(const ObjectReader& s, double min_value, double max_value)
{
  const std::size_t problems = s.diagnostics().size();
  const Day daily = read_day(s, "daily", min_value, max_value);
  const Day weekend = read_day(s, "weekend", min_value, max_value);
  if (daily.empty()) {
    s.error_here("expected \"daily\" periods (or \"csv\", a series file)");
    return std::nullopt;
  }
  struct Season {
    std::array<bool, 12> months{};
    Day daily, weekend;
  };
  std::vector<Season> seasons;
  std::array<bool, 12> taken{};
  if (const auto* sv = s.value("seasons", Need::OPTIONAL); sv != nullptr && sv->is_array() && sv->empty())
    s.error("seasons", "expected a non-empty array of {\"months\", \"daily\", \"weekend\"}");
  for_each_element(s, "seasons", Need::OPTIONAL, [&](const nlohmann::json& v, const std::string& at) {
    ObjectReader r(v, at, s.file(), s.diagnostics(), {"months", "daily", "weekend"});
    Season season;
    const auto* m = r.value("months", Need::REQUIRED);
    bool ok = m != nullptr && m->is_array() && not m->empty();
    for (std::size_t k = 0; ok && k < m->size(); k++) {
      const auto& x = (*m)[k];
      ok = x.is_number_integer() && x.get<int>() >= 1 && x.get<int>() <= 12;
      if (ok) {
        const auto month = static_cast<std::size_t>(x.get<int>() - 1);
        if (taken[month])
          r.error("months", fmt::format("month {} is already in another season", month + 1));
        season.months[month] = taken[month] = true;
      }
    }
    if (m != nullptr && not ok)
      r.error("months", "expected an array of months, 1 (January) to 12");
    season.daily = read_day(r, "daily", min_value, max_value);
    season.weekend = read_day(r, "weekend", min_value, max_value);
    if (season.daily.empty())
      r.error_here("expected \"daily\" periods for the season");
    seasons.push_back(std::move(season));
  });
  if (s.diagnostics().size() > problems)
    return std::nullopt;
  // One period: a day, a week (t = 0 is a Monday) or a year of 365 days (t = 0 is January 1st).
  std::vector<double> times, values;
  const double days = not seasons.empty() ? 365 : not weekend.empty() ? 7 : 1;
  int month = 0, month_end = MONTH_DAYS[0];
  for (int d = 0; d < static_cast<int>(days); d++) {
    if (d >= month_end)
      month_end += MONTH_DAYS[static_cast<std::size_t>(++month)];
    const bool is_weekend = d % 7 >= 5;
    const Day* day = is_weekend && not weekend.empty() ? &weekend : &daily;
    for (const Season& season : seasons)
      if (season.months[static_cast<std::size_t>(month)])
        day = is_weekend && not season.weekend.empty() ? &season.weekend : &season.daily;
    append_day(*day, d, times, values);
  }
  return StepFunction(std::move(times), std::move(values), days * DAY_S);
}

//! Seconds since the epoch of an ISO 8601 UTC time ("2024-01-01T00:00:00Z", "2024-01-01 00:00:00", fractions
//! and a trailing Z allowed), or NaN.
double iso_time_s(std::string_view text)
{
  std::tm tm{};
  const std::string s(text);
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (rest == nullptr) {
    tm = {};
    rest = strptime(s.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  }
  if (rest == nullptr)
    return std::numeric_limits<double>::quiet_NaN();
  double fraction = 0;
  if (*rest == '.') {
    char* end = nullptr;
    fraction = std::strtod(rest, &end);
    rest = end;
  }
  if (*rest == 'Z')
    rest++;
  if (*rest != '\0')
    return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(timegm(&tm)) + fraction;
}

std::optional<StepFunction> read_csv_series(const ObjectReader& s, double min_value, double max_value,
                                            const std::string& base_dir)
{
  const std::size_t problems = s.diagnostics().size();
  const auto path = s.string("csv", Need::REQUIRED);
  const std::string time_column = s.string("time_column", Need::OPTIONAL).value_or("time_s");
  const std::string value_column = s.string("value_column", Need::OPTIONAL).value_or("value");
  const double scale = s.number("scale", Need::OPTIONAL, 0, 1e9, true).value_or(1);
  const double step_s = s.number("step_s", Need::OPTIONAL, 0, MAX_TIME_S, true).value_or(0);
  const double repeat_s = s.number("repeat_s", Need::OPTIONAL, 0, MAX_TIME_S, true).value_or(0);
  if (not path || s.diagnostics().size() > problems)
    return std::nullopt;
  std::filesystem::path file(*path);
  if (file.is_relative())
    file = std::filesystem::path(base_dir) / file;
  std::vector<double> times, values;
  try {
    CsvTable table(LineSource::from_file(file.string(), "series"), "series", {time_column, value_column});
    const int tc = table.column(time_column), vc = table.column(value_column);
    double origin = 0;
    while (table.next_row()) {
      const std::string_view text = table.text(tc);
      double t = 0;
      char* end = nullptr;
      const std::string copy(text);
      t = std::strtod(copy.c_str(), &end);
      if (copy.empty() || end != copy.c_str() + copy.size()) {
        t = iso_time_s(text);
        if (std::isnan(t))
          table.fail(tc, "a time in s or an ISO 8601 UTC time such as 2024-01-01T00:00:00Z");
      }
      if (times.empty()) {
        origin = t; // a series starts at simulated time 0
      }
      t -= origin;
      if (not(t >= 0 && t <= MAX_TIME_S))
        table.fail(tc, fmt::format("a time in [0, {}] s from the first row", MAX_TIME_S));
      if (not times.empty() && not(t > times.back()))
        table.fail_row(fmt::format("time {} s is not after the previous row's {} s (expected rows in increasing "
                                   "time order)",
                                   t, times.back()));
      if (step_s > 0 && not times.empty() && std::abs(t - times.back() - step_s) > 1e-6 * step_s)
        table.fail_row(fmt::format("a gap: this row is {} s after the previous one (expected step_s = {} s)",
                                   t - times.back(), step_s));
      times.push_back(t);
      values.push_back(table.number(vc, min_value / scale, max_value / scale) * scale);
    }
    if (times.empty())
      table.fail_row("the series has no row (expected time,value rows)");
  } catch (const InputError& e) {
    s.diagnostics().add(e);
    return std::nullopt;
  }
  if (repeat_s > 0 && not(repeat_s > times.back())) {
    s.error("repeat_s", fmt::format("expected a period longer than the last row's time ({} s)", times.back()));
    return std::nullopt;
  }
  return StepFunction(std::move(times), std::move(values), repeat_s);
}

} // namespace

std::optional<StepFunction> read_series(const ObjectReader& parent, const char* key, double max_value,
                                        const std::string& base_dir, double min_value)
{
  const auto* v = parent.value(key, Need::OPTIONAL);
  if (v == nullptr || not v->is_object())
    return std::nullopt;
  ObjectReader s(*v, parent.pointer_of(key), parent.file(), parent.diagnostics(),
                 {"daily", "weekend", "seasons", "csv", "time_column", "value_column", "scale", "step_s", "repeat_s"});
  if (s.has("csv")) {
    for (const char* k : {"daily", "weekend", "seasons"})
      if (s.has(k))
        s.error(k, "a series is either time-of-use periods or a CSV file (expected one of them)");
    return read_csv_series(s, min_value, max_value, base_dir);
  }
  for (const char* k : {"time_column", "value_column", "scale", "step_s", "repeat_s"})
    if (s.has(k))
      s.error(k, "only a CSV series (\"csv\") has this");
  return read_periods(s, min_value, max_value);
}

} // namespace ccsim
