// src/metrics/metrics.cpp
#include "ccsim/metrics/metrics.hpp"

#include "ccsim/core/calendar.hpp"
#include "ccsim/core/exact_sum.hpp"
#include "ccsim/core/version.hpp"
#include "ccsim/perf/runtime.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace ccsim {

JobMetrics job_metrics(const Job& job, const JobRecord& record)
{
  JobMetrics m{};
  m.wait_s = record.start_s - job.submit_s;
  m.execution_s = record.finish_s - record.start_s;
  m.turnaround_s = record.finish_s - job.submit_s;
  // Slowed down from the job's run time at its reference placement, without staging (issue 23: a job stretched
  // 2.6x by its placement counted 1.0, and hold-mode staging counted as run time while prefetch counted as wait).
  const double computing_s = m.execution_s - record.held_idle_s;
  m.reference_run_s = record.comm_slowdown > 1 ? computing_s / record.comm_slowdown : computing_s;
  m.bounded_slowdown = std::max(1.0, m.turnaround_s / std::max(m.reference_run_s, BSLD_TAU_S));
  return m;
}

double quantile(std::vector<double>& values, double q)
{
  if (values.empty())
    return 0;
  const double pos = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
  const double lo_value = values[lo];
  if (lo + 1 >= values.size())
    return lo_value;
  const double hi_value = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
  return lo_value + (pos - static_cast<double>(lo)) * (hi_value - lo_value);
}

double RunMetrics::Figures::wait_quantile(double q) const
{
  // quantile() over the waits, the zeros being the smallest: the same order statistics, the same interpolation.
  const std::uint64_t n = zero_waits + positive_waits.size();
  if (n == 0)
    return 0;
  const double pos = q * static_cast<double>(n - 1);
  const auto lo = static_cast<std::uint64_t>(std::floor(pos));
  auto& v = positive_waits;
  double lo_value = 0;
  if (lo >= zero_waits) {
    const auto k = static_cast<std::ptrdiff_t>(lo - zero_waits);
    std::nth_element(v.begin(), v.begin() + k, v.end());
    lo_value = v[static_cast<std::size_t>(k)];
  }
  if (lo + 1 >= n)
    return lo_value;
  double hi_value = 0;
  if (lo + 1 >= zero_waits) // the smallest positive wait above position lo
    hi_value =
        *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo >= zero_waits ? lo - zero_waits + 1 : 0), v.end());
  return lo_value + (pos - static_cast<double>(lo)) * (hi_value - lo_value);
}

double job_energy_j(const Cluster& cluster, const JobRecord& record, std::span<const NodeSlots> slots, double activity)
{
  double busy_w = 0;
  double idle_w = 0;
  for (const NodeSlots& piece : slots) {
    const double n = std::popcount(piece.mask);
    const double share = n / cluster.node_accels[piece.node];
    const AcceleratorType& type = cluster.types[cluster.node_type[piece.node]];
    busy_w += n * (type.idle_w + type.active_w(activity)) + cluster.node_base_busy_w[piece.node] * share;
    idle_w += n * type.idle_w + cluster.node_base_w[piece.node] * share;
  }
  return busy_w * (record.finish_s - record.start_s - record.held_idle_s) + idle_w * record.held_idle_s;
}

double reference_peak_flop_per_s(const AcceleratorType& type)
{
  // Floating-point precisions only: int8 is rated in operations, not FLOP.
  static constexpr std::array<Precision, PRECISION_COUNT - 1> ORDER = {
      Precision::BF16,        Precision::FP16, Precision::FP32, Precision::FP64,
      Precision::FP64_TENSOR, Precision::TF32, Precision::FP8};
  for (const Precision p : ORDER)
    if (const double peak = type.peak_flop_per_s[static_cast<std::size_t>(p)]; peak > 0)
      return peak;
  return 0;
}

RunMetrics::Figures::Figures(const Cluster& cluster)
    : busy_by_type(cluster.types.size())
    , busy_by_site(cluster.sites.size())
    , waiting_by_type(cluster.types.size())
    , waiting_by_site(cluster.sites.size())
{
}

RunMetrics::RunMetrics(const Cluster& cluster, std::optional<WindowSpec> window)
    : cluster_(&cluster)
    , all_(cluster)
    , spec_(window)
{
  if (spec_)
    window_.emplace(cluster);
}

