// src/app/stats.hpp: means and 95 % confidence intervals over seeds (sweep deltas, compare --seeds; app-private).
#pragma once

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>

#include <cmath>
#include <cstddef>
#include <utility>
#include <vector>

namespace ccsim::app {

//! Two-sided 95 % half-width of the mean of n samples with sample standard deviation sd; NaN for n < 2 (one
//! sample says nothing about its spread: written empty, not 0, which would claim certainty).
inline double ci95(double sd, std::size_t n)
{
  if (n < 2)
    return std::nan("");
  const boost::math::students_t t(static_cast<double>(n - 1));
  return boost::math::quantile(boost::math::complement(t, 0.025)) * sd / std::sqrt(static_cast<double>(n));
}

//! Mean and sample standard deviation (0 for one sample) of a non-empty sample.
inline std::pair<double, double> mean_sd(const std::vector<double>& x)
{
  // Identical values (a workload the seed does not change): their mean exactly, no spread (rounding in the sum
  // would otherwise show a spread of 1e-15).
  if (std::all_of(x.begin(), x.end(), [&](double v) { return v == x.front(); }))
    return {x.front(), 0.0};
  double mean = 0;
  for (const double v : x)
    mean += v;
  mean /= static_cast<double>(x.size());
  double ss = 0;
  for (const double v : x)
    ss += (v - mean) * (v - mean);
  return {mean, x.size() > 1 ? std::sqrt(ss / static_cast<double>(x.size() - 1)) : 0.0};
}

} // namespace ccsim::app
