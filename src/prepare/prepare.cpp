// src/prepare/prepare.cpp
#include "ccsim/prepare/prepare.hpp"

#include "ccsim/perf/runtime.hpp"
#include "ccsim/workload/generator.hpp"
#include "ccsim/workload/workload_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

namespace ccsim {

namespace {

constexpr std::size_t MAX_TYPES_IN_PLATFORM = 64; // eligibility is a 64-bit mask

void apply_overrides(Scenario& s, const Overrides& o)
{
  if (o.seed)
    s.seed = *o.seed;
  if (not o.queue_policy.empty() && s.scheduler.mode == SchedulerMode::FILL)
    throw InputError("--queue", "",
                     "fill mode has no queue: tasks are placed once, in arrival order (expected no "
                     "--queue with a fill-mode scenario)");
  if (not o.queue_policy.empty()) {
    s.scheduler.queue_policy = o.queue_policy;
    if (not o.keep_queue_params)
      s.scheduler.queue_params = nullptr;
  }
  if (not o.placement_policy.empty()) {
    s.scheduler.placement_policy = o.placement_policy;
    if (not o.keep_placement_params)
      s.scheduler.placement_params = nullptr;
  }
}

//! Replaces, in every imported job, only the fields the trace's "defaults" object names.
void apply_defaults(std::vector<Job>& jobs, const WorkloadSpec& spec)
{
  const auto given = [&spec](const char* key) {
    return std::find(spec.defaults_given.begin(), spec.defaults_given.end(), key) != spec.defaults_given.end();
  };
  using Apply = void (*)(Job&, const Job&);
  static constexpr std::pair<const char*, Apply> FIELDS[] = {
      {"efficiency", [](Job& j, const Job& d) { j.efficiency = d.efficiency; }},
      {"accept", [](Job& j, const Job& d) { j.accept = d.accept; }},
      {"memory_gib", [](Job& j, const Job& d) { j.memory_gib = d.memory_gib; }},
      {"tenant", [](Job& j, const Job& d) { j.tenant = d.tenant; }},
      {"data_site", [](Job& j, const Job& d) { j.data_site = d.data_site; }},
      {"data_bytes", [](Job& j, const Job& d) { j.data_bytes = d.data_bytes; }},
      {"comm_share", [](Job& j, const Job& d) { j.comm_share = d.comm_share; }},
      {"allreduce_bytes", [](Job& j, const Job& d) { j.allreduce_bytes = d.allreduce_bytes; }},
      {"span_sites", [](Job& j, const Job& d) { j.span_sites = d.span_sites; }},
  };
  if (spec.defaults_given.empty())
    return;
  const Job& d = spec.defaults;
  for (Job& job : jobs) {
    if (given("class"))
      job.job_class = d.job_class;
    if (given("class") || given("precision")) // the class's default precision unless one is given
      job.precision = d.precision;
    for (const auto& [key, apply] : FIELDS)
      if (given(key))
        apply(job, d);
  }
}

} // namespace

PreparedRun prepare(Scenario scenario, const Overrides& overrides, const PolicyRegistry& registry)
{
  apply_overrides(scenario, overrides);
  PreparedRun run;
  run.scenario = std::move(scenario);
  const Scenario& s = run.scenario;
  const std::string& file = s.file;
  Diagnostics diags;

  // The platform, and the cross-checks that need it.
  run.cluster = Cluster::build(s);
  const Cluster& cluster = run.cluster;
  if (cluster.types.size() > MAX_TYPES_IN_PLATFORM) {
    diags.add(file, "/sites",
              fmt::format("nodes use {} accelerator types (expected at most {})", cluster.types.size(),
                          MAX_TYPES_IN_PLATFORM));
    diags.throw_if_any();
  }
  if (not s.network.links.empty() && not cluster.topology.connected()) {
    const auto [a, b] = cluster.topology.first_unreachable();
    diags.add(file, "/network/links",
              fmt::format("site \"{}\" cannot reach site \"{}\" (expected a connected topology: links joining "
                          "every site to every other, directly or through sites and hubs)",
                          cluster.sites[a].name, cluster.sites[b].name));
    diags.throw_if_any();
  }

  // The workload.
  const bool fill = s.scheduler.mode == SchedulerMode::FILL;
  const WorkloadSpec& w = s.workload;
  std::vector<Job>& jobs = run.jobs;
  ImportReport& report = run.workload_report;
  std::function<std::string(std::size_t)> locate;
  std::string jobs_file = file;
  switch (w.source) {
    case WorkloadSpec::Source::INLINE:
      jobs = w.jobs;
      report.format = "inline";
      report.read = report.kept = jobs.size();
      locate = [](std::size_t i) { return "/workload/jobs/" + std::to_string(i); };
      break;
    case WorkloadSpec::Source::TRACE: {
      ImportedWorkload imported =
          w.format == "ccsim" ? import_ccsim(w.path, fill ? ImportUse::FILL : ImportUse::EVENTS)
                              : import_trace(w.format, w.path, w.options, fill ? ImportUse::FILL : ImportUse::EVENTS);
      jobs = std::move(imported.jobs);
      report = std::move(imported.report);
      apply_defaults(jobs, w);
      jobs_file = w.path;
      locate = [&report](std::size_t i) { return report.locate(i, "/jobs"); };
      check_unique_ids(jobs, w.path, diags, [&report](std::size_t i) {
        const std::string at = report.locate(i, "/jobs");
        return at.starts_with("/") ? at + "/id" : at;
      });
      diags.throw_if_any();
      break;
    }
    case WorkloadSpec::Source::GENERATE: {
      std::uint64_t capacity = 0;
      for (const auto& p : cluster.pools)
        capacity += p.usable;
      jobs = generate_jobs(w.generator, capacity, s.seed);
      report.format = "generate";
      report.read = report.kept = jobs.size();
      if (jobs.size() >= MAX_GENERATED_JOBS)
        diags.add(file, "/workload/generate",
                  fmt::format("the generator would produce more than {} jobs (expected "
                              "a shorter horizon_s or a lower rate)",
                              MAX_GENERATED_JOBS));
      if (jobs.empty())
        diags.add(file, "/workload/generate",
                  "the generator produced no job (expected a horizon_s longer than the "
                  "first arrival)");
      diags.throw_if_any();
      locate = [&jobs](std::size_t i) { return "generated job " + jobs[i].id + " (/workload/generate)"; };
      break;
    }
  }

  // Checks that depend on the scheduler's choices (after the overrides), then the jobs against the platform.
  bool any_spanning = false;
  for (Job& j : jobs) {
    j.span_sites = j.span_sites || s.scheduler.span_sites;
    any_spanning = any_spanning || j.span_sites;
  }
  if (any_spanning && cluster.sites.size() > 1 && not cluster.topology.connected())
    diags.add(file, s.network.links.empty() ? "/scheduler" : "/network/links",
              "jobs may span sites, so every pair of sites needs a network path (expected \"network\" links "
              "connecting all sites)");
  if (any_spanning && s.scheduler.queue_policy == "conservative")
    diags.add(file, "/scheduler/queue",
              "conservative backfilling books one pool per job and cannot reserve across sites (expected another "
              "queue policy, or no span_sites)");
  resolve_jobs(jobs, cluster, jobs_file, locate, diags, fill);
  diags.throw_if_any();

  run.policies = make_scenario_policies(s, registry);
  return run;
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
      if ((accepted >> t & 1U) == 0 || cluster.types[t].peak_flop_per_s[static_cast<std::size_t>(job.precision)] <= 0)
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

} // namespace ccsim
