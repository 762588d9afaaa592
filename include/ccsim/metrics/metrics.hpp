// include/ccsim/metrics/metrics.hpp
#pragma once

#include "ccsim/core/exact_sum.hpp"
#include "ccsim/engine/run_result.hpp"
#include "ccsim/fill/fill.hpp"
#include "ccsim/power/energy.hpp"
#include "ccsim/scenario/scenario.hpp"

#include <nlohmann/json.hpp>

#include <deque>
#include <optional>
#include <span>
#include <vector>

namespace ccsim {

//! Bounded-slowdown threshold tau, seconds (Feitelson / RLScheduler convention).
inline constexpr double BSLD_TAU_S = 10.0;

//! Job sizes grouped by powers of two (summary.json's by_size): bucket 0 holds 1 accelerator, 1 holds 2, b >= 2
//! holds 2^(b-1) + 1 to 2^b.
inline constexpr std::size_t SIZE_BUCKETS = 33;
inline std::size_t size_bucket(std::uint64_t accelerators)
{
  return accelerators <= 1 ? 0 : static_cast<std::size_t>(std::bit_width(accelerators - 1));
}
//! The bucket's name: "1", "2", "3-4", "5-8", ...
std::string size_bucket_name(std::size_t bucket);

//! Per-job figures derived from a record (docs/metrics.md).
struct JobMetrics {
  double wait_s;          //!< start - submit
  double execution_s;     //!< finish - start
  double turnaround_s;    //!< finish - submit
  double reference_run_s; //!< (execution - staging held) / comm_slowdown: its run time alone at its reference placement
  double bounded_slowdown; //!< max(1, turnaround / max(reference_run, tau))
};
JobMetrics job_metrics(const Job& job, const JobRecord& record);

//! Linear-interpolation quantile (numpy's default) of `values`, q in [0, 1]; 0 for no values. Reorders values.
double quantile(std::vector<double>& values, double q);

//! IT energy attributed to a job, J: its computing time x sum over its nodes of (k x (idle + active_w(activity))
//! + busy node base power x k / accelerators on the node), k = its accelerators on that node, plus its time held
//! idle at idle power. `slots`: the job's own pieces; `activity`: the job's (Job::activity).
double job_energy_j(const Cluster& cluster, const JobRecord& record, std::span<const NodeSlots> slots, double activity);

//! Peak FLOP/s a type is rated at for "available computing power": its bf16 peak, else fp16, fp32, fp64, tf32,
//! fp8, int8 (the first it supports).
double reference_peak_flop_per_s(const AcceleratorType& type);

//! The figures of a run, accumulated job by job as jobs end (a JobRecordSink): counts, sums, maxima, and one value
//! per job that waited (its wait, 8 bytes; jobs that did not wait are counted) for the exact median and p95. Sums
//! are exact and rounded once (ExactSum), so a metric does not depend on the order jobs end in. docs/metrics.md
//! lists what is kept and why. With a measurement window (output.window), the same figures are kept over the
//! window too: the jobs submitted in it, and the share of every job's execution inside it.
class RunMetrics final : public JobRecordSink {
public:
  explicit RunMetrics(const Cluster& cluster, std::optional<WindowSpec> window = std::nullopt);
  void job_ended(const Job& job, const JobRecord& record, std::span<const NodeSlots> slots) override;
  void arrivals_ended(double last_submit_s) override;
  std::uint64_t ended() const { return all_.completed + all_.killed; }
  //! quantile() of every ended job's wait, exact (reorders the kept waits, not their multiset).
  double wait_quantile(double q) const { return all_.wait_quantile(q); }

