// src/workload/workload.cpp
#include "ccsim/workload/workload.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

namespace ccsim {

double runtime_s(const Job& job, const AcceleratorType& type)
{
  if (not std::isnan(job.duration_s))
    return job.duration_s;
  const double peak = type.peak_flop_per_s[static_cast<std::size_t>(job.precision)];
  return job.work_flop / (static_cast<double>(job.accelerators) * peak * job.efficiency);
}

void resolve_jobs(std::span<Job> jobs, const Cluster& cluster, const std::string& file,
                  const std::function<std::string(std::size_t)>& locate, Diagnostics& diags, bool cpu_only_allowed)
{
  // Largest pool per type: a job must fit in one pool (one site, one type).
  std::vector<std::uint64_t> largest_pool(cluster.types.size(), 0);
  std::vector<std::uint64_t> all_pools(cluster.types.size(), 0); // a job spanning sites may use every pool of a type
  for (const auto& p : cluster.pools) {
    largest_pool[p.type] = std::max(largest_pool[p.type], p.usable);
    all_pools[p.type] += p.usable;
  }
  std::string known;
  for (const auto& t : cluster.types)
    known += (known.empty() ? "" : ", ") + t.name;

  for (std::size_t i = 0; i < jobs.size(); i++) {
    Job& job = jobs[i];
    const std::string ptr = locate(i);
    // Sub-locations are pointers below a JSON job; a line-based trace has only the line.
    const bool json_location = ptr.starts_with("/");
    const auto at = [&ptr, json_location](const std::string& sub) { return json_location ? ptr + sub : ptr; };
    std::uint64_t accepted = 0;
    if (job.accept.empty()) {
      accepted = cluster.types.size() >= 64 ? ~0ULL : (1ULL << cluster.types.size()) - 1;
    } else {
      for (std::size_t k = 0; k < job.accept.size(); k++) {
        const auto& name = job.accept[k];
        std::uint64_t match = 0;
        for (std::size_t t = 0; t < cluster.types.size(); t++)
          if (cluster.types[t].name == name || enum_name(ACCELERATOR_KIND_NAMES, cluster.types[t].kind) == name)
            match |= 1ULL << t;
        if (match == 0)
          diags.add(file, at("/accept/" + std::to_string(k)),
                    "\"" + name + "\" names no accelerator type or kind in the platform (expected one of: " + known +
                        ", gpu, asic, fpga)");
        accepted |= match;
      }
    }
    if (job.accelerators == 0) {
      if (not cpu_only_allowed)
        diags.add(file, at("/accelerators"),
                  fmt::format("job \"{}\" asks for 0 accelerators (CPU-only tasks run only in fill mode, "
                              "scheduler.mode = \"fill\"; expected at least 1)",
                              job.id));
      job.eligible_types = accepted;
      if (std::isnan(job.walltime_s))
        job.walltime_s = std::isnan(job.duration_s) ? 0 : job.duration_s;
      continue;
    }
    std::uint64_t eligible = 0;
    std::uint64_t capacity = 0;
    double slowest = 0;
    bool memory_excluded = false;
    for (std::size_t t = 0; t < cluster.types.size(); t++) {
      if ((accepted >> t & 1U) == 0 ||
          cluster.types[t].peak_flop_per_s[static_cast<std::size_t>(job.precision)] <= 0)
        continue;
      if (cluster.types[t].memory_gib < job.memory_gib) {
        memory_excluded = true;
        continue;
      }
      eligible |= 1ULL << t;
      capacity = std::max(capacity, job.span_sites ? all_pools[t] : largest_pool[t]);
      slowest = std::max(slowest, runtime_s(job, cluster.types[t]));
    }
    job.eligible_types = eligible;
    if (not job.data_site.empty()) {
      const int site = cluster.find_site(job.data_site);
      if (site < 0) {
        std::string sites;
        for (const auto& s : cluster.sites)
          sites += (sites.empty() ? "" : ", ") + s.name;
        diags.add(file, at("/data_site"),
                  fmt::format("job \"{}\" names data site \"{}\", which is not a site of the platform (expected one "
                              "of: {})",
                              job.id, job.data_site, sites));
      } else {
        job.data_site_index = static_cast<std::uint32_t>(site);
        // Every site with an eligible pool may run the job: its data must be able to get there.
        for (const auto& p : cluster.pools)
          if ((eligible >> p.type & 1U) != 0 && job.data_bytes > 0 &&
              not cluster.topology.reachable(job.data_site_index, p.site)) {
            diags.add(file, at("/data_site"),
                      fmt::format("job \"{}\" has its data at site \"{}\" and may run at site \"{}\", but the "
                                  "network has no path between them (expected \"network\" links connecting them)",
                                  job.id, job.data_site, cluster.sites[p.site].name));
            break;
          }
      }
    }
    if (eligible == 0) {
      if (accepted != 0 && memory_excluded)
        diags.add(file, at("/memory_gib"),
                  fmt::format("job \"{}\" needs {} GiB per accelerator but no accepted type with {} has that much "
                              "(expected at most the largest memory_gib of an eligible type)",
                              job.id, job.memory_gib, enum_name(PRECISION_NAMES, job.precision)));
      else if (accepted != 0)
        diags.add(file, ptr,
                  fmt::format("job \"{}\" needs {} but no accepted accelerator type in the platform supports it "
                              "(expected a type with a peak_tflops entry for {})",
                              job.id, enum_name(PRECISION_NAMES, job.precision),
                              enum_name(PRECISION_NAMES, job.precision)));
      continue;
    }
    if (job.accelerators > capacity)
      diags.add(file, at("/accelerators"),
                job.span_sites
                    ? fmt::format("job \"{}\" asks for {} accelerators but all sites together hold {} usable of one "
                                  "eligible type within rack power caps (expected at most {})",
                                  job.id, job.accelerators, capacity, capacity)
                    : fmt::format("job \"{}\" asks for {} accelerators but the largest site pool of an eligible type "
                                  "holds {} usable within rack power caps (a job runs within one site and one "
                                  "accelerator type unless it may span sites; expected at most {})",
                                  job.id, job.accelerators, capacity, capacity));
    if (std::isnan(job.walltime_s))
      job.walltime_s = slowest;
    if (not std::isfinite(job.walltime_s))
      diags.add(file, ptr, fmt::format("job \"{}\" has a runtime that is not finite on this platform", job.id));
  }
}

std::vector<std::uint32_t> submission_order(std::span<const Job> jobs)
{
  std::vector<std::uint32_t> order(jobs.size());
  std::iota(order.begin(), order.end(), 0U);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return jobs[a].submit_s < jobs[b].submit_s; });
  return order;
}

} // namespace ccsim
