// include/ccsim/perf/runtime.hpp: how long a job computes on a type of accelerator (docs/model.md "Run time").
#pragma once

#include "ccsim/cluster/cluster.hpp"
#include "ccsim/workload/job.hpp"

namespace ccsim {

//! Seconds `job` runs on its accelerators of `type` without a power limit: its duration when replaying a trace
//! (scaled by the peak of the type it was measured on over `type`'s, at its precision, when the workload names that
//! type), else work_flop / (accelerators x peak_flop_per_s[precision] x efficiency).
double unlimited_runtime_s(const Job& job, const AcceleratorType& type);
//! The same under `type`'s power limit: unlimited_runtime_s / type.speed(job.activity) (docs/model.md "Power").
double runtime_s(const Job& job, const AcceleratorType& type);

} // namespace ccsim
