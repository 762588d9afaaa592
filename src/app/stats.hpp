// src/app/stats.hpp: means and 95 % confidence intervals over seeds (sweep deltas, compare --seeds; app-private).
#pragma once

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <map>
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

//! A metric over seeds against a baseline's: mean and CI of its values, and mean and CI of the paired differences
//! with the baseline over the seeds both have (NaN without any).
struct SeedStats {
  std::size_t n = 0;
  double mean = 0, ci95 = 0;
  double baseline_mean = std::nan(""), delta = std::nan(""), delta_ci95 = std::nan("");
};

//! `values` and `baseline` (may be null): seed -> value.
inline SeedStats seed_stats(const std::map<std::uint64_t, double>& values,
                            const std::map<std::uint64_t, double>* baseline)
{
  std::vector<double> x, diff, b;
  for (const auto& [seed, v] : values) {
    x.push_back(v);
    if (baseline != nullptr)
      if (const auto bs = baseline->find(seed); bs != baseline->end()) {
        diff.push_back(v - bs->second);
        b.push_back(bs->second);
      }
  }
  SeedStats out;
  out.n = x.size();
  const auto [mean, sd] = mean_sd(x);
  out.mean = mean;
  out.ci95 = ci95(sd, x.size());
  if (not diff.empty()) {
    const auto [dm, dsd] = mean_sd(diff);
    out.delta = dm;
    out.delta_ci95 = ci95(dsd, diff.size());
    out.baseline_mean = mean_sd(b).first;
  }
  return out;
}

} // namespace ccsim::app
