// include/ccsim/prepare/prepare.hpp: the prepare stage, between load and simulate.
#pragma once

#include "ccsim/cluster/cluster.hpp"
#include "ccsim/core/error.hpp"
#include "ccsim/policy/registry.hpp"
#include "ccsim/scenario/scenario.hpp"
#include "ccsim/workload/importers.hpp"
#include "ccsim/workload/job.hpp"
#include "ccsim/workload/job_source.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
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

//! Resolves jobs against a platform: eligible types (precision, memory, `accept`), the data site's index and a
//! default walltime (the duration, or the runtime on the slowest eligible type). One instance serves a whole
//! workload (it caches per data site and eligibility what every job would otherwise recompute).
class JobResolver {
public:
  //! CPU-only jobs (0 accelerators) are allowed only with `cpu_only_allowed` (fill mode); they are eligible on
  //! every node type.
  JobResolver(const Cluster& cluster, bool cpu_only_allowed);
  //! Resolves `job`; reports a job no pool can hold (unknown accept name, no eligible type, more accelerators than
  //! the largest eligible pool, or than all pools for a job that may span sites) into `diags`, located in `file`
  //! at where() (called only on a problem: a JSON pointer, or "line N" for line-based traces). Returns false when
  //! it reported a problem.
  bool resolve(Job& job, const std::string& file, const std::function<std::string()>& where, Diagnostics& diags);

private:
  const Cluster* cluster_;
  bool cpu_only_allowed_;
  std::vector<std::uint64_t> largest_pool_, all_pools_; //!< per type
  //! A platform that changes over time: per pool, (from_s, the most its racks' limits ever allow from then on) at
  //! each change, ascending (a job must fit in what remains after its submission).
  std::vector<std::vector<std::pair<double, std::uint64_t>>> pool_future_;
  //! The most accelerators pool `p` may ever hold at once at or after `t`.
  std::uint64_t pool_capacity_after(std::uint32_t p, double t) const;
  std::string known_types_, known_sites_;
  std::map<std::string, std::uint32_t, std::less<>> site_index_;
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint32_t>
      unreachable_; //!< (site, eligible) -> site or NO_SITE
};

namespace detail {
struct Workload;
} // namespace detail

//! Everything a run needs, built once, in this order: the overrides applied, the platform (Cluster) with its
//! cross-checks, the workload checked in one streaming pass (every job resolved against the platform, ids unique,
//! counts), the policy-specific checks, the policies from the registry. The jobs themselves are not held (unless
//! asked for): open_jobs() streams them again for the simulation.
struct PreparedRun {
  Scenario scenario;
  Cluster cluster;
  ImportReport workload_report; //!< where the jobs came from ("inline", "generate" or a trace format) and counts
  std::uint64_t job_count = 0;  //!< jobs the workload holds (kept by its importer)
  //! A generated workload: the usable accelerators its offered_load is relative to, and its mean arrival rate
  //! (at t = 0, before growth and cycles), jobs/s.
  std::uint64_t reference_accelerators = 0;
  double arrival_rate_per_s = 0;
  ScenarioPolicies policies; //!< queue and placement (event mode) or fill policy (fill mode)
  //! Every resolved job by Job::index, when prepare() was asked to hold them (fill mode, tests); else empty.
  std::vector<Job> jobs;

  //! A stream of the resolved jobs in submission order, from the start; one per simulation. The PreparedRun must
  //! outlive it and stay where it is.
  std::unique_ptr<JobSource> open_jobs() const;

  std::shared_ptr<const detail::Workload> workload_; //!< how open_jobs() reads the workload again
};

//! The prepare stage. Throws InputError with every problem found, located in the scenario (JSON pointer) or the
//! trace (line or pointer). With `hold_jobs`, run.jobs keeps every resolved job.
PreparedRun prepare(Scenario scenario, const Overrides& overrides = {},
                    const PolicyRegistry& registry = PolicyRegistry::global(), bool hold_jobs = false);

//! The usable accelerators a generated workload's offered_load is relative to (GeneratorSpec::Reference): the given
//! count, the file's platform before --set edits (Scenario::unedited), or `cluster`.
std::uint64_t generator_reference_accelerators(const Scenario& s, const Cluster& cluster);

//! Resolves every job of `jobs` (JobResolver), locating job i at locate(i).
void resolve_jobs(std::span<Job> jobs, const Cluster& cluster, const std::string& file,
                  const std::function<std::string(std::size_t)>& locate, Diagnostics& diags,
                  bool cpu_only_allowed = false);

} // namespace ccsim
