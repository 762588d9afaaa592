// include/ccsim/workload/workload.hpp
#pragma once

#include "ccsim/cluster/cluster.hpp"
#include "ccsim/core/error.hpp"
#include "ccsim/workload/job.hpp"

#include <functional>
#include <span>
#include <string>
#include <vector>

namespace ccsim {

//! Seconds `job` runs on `accelerators` of `type`: its duration when replaying a trace, else
//! work_flop / (accelerators x peak_flop_per_s[precision] x efficiency).
double runtime_s(const Job& job, const AcceleratorType& type);

//! Resolves each job against the platform: sets eligible_types (types that support the job's precision and
//! match its `accept` list) and a default walltime (its duration, or its runtime on the slowest eligible type).
//! Reports a job no pool can hold (unknown accept name, no eligible type, more accelerators than the largest
//! eligible pool) at locate(index) (a JSON pointer, or "line N" for line-based traces). CPU-only jobs
//! (0 accelerators) are allowed only when `cpu_only_allowed` (fill mode); they are eligible on every node type.
void resolve_jobs(std::span<Job> jobs, const Cluster& cluster, const std::string& file,
                  const std::function<std::string(std::size_t)>& locate, Diagnostics& diags,
                  bool cpu_only_allowed = false);

//! Job indices sorted by (submit time, input order): the order the engine submits them.
std::vector<std::uint32_t> submission_order(std::span<const Job> jobs);

} // namespace ccsim
