// src/perf/runtime.cpp
#include "ccsim/perf/runtime.hpp"

#include <cmath>

namespace ccsim {

double runtime_s(const Job& job, const AcceleratorType& type)
{
  if (not std::isnan(job.duration_s))
    return job.duration_s;
  const double peak = type.peak_flop_per_s[static_cast<std::size_t>(job.precision)];
  return job.work_flop / (static_cast<double>(job.accelerators) * peak * job.efficiency);
}

} // namespace ccsim