void RunMetrics::job_ended(const Job& job, const JobRecord& rec, std::span<const NodeSlots> slots)
{
  if (rec.state == JobState::PENDING)
    return;
  constexpr double INF = std::numeric_limits<double>::infinity();
  add(all_, job, rec, slots, true, -INF, INF);
  if (spec_) // a job ending before the last arrival is known ends before it: clipping at +inf is exact
    add(*window_, job, rec, slots, spec_->holds_submission(job.submit_s), spec_->start_s,
        spec_->end_known(last_arrival_s_));
}

void RunMetrics::arrivals_ended(double last_submit_s)
{
  last_arrival_s_ = std::max(0.0, last_submit_s);
}

std::pair<double, double> RunMetrics::window_bounds() const
{
  if (not spec_)
    return {0, all_.last_finish_s};
  return {spec_->start_s, std::min(spec_->end_known(last_arrival_s_), all_.last_finish_s)};
}

void RunMetrics::add(Figures& f, const Job& job, const JobRecord& rec, std::span<const NodeSlots> slots, bool counts,
                     double from_s, double to_s) const
{
  const Cluster& cluster = *cluster_;
  const JobMetrics m = job_metrics(job, rec);
  const Pool& pool = cluster.pools[rec.pool];
  f.last_finish_s = std::max(f.last_finish_s, rec.finish_s);
  if (counts) {
    (rec.state == JobState::COMPLETED_SUCCESSFULLY ? f.completed : f.killed)++;
    f.wait_sum += m.wait_s;
    f.wait_max = std::max(f.wait_max, m.wait_s);
    if (m.wait_s > 0)
      f.positive_waits.push_back(m.wait_s);
    else
      f.zero_waits++;
    f.turnaround_sum += m.turnaround_s;
    f.turnaround_max = std::max(f.turnaround_max, m.turnaround_s);
    f.bsld_sum += m.bounded_slowdown;
    f.bsld_max = std::max(f.bsld_max, m.bounded_slowdown);
    const auto cls = static_cast<std::size_t>(job.job_class);
    const std::size_t size = size_bucket(job.accelerators);
    for (Figures::GroupFigures* g : {&f.by_class[cls], &f.by_size[size]}) {
      g->jobs++;
      g->wait_sum += m.wait_s;
      g->wait_max = std::max(g->wait_max, m.wait_s);
      g->bsld_sum += m.bounded_slowdown;
      g->bsld_max = std::max(g->bsld_max, m.bounded_slowdown);
    }
    const std::size_t month = month_of_day(job.submit_s / DAY_S);
    f.month_jobs[month]++;
    f.month_wait_sum[month] += m.wait_s;
    const auto grow = [&f](std::size_t year) {
      if (year >= f.year_jobs.size()) {
        f.year_jobs.resize(year + 1);
        f.year_wait_sum.resize(year + 1);
        f.year_busy.resize(year + 1);
      }
    };
    const std::size_t year = year_of(job.submit_s);
    grow(year);
    f.year_jobs[year]++;
    f.year_wait_sum[year] += m.wait_s;
    split_by_month(rec.start_s, rec.finish_s, [&](std::size_t k, double from, double to) {
      f.month_busy[k] += (to - from) * static_cast<double>(job.accelerators);
      const std::size_t y = year_of(from); // a month's piece lies in one year
      grow(y);
      f.year_busy[y] += (to - from) * static_cast<double>(job.accelerators);
    });
    if (job.slack_s > 0) {
      f.flexible_jobs++;
      f.flexible_wait_sum += m.wait_s;
      f.flexible_late += rec.start_s > job.submit_s + job.slack_s ? 1 : 0;
    }
    f.attributed += rec.wait_attributed ? 1 : 0;
    for (std::size_t k = 0; k < WAIT_CAUSE_COUNT; k++)
      if (const double w = rec.wait_s[k] * job.accelerators; rec.wait_attributed && w > 0) {
        f.waiting[k] += w;
        f.waiting_by_type[pool.type][k] += w;
        f.waiting_by_site[pool.site][k] += w;
        f.waiting_by_class[cls][k] += w;
        f.waiting_by_size[size][k] += w;
      }
    if (rec.staged_bytes > 0) {
      f.staged_jobs++;
      f.staging_sum += rec.staging_s;
      f.staging_max = std::max(f.staging_max, rec.staging_s);
    }
    if (job.comm_share > 0) {
      f.comm_jobs++;
      f.comm_slowdown_sum += rec.comm_slowdown;
    }
    if (rec.comm_slowdown > 1) {
      f.slowed_jobs++;
      f.comm_slowdown_max = std::max(f.comm_slowdown_max, rec.comm_slowdown);
    }
  }
  // Time-based figures: the part of the execution inside [from_s, to_s] (all of it for the whole run: the share is
  // then exactly 1). A job's work, productive time and idle holding are spread evenly over its execution.
  const double inside_s = std::max(0.0, std::min(rec.finish_s, to_s) - std::max(rec.start_s, from_s));
  const double share = m.execution_s > 0                              ? inside_s / m.execution_s
                       : rec.start_s >= from_s && rec.start_s <= to_s ? 1.0
                                                                      : 0.0;
  if (share <= 0)
    return;
  f.busy_by_type[pool.type] += inside_s * job.accelerators;
  for (const NodeSlots& piece : slots) // by site, for spanning jobs
    f.busy_by_site[cluster.node_site[piece.node]] += inside_s * static_cast<double>(std::popcount(piece.mask));
  f.held_idle += rec.held_idle_s * job.accelerators * share;
  // Productive: the time the job needed at its pool's reference placement, without staging (issue 23, item 11:
  // a stretched or data-starved job raises busy utilization, not this).
  f.productive += m.reference_run_s * job.accelerators * share;
  const double computing_s = m.execution_s - rec.held_idle_s;
  if (rec.comm_slowdown > 1)
    f.slowdown_acc_s += computing_s * job.accelerators * (1 - 1 / rec.comm_slowdown) * share;
  // Work done, not time held: the job's computing time on its type at its precision's rate (its work_flop; a
  // memory-bound job's longer roofline time moves bytes, not more FLOP), the part
  // it ran if killed at its walltime. Time in collectives, at any placement, adds none (issue 23: a job stretched
  // by its placement counted its stretch). int8 operations are not floating-point ones: kept apart.
  const double done = rec.run_s > 0 ? std::min(1.0, computing_s / rec.run_s) : 1.0;
  const double work = done * compute_runtime_s(job, cluster.types[pool.type]) * job.accelerators *
                      cluster.types[pool.type].peak_flop_per_s[static_cast<std::size_t>(job.precision)] *
                      job.efficiency;
  (job.precision == Precision::INT8 ? f.delivered_int8_op : f.delivered_flop) += work * share;
}