  //! Sums, maxima and kept waits of a set of jobs (the whole run's, or a window's).
  struct Figures {
    explicit Figures(const Cluster& cluster);
    double wait_quantile(double q) const;
    std::uint64_t completed = 0, killed = 0;
    double last_finish_s = 0;
    ExactSum wait_sum, turnaround_sum, bsld_sum;
    double wait_max = 0, turnaround_max = 0, bsld_max = 0;
    //! Waits > 0 of ended jobs, for the exact quantiles, in chunks (no reallocation doubling the footprint);
    //! mutable: wait_quantile() partially sorts them.
    mutable std::deque<double> positive_waits;
    std::uint64_t zero_waits = 0;                     //!< ended jobs that did not wait
    std::vector<ExactSum> busy_by_type, busy_by_site; //!< accelerator-seconds
    ExactSum delivered_flop;                          //!< floating-point work done, FLOP
    ExactSum delivered_int8_op;                       //!< int8 work done, operations
    std::uint64_t staged_jobs = 0;
    ExactSum staging_sum, held_idle; //!< s; accelerator-s held idle waiting for data
    ExactSum productive;             //!< accelerator-s at the reference placement, without staging
    double staging_max = 0;
    std::uint64_t comm_jobs = 0, slowed_jobs = 0; //!< ended jobs with comm_share > 0; those slowed by their placement
    ExactSum comm_slowdown_sum, slowdown_acc_s;   //!< accelerator-s of computing added by communication slowdowns
    double comm_slowdown_max = 1;
    //! Waiting accelerator-seconds (accelerators x seconds) by cause: in all, and by the type, site and class of
    //! the job (the type and site it ran on: its pool's).
    using ByCause = std::array<ExactSum, WAIT_CAUSE_COUNT>;
    ByCause waiting;
    std::uint64_t attributed = 0; //!< ended jobs whose wait was attributed (output.wait_causes)
    std::vector<ByCause> waiting_by_type, waiting_by_site;
    std::array<ByCause, JOB_CLASS_NAMES.size()> waiting_by_class;
    std::array<ByCause, SIZE_BUCKETS> waiting_by_size;
    //! Per job class, and per size bucket: ended jobs, and their wait and bounded slowdown.
    struct GroupFigures {
      std::uint64_t jobs = 0;
      ExactSum wait_sum, bsld_sum;
      double wait_max = 0, bsld_max = 0;
    };
    std::array<GroupFigures, JOB_CLASS_NAMES.size()> by_class;
    std::array<GroupFigures, SIZE_BUCKETS> by_size;
    //! Flexible work (jobs with slack_s > 0): ended jobs, their waits, those that started after their slack.
    std::uint64_t flexible_jobs = 0, flexible_late = 0;
    ExactSum flexible_wait_sum;
    //! By month of a 365-day year from t = 0 (summary.json's by_month): jobs submitted in it and their waits, and
    //! the accelerator-seconds busy in it (each job's execution split at month boundaries).
    std::array<std::uint64_t, 12> month_jobs{};
    std::array<ExactSum, 12> month_wait_sum, month_busy;
    //! The same by 365-day year from t = 0 (summary.json's by_year), grown to the years reached.
    std::vector<std::uint64_t> year_jobs;
    std::vector<ExactSum> year_wait_sum, year_busy;
  };
  const Figures& all() const { return all_; }
  //! The window's figures (nullptr without a window).
  const Figures* window() const { return window_ ? &*window_ : nullptr; }
  //! The window as it resolved: [start, end] in s (end: the run's last finish, while it is the run's end).
  std::pair<double, double> window_bounds() const;

private:
  //! Adds a job to `f`: its own figures when `counts` (the job belongs to the figures' jobs), and the share of its
  //! execution inside [from_s, to_s] of its time-based figures (busy, productive, work done).
  void add(Figures& f, const Job& job, const JobRecord& rec, std::span<const NodeSlots> slots, bool counts,
           double from_s, double to_s) const;
  const Cluster* cluster_;
  Figures all_;
  std::optional<WindowSpec> spec_;
  std::optional<Figures> window_;
  double last_arrival_s_ = -1; //!< the last job's arrival once every job has arrived (-1 before)
};

//! summary.json's "wait_causes": waiting accelerator-hours by cause (docs/metrics.md "Why jobs wait"), in all
//! and by the type, site and class of the jobs (groups with no waiting left out), and the dominant cause.
nlohmann::ordered_json wait_causes_json(const RunMetrics::Figures& run, const Cluster& cluster);

//! summary.json: simulated results only (no wall-clock figures), so reruns are byte-identical.
//! `meter` (optional) adds energy, PUE, cost and carbon.
nlohmann::ordered_json summarize(const Scenario& scenario, const Cluster& cluster, const RunMetrics& run,
                                 const RunCounters& counters, const EnergyMeter* meter = nullptr);
//! The same from every job's record (tests, small runs): `jobs` with Job::index into result.records.
nlohmann::ordered_json summarize(const Scenario& scenario, const Cluster& cluster, std::span<const Job> jobs,
                                 const RunResult& result, const EnergyMeter* meter = nullptr);

//! summary.json of a fill-mode run (docs/workloads.md, "Fill-to-capacity mode").
nlohmann::ordered_json fill_summary(const Scenario& scenario, std::span<const Job> jobs, const FillResult& result);

} // namespace ccsim
