// src/metrics/metrics.cpp
#include "ccsim/metrics/metrics.hpp"

#include "ccsim/core/exact_sum.hpp"
#include "ccsim/core/version.hpp"
#include "ccsim/perf/runtime.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

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

double RunMetrics::wait_quantile(double q) const
{
  // quantile() over the waits, the zeros being the smallest: the same order statistics, the same interpolation.
  const std::uint64_t n = zero_waits_ + positive_waits_.size();
  if (n == 0)
    return 0;
  const double pos = q * static_cast<double>(n - 1);
  const auto lo = static_cast<std::uint64_t>(std::floor(pos));
  auto& v = positive_waits_;
  double lo_value = 0;
  if (lo >= zero_waits_) {
    const auto k = static_cast<std::ptrdiff_t>(lo - zero_waits_);
    std::nth_element(v.begin(), v.begin() + k, v.end());
    lo_value = v[static_cast<std::size_t>(k)];
  }
  if (lo + 1 >= n)
    return lo_value;
  double hi_value = 0;
  if (lo + 1 >= zero_waits_) // the smallest positive wait above position lo
    hi_value = *std::min_element(v.begin() + static_cast<std::ptrdiff_t>(lo >= zero_waits_ ? lo - zero_waits_ + 1 : 0),
                                 v.end());
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

RunMetrics::RunMetrics(const Cluster& cluster)
    : cluster_(&cluster)
    , busy_by_type_(cluster.types.size())
    , busy_by_site_(cluster.sites.size())
    , waiting_by_type_(cluster.types.size())
    , waiting_by_site_(cluster.sites.size())
{
}

void RunMetrics::job_ended(const Job& job, const JobRecord& rec, std::span<const NodeSlots> slots)
{
  if (rec.state == JobState::PENDING)
    return;
  const Cluster& cluster = *cluster_;
  (rec.state == JobState::COMPLETED_SUCCESSFULLY ? completed_ : killed_)++;
  const JobMetrics m = job_metrics(job, rec);
  makespan_ = std::max(makespan_, rec.finish_s);
  wait_sum_ += m.wait_s;
  wait_max_ = std::max(wait_max_, m.wait_s);
  if (m.wait_s > 0)
    positive_waits_.push_back(m.wait_s);
  else
    zero_waits_++;
  turnaround_sum_ += m.turnaround_s;
  turnaround_max_ = std::max(turnaround_max_, m.turnaround_s);
  bsld_sum_ += m.bounded_slowdown;
  bsld_max_ = std::max(bsld_max_, m.bounded_slowdown);
  const Pool& pool = cluster.pools[rec.pool];
  const auto cls = static_cast<std::size_t>(job.job_class);
  const std::size_t size = size_bucket(job.accelerators);
  for (GroupFigures* g : {&by_class_[cls], &by_size_[size]}) {
    g->jobs++;
    g->wait_sum += m.wait_s;
    g->wait_max = std::max(g->wait_max, m.wait_s);
    g->bsld_sum += m.bounded_slowdown;
    g->bsld_max = std::max(g->bsld_max, m.bounded_slowdown);
  }
  attributed_ += rec.wait_attributed ? 1 : 0;
  for (std::size_t k = 0; k < WAIT_CAUSE_COUNT; k++)
    if (const double w = rec.wait_s[k] * job.accelerators; rec.wait_attributed && w > 0) {
      waiting_[k] += w;
      waiting_by_type_[pool.type][k] += w;
      waiting_by_site_[pool.site][k] += w;
      waiting_by_class_[cls][k] += w;
      waiting_by_size_[size][k] += w;
    }
  busy_by_type_[pool.type] += m.execution_s * job.accelerators;
  for (const NodeSlots& piece : slots) // by site, for spanning jobs
    busy_by_site_[cluster.node_site[piece.node]] += m.execution_s * static_cast<double>(std::popcount(piece.mask));
  if (rec.staged_bytes > 0) {
    staged_jobs_++;
    staging_sum_ += rec.staging_s;
    staging_max_ = std::max(staging_max_, rec.staging_s);
  }
  held_idle_ += rec.held_idle_s * job.accelerators;
  // Productive: the time the job needed at its pool's reference placement, without staging (issue 23, item 11:
  // a stretched or data-starved job raises busy utilization, not this).
  productive_ += m.reference_run_s * job.accelerators;
  const double computing_s = m.execution_s - rec.held_idle_s;
  if (job.comm_share > 0) {
    comm_jobs_++;
    comm_slowdown_sum_ += rec.comm_slowdown;
  }
  if (rec.comm_slowdown > 1) {
    slowed_jobs_++;
    comm_slowdown_max_ = std::max(comm_slowdown_max_, rec.comm_slowdown);
    slowdown_acc_s_ += computing_s * job.accelerators * (1 - 1 / rec.comm_slowdown);
  }
  // Work done, not time held: the job's run time on its type at its precision's rate (its work_flop), the part
  // it ran if killed at its walltime. Time in collectives, at any placement, adds none (issue 23: a job stretched
  // by its placement counted its stretch). int8 operations are not floating-point ones: kept apart.
  const double done = rec.run_s > 0 ? std::min(1.0, computing_s / rec.run_s) : 1.0;
  const double work = done * unlimited_runtime_s(job, cluster.types[pool.type]) * job.accelerators *
                      cluster.types[pool.type].peak_flop_per_s[static_cast<std::size_t>(job.precision)] *
                      job.efficiency;
  (job.precision == Precision::INT8 ? delivered_int8_op_ : delivered_flop_) += work;
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

nlohmann::ordered_json wait_causes_json(const RunMetrics& run, const Cluster& cluster)
{
  nlohmann::ordered_json o;
  double total = 0;
  std::size_t dominant = WAIT_CAUSE_COUNT;
  for (std::size_t k = 0; k < WAIT_CAUSE_COUNT; k++) {
    total += run.waiting_[k].value();
    if (run.waiting_[k].value() > 0 &&
        (dominant == WAIT_CAUSE_COUNT || run.waiting_[k].value() > run.waiting_[dominant].value()))
      dominant = k;
  }
  o["accelerator_hours"] = hours_by_cause(run.waiting_);
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
  o["by_type"] = group(names, run.waiting_by_type_);
  names.clear();
  for (const Site& site : cluster.sites)
    names.emplace_back(site.name);
  o["by_site"] = group(names, run.waiting_by_site_);
  names.assign(JOB_CLASS_NAMES.begin(), JOB_CLASS_NAMES.end());
  o["by_class"] = group(names, run.waiting_by_class_);
  std::vector<std::string> sizes;
  for (std::size_t b = 0; b < SIZE_BUCKETS; b++)
    sizes.push_back(size_bucket_name(b));
  names.assign(sizes.begin(), sizes.end());
  o["by_size"] = group(names, run.waiting_by_size_);
  if (dominant < WAIT_CAUSE_COUNT)
    o["bottleneck"] = bottleneck_json(run.waiting_by_type_, run.waiting_by_site_, cluster, dominant);
  return o;
}

nlohmann::ordered_json summarize(const Scenario& scenario, const Cluster& cluster, const RunMetrics& run,
                                 const RunCounters& counters, const EnergyMeter* meter)
{
  const double makespan = run.makespan_;
  const double ended = static_cast<double>(run.completed_ + run.killed_);
  const auto mean = [ended](const ExactSum& sum) { return ended > 0 ? sum.value() / ended : 0.0; };
  const auto util = [makespan](double busy, double accelerators) {
    return makespan > 0 && accelerators > 0 ? busy / (accelerators * makespan) : 0.0;
  };
  ExactSum busy_total;
  for (const ExactSum& b : run.busy_by_type_)
    busy_total += b.value();

  nlohmann::ordered_json s;
  s["ccsim"] = {{"version", std::string(version())}};
  s["scenario"] = {{"name", scenario.name}, {"sha256", scenario.sha256}};
  s["seed"] = scenario.seed;
  s["scheduler"] = {{"queue", scenario.scheduler.queue_policy}, {"placement", scenario.scheduler.placement_policy}};
  s["platform"] = {{"sites", cluster.sites.size()},
                   {"racks", cluster.racks.size()},
                   {"nodes", cluster.node_count()},
                   {"accelerators", cluster.accelerator_count()}};
  s["jobs"] = {{"submitted", counters.submitted}, {"completed", run.completed_}, {"killed_at_walltime", run.killed_}};
  s["wait_s"] = {{"mean", mean(run.wait_sum_)},
                 {"median", run.wait_quantile(0.5)},
                 {"p95", run.wait_quantile(0.95)},
                 {"max", run.wait_max_}};
  s["turnaround_s"] = {{"mean", mean(run.turnaround_sum_)}, {"max", run.turnaround_max_}};
  s["bounded_slowdown"] = {{"mean", mean(run.bsld_sum_)}, {"max", run.bsld_max_}, {"tau_s", BSLD_TAU_S}};
  s["makespan_s"] = makespan;
  nlohmann::ordered_json by_type = nlohmann::ordered_json::object();
  for (std::size_t t = 0; t < cluster.types.size(); t++)
    by_type[cluster.types[t].name] = util(
        run.busy_by_type_[t].value(), static_cast<double>(cluster.accelerators_of_type(static_cast<std::uint16_t>(t))));
  nlohmann::ordered_json by_site = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < cluster.sites.size(); i++)
    by_site[cluster.sites[i].name] =
        util(run.busy_by_site_[i].value(), static_cast<double>(cluster.sites[i].accelerators));
  const auto accelerators = static_cast<double>(cluster.accelerator_count());
  s["utilization"] = {{"accelerators", util(busy_total.value(), accelerators)},
                      {"productive", util(run.productive_.value(), accelerators)},
                      {"by_type", by_type},
                      {"by_site", by_site}};
  s["accelerator_hours"] = {{"busy", busy_total.value() / 3600.0}, {"productive", run.productive_.value() / 3600.0}};
  ExactSum available_flop;
  for (std::size_t t = 0; t < cluster.types.size(); t++)
    available_flop += static_cast<double>(cluster.accelerators_of_type(static_cast<std::uint16_t>(t))) *
                      reference_peak_flop_per_s(cluster.types[t]) * makespan;
  const double delivered_flop = run.delivered_flop_.value();
  s["flops"] = {{"delivered_fraction", available_flop.value() > 0 ? delivered_flop / available_flop.value() : 0.0},
                {"delivered_eflop", delivered_flop / 1e18},
                {"delivered_int8_eop", run.delivered_int8_op_.value() / 1e18}};
  nlohmann::ordered_json bytes_by_tier = nlohmann::ordered_json::object();
  ExactSum staged_bytes;
  for (std::size_t t = 0; t < TIER_COUNT; t++) {
    bytes_by_tier[std::string(TIER_NAMES[t])] = counters.staged_bytes_by_tier[t];
    staged_bytes += counters.staged_bytes_by_tier[t];
  }
  s["staging"] = {
      {"mode", scenario.scheduler.staging == StagingMode::HOLD ? "hold" : "prefetch"},
      {"jobs", run.staged_jobs_},
      {"mean_s", run.staged_jobs_ > 0 ? run.staging_sum_.value() / static_cast<double>(run.staged_jobs_) : 0.0},
      {"max_s", run.staging_max_},
      {"bytes", staged_bytes.value()},
      {"bytes_by_tier", bytes_by_tier},
      {"accelerator_hours_held_idle", run.held_idle_.value() / 3600.0}};
  s["comm_slowdown"] = {
      {"jobs", run.slowed_jobs_},
      {"mean", run.comm_jobs_ > 0 ? run.comm_slowdown_sum_.value() / static_cast<double>(run.comm_jobs_) : 1.0},
      {"max", run.comm_slowdown_max_},
      {"accelerator_hours", run.slowdown_acc_s_.value() / 3600.0}};
  if (run.attributed_ > 0)
    s["wait_causes"] = wait_causes_json(run, cluster);
  // Per class and per size bucket (groups with no job left out): jobs, wait and bounded slowdown.
  const auto figures = [](const RunMetrics::GroupFigures& c) {
    const auto jobs = static_cast<double>(c.jobs);
    return nlohmann::ordered_json{{"jobs", c.jobs},
                                  {"wait_s", {{"mean", c.wait_sum.value() / jobs}, {"max", c.wait_max}}},
                                  {"bounded_slowdown", {{"mean", c.bsld_sum.value() / jobs}, {"max", c.bsld_max}}}};
  };
  nlohmann::ordered_json classes = nlohmann::ordered_json::object();
  for (std::size_t k = 0; k < JOB_CLASS_NAMES.size(); k++)
    if (run.by_class_[k].jobs > 0)
      classes[std::string(JOB_CLASS_NAMES[k])] = figures(run.by_class_[k]);
  s["by_class"] = classes;
  nlohmann::ordered_json sizes = nlohmann::ordered_json::object();
  for (std::size_t b = 0; b < SIZE_BUCKETS; b++)
    if (run.by_size_[b].jobs > 0)
      sizes[size_bucket_name(b)] = figures(run.by_size_[b]);
  s["by_size"] = sizes;
  const auto stranded = cluster.stranded_by_caps();
  s["stranded"] = {{"accelerators", stranded}, {"accelerator_s", static_cast<double>(stranded) * makespan}};
  if (meter != nullptr) {
    constexpr double J_PER_KWH = 3.6e6;
    double it_j = 0;
    double facility_j = 0;
    double cost = 0;
    double carbon_kg = 0;
    nlohmann::ordered_json energy_by_site = nlohmann::ordered_json::object();
    for (std::uint32_t i = 0; i < cluster.sites.size(); i++) {
      const double site_it = meter->it_energy_j(i);
      const double site_facility = meter->facility_energy_j(i);
      it_j += site_it;
      facility_j += site_facility;
      cost += site_facility / J_PER_KWH * cluster.sites[i].price_per_kwh;
      carbon_kg += site_facility / J_PER_KWH * cluster.sites[i].carbon_kg_per_kwh;
      energy_by_site[cluster.sites[i].name] = {{"it_kwh", site_it / J_PER_KWH},
                                               {"facility_kwh", site_facility / J_PER_KWH}};
    }
    s["energy"] = {{"it_kwh", it_j / J_PER_KWH}, {"facility_kwh", facility_j / J_PER_KWH}, {"by_site", energy_by_site}};
    s["pue"] = {{"effective", it_j > 0 ? facility_j / it_j : 0.0}};
    s["cost"] = {{"electricity", cost}, {"currency", scenario.currency}};
    s["carbon"] = {{"tco2", carbon_kg / 1000.0}};
    s["fragmentation"] = {{"mean", meter->mean_fragmentation()},
                          {"expected_mean", meter->mean_expected_fragmentation()}};
  }
  return s;
}

nlohmann::ordered_json summarize(const Scenario& scenario, const Cluster& cluster, std::span<const Job> jobs,
                                 const RunResult& result, const EnergyMeter* meter)
{
  RunMetrics run(cluster);
  for (const Job& job : jobs)
    if (job.index < result.records.size())
      run.job_ended(job, result.records[job.index], result.slots_of(result.records[job.index]));
  RunCounters counters;
  counters.submitted = jobs.size();
  counters.events = result.events;
  counters.decision_points = result.decision_points;
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