namespace {
//! {cause: accelerator-hours} of one ByCause.
nlohmann::ordered_json hours_by_cause(const std::array<ExactSum, WAIT_CAUSE_COUNT>& by_cause)
{
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < WAIT_CAUSE_COUNT; k++)
    o[std::string(WAIT_CAUSE_NAMES[k])] = by_cause[k].value() / 3600.0;
  return o;
}

bool any_waiting(const std::array<ExactSum, WAIT_CAUSE_COUNT>& by_cause)
{
  return std::any_of(by_cause.begin(), by_cause.end(), [](const ExactSum& e) { return e.value() > 0; });
}

//! The index with the most hours of `cause` in `by` (the first on a tie).
template <typename By>
std::size_t most_of(const By& by, std::size_t cause)
{
  std::size_t best = 0;
  for (std::size_t i = 1; i < by.size(); i++)
    if (by[i][cause].value() > by[best][cause].value())
      best = i;
  return best;
}

//! The dominant cause, where it weighs most (the type and site the jobs that waited for it ran on) and the what-if
//! that would test it (docs/metrics.md "Why jobs wait").
nlohmann::ordered_json bottleneck_json(const std::vector<std::array<ExactSum, WAIT_CAUSE_COUNT>>& by_type,
                                       const std::vector<std::array<ExactSum, WAIT_CAUSE_COUNT>>& by_site,
                                       const Cluster& cluster, std::size_t cause)
{
  const std::string type = cluster.types[most_of(by_type, cause)].name;
  const std::string site = cluster.sites[most_of(by_site, cause)].name;
  std::string what_if;
  switch (static_cast<WaitCause>(cause)) {
    case WaitCause::STAGING:
      what_if =
          "more bandwidth on the routes to " + site + " (network.links' bandwidth_gbps), or the data placed there";
      break;
    case WaitCause::POLICY:
      what_if = "another queue policy: ccsim compare SCENARIO --policies fcfs,easy,conservative";
      break;
    case WaitCause::FRAGMENTATION:
      what_if =
          "jobs allowed to span sites (--set /scheduler/span_sites=true), or " + type + " consolidated at fewer sites";
      break;
    case WaitCause::POWER_CAP:
      what_if = "higher rack power caps at " + site + " (power_cap_kw of its rack groups)";
      break;
    case WaitCause::ELIGIBILITY:
      what_if = "more " + type + " (jobs waited for it while other types were free), or jobs accepting more types";
      break;
    case WaitCause::CAPACITY:
      what_if = "more " + type + " at " + site;
      break;
  }
  return {{"cause", std::string(WAIT_CAUSE_NAMES[cause])}, {"type", type}, {"site", site}, {"what_if", what_if}};
}
} // namespace

