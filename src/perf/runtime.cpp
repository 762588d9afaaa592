// src/perf/runtime.cpp
#include "ccsim/perf/runtime.hpp"

#include "ccsim/workload/step_table.hpp"

#include <algorithm>
#include <cmath>

namespace ccsim {

double memory_bytes_of(const Job& job)
{
  if (job.memory_bytes > 0)
    return job.memory_bytes;
  return job.arithmetic_intensity > 0 && not std::isnan(job.work_flop) ? job.work_flop / job.arithmetic_intensity : 0.0;
}

double compute_runtime_s(const Job& job, const AcceleratorType& type)
{
  if (job.step_table != nullptr) // measured: efficiency and peak are in the measurement
    return job.steps * job.step_table->step_s(type.name, job.accelerators);
  const double peak = type.peak_flop_per_s[static_cast<std::size_t>(job.precision)];
  if (not std::isnan(job.duration_s))
    return job.duration_reference_flop_per_s > 0 ? job.duration_s * (job.duration_reference_flop_per_s / peak)
                                                 : job.duration_s;
  return job.work_flop / (static_cast<double>(job.accelerators) * peak * job.efficiency);
}

double unlimited_runtime_s(const Job& job, const AcceleratorType& type)
{
  const double compute_s = compute_runtime_s(job, type);
  if (not std::isnan(job.duration_s) || job.step_table != nullptr)
    return compute_s;
  const double bytes = memory_bytes_of(job);
  if (bytes <= 0)
    return compute_s;
  // The roofline: moving the bytes at the memory bandwidth, at the job's efficiency, overlapped with computing.
  const double memory_s =
      bytes / (static_cast<double>(job.accelerators) * type.memory_bandwidth_byte_per_s * job.efficiency);
  return std::max(compute_s, memory_s);
}

double runtime_s(const Job& job, const AcceleratorType& type)
{
  const double speed = type.speed(job.activity);
  const double run = unlimited_runtime_s(job, type);
  return speed < 1 ? run / speed : run;
}

} // namespace ccsim
