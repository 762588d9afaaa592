// bench/synthetic.hpp: synthetic platforms and workloads for benchmarks (not a user-facing generator).
#pragma once

#include "ccsim/scenario/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ccsim::bench {

//! `accelerators` accelerators as nodes of 8 in racks of 4 nodes, spread evenly over `sites` sites and `types`
//! accelerator types (1..4; every site has racks of every type); `jobs` jobs with Poisson arrivals at offered load
//! `load`, sizes log-uniform in [1, 64], lognormal run times (mu 7, sigma 1.5: median ~1,100 s), walltime = run time
//! x U(1, 3). With several types, 30 % of the jobs accept one type only (drawn uniformly), the rest any.
//! Same seed, same scenario. The jobs come resolved (eligible types, walltimes), as prepare() would leave them.
struct Synthetic {
  Scenario scenario;
  std::vector<Job> jobs;
};
inline Synthetic synthetic_scenario(std::uint64_t jobs, std::uint64_t accelerators, double load, std::uint64_t seed,
                                    std::uint32_t sites = 1, std::uint32_t types = 1)
{
  Synthetic out;
  Scenario& s = out.scenario;
  s.name = "synthetic";
  s.seed = seed;
  types = std::clamp<std::uint32_t>(types, 1, 4);
  sites = std::max<std::uint32_t>(sites, 1);
  const char* const names[] = {"GPU", "GPU-B", "NPU", "GPU-C"};
  const double peaks[] = {1e15, 0.6e15, 0.8e15, 0.3e15};
  const double max_w[] = {700, 400, 550, 300};
  for (std::uint32_t t = 0; t < types; t++) {
    AcceleratorSpec a;
    a.name = names[t];
    a.peak_flop_per_s[static_cast<std::size_t>(Precision::BF16)] = peaks[t];
    a.memory_gib = 80;
    a.idle_w = max_w[t] / 10;
    a.max_w = max_w[t];
    s.accelerators.push_back(a);
  }
  constexpr std::uint32_t PER_NODE = 8;
  constexpr std::uint32_t NODES_PER_RACK = 4;
  const auto nodes = static_cast<std::uint32_t>((accelerators + PER_NODE - 1) / PER_NODE);
  const std::uint32_t groups = sites * types;
  const std::uint32_t racks_per_group =
      std::max<std::uint32_t>(1, (nodes + NODES_PER_RACK * groups - 1) / (NODES_PER_RACK * groups));
  double capacity = 0;
  for (std::uint32_t i = 0; i < sites; i++) {
    SiteSpec site;
    site.name = "site" + std::to_string(i);
    site.region = "east";
    for (std::uint32_t t = 0; t < types; t++) {
      RackGroupSpec group;
      group.name = std::string("r") + names[t];
      group.racks = racks_per_group;
      group.nodes_per_rack = NODES_PER_RACK;
      group.node = NodeSpec{names[t], PER_NODE, 1500};
      site.rack_groups.push_back(std::move(group));
      capacity += static_cast<double>(racks_per_group) * NODES_PER_RACK * PER_NODE;
    }
    s.sites.push_back(site);
  }

  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> run_time(7.0, 1.5);
  std::uniform_real_distribution<double> log_size(0.0, std::log(64.0));
  std::uniform_real_distribution<double> over(1.0, 3.0);
  std::uniform_real_distribution<double> pick(0.0, 1.0);
  // Mean demand per job (accelerator-seconds) estimated from the distributions: E[size] x E[run].
  const double mean_size = (64.0 - 1.0) / std::log(64.0);
  const double mean_run = std::exp(7.0 + 1.5 * 1.5 / 2);
  std::exponential_distribution<double> gap(load * capacity / (mean_size * mean_run));
  out.jobs.resize(jobs);
  double t = 0;
  for (std::uint64_t i = 0; i < jobs; i++) {
    Job& j = out.jobs[i];
    j.id = std::to_string(i);
    t += gap(rng);
    j.submit_s = std::floor(t);
    j.accelerators = static_cast<std::uint32_t>(std::lround(std::exp(log_size(rng))));
    j.duration_s = std::ceil(run_time(rng));
    j.walltime_s = std::ceil(j.duration_s * over(rng));
    j.eligible_types = (1ULL << types) - 1;
    if (types > 1 && pick(rng) < 0.3)
      j.eligible_types = 1ULL << static_cast<std::uint32_t>(pick(rng) * types);
  }
  return out;
}

} // namespace ccsim::bench