std::string size_bucket_name(std::size_t bucket)
{
  if (bucket <= 1)
    return std::to_string(bucket + 1);
  return std::to_string((std::uint64_t{1} << (bucket - 1)) + 1) + "-" + std::to_string(std::uint64_t{1} << bucket);
}

nlohmann::ordered_json wait_causes_json(const RunMetrics::Figures& run, const Cluster& cluster)
{
  nlohmann::ordered_json o;
  double total = 0;
  std::size_t dominant = WAIT_CAUSE_COUNT;
  for (std::size_t k = 0; k < WAIT_CAUSE_COUNT; k++) {
    total += run.waiting[k].value();
    if (run.waiting[k].value() > 0 &&
        (dominant == WAIT_CAUSE_COUNT || run.waiting[k].value() > run.waiting[dominant].value()))
      dominant = k;
  }
  o["accelerator_hours"] = hours_by_cause(run.waiting);
  o["total_accelerator_hours"] = total / 3600.0;
  if (dominant < WAIT_CAUSE_COUNT)
    o["dominant"] = std::string(WAIT_CAUSE_NAMES[dominant]);
  else
    o["dominant"] = nullptr;
  const auto group = [](const std::vector<std::string_view>& names, const auto& by) {
    nlohmann::ordered_json g = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < names.size(); i++)
      if (any_waiting(by[i]))
        g[std::string(names[i])] = hours_by_cause(by[i]);
    return g;
  };
  std::vector<std::string_view> names;
  for (const AcceleratorType& t : cluster.types)
    names.emplace_back(t.name);
  o["by_type"] = group(names, run.waiting_by_type);
  names.clear();
  for (const Site& site : cluster.sites)
    names.emplace_back(site.name);
  o["by_site"] = group(names, run.waiting_by_site);
  names.assign(JOB_CLASS_NAMES.begin(), JOB_CLASS_NAMES.end());
  o["by_class"] = group(names, run.waiting_by_class);
  std::vector<std::string> sizes;
  for (std::size_t b = 0; b < SIZE_BUCKETS; b++)
    sizes.push_back(size_bucket_name(b));
  names.assign(sizes.begin(), sizes.end());
  o["by_size"] = group(names, run.waiting_by_size);
  if (dominant < WAIT_CAUSE_COUNT)
    o["bottleneck"] = bottleneck_json(run.waiting_by_type, run.waiting_by_site, cluster, dominant);
  return o;
}

