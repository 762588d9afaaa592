// include/ccsim/metrics/metrics.hpp
#pragma once

#include "ccsim/engine/dispatcher.hpp"

#include <nlohmann/json.hpp>

#include <span>
#include <vector>

namespace ccsim {

//! Bounded-slowdown threshold tau, seconds (Feitelson / RLScheduler convention).
inline constexpr double BSLD_TAU_S = 10.0;

//! Per-job figures derived from a record (docs/metrics.md).
struct JobMetrics {
  double wait_s;           //!< start - submit
  double execution_s;      //!< finish - start
  double turnaround_s;     //!< finish - submit
  double bounded_slowdown; //!< max(1, turnaround / max(execution, tau))
};
JobMetrics job_metrics(const Job& job, const JobRecord& record);

//! Linear-interpolation quantile (numpy's default) of `values`, q in [0, 1]; 0 for no values. Reorders values.
double quantile(std::vector<double>& values, double q);

//! summary.json: simulated results only (no wall-clock figures), so reruns are byte-identical.
nlohmann::ordered_json summarize(const Scenario& scenario, const Cluster& cluster, std::span<const Job> jobs,
                                 const RunResult& result);

} // namespace ccsim
