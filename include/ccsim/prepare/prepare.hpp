// include/ccsim/prepare/prepare.hpp: the prepare stage, between load and simulate.
#pragma once

#include "ccsim/cluster/cluster.hpp"
#include "ccsim/core/error.hpp"
#include "ccsim/policy/registry.hpp"
#include "ccsim/scenario/scenario.hpp"
#include "ccsim/workload/importers.hpp"
#include "ccsim/workload/job.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ccsim {

//! Choices made on the command line after the scenario is loaded (`ccsim run --seed/--queue/--placement`). They are
//! applied before every check that depends on them, so a policy named here is checked as if the file named it.
struct Overrides {
  std::optional<std::uint64_t> seed; //!< replaces the scenario's seed (the generator draws its jobs with it)
  std::string queue_policy;          //!< empty: the scenario's
  std::string placement_policy;      //!< empty: the scenario's
  //! A policy named here takes no parameters from the scenario file: only those the command line itself gave
  //! (`--set /scheduler/queue_params=...`, which the caller reports by setting these).
  bool keep_queue_params = false, keep_placement_params = false;
};

//! Everything a run needs, built once, in this order: the overrides applied, the platform (Cluster) with its
//! cross-checks, the workload imported or generated and resolved against the platform (eligible types, default
//! walltimes, data sites), the policy-specific checks, the policies from the registry.
struct PreparedRun {
  Scenario scenario;
  Cluster cluster;
  std::vector<Job> jobs;        //!< resolved, in input order
  ImportReport workload_report; //!< where the jobs came from ("inline", "generate" or a trace format) and counts
  ScenarioPolicies policies;    //!< queue and placement (event mode) or fill policy (fill mode)
};

//! The prepare stage. Throws InputError with every problem found, located in the scenario (JSON pointer) or the
//! trace (line or pointer).
PreparedRun prepare(Scenario scenario, const Overrides& overrides = {},
                    const PolicyRegistry& registry = PolicyRegistry::global());

//! Resolves each job against the platform: sets eligible_types (types that support the job's precision, have the
//! memory it needs and match its `accept` list), its data site's index, and a default walltime (its duration, or
//! its runtime on the slowest eligible type). Reports a job no pool can hold (unknown accept name, no eligible
//! type, more accelerators than the largest eligible pool, or all pools for a job that may span sites) at
//! locate(index) (a JSON pointer, or "line N" for line-based traces). CPU-only jobs (0 accelerators) are allowed
//! only when `cpu_only_allowed` (fill mode); they are eligible on every node type.
void resolve_jobs(std::span<Job> jobs, const Cluster& cluster, const std::string& file,
                  const std::function<std::string(std::size_t)>& locate, Diagnostics& diags,
                  bool cpu_only_allowed = false);

} // namespace ccsim