namespace {

constexpr double SECONDS_PER_YEAR = YEAR_S; // annualized figures: a year of 365 days

//! The figures of `run` over `duration_s` (the makespan, or the window's length), from "wait_s" to "stranded";
//! `makespan_s` >= 0 is written after "bounded_slowdown" (the whole run's).
void add_figures(nlohmann::ordered_json& s, const Cluster& cluster, const RunMetrics::Figures& run, double from_s,
                 double duration_s, double makespan_s)
{
  const double ended = static_cast<double>(run.completed + run.killed);
  const auto mean = [ended](const ExactSum& sum) { return ended > 0 ? sum.value() / ended : 0.0; };
  // Utilization is over the capacity in service at each instant (docs/metrics.md): accelerators x duration on a
  // platform fixed over time; otherwise each rack's accelerators x its time in service within the period.
  const bool changes = not cluster.capacity_changes.empty();
  std::vector<double> online_by_type(cluster.types.size()), online_by_site(cluster.sites.size());
  double online_total = 0;
  if (changes)
    for (const Rack& rack : cluster.racks) {
      const double a = static_cast<double>(rack.accelerators) * rack.online_within(from_s, from_s + duration_s);
      online_by_type[cluster.node_type[rack.first_node]] += a;
      online_by_site[rack.site] += a;
      online_total += a;
    }
  const auto util = [duration_s](double busy, double accelerators) {
    return duration_s > 0 && accelerators > 0 ? busy / (accelerators * duration_s) : 0.0;
  };
  // busy / capacity, capacity as accelerators (fixed platform) or as accelerator-seconds in service.
  const auto util_of = [&](double busy, double accelerators, double online_s) {
    return changes ? (online_s > 0 ? busy / online_s : 0.0) : util(busy, accelerators);
  };
  ExactSum busy_total;
  for (const ExactSum& b : run.busy_by_type)
    busy_total += b.value();
  s["wait_s"] = {{"mean", mean(run.wait_sum)},
                 {"median", run.wait_quantile(0.5)},
                 {"p95", run.wait_quantile(0.95)},
                 {"max", run.wait_max}};
  s["turnaround_s"] = {{"mean", mean(run.turnaround_sum)}, {"max", run.turnaround_max}};
  s["bounded_slowdown"] = {{"mean", mean(run.bsld_sum)}, {"max", run.bsld_max}, {"tau_s", BSLD_TAU_S}};
  if (makespan_s >= 0)
    s["makespan_s"] = makespan_s;
  nlohmann::ordered_json by_type = nlohmann::ordered_json::object();
  for (std::size_t t = 0; t < cluster.types.size(); t++)
    by_type[cluster.types[t].name] =
        util_of(run.busy_by_type[t].value(),
                static_cast<double>(cluster.accelerators_of_type(static_cast<std::uint16_t>(t))), online_by_type[t]);
  nlohmann::ordered_json by_site = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < cluster.sites.size(); i++)
    by_site[cluster.sites[i].name] =
        util_of(run.busy_by_site[i].value(), static_cast<double>(cluster.sites[i].accelerators), online_by_site[i]);
  const auto accelerators = static_cast<double>(cluster.accelerator_count());
  s["utilization"] = {{"accelerators", util_of(busy_total.value(), accelerators, online_total)},
                      {"productive", util_of(run.productive.value(), accelerators, online_total)},
                      {"by_type", by_type},
                      {"by_site", by_site}};
  s["accelerator_hours"] = {{"busy", busy_total.value() / 3600.0}, {"productive", run.productive.value() / 3600.0}};
  if (changes)
    s["accelerator_hours"]["in_service"] = online_total / 3600.0;
  ExactSum available_flop;
  for (std::size_t t = 0; t < cluster.types.size(); t++)
    available_flop += changes ? online_by_type[t] * reference_peak_flop_per_s(cluster.types[t])
                              : static_cast<double>(cluster.accelerators_of_type(static_cast<std::uint16_t>(t))) *
                                    reference_peak_flop_per_s(cluster.types[t]) * duration_s;
  const double delivered_flop = run.delivered_flop.value();
  s["flops"] = {{"delivered_fraction", available_flop.value() > 0 ? delivered_flop / available_flop.value() : 0.0},
                {"delivered_eflop", delivered_flop / 1e18},
                {"delivered_int8_eop", run.delivered_int8_op.value() / 1e18}};
}

//! "staging" onwards (staging, comm_slowdown, wait_causes, by_class, by_size, stranded) of `run` over `duration_s`.
void add_job_groups(nlohmann::ordered_json& s, const Scenario& scenario, const Cluster& cluster,
                    const RunMetrics::Figures& run, double from_s, double duration_s, const RunCounters* counters)
{
  nlohmann::ordered_json staging = {
      {"mode", scenario.scheduler.staging == StagingMode::HOLD ? "hold" : "prefetch"},
      {"jobs", run.staged_jobs},
      {"mean_s", run.staged_jobs > 0 ? run.staging_sum.value() / static_cast<double>(run.staged_jobs) : 0.0},
      {"max_s", run.staging_max}};
  if (counters != nullptr) { // bytes moved: counted by the engine over the whole run
    nlohmann::ordered_json bytes_by_tier = nlohmann::ordered_json::object();
    ExactSum staged_bytes;
    for (std::size_t t = 0; t < TIER_COUNT; t++) {
      bytes_by_tier[std::string(TIER_NAMES[t])] = counters->staged_bytes_by_tier[t];
      staged_bytes += counters->staged_bytes_by_tier[t];
    }
    staging["bytes"] = staged_bytes.value();
    staging["bytes_by_tier"] = bytes_by_tier;
  }
  staging["accelerator_hours_held_idle"] = run.held_idle.value() / 3600.0;
  s["staging"] = staging;
  s["comm_slowdown"] = {
      {"jobs", run.slowed_jobs},
      {"mean", run.comm_jobs > 0 ? run.comm_slowdown_sum.value() / static_cast<double>(run.comm_jobs) : 1.0},
      {"max", run.comm_slowdown_max},
      {"accelerator_hours", run.slowdown_acc_s.value() / 3600.0}};
  if (run.attributed > 0)
    s["wait_causes"] = wait_causes_json(run, cluster);
  // Per class and per size bucket (groups with no job left out): jobs, wait and bounded slowdown.
  const auto figures = [](const RunMetrics::Figures::GroupFigures& c) {
    const auto jobs = static_cast<double>(c.jobs);
    return nlohmann::ordered_json{{"jobs", c.jobs},
                                  {"wait_s", {{"mean", c.wait_sum.value() / jobs}, {"max", c.wait_max}}},
                                  {"bounded_slowdown", {{"mean", c.bsld_sum.value() / jobs}, {"max", c.bsld_max}}}};
  };
  nlohmann::ordered_json classes = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < JOB_CLASS_NAMES.size(); k++)
    if (run.by_class[k].jobs > 0)
      classes[std::string(JOB_CLASS_NAMES[k])] = figures(run.by_class[k]);
  s["by_class"] = classes;
  nlohmann::ordered_json sizes = nlohmann::ordered_json::object();
  for (std::size_t b = 0; b < SIZE_BUCKETS; b++)
    if (run.by_size[b].jobs > 0)
      sizes[size_bucket_name(b)] = figures(run.by_size[b]);
  s["by_size"] = sizes;
  // Flexible work (jobs with slack_s): how many, how many the shift held back, their wait, and those that started
  // after their slack (docs/policies.md "Shifting flexible work").
  if (run.flexible_jobs > 0) {
    nlohmann::ordered_json flexible = {{"jobs", run.flexible_jobs}};
    if (counters != nullptr)
      flexible["deferred"] = counters->deferred;
    flexible["wait_s_mean"] = run.flexible_wait_sum.value() / static_cast<double>(run.flexible_jobs);
    flexible["started_after_slack"] = run.flexible_late;
    s["flexible"] = flexible;
  }
  const auto stranded = cluster.stranded_by_caps();
  s["stranded"] = {{"accelerators", stranded},
                   {"accelerator_s", cluster.capacity_changes.empty()
                                         ? static_cast<double>(stranded) * duration_s
                                         : cluster.stranded_accelerator_s(from_s, from_s + duration_s)}};
}

