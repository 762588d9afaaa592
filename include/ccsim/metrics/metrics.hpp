// include/ccsim/metrics/metrics.hpp
#pragma once

#include "ccsim/engine/run_result.hpp"
#include "ccsim/fill/fill.hpp"
#include "ccsim/power/energy.hpp"
#include "ccsim/scenario/scenario.hpp"

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

//! IT energy attributed to a job, J: execution x sum over its nodes of (k x accelerator max power + node base
//! power x k / accelerators on the node), k = its accelerators on that node.
double job_energy_j(const Cluster& cluster, const JobRecord& record, std::span<const NodeSlots> slots);

//! Peak FLOP/s a type is rated at for "available computing power": its bf16 peak, else fp16, fp32, fp64, tf32,
//! fp8, int8 (the first it supports).
double reference_peak_flop_per_s(const AcceleratorType& type);

//! summary.json: simulated results only (no wall-clock figures), so reruns are byte-identical.
//! `meter` (optional) adds energy, PUE, cost and carbon.
nlohmann::ordered_json summarize(const Scenario& scenario, const Cluster& cluster, std::span<const Job> jobs,
                                 const RunResult& result, const EnergyMeter* meter = nullptr);

//! summary.json of a fill-mode run (docs/workloads.md, "Fill-to-capacity mode").
nlohmann::ordered_json fill_summary(const Scenario& scenario, std::span<const Job> jobs, const FillResult& result);

} // namespace ccsim
