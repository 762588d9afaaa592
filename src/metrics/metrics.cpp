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

nlohmann::ordered_json summarize(const Scenario& scenario, const Cluster& cluster, std::span<const Job> jobs,
                                 const RunResult& result)
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
  for (std::size_t i = 0; i < jobs.size(); i++) {
    const JobRecord& rec = result.records[i];
    if (rec.state == JobState::PENDING || rec.state == JobState::RUNNING)
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
    busy_by_site[pool.site] += busy;
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
  s["wait_s"] = {{"mean", mean(wait_sum)},
                 {"median", quantile(q, 0.5)},
                 {"p95", quantile(q, 0.95)},
                 {"max", wait_max}};
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
  return s;
}

} // namespace ccsim