//! energy, pue, cost, carbon and fragmentation from per-site energies (J), the costs and carbon (kg) of sites whose
//! price or carbon intensity is a series (the others: energy x their constant), and the fragmentation means.
void add_energy(nlohmann::ordered_json& s, const Scenario& scenario, const Cluster& cluster,
                std::span<const double> site_it_j, std::span<const double> site_facility_j,
                std::span<const double> series_cost, std::span<const double> series_carbon_kg, double fragmentation,
                double expected_fragmentation)
{
  double it_j = 0;
  double facility_j = 0;
  double cost = 0;
  double carbon_kg = 0;
  nlohmann::ordered_json energy_by_site = nlohmann::ordered_json::object();
  for (std::uint32_t i = 0; i < cluster.sites.size(); i++) {
    const double site_it = site_it_j[i];
    const double site_facility = site_facility_j[i];
    it_j += site_it;
    facility_j += site_facility;
    const Site& site = cluster.sites[i];
    cost += site.price_series ? series_cost[i] : site_facility / J_PER_KWH * site.price_per_kwh;
    carbon_kg += site.carbon_series ? series_carbon_kg[i] : site_facility / J_PER_KWH * site.carbon_kg_per_kwh;
    energy_by_site[cluster.sites[i].name] = {{"it_kwh", site_it / J_PER_KWH},
                                             {"facility_kwh", site_facility / J_PER_KWH}};
  }
  s["energy"] = {{"it_kwh", it_j / J_PER_KWH}, {"facility_kwh", facility_j / J_PER_KWH}, {"by_site", energy_by_site}};
  s["pue"] = {{"effective", it_j > 0 ? facility_j / it_j : 0.0}};
  s["cost"] = {{"electricity", cost}, {"currency", scenario.currency}};
  s["carbon"] = {{"tco2", carbon_kg / 1000.0}};
  s["fragmentation"] = {{"mean", fragmentation}, {"expected_mean", expected_fragmentation}};
}

const char* window_end_name(WindowSpec::End end)
{
  switch (end) {
    case WindowSpec::End::LAST_ARRIVAL:
      return "last_arrival";
    case WindowSpec::End::AT:
      return "time";
    case WindowSpec::End::RUN_END:
      break;
  }
  return "run_end";
}

} // namespace

