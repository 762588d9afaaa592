// bench/synthetic.hpp: synthetic platforms and workloads for benchmarks (not a user-facing generator).
#pragma once

#include "ccsim/scenario/scenario.hpp"

#include <cmath>
#include <cstdint>
#include <random>
#include <string>

namespace ccsim::bench {

//! `accelerators` accelerators as nodes of 8 in racks of 4 nodes, one site, one type;
//! `jobs` jobs with Poisson arrivals at offered load `load`, sizes log-uniform in [1, 64], lognormal run times
//! (mu 7, sigma 1.5: median ~1,100 s), walltime = run time x U(1, 3). Same seed, same scenario.
inline Scenario synthetic_scenario(std::uint64_t jobs, std::uint64_t accelerators, double load, std::uint64_t seed)
{
  Scenario s;
  s.name = "synthetic";
  s.seed = seed;
  AcceleratorSpec a;
  a.name = "GPU";
  a.peak_flop_per_s[static_cast<std::size_t>(Precision::BF16)] = 1e15;
  a.memory_gib = 80;
  a.idle_w = 70;
  a.max_w = 700;
  s.accelerators.push_back(a);
  constexpr std::uint32_t PER_NODE = 8;
  constexpr std::uint32_t NODES_PER_RACK = 4;
  const auto nodes = static_cast<std::uint32_t>((accelerators + PER_NODE - 1) / PER_NODE);
  SiteSpec site{"site0", "east", {}};
  site.rack_groups.push_back(RackGroupSpec{"r", (nodes + NODES_PER_RACK - 1) / NODES_PER_RACK, NODES_PER_RACK,
                                           NodeSpec{"GPU", PER_NODE, 1500}, UNSET});
  s.sites.push_back(site);
  const double capacity = static_cast<double>(site.rack_groups[0].racks * NODES_PER_RACK * PER_NODE);

  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> run_time(7.0, 1.5);
  std::uniform_real_distribution<double> log_size(0.0, std::log(64.0));
  std::uniform_real_distribution<double> over(1.0, 3.0);
  // Mean demand per job (accelerator-seconds) estimated from the distributions: E[size] x E[run].
  const double mean_size = (64.0 - 1.0) / std::log(64.0);
  const double mean_run = std::exp(7.0 + 1.5 * 1.5 / 2);
  std::exponential_distribution<double> gap(load * capacity / (mean_size * mean_run));
  s.jobs.resize(jobs);
  double t = 0;
  for (std::uint64_t i = 0; i < jobs; i++) {
    Job& j = s.jobs[i];
    j.id = std::to_string(i);
    t += gap(rng);
    j.submit_s = std::floor(t);
    j.accelerators = static_cast<std::uint32_t>(std::lround(std::exp(log_size(rng))));
    j.duration_s = std::ceil(run_time(rng));
    j.walltime_s = std::ceil(j.duration_s * over(rng));
    j.eligible_types = 1;
  }
  return s;
}

} // namespace ccsim::bench
