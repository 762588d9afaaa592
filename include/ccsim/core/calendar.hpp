// include/ccsim/core/calendar.hpp: the 365-day calendar of by-month figures (t = 0 is January 1st, 00:00).
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>

namespace ccsim {

inline constexpr double DAY_S = 86400.0;
inline constexpr double YEAR_S = 365.0 * DAY_S;
//! Month m spans days [MONTH_START_DAY[m], MONTH_START_DAY[m + 1]) of each year (months of 31, 28, 31, ... days).
inline constexpr std::array<int, 13> MONTH_START_DAY = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

//! The month (0-11) of day `day` (days from t = 0; a run past a year adds its second year to the same months).
inline std::size_t month_of_day(double day)
{
  const auto day_of_year = static_cast<int>(std::fmod(day, 365.0));
  return static_cast<std::size_t>(std::upper_bound(MONTH_START_DAY.begin() + 1, MONTH_START_DAY.end(), day_of_year) -
                                  (MONTH_START_DAY.begin() + 1));
}

//! The year (0, 1, ...) of time t_s (365-day years from t = 0).
inline std::size_t year_of(double t_s)
{
  return static_cast<std::size_t>(std::max(0.0, std::floor(t_s / YEAR_S)));
}

//! Calls f(month, from, to) for the pieces [from, to) of [from_s, to_s) in each month, in order.
template <typename F>
void split_by_month(double from_s, double to_s, F&& f)
{
  double year = std::floor(from_s / YEAR_S);
  std::size_t k = 1; // the next month boundary: day MONTH_START_DAY[k] of `year`
  while (year * YEAR_S + MONTH_START_DAY[k] * DAY_S <= from_s)
    if (++k == MONTH_START_DAY.size()) {
      k = 1;
      year++;
    }
  for (double t = from_s; t < to_s;) {
    const double end = std::min(to_s, year * YEAR_S + MONTH_START_DAY[k] * DAY_S);
    f(k - 1, t, end);
    t = end;
    if (++k == MONTH_START_DAY.size()) {
      k = 1;
      year++;
    }
  }
}

} // namespace ccsim