nlohmann::ordered_json summarize(const Scenario& scenario, const Cluster& cluster, const RunMetrics& run,
                                 const RunCounters& counters, const EnergyMeter* meter)
{
  const RunMetrics::Figures& all = run.all();
  const double makespan = all.last_finish_s;
  nlohmann::ordered_json s;
  s["ccsim"] = {{"version", std::string(version())}};
  s["scenario"] = {{"name", scenario.name}, {"sha256", scenario.sha256}};
  s["seed"] = scenario.seed;
  s["scheduler"] = {{"queue", scenario.scheduler.queue_policy}, {"placement", scenario.scheduler.placement_policy}};
  s["platform"] = {{"sites", cluster.sites.size()},
                   {"racks", cluster.racks.size()},
                   {"nodes", cluster.node_count()},
                   {"accelerators", cluster.accelerator_count()}};
  s["jobs"] = {{"submitted", counters.submitted}, {"completed", all.completed}, {"killed_at_walltime", all.killed}};
  add_figures(s, cluster, all, 0, makespan, makespan);
  add_job_groups(s, scenario, cluster, all, 0, makespan, &counters);
  if (meter != nullptr) {
    std::vector<double> it_j, facility_j, cost, carbon_kg;
    for (std::uint32_t i = 0; i < cluster.sites.size(); i++) {
      it_j.push_back(meter->it_energy_j(i));
      facility_j.push_back(meter->facility_energy_j(i));
      cost.push_back(meter->cost(i));
      carbon_kg.push_back(meter->carbon_kg(i));
    }
    add_energy(s, scenario, cluster, it_j, facility_j, cost, carbon_kg, meter->mean_fragmentation(),
               meter->mean_expected_fragmentation());
    // When energy is spent, what it costs and emits: by hour of the day (tariffs, carbon) and by month (seasons).
    const auto calendar = [](const EnergyMeter::Calendar& c) {
      // PUE by month shows the seasons of a weather-driven cooling model (docs/model.md "Weather-driven PUE").
      return nlohmann::ordered_json{{"facility_kwh", c.facility_j / J_PER_KWH},
                                    {"cost", c.cost},
                                    {"tco2", c.carbon_kg / 1000.0},
                                    {"it_kwh", c.it_j / J_PER_KWH},
                                    {"pue", c.it_j > 0 ? nlohmann::ordered_json(c.facility_j / c.it_j) : nullptr}};
    };
    nlohmann::ordered_json hours = nlohmann::ordered_json::array();
    for (const auto& c : meter->by_hour_of_day())
      hours.push_back(calendar(c));
    s["by_hour_of_day"] = hours;
    // By month also the jobs submitted in it, their mean wait, and utilization over the capacity in service in it
    // (up to the makespan): when a growing demand outruns the platform.
    std::array<double, 12> capacity_s{};
    const std::size_t years = makespan > YEAR_S ? year_of(std::nextafter(makespan, 0.0)) + 1 : 0;
    std::vector<double> year_capacity_s(years);
    for (const Rack& rack : cluster.racks)
      split_by_month(0, makespan, [&](std::size_t k, double from_s, double to_s) {
        const double in_service =
            static_cast<double>(rack.accelerators) *
            (rack.changes.empty() ? (rack.initially_online ? to_s - from_s : 0.0) : rack.online_within(from_s, to_s));
        capacity_s[k] += in_service;
        if (years > 0)
          year_capacity_s[year_of(from_s)] += in_service;
      });
    nlohmann::ordered_json months = nlohmann::ordered_json::array();
    for (std::size_t k = 0; k < 12; k++) {
      auto month = calendar(meter->by_month()[k]);
      month["jobs"] = all.month_jobs[k];
      // 0 without jobs or capacity, as the summary's other means.
      month["wait_s_mean"] =
          all.month_jobs[k] > 0 ? all.month_wait_sum[k].value() / static_cast<double>(all.month_jobs[k]) : 0.0;
      month["utilization"] = capacity_s[k] > 0 ? all.month_busy[k].value() / capacity_s[k] : 0.0;
      months.push_back(month);
    }
    s["by_month"] = months;
    // A run past a year: the same figures by year, so that years of growth are not folded into one calendar.
    if (years > 0) {
      nlohmann::ordered_json by_year = nlohmann::ordered_json::array();
      for (std::size_t y = 0; y < years; y++) {
        auto year = calendar(y < meter->by_year().size() ? meter->by_year()[y] : EnergyMeter::Calendar{});
        const std::uint64_t jobs = y < all.year_jobs.size() ? all.year_jobs[y] : 0;
        year["jobs"] = jobs;
        year["wait_s_mean"] = jobs > 0 ? all.year_wait_sum[y].value() / static_cast<double>(jobs) : 0.0;
        const double busy = y < all.year_busy.size() ? all.year_busy[y].value() : 0.0;
        year["utilization"] = year_capacity_s[y] > 0 ? busy / year_capacity_s[y] : 0.0;
        by_year.push_back(year);
      }
      s["by_year"] = by_year;
    }
  }
  if (const RunMetrics::Figures* window = run.window()) {
    const auto [from_s, to_s] = run.window_bounds();
    const double duration_s = std::max(0.0, to_s - from_s);
    nlohmann::ordered_json w;
    w["start_s"] = from_s;
    w["end_s"] = std::max(from_s, to_s);
    w["duration_s"] = duration_s;
    w["end"] = window_end_name(scenario.output.window->end);
    w["jobs"] = {{"submitted", window->completed + window->killed},
                 {"completed", window->completed},
                 {"killed_at_walltime", window->killed}};
    add_figures(w, cluster, *window, from_s, duration_s, -1);
    add_job_groups(w, scenario, cluster, *window, from_s, duration_s, nullptr);
    const double per_year = duration_s > 0 ? SECONDS_PER_YEAR / duration_s : 0.0;
    nlohmann::ordered_json annual = {
        {"accelerator_hours_busy", w["accelerator_hours"]["busy"].get<double>() * per_year},
        {"delivered_eflop", w["flops"]["delivered_eflop"].get<double>() * per_year}};
    if (const EnergyMeter::Totals* e = meter != nullptr ? meter->window_totals() : nullptr) {
      add_energy(w, scenario, cluster, e->it_j, e->facility_j, e->cost, e->carbon_kg, e->mean_fragmentation(),
                 e->mean_expected_fragmentation());
      annual["facility_kwh"] = w["energy"]["facility_kwh"].get<double>() * per_year;
      annual["electricity_cost"] = w["cost"]["electricity"].get<double>() * per_year;
      annual["tco2"] = w["carbon"]["tco2"].get<double>() * per_year;
    }
    w["annualized"] = annual;
    s["window"] = w;
  }
  return s;
}

