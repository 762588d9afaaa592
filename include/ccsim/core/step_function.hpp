// include/ccsim/core/step_function.hpp: a piecewise-constant function of time (tariffs, carbon intensity).
#pragma once

#include <vector>

namespace ccsim {

//! f(t) = values[i] on [times[i], times[i + 1]), the last value until the end of the period (or forever without
//! one); times[0] = 0, strictly increasing. With a period P > 0 (> times.back()), f(t) = f(t mod P). Integrals are
//! exact sums of value x length over the pieces (docs/model.md "Tariffs and carbon over time").
class StepFunction {
public:
  StepFunction() = default;
  //! `times` and `values` as above (checked by the caller: the loader reports problems located).
  StepFunction(std::vector<double> times, std::vector<double> values, double period_s = 0);
  static StepFunction constant(double value) { return StepFunction({0.0}, {value}); }

  double at(double t) const;
  //! The integral of f over [a, b] (b >= a >= 0), in value x seconds.
  double integral(double a, double b) const;
  //! The time-weighted mean over one period; without a period, over [0, times.back()] (the last value, which holds
  //! forever, only when it is the only one).
  double mean() const;
  //! The first time after `t` at which f may change value (a step, or a period's start); +infinity when none.
  double next_change(double t) const;
  bool empty() const { return times_.empty(); }
  double period_s() const { return period_; }
  const std::vector<double>& times() const { return times_; }
  const std::vector<double>& values() const { return values_; }

private:
  //! The integral over [0, t] for t within the first period (or anywhere without a period).
  double cumulative(double t) const;
  std::vector<double> times_, values_;
  std::vector<double> cumulative_; //!< integral over [0, times[i]]
  double period_ = 0;
  double period_integral_ = 0; //!< integral over one period
};

} // namespace ccsim
