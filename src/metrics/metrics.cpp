// src/metrics/metrics.cpp
#include "ccsim/metrics/metrics.hpp"

#include "ccsim/core/version.hpp"

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
  m.bounded_slowdown = std::max(1.0, m.turnaround_s / std::max(m.execution_s, BSLD_TAU_S));
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

double job_energy_j(const Cluster& cluster, const JobRecord& record, std::span<const NodeSlots> slots)
{
  double busy_w = 0;
  double idle_w = 0;
  for (std::uint32_t k = record.first_slot; k < record.first_slot + record.slot_count; k++) {
    const NodeSlots& piece = slots[k];
    const double n = std::popcount(piece.mask);
    const double base_w = cluster.node_base_w[piece.node] * n / cluster.node_accels[piece.node];
    busy_w += n * cluster.types[cluster.node_type[piece.node]].max_w + base_w;
    idle_w += n * cluster.types[cluster.node_type[piece.node]].idle_w + base_w;
  }
  return busy_w * (record.finish_s - record.start_s - record.held_idle_s) + idle_w * record.held_idle_s;
}

double reference_peak_flop_per_s(const AcceleratorType& type)
{
  static constexpr std::array<Precision, PRECISION_COUNT> ORDER = {Precision::BF16, Precision::FP16, Precision::FP32,
                                                                   Precision::FP64, Precision::TF32, Precision::FP8,
                                                                   Precision::INT8};
  for (const Precision p : ORDER)
    if (const double peak = type.peak_flop_per_s[static_cast<std::size_t>(p)]; peak > 0)
      return peak;
  return 0;
}