nlohmann::ordered_json summarize(const Scenario& scenario, const Cluster& cluster, std::span<const Job> jobs,
                                 const RunResult& result, const EnergyMeter* meter)
{
  RunMetrics run(cluster, scenario.output.window);
  double last_submit_s = 0;
  for (const Job& job : jobs)
    last_submit_s = std::max(last_submit_s, job.submit_s);
  run.arrivals_ended(last_submit_s);
  for (const Job& job : jobs)
    if (job.index < result.records.size())
      run.job_ended(job, result.records[job.index], result.slots_of(result.records[job.index]));
  RunCounters counters;
  counters.submitted = jobs.size();
  counters.events = result.events;
  counters.decision_points = result.decision_points;
  counters.deferred = result.deferred;
  counters.end_s = result.end_s;
  counters.staged_bytes_by_tier = result.staged_bytes_by_tier;
  return summarize(scenario, cluster, run, counters, meter);
}

nlohmann::ordered_json fill_summary(const Scenario& scenario, std::span<const Job> jobs, const FillResult& result)
{
  nlohmann::ordered_json s;
  s["scenario"] = scenario.name;
  s["mode"] = "fill";
  s["policy"] = scenario.scheduler.placement_policy;
  s["seed"] = scenario.seed;
  s["demand_ratio"] = scenario.scheduler.fill.demand_ratio;
  s["capacity_gpus"] = result.capacity_gpus;
  const FillRow last = result.rows.empty() ? FillRow{} : result.rows.back();
  std::uint64_t failed_milli = 0;
  for (const auto& p : result.placements)
    if (not p.choice)
      failed_milli += TaskShape::of(jobs[p.job]).gpu_demand_milli();
  const double failed_gpus = static_cast<double>(failed_milli) / 1000.0;
  s["tasks"] = {{"originals", result.originals}, {"clones", result.clones},     {"total", result.placements.size()},
                {"placed", last.tasks_placed},   {"failed", last.tasks_failed}, {"failed_gpu_demand", failed_gpus}};
  const auto state = [&](const FillRow& r) {
    nlohmann::ordered_json o;
    o["arrived_percent"] = r.arrived_percent;
    o["allocated_gpus"] = r.allocated_gpus;
    o["allocation_ratio"] = result.capacity_gpus > 0 ? r.allocated_gpus / result.capacity_gpus : 0.0;
    o["fragmented_gpus"] = r.fragmented_gpus;
    o["fragmentation_ratio"] = r.idle_gpus > 0 ? r.fragmented_gpus / r.idle_gpus : 0.0;
    return o;
  };
  s["final"] = state(last);
  for (const auto& r : result.rows)
    if (r.arrived_percent >= 100) {
      s["at_full_demand"] = state(r);
      break;
    }
  if (result.first_failure_percent >= 0)
    s["first_failure_percent"] = result.first_failure_percent;
  else
    s["first_failure_percent"] = nullptr;
  return s;
}

} // namespace ccsim
