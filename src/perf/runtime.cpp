// src/perf/runtime.cpp
#include "ccsim/perf/runtime.hpp"

#include <cmath>

namespace ccsim {

double unlimited_runtime_s(const Job& job, const AcceleratorType& type)
{
  const double peak = type.peak_flop_per_s[static_cast<std::size_t>(job.precision)];
  if (not std::isnan(job.duration_s))
    return job.duration_reference_flop_per_s > 0 ? job.duration_s * (job.duration_reference_flop_per_s / peak)
                                                 : job.duration_s;
  return job.work_flop / (static_cast<double>(job.accelerators) * peak * job.efficiency);
}

double runtime_s(const Job& job, const AcceleratorType& type)
{
  const double speed = type.speed(job.activity);
  const double run = unlimited_runtime_s(job, type);
  return speed < 1 ? run / speed : run;
}

} // namespace ccsim
