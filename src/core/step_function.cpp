// src/core/step_function.cpp
#include "ccsim/core/step_function.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace ccsim {

StepFunction::StepFunction(std::vector<double> times, std::vector<double> values, double period_s)
    : times_(std::move(times))
    , values_(std::move(values))
    , period_(period_s)
{
  cumulative_.assign(times_.size(), 0.0);
  for (std::size_t i = 1; i < times_.size(); i++)
    cumulative_[i] = cumulative_[i - 1] + values_[i - 1] * (times_[i] - times_[i - 1]);
  if (period_ > 0 && not times_.empty())
    period_integral_ = cumulative_.back() + values_.back() * (period_ - times_.back());
}

double StepFunction::at(double t) const
{
  if (times_.empty())
    return 0;
  if (period_ > 0)
    t = std::fmod(t, period_);
  const auto it = std::upper_bound(times_.begin(), times_.end(), t);
  return values_[it == times_.begin() ? 0 : static_cast<std::size_t>(it - times_.begin()) - 1];
}

double StepFunction::cumulative(double t) const
{
  const auto it = std::upper_bound(times_.begin(), times_.end(), t);
  const std::size_t i = it == times_.begin() ? 0 : static_cast<std::size_t>(it - times_.begin()) - 1;
  return cumulative_[i] + values_[i] * (t - times_[i]);
}

double StepFunction::integral(double a, double b) const
{
  if (times_.empty() || not(b > a))
    return 0;
  if (period_ <= 0)
    return cumulative(b) - cumulative(a);
  // Whole periods between, plus the partial ones at each end.
  const double pa = std::floor(a / period_);
  const double pb = std::floor(b / period_);
  const double in_a = a - pa * period_;
  const double in_b = b - pb * period_;
  return (pb - pa) * period_integral_ + cumulative(in_b) - cumulative(in_a);
}

double StepFunction::next_change(double t) const
{
  constexpr double INF = std::numeric_limits<double>::infinity();
  if (times_.size() <= 1)
    return INF; // constant, periodic or not
  double base = 0;
  double in = t;
  if (period_ > 0) {
    base = std::floor(t / period_) * period_;
    in = t - base;
  }
  const auto it = std::upper_bound(times_.begin(), times_.end(), in);
  const double next = it != times_.end() ? base + *it : period_ > 0 ? base + period_ : INF;
  return std::max(next, std::nextafter(t, INF)); // progress even where t + a step rounds to t
}

double StepFunction::mean() const
{
  if (times_.empty())
    return 0;
  if (period_ > 0)
    return period_integral_ / period_;
  if (times_.size() == 1 || times_.back() <= 0)
    return values_.back();
  return cumulative_.back() / times_.back();
}

} // namespace ccsim
