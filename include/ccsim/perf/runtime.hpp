// include/ccsim/perf/runtime.hpp: how long a job computes on a type of accelerator (docs/model.md "Run time").
#pragma once

#include "ccsim/cluster/cluster.hpp"
#include "ccsim/workload/job.hpp"

namespace ccsim {

//! Bytes `job` moves between its accelerators' memory and compute units over its run: memory_bytes, else
//! work_flop / arithmetic_intensity, else 0 (compute-bound only).
double memory_bytes_of(const Job& job);

//! Seconds `job` runs on its accelerators of `type` without a power limit: steps x the measured step time with a
//! step_table (docs/workloads.md "Measured step times"; NaN where the table has no such size for the type); its
//! duration when replaying a trace
//! (scaled by the peak of the type it was measured on over `type`'s, at its precision, when the workload names that
//! type), else the roofline: max(work_flop / peak_flop_per_s[precision], memory_bytes_of(job) /
//! memory_bandwidth_byte_per_s) / (accelerators x efficiency).
double unlimited_runtime_s(const Job& job, const AcceleratorType& type);
//! The computing part of it: unlimited_runtime_s without the memory term (what the job's work takes at its
//! efficiency of peak; the work metrics count it).
double compute_runtime_s(const Job& job, const AcceleratorType& type);
//! The same under `type`'s power limit: unlimited_runtime_s / type.speed(job.activity) (docs/model.md "Power").
double runtime_s(const Job& job, const AcceleratorType& type);

} // namespace ccsim
