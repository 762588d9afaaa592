// include/ccsim/workload/generator.hpp: the seeded synthetic workload generator (workload: {"generate": {...}}).
#pragma once

#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/core/random.hpp"
#include "ccsim/workload/job.hpp"
#include "ccsim/workload/job_source.hpp"

#include <array>
#include <optional>
#include <string>
#include <vector>

namespace ccsim {

//! Most jobs one generator may produce (a horizon asking for more is an input error).
inline constexpr std::uint64_t MAX_GENERATED_JOBS = 50'000'000;

//! A distribution of a positive quantity (docs/workloads.md, "Generator"). Draws are clamped into [min, max].
struct Distribution {
  enum class Kind : std::uint8_t { CONSTANT, EXPONENTIAL, LOGNORMAL, UNIFORM, EMPIRICAL };
  Kind kind = Kind::CONSTANT;
  double a = 0, b = 0;            //!< constant: value; exponential: mean; lognormal: mu, sigma; uniform: min, max
  std::vector<double> values;     //!< empirical: the values (from the scenario, or a trace's jobs)
  std::vector<double> cumulative; //!< empirical: cumulative weights, last = 1
  double min = 0, max = 1e300;

  double draw(Rng& rng) const;
};

//! One class of the job mix.
struct MixEntry {
  JobClass job_class = JobClass::TRAINING;
  double share = 1; //!< relative weight
  Distribution accelerators;
  std::optional<Distribution> duration_s; //!< run time, s (trace-like jobs) ...
  std::optional<Distribution> work_flop;  //!< ... or work, FLOP (run time then depends on the hardware)
  Precision precision = Precision::BF16;
  double efficiency = 1;
  double arithmetic_intensity = 0; //!< FLOP per byte moved (work_flop classes; 0: compute-bound only)
  double walltime_factor = 1;      //!< walltime = factor x duration (duration_s jobs)
  std::vector<std::string> accept;
  double memory_gib = 0;
  std::vector<std::pair<std::string, double>> data_sites; //!< (site, share): where each job's input data lives
  std::optional<Distribution> data_bytes;                 //!< input size, bytes (with data_sites)
  double comm_share = 0;                                  //!< the class's communication share
  std::optional<double> activity; //!< the class's power activity (absent: the workload's default for its class)
  double slack_s = 0;             //!< its jobs' slack (flexible work, Job::slack_s), s
};

struct GeneratorSpec {
  enum class Process : std::uint8_t { POISSON, DIURNAL };
  Process process = Process::POISSON;
  double rate_per_s = 0;   //!< mean arrival rate (set directly, or from offered_load once capacity is known)
  double offered_load = 0; //!< > 0: rate = load x reference capacity / E[accelerators x duration_s]
  //! What offered_load is relative to (docs/workloads.md "Demand that does not follow the platform"): the
  //! scenario file's platform before any --set edit (default: a what-if edit never adds demand), the platform
  //! simulated (edits included: "platform"), or a number of accelerators given.
  enum class Reference : std::uint8_t { FILE_PLATFORM, PLATFORM, GIVEN };
  Reference reference = Reference::FILE_PLATFORM;
  std::uint64_t reference_accelerators = 0; //!< GIVEN: the capacity offered_load is relative to
  double amplitude = 0; //!< diurnal: rate(t) = mean x (1 + amplitude x cos(2 pi (t/3600 - peak_hour) / 24))
  double peak_hour = 14;
  // Change over time (docs/workloads.md "Demand over time"): rate(t) = rate x diurnal(t) x weekly(t) x annual(t)
  // x (1 + growth_per_year)^(t / year) x the product of the step factors at or before t. A year is 365 days;
  // t = 0 is a Monday, 00:00.
  double growth_per_year = 0;                   //!< compound growth of the rate, per year (0.4: +40 % a year)
  std::array<double, 7> weekday{};              //!< weekly: Monday..Sunday factors, normalized to mean 1 (all 0: none)
  double annual_amplitude = 0;                  //!< annual: 1 + amplitude x cos(2 pi (t / day - peak_day) / 365)
  double annual_peak_day = 0;                   //!< day of the year (from t = 0) of the annual peak
  std::vector<std::pair<double, double>> steps; //!< (at_s, factor): the rate is multiplied by factor from at_s on
  //! Whether the rate changes other than by the diurnal cycle.
  bool changes_over_time() const
  {
    return growth_per_year != 0 || weekday[0] > 0 || annual_amplitude > 0 || not steps.empty();
  }
  //! rate(t) / rate: the product of every factor above (the diurnal one included), >= 0.
  double rate_factor(double t) const;
  //! An upper bound of rate_factor over [from_s, to_s].
  double rate_factor_bound(double from_s, double to_s) const;
  std::uint64_t jobs = 0; //!< number of jobs, or ...
  double horizon_s = 0;   //!< ... arrivals until this time
  std::vector<MixEntry> mix;
  std::vector<std::pair<std::string, double>> tenants; //!< (name, share)
  std::optional<std::uint64_t> seed;                   //!< default: the scenario's seed
};

//! Reads workload.generate, reporting every problem at its JSON pointer. Trace-backed empirical distributions
//! are read here (paths relative to `base_dir`).
GeneratorSpec read_generator(const ObjectReader& gen, const std::string& base_dir);

//! The generated jobs, one at a time in arrival order (ids "g<n>", Job::index n): the same draws, in the same
//! order, whether they are streamed or collected. `capacity_accelerators` sets the rate of an offered-load spec.
class GeneratedJobs final : public JobSource {
public:
  //! `spec` must outlive the source.
  GeneratedJobs(const GeneratorSpec& spec, std::uint64_t capacity_accelerators, std::uint64_t seed);
  bool next(Job& job) override;
  std::uint64_t produced() const { return produced_; }
  //! Whether it stopped at MAX_GENERATED_JOBS rather than at its horizon or count.
  bool truncated() const { return truncated_; }

private:
  const GeneratorSpec& spec_;
  double rate_;
  Rng rng_;
  double total_share_ = 0, tenant_total_ = 0;
  std::vector<double> data_totals_; //!< per mix entry: the sum of its data sites' shares
  double t_ = 0;
  std::uint64_t produced_ = 0;
  bool done_ = false, truncated_ = false;
};

//! Every generated job (GeneratedJobs collected).
std::vector<Job> generate_jobs(const GeneratorSpec& spec, std::uint64_t capacity_accelerators, std::uint64_t seed);

//! Mean arrival rate (jobs/s) the spec asks for on a platform of `capacity_accelerators`.
double generator_rate_per_s(const GeneratorSpec& spec, std::uint64_t capacity_accelerators);

} // namespace ccsim