nlohmann::ordered_json summarize(const Scenario& scenario, const Cluster& cluster, std::span<const Job> jobs,
                                 const RunResult& result, const EnergyMeter* meter)
{
  std::uint64_t completed = 0;
  std::uint64_t killed = 0;
  double makespan = 0;
  double wait_sum = 0;
  double wait_max = 0;
  double turnaround_sum = 0;
  double turnaround_max = 0;
  double bsld_sum = 0;
  double bsld_max = 0;
  std::vector<double> waits;
  waits.reserve(jobs.size());
  std::vector<double> busy_by_type(cluster.types.size(), 0); // accelerator-seconds
  std::vector<double> busy_by_site(cluster.sites.size(), 0);
  double delivered_flop = 0;
  std::uint64_t staged_jobs = 0;
  double staging_sum = 0;
  double staging_max = 0;
  double held_idle = 0;                         // accelerator-seconds held idle waiting for data
  std::uint64_t comm_jobs = 0, slowed_jobs = 0; // ended jobs with comm_share > 0; those slowed by their placement
  double comm_slowdown_sum = 0, comm_slowdown_max = 1;
  double slowdown_acc_s = 0; // accelerator-seconds of computing added by communication slowdowns
  for (std::size_t i = 0; i < jobs.size(); i++) {
    const JobRecord& rec = result.records[i];
    if (rec.state == JobState::PENDING)
      continue;
    (rec.state == JobState::COMPLETED_SUCCESSFULLY ? completed : killed)++;
    const JobMetrics m = job_metrics(jobs[i], rec);
    makespan = std::max(makespan, rec.finish_s);
    wait_sum += m.wait_s;
    wait_max = std::max(wait_max, m.wait_s);
    waits.push_back(m.wait_s);
    turnaround_sum += m.turnaround_s;
    turnaround_max = std::max(turnaround_max, m.turnaround_s);
    bsld_sum += m.bounded_slowdown;
    bsld_max = std::max(bsld_max, m.bounded_slowdown);
    const Pool& pool = cluster.pools[rec.pool];
    const double busy = m.execution_s * jobs[i].accelerators;
    busy_by_type[pool.type] += busy;
    for (std::uint32_t k = rec.first_slot; k < rec.first_slot + rec.slot_count; k++) // by site, for spanning jobs
      busy_by_site[cluster.node_site[result.slots[k].node]] +=
          m.execution_s * static_cast<double>(std::popcount(result.slots[k].mask));
    if (rec.staged_bytes > 0) {
      staged_jobs++;
      staging_sum += rec.staging_s;
      staging_max = std::max(staging_max, rec.staging_s);
    }
    held_idle += rec.held_idle_s * jobs[i].accelerators;
    const double computing_s = m.execution_s - rec.held_idle_s;
    if (jobs[i].comm_share > 0) {
      comm_jobs++;
      comm_slowdown_sum += rec.comm_slowdown;
    }
    if (rec.comm_slowdown > 1) {
      slowed_jobs++;
      comm_slowdown_max = std::max(comm_slowdown_max, rec.comm_slowdown);
      slowdown_acc_s += computing_s * jobs[i].accelerators * (1 - 1 / rec.comm_slowdown);
    }
    delivered_flop += computing_s * jobs[i].accelerators *
                      cluster.types[pool.type].peak_flop_per_s[static_cast<std::size_t>(jobs[i].precision)] *
                      jobs[i].efficiency;
  }
  const double ended = static_cast<double>(completed + killed);
  const auto mean = [ended](double sum) { return ended > 0 ? sum / ended : 0.0; };
  const auto util = [makespan](double busy, double accelerators) {
    return makespan > 0 && accelerators > 0 ? busy / (accelerators * makespan) : 0.0;
  };
  double busy_total = 0;
  for (const double b : busy_by_type)
    busy_total += b;

  nlohmann::ordered_json s;
  s["ccsim"] = {{"version", std::string(version())}};
  s["scenario"] = {{"name", scenario.name}, {"sha256", scenario.sha256}};
  s["seed"] = scenario.seed;
  s["scheduler"] = {{"queue", scenario.scheduler.queue_policy}, {"placement", scenario.scheduler.placement_policy}};
  s["platform"] = {{"sites", cluster.sites.size()},
                   {"racks", cluster.racks.size()},
                   {"nodes", cluster.node_count()},
                   {"accelerators", cluster.accelerator_count()}};
  s["jobs"] = {{"submitted", jobs.size()}, {"completed", completed}, {"killed_at_walltime", killed}};
  std::vector<double> q = waits;
  s["wait_s"] = {{"mean", mean(wait_sum)}, {"median", quantile(q, 0.5)}, {"p95", quantile(q, 0.95)}, {"max", wait_max}};
  s["turnaround_s"] = {{"mean", mean(turnaround_sum)}, {"max", turnaround_max}};
  s["bounded_slowdown"] = {{"mean", mean(bsld_sum)}, {"max", bsld_max}, {"tau_s", BSLD_TAU_S}};
  s["makespan_s"] = makespan;
  nlohmann::ordered_json by_type = nlohmann::ordered_json::object();
  for (std::size_t t = 0; t < cluster.types.size(); t++)
    by_type[cluster.types[t].name] =
        util(busy_by_type[t], static_cast<double>(cluster.accelerators_of_type(static_cast<std::uint16_t>(t))));
  nlohmann::ordered_json by_site = nlohmann::ordered_json::object();
  for (std::size_t i = 0; i < cluster.sites.size(); i++)
    by_site[cluster.sites[i].name] = util(busy_by_site[i], static_cast<double>(cluster.sites[i].accelerators));
  s["utilization"] = {{"accelerators", util(busy_total, static_cast<double>(cluster.accelerator_count()))},
                      {"by_type", by_type},
                      {"by_site", by_site}};
  s["accelerator_hours"] = {{"busy", busy_total / 3600.0}};
  double available_flop = 0;
  for (std::size_t t = 0; t < cluster.types.size(); t++)
    available_flop += static_cast<double>(cluster.accelerators_of_type(static_cast<std::uint16_t>(t))) *
                      reference_peak_flop_per_s(cluster.types[t]) * makespan;
  s["flops"] = {{"delivered_fraction", available_flop > 0 ? delivered_flop / available_flop : 0.0},
                {"delivered_eflop", delivered_flop / 1e18}};
  nlohmann::ordered_json bytes_by_tier = nlohmann::ordered_json::object();
  double staged_bytes = 0;
  for (std::size_t t = 0; t < TIER_COUNT; t++) {
    bytes_by_tier[std::string(TIER_NAMES[t])] = result.staged_bytes_by_tier[t];
    staged_bytes += result.staged_bytes_by_tier[t];
  }
  s["staging"] = {{"mode", scenario.scheduler.staging == StagingMode::HOLD ? "hold" : "prefetch"},
                  {"jobs", staged_jobs},
                  {"mean_s", staged_jobs > 0 ? staging_sum / static_cast<double>(staged_jobs) : 0.0},
                  {"max_s", staging_max},
                  {"bytes", staged_bytes},
                  {"bytes_by_tier", bytes_by_tier},
                  {"accelerator_hours_held_idle", held_idle / 3600.0}};
  s["comm_slowdown"] = {{"jobs", slowed_jobs},
                        {"mean", comm_jobs > 0 ? comm_slowdown_sum / static_cast<double>(comm_jobs) : 1.0},
                        {"max", comm_slowdown_max},
                        {"accelerator_hours", slowdown_acc_s / 3600.0}};
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
    s["fragmentation"] = {{"mean", meter->mean_fragmentation()}};
  }
  return s;
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
