// src/prepare/prepare.cpp
#include "ccsim/prepare/prepare.hpp"

#include "ccsim/core/limits.hpp"
#include "ccsim/perf/comm_model.hpp"
#include "ccsim/perf/runtime.hpp"
#include "ccsim/workload/generator.hpp"
#include "ccsim/workload/trace_reader.hpp"
#include "ccsim/workload/workload_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <unordered_map>
#include <unordered_set>
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

} // namespace

namespace detail {

//! How the workload's jobs are read, as often as needed: the raw jobs in submission order, then finished (trace
//! defaults, the scheduler's span_sites) and resolved against the platform. Holds copies of what it reads from,
//! never pointers into the PreparedRun (which moves).
struct Workload {
  WorkloadSpec::Source source = WorkloadSpec::Source::INLINE;
  std::string file;                  //!< where problems are located: the scenario, or the trace
  std::vector<Job> jobs;             //!< INLINE and TRACE: the jobs in input order (TRACE: as imported)
  ImportReport report;               //!< TRACE: for locating a job by index ("line N" or a pointer)
  std::string format;                //!< TRACE, streamed: the line-based format ...
  nlohmann::json options;            //!< ... its options ...
  ImportUse use = ImportUse::EVENTS; //!< ... and use
  bool streamed = false;             //!< TRACE: read from the file at each pass instead of held in `jobs`
  double shift_s = 0;                //!< TRACE, streamed: subtracted from submit times (start_at_zero)
  //! `jobs` in submission order (submission_order()), computed by the first open_raw()
  mutable std::shared_ptr<const std::vector<std::uint32_t>> order;
  GeneratorSpec generator;       //!< GENERATE
  std::uint64_t capacity = 0;    //!< GENERATE: usable accelerators (sets an offered-load rate)
  std::uint64_t seed = 0;        //!< GENERATE
  Job defaults;                  //!< TRACE: job fields the trace does not carry (set_defaults_given())
  ScaledJobSource::Scale scale;  //!< TRACE: time_scale, load_scale (identity: jobs as read)
  bool span_sites = false;       //!< scheduler.span_sites: every job may span sites
  bool cpu_only_allowed = false; //!< fill mode
  //! Per job class: whether workload.duration_reference names a type, and that type's peaks (FLOP/s)
  std::array<bool, JOB_CLASS_NAMES.size()> duration_reference{};
  std::array<double, JOB_CLASS_NAMES.size()> activity{}; //!< per job class: workload.activity
  std::array<std::array<double, PRECISION_COUNT>, JOB_CLASS_NAMES.size()> reference_peak{};

  //! The raw jobs, in submission order, each with its Job::index.
  std::unique_ptr<JobSource> open_raw() const
  {
    if (source == WorkloadSpec::Source::GENERATE)
      return std::make_unique<GeneratedJobs>(generator, capacity, seed);
    if (streamed)
      return std::make_unique<TraceJobSource>(open_trace_reader(format, file, options, use), shift_s);
    if (not order || order->size() != jobs.size())
      order = std::make_shared<const std::vector<std::uint32_t>>(submission_order(jobs));
    return std::make_unique<VectorJobSource>(&jobs, order); // copies each job as it is read
  }

  //! The raw jobs scaled (ScaledJobSource), or as they are when the scale is the identity.
  std::unique_ptr<JobSource> open_scaled() const
  {
    auto raw = open_raw();
    if (scale.identity())
      return raw;
    return std::make_unique<ScaledJobSource>(std::move(raw), scale, raw_locator());
  }

  //! Where the raw job of index i comes from, when its source cannot say (a trace held whole).
  std::function<std::string(std::uint32_t)> raw_locator() const
  {
    return [this](std::uint32_t i) { return report.locate(i, "/jobs"); };
  }

  //! Where `job`, just read from `src`, comes from, for messages.
  std::string locate(const Job& job, const JobSource& src) const
  {
    if (std::string where = src.where(); not where.empty())
      return where;
    switch (source) {
      case WorkloadSpec::Source::INLINE:
        return "/workload/jobs/" + std::to_string(job.index);
      case WorkloadSpec::Source::TRACE:
        return report.locate(job.index, "/jobs");
      case WorkloadSpec::Source::GENERATE:
        break;
    }
    return "generated job " + job.id + " (/workload/generate)";
  }

  //! Trace defaults and the scheduler's span_sites, before resolution.
  void finish(Job& job) const
  {
    for (const Apply apply : appliers)
      apply(job, defaults);
    job.span_sites = job.span_sites || span_sites;
    if (not job.activity_given)
      job.activity = activity[static_cast<std::size_t>(job.job_class)];
    // A duration measured on the workload's reference type runs scaled by peaks elsewhere (NaN: that type lacks
    // the job's precision, reported by the resolver).
    if (const auto c = static_cast<std::size_t>(job.job_class);
        duration_reference[c] && not std::isnan(job.duration_s)) {
      const double peak = reference_peak[c][static_cast<std::size_t>(job.precision)];
      job.duration_reference_flop_per_s = peak > 0 ? peak : std::numeric_limits<double>::quiet_NaN();
    }
  }

  //! Sets which fields of `defaults` replace a job's: only those the trace's "defaults" object names.
  void set_defaults_given(const std::vector<std::string>& given_keys)
  {
    const auto given = [&](const char* key) {
      return std::find(given_keys.begin(), given_keys.end(), key) != given_keys.end();
    };
    static constexpr std::pair<const char*, Apply> FIELDS[] = {
        {"class", [](Job& j, const Job& d) { j.job_class = d.job_class; }},
        {"efficiency", [](Job& j, const Job& d) { j.efficiency = d.efficiency; }},
        {"activity",
         [](Job& j, const Job& d) {
           j.activity = d.activity;
           j.activity_given = true;
         }},
        {"accept", [](Job& j, const Job& d) { j.accept = d.accept; }},
        {"memory_gib", [](Job& j, const Job& d) { j.memory_gib = d.memory_gib; }},
        {"tenant", [](Job& j, const Job& d) { j.tenant = d.tenant; }},
        {"data_site", [](Job& j, const Job& d) { j.data_site = d.data_site; }},
        {"data_bytes", [](Job& j, const Job& d) { j.data_bytes = d.data_bytes; }},
        {"comm_share", [](Job& j, const Job& d) { j.comm_share = d.comm_share; }},
        {"allreduce_bytes", [](Job& j, const Job& d) { j.allreduce_bytes = d.allreduce_bytes; }},
        {"span_sites", [](Job& j, const Job& d) { j.span_sites = d.span_sites; }},
    };
    appliers.clear();
    for (const auto& [key, apply] : FIELDS)
      if (given(key))
        appliers.push_back(apply);
    if (given("class") || given("precision")) // the class's default precision unless one is given
      appliers.push_back([](Job& j, const Job& d) { j.precision = d.precision; });
  }

private:
  using Apply = void (*)(Job&, const Job&);
  std::vector<Apply> appliers; //!< what finish() copies from `defaults`
};

} // namespace detail

namespace {

//! Why an LLM training job fits no type (docs/model.md "LLM training"): the memory it needs on each of its
//! accelerators, and the fewest accelerators each accepted type with its precision would take (the model state
//! sharded more thinly; none where one sequence's activations alone exceed the type's memory).
std::string llm_memory_problem(const Job& job, const Cluster& cluster, std::uint64_t accepted)
{
  const double activation_bytes =
      job.memory_gib * GIB_BYTES - job.model_state_bytes / std::max<double>(1, job.accelerators);
  std::string minimum;
  for (std::size_t t = 0; t < cluster.types.size(); t++) {
    const auto& type = cluster.types[t];
    if ((accepted >> t & 1U) == 0 || type.peak_flop_per_s[static_cast<std::size_t>(job.precision)] <= 0)
      continue;
    const double room = type.memory_gib * GIB_BYTES - activation_bytes;
    minimum += (minimum.empty() ? "" : ", ") + type.name + " " +
               (room > 0 ? fmt::format("{:.0f}", std::ceil(job.model_state_bytes / room)) : std::string("none"));
  }
  return fmt::format("job \"{}\" trains a model whose state (16 bytes per parameter) and activations need {:.1f} GiB "
                     "on each of its {} accelerators, more than any accepted type has (expected at least these "
                     "accelerators: {})",
                     job.id, job.memory_gib, job.accelerators, minimum);
}

} // namespace

namespace {

//! What prepare()'s pass learns of a streamed trace: whether its rows are in submission order, the earliest submit
//! time, and a hash of each id (8 bytes per job; equal hashes are then checked on the ids themselves).
struct StreamCheck {
  bool sorted = true;
  double last_submit = -std::numeric_limits<double>::infinity();
  double first_submit = std::numeric_limits<double>::infinity();
  std::vector<std::uint64_t> id_hashes;

  void add(const Job& job)
  {
    sorted = sorted && job.submit_s >= last_submit;
    last_submit = job.submit_s;
    first_submit = std::min(first_submit, job.submit_s);
    if (not job.id.empty())
      id_hashes.push_back(std::hash<std::string_view>()(job.id));
  }

  //! Reports each repeated id at the line that repeats it. Only when two hashes are equal is the trace read again.
  void check_ids(const detail::Workload& w, Diagnostics& diags)
  {
    std::sort(id_hashes.begin(), id_hashes.end());
    std::unordered_set<std::uint64_t> suspects;
    for (std::size_t i = 1; i < id_hashes.size(); i++)
      if (id_hashes[i] == id_hashes[i - 1])
        suspects.insert(id_hashes[i]);
    id_hashes = {};
    if (suspects.empty())
      return;
    TraceJobSource again(open_trace_reader(w.format, w.file, w.options, w.use), 0);
    std::unordered_set<std::string> seen;
    for (Job job; again.next(job);)
      if (not job.id.empty() && suspects.contains(std::hash<std::string_view>()(job.id)) &&
          not seen.insert(job.id).second)
        diags.add(w.file, again.where().starts_with("/") ? again.where() + "/id" : again.where(),
                  "duplicate job id \"" + job.id + "\" (expected unique ids)");
  }
};

//! The jobs the simulation reads: raw jobs, finished and resolved (they were checked by prepare()'s pass, so a
//! problem here is a bug).
class ResolvedJobs final : public JobSource {
public:
  ResolvedJobs(std::shared_ptr<const detail::Workload> workload, const Cluster& cluster)
      : workload_(std::move(workload))
      , raw_(workload_->open_scaled())
      , resolver_(cluster, workload_->cpu_only_allowed)
  {
  }
  bool next(Job& job) override
  {
    if (not raw_->next(job))
      return false;
    workload_->finish(job);
    if (not resolver_.resolve(
            job, workload_->file, [&] { return workload_->locate(job, *raw_); }, diags_))
      throw std::logic_error("job " + job.id +
                             " was checked by prepare() but does not resolve: " + diags_.items().front().to_string());
    return true;
  }

private:
  std::shared_ptr<const detail::Workload> workload_;
  std::unique_ptr<JobSource> raw_;
  JobResolver resolver_;
  Diagnostics diags_;
};

//! A trace read whole into the workload (Batsim JSON, or a ccsim workload file not laid out one job per line):
//! its jobs held, ids checked (problems thrown at once, as the importers do).
void read_trace_whole(detail::Workload& w, const WorkloadSpec& spec, ImportUse use, ImportReport& report,
                      Diagnostics& diags)
{
  ImportedWorkload imported =
      spec.format == "ccsim" ? import_ccsim(spec.path, use) : import_trace(spec.format, spec.path, spec.options, use);
  w.jobs = std::move(imported.jobs);
  w.order.reset();
  w.report = imported.report;
  report = std::move(imported.report);
  report.lines.clear(); // w.report keeps them for messages
  const ImportReport& where = w.report;
  check_unique_ids(w.jobs, spec.path, diags, [&where](std::size_t i) {
    const std::string at = where.locate(i, "/jobs");
    return at.starts_with("/") ? at + "/id" : at;
  });
  diags.throw_if_any();
}

//! prepare()'s pass over every job: each finished and resolved against the platform (problems into `diags`,
//! located); nothing kept per job unless hold_jobs. Sets `count` and `any_spanning`. A streamed trace is checked on
//! the way (order, ids, earliest submit time: see StreamCheck). Throws ReadWhole from a ccsim workload file that
//! must be read whole.
void pass(PreparedRun& run, detail::Workload& w, JobResolver& resolver, bool hold_jobs, Diagnostics& diags,
          std::uint64_t& count, bool& any_spanning)
{
  count = 0;
  any_spanning = false;
  const std::string& file = run.scenario.file;
  ImportReport& report = run.workload_report;
  StreamCheck stream;
  const auto raw = w.open_raw();
  // A scaled trace: the stream checks see the jobs as read, the rest sees them scaled.
  ScaledJobSource scaled(
      *raw, w.scale,
      [&](const Job& job) {
        if (w.streamed)
          stream.add(job);
      },
      w.raw_locator());
  JobSource& src = w.scale.identity() ? *raw : static_cast<JobSource&>(scaled);
  for (Job job; src.next(job);) {
    count++;
    if (w.streamed && w.scale.identity())
      stream.add(job);
    w.finish(job);
    any_spanning = any_spanning || job.span_sites;
    resolver.resolve(
        job, w.file, [&] { return w.locate(job, src); }, diags);
    if (hold_jobs) {
      if (run.jobs.size() <= job.index)
        run.jobs.resize(static_cast<std::size_t>(job.index) + 1);
      run.jobs[job.index] = std::move(job);
    }
  }
  if (w.source == WorkloadSpec::Source::GENERATE) {
    const auto* generated = static_cast<const GeneratedJobs*>(raw.get());
    if (generated->truncated())
      diags.add(file, "/workload/generate",
                fmt::format("the generator would produce more than {} jobs (expected a shorter horizon_s or a lower "
                            "rate)",
                            MAX_GENERATED_JOBS));
    if (count == 0)
      diags.add(file, "/workload/generate",
                "the generator produced no job (expected a horizon_s longer than the first arrival)");
    report.read = report.kept = count;
  }
  if (w.streamed) {
    const TraceReader& reader = static_cast<const TraceJobSource&>(*raw).reader();
    report = reader.report();
    stream.check_ids(w, diags);
    w.shift_s = reader.start_at_zero() && count > 0 ? stream.first_submit : 0.0;
    if (not stream.sorted) {
      // Out of submission order: held in memory and sorted, as a trace read whole (docs/workloads.md).
      ImportedWorkload all = read_whole(*open_trace_reader(w.format, w.file, w.options, w.use));
      w.jobs = std::move(all.jobs);
      w.order.reset();
      w.report = std::move(all.report);
      w.streamed = false;
    }
    for (Job& job : run.jobs) // held jobs were read before the shift was known
      job.submit_s -= w.shift_s * w.scale.time;
  }
}

} // namespace

std::unique_ptr<JobSource> PreparedRun::open_jobs() const
{
  if (not jobs.empty() || workload_ == nullptr)
    return std::make_unique<VectorJobSource>(jobs);
  return std::make_unique<ResolvedJobs>(workload_, cluster);
}

std::uint64_t generator_reference_accelerators(const Scenario& s, const Cluster& cluster)
{
  const GeneratorSpec& gen = s.workload.generator;
  if (gen.reference == GeneratorSpec::Reference::GIVEN)
    return gen.reference_accelerators;
  const auto usable = [](const Cluster& c) {
    std::uint64_t n = 0;
    for (const auto& p : c.pools)
      n += p.usable;
    return n;
  };
  if (gen.reference == GeneratorSpec::Reference::FILE_PLATFORM && s.unedited)
    return usable(Cluster::build(*s.unedited));
  return usable(cluster);
}

PreparedRun prepare(Scenario scenario, const Overrides& overrides, const PolicyRegistry& registry, bool hold_jobs)
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

  // How the workload is read.
  const bool fill = s.scheduler.mode == SchedulerMode::FILL;
  const ImportUse use = fill ? ImportUse::FILL : ImportUse::EVENTS;
  auto w = std::make_shared<detail::Workload>();
  const WorkloadSpec& spec = s.workload;
  w->source = spec.source;
  w->file = file;
  w->span_sites = s.scheduler.span_sites;
  w->activity = s.workload.activity;
  for (std::size_t c = 0; c < JOB_CLASS_NAMES.size(); c++)
    if (const int a = s.find_accelerator(s.workload.duration_reference[c]);
        not s.workload.duration_reference[c].empty() && a >= 0) {
      w->duration_reference[c] = true;
      w->reference_peak[c] = s.accelerators[static_cast<std::size_t>(a)].peak_flop_per_s;
    }
  w->cpu_only_allowed = fill;
  ImportReport& report = run.workload_report;
  switch (spec.source) {
    case WorkloadSpec::Source::INLINE:
      w->jobs = spec.jobs;
      report.format = "inline";
      report.read = report.kept = spec.jobs.size();
      break;
    case WorkloadSpec::Source::TRACE: {
      w->file = spec.path;
      w->defaults = spec.defaults;
      w->set_defaults_given(spec.defaults_given);
      w->scale = {spec.time_scale, spec.load_scale, s.seed};
      if (is_line_based(spec.format)) {
        // Streamed, checked by the pass below (held after all if out of order; read whole if a ccsim workload
        // file turns out not to be laid out one job per line).
        w->streamed = true;
        w->format = spec.format;
        w->options = spec.options;
        w->use = use;
        break;
      }
      read_trace_whole(*w, spec, use, report, diags);
      break;
    }
    case WorkloadSpec::Source::GENERATE:
      w->generator = spec.generator;
      w->capacity = generator_reference_accelerators(s, cluster);
      w->seed = s.seed;
      run.reference_accelerators = w->capacity;
      run.arrival_rate_per_s = generator_rate_per_s(w->generator, w->capacity);
      report.format = "generate";
      break;
  }

  // One pass over every job: each finished and resolved against the platform (problems collected, located).
  // Nothing is kept per job unless hold_jobs.
  JobResolver resolver(cluster, fill);
  bool any_spanning = false;
  std::uint64_t count = 0;
  for (;;) {
    Diagnostics found; // this pass's problems (dropped if the file must be read whole after all)
    try {
      pass(run, *w, resolver, hold_jobs, found, count, any_spanning);
    } catch (const ReadWhole&) {
      // A ccsim workload file with a problem or another layout: read whole (which reports every mistake), again.
      w->streamed = false;
      run.jobs.clear();
      read_trace_whole(*w, spec, use, report, diags);
      continue;
    }
    diags.add(found);
    break;
  }
  run.job_count = count;

  // Checks that depend on the scheduler's choices (after the overrides).
  if (any_spanning && cluster.sites.size() > 1 && not cluster.topology.connected())
    diags.add(file, s.network.links.empty() ? "/scheduler" : "/network/links",
              "jobs may span sites, so every pair of sites needs a network path (expected \"network\" links "
              "connecting all sites)");
  if (any_spanning && s.scheduler.queue_policy == "conservative")
    diags.add(file, "/scheduler/queue",
              "conservative backfilling books one pool per job and cannot reserve across sites (expected another "
              "queue policy, or no span_sites)");
  diags.throw_if_any();
  if (s.scheduler.mode == SchedulerMode::EVENTS && s.scheduler.queue_policy == "conservative" &&
      s.scheduler.placement_policy != "first-fit")
    run.scenario.warnings.push_back(Diagnostic{
        file, "/scheduler/placement",
        "conservative backfilling chooses each job's pool itself (its earliest reservation, then the lowest pool); "
        "placement \"" +
            s.scheduler.placement_policy +
            "\" chooses only the slots inside that pool (docs/policies.md, \"What each backfilling policy leaves to "
            "the placement policy\")"});

  run.workload_ = std::move(w);
  run.policies = make_scenario_policies(s, registry);
  return run;
}

JobResolver::JobResolver(const Cluster& cluster, bool cpu_only_allowed)
    : cluster_(&cluster)
    , cpu_only_allowed_(cpu_only_allowed)
    , largest_pool_(cluster.types.size(), 0)
    , all_pools_(cluster.types.size(), 0)
{
  // Largest pool per type: a job must fit in one pool (one site, one type); a job spanning sites may use all.
  for (const auto& p : cluster.pools) {
    largest_pool_[p.type] = std::max(largest_pool_[p.type], p.usable);
    all_pools_[p.type] += p.usable;
  }
  if (not cluster.capacity_changes.empty()) {
    pool_future_.resize(cluster.pools.size());
    for (std::uint32_t p = 0; p < cluster.pools.size(); p++) {
      std::vector<double> times{0.0};
      for (const std::uint32_t r : cluster.pools[p].varying_racks)
        for (const auto& c : cluster.racks[r].changes)
          times.push_back(c.at_s);
      std::sort(times.begin(), times.end());
      times.erase(std::unique(times.begin(), times.end()), times.end());
      auto& steps = pool_future_[p];
      // The racks whose limit never changes give their limit throughout: the pool's usable minus the others'.
      std::uint64_t fixed = cluster.pools[p].usable;
      for (const std::uint32_t r : cluster.pools[p].varying_racks)
        fixed -= cluster.racks[r].max_busy;
      for (const double t : times) {
        std::uint64_t sum = fixed;
        for (const std::uint32_t r : cluster.pools[p].varying_racks)
          sum += cluster.racks[r].limit_at(t);
        steps.emplace_back(t, sum);
      }
      for (std::size_t i = steps.size(); i-- > 1;) // the most from each step on
        steps[i - 1].second = std::max(steps[i - 1].second, steps[i].second);
    }
  }
  for (const auto& t : cluster.types)
    known_types_ += (known_types_.empty() ? "" : ", ") + t.name;
  for (std::uint32_t i = 0; i < cluster.sites.size(); i++) {
    known_sites_ += (known_sites_.empty() ? "" : ", ") + cluster.sites[i].name;
    site_index_.try_emplace(cluster.sites[i].name, i);
  }
}

std::uint64_t JobResolver::pool_capacity_after(std::uint32_t p, double t) const
{
  const auto& steps = pool_future_[p];
  auto it = std::upper_bound(steps.begin(), steps.end(), t,
                             [](double v, const std::pair<double, std::uint64_t>& s) { return v < s.first; });
  return it == steps.begin() ? steps.front().second : std::prev(it)->second;
}

bool JobResolver::resolve(Job& job, const std::string& file, const std::function<std::string()>& where,
                          Diagnostics& diags)
{
  const Cluster& cluster = *cluster_;
  const std::size_t problems = diags.size();
  // Sub-locations are pointers below a JSON job; a line-based trace has only the line.
  std::string ptr;
  const auto at = [&](const std::string& sub) {
    if (ptr.empty())
      ptr = where();
    return ptr.starts_with("/") ? ptr + sub : ptr;
  };
  // Ids reach jobs.csv, the report and error messages: control characters (a NUL cut the id for the schema check
  // and broke `ccsim report` on the run's own jobs.csv) are refused.
  if (const auto bad = std::find_if(job.id.begin(), job.id.end(), is_control_char); bad != job.id.end())
    diags.add(file, at("/id"),
              fmt::format("job id \"{}\" contains the control character 0x{:02x} (expected printable text)",
                          printable(job.id, job.id.size()), static_cast<unsigned>(static_cast<unsigned char>(*bad))));
  // Generated jobs too (a distribution's tail): SimGrid 3.32 aborts on a transfer of ~3e19 bytes.
  if (job.data_bytes > MAX_BYTES)
    diags.add(file, at("/data_bytes"),
              fmt::format("job \"{}\" stages {:g} bytes (expected at most {:g}, an exabyte)", job.id, job.data_bytes,
                          MAX_BYTES));
  // Times past MAX_TIME_S (a trace's 1e308 run time, a distribution's tail) would make energy and cost infinite.
  const auto check_time = [&](double seconds, const char* sub, const char* what) {
    if (seconds > MAX_TIME_S)
      diags.add(file, at(sub),
                fmt::format("job \"{}\" {} {:g} s (expected at most {:g} s, about 317 years)", job.id, what, seconds,
                            MAX_TIME_S));
  };
  check_time(job.submit_s, "/submit_s", "is submitted at");
  check_time(job.walltime_s, "/walltime_s", "has a walltime of"); // NaN (unset) passes
  if (job.allreduce_bytes > MAX_BYTES)
    diags.add(file, at("/allreduce_bytes"),
              fmt::format("job \"{}\" all-reduces {:g} bytes (expected at most {:g})", job.id, job.allreduce_bytes,
                          MAX_BYTES));
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
                  "\"" + name + "\" names no accelerator type or kind in the platform (expected one of: " +
                      known_types_ + ", gpu, asic, fpga)");
      accepted |= match;
    }
  }
  if (job.accelerators == 0) {
    if (not cpu_only_allowed_)
      diags.add(file, at("/accelerators"),
                fmt::format("job \"{}\" asks for 0 accelerators (CPU-only tasks run only in fill mode, "
                            "scheduler.mode = \"fill\"; expected at least 1)",
                            job.id));
    job.eligible_types = accepted;
    check_time(job.duration_s, "/duration_s", "runs for");
    if (std::isnan(job.walltime_s))
      job.walltime_s = std::isnan(job.duration_s) ? 0 : job.duration_s;
    return diags.size() == problems;
  }
  if (std::isnan(job.duration_reference_flop_per_s))
    diags.add(file, at("/precision"),
              fmt::format("job \"{}\" needs {}, but its duration was measured on a type without it (workload "
                          "duration_reference for class {}; expected a reference type that supports the job's "
                          "precision)",
                          job.id, enum_name(PRECISION_NAMES, job.precision),
                          enum_name(JOB_CLASS_NAMES, job.job_class)));
  std::uint64_t eligible = 0;
  std::uint64_t capacity = 0;
  double slowest = 0;
  bool memory_excluded = false;
  bool bandwidth_excluded = false;
  bool table_excluded = false;                        // measured step times: types the table has no row or range for
  const bool memory_bound = memory_bytes_of(job) > 0; // a roofline job: types without a memory bandwidth cannot
  for (std::size_t t = 0; t < cluster.types.size(); t++) {
    if ((accepted >> t & 1U) == 0 || cluster.types[t].peak_flop_per_s[static_cast<std::size_t>(job.precision)] <= 0)
      continue;
    if (cluster.types[t].memory_gib < job.memory_gib) {
      memory_excluded = true;
      continue;
    }
    if (memory_bound && cluster.types[t].memory_bandwidth_byte_per_s <= 0) {
      bandwidth_excluded = true;
      continue;
    }
    if (job.step_table != nullptr && std::isnan(job.step_table->step_s(cluster.types[t].name, job.accelerators))) {
      table_excluded = true;
      continue;
    }
    eligible |= 1ULL << t;
    capacity = std::max(capacity, job.span_sites ? all_pools_[t] : largest_pool_[t]);
    slowest = std::max(slowest, runtime_s(job, cluster.types[t]));
  }
  job.eligible_types = eligible;
  if (not job.data_site.empty()) {
    const auto found = site_index_.find(job.data_site);
    if (found == site_index_.end()) {
      diags.add(file, at("/data_site"),
                fmt::format("job \"{}\" names data site \"{}\", which is not a site of the platform (expected one "
                            "of: {})",
                            job.id, job.data_site, known_sites_));
    } else {
      job.data_site_index = found->second;
      // Every site with an eligible pool may run the job: its data must be able to get there (the first site it
      // cannot reach, per data site and eligibility, cached).
      if (job.data_bytes > 0) {
        auto [it, added] = unreachable_.try_emplace({job.data_site_index, eligible}, NO_SITE);
        if (added)
          for (const auto& p : cluster.pools)
            if ((eligible >> p.type & 1U) != 0 && not cluster.topology.reachable(job.data_site_index, p.site)) {
              it->second = p.site;
              break;
            }
        if (it->second != NO_SITE)
          diags.add(file, at("/data_site"),
                    fmt::format("job \"{}\" has its data at site \"{}\" and may run at site \"{}\", but the "
                                "network has no path between them (expected \"network\" links connecting them)",
                                job.id, job.data_site, cluster.sites[it->second].name));
      }
    }
  }
  if (eligible == 0) {
    if (accepted != 0 && table_excluded)
      diags.add(file, at("/step_table"),
                fmt::format("job \"{}\" on {} accelerators: step-time table \"{}\" has no time for that size on an "
                            "accepted type with {} (expected a size within a type's measured ones: {})",
                            job.id, job.accelerators, job.step_table->name, enum_name(PRECISION_NAMES, job.precision),
                            job.step_table->sizes()));
    else if (accepted != 0 && bandwidth_excluded)
      diags.add(file, at(job.memory_bytes > 0 ? "/memory_bytes" : "/arithmetic_intensity"),
                fmt::format("job \"{}\" moves memory (a roofline run time) but no accepted type with {} gives a "
                            "memory bandwidth (expected memory_bandwidth_tb_per_s in its accelerator entry)",
                            job.id, enum_name(PRECISION_NAMES, job.precision)));
    else if (accepted != 0 && memory_excluded && job.model_state_bytes > 0)
      diags.add(file, at("/llm_training"), llm_memory_problem(job, cluster, accepted));
    else if (accepted != 0 && memory_excluded)
      diags.add(file, at("/memory_gib"),
                fmt::format("job \"{}\" needs {} GiB per accelerator but no accepted type with {} has that much "
                            "(expected at most the largest memory_gib of an eligible type)",
                            job.id, job.memory_gib, enum_name(PRECISION_NAMES, job.precision)));
    else if (accepted != 0)
      diags.add(file, at(""),
                fmt::format("job \"{}\" needs {} but no accepted accelerator type in the platform supports it "
                            "(expected a type with a peak_tflops entry for {})",
                            job.id, enum_name(PRECISION_NAMES, job.precision),
                            enum_name(PRECISION_NAMES, job.precision)));
    return diags.size() == problems;
  }
  if (job.accelerators <= capacity && not pool_future_.empty()) {
    // What remains from its submission on (racks retired or out of service for good cannot run it).
    std::uint64_t after = 0;
    for (std::uint32_t p = 0; p < cluster.pools.size(); p++)
      if ((eligible >> cluster.pools[p].type & 1U) != 0)
        after = job.span_sites ? after + pool_capacity_after(p, job.submit_s)
                               : std::max(after, pool_capacity_after(p, job.submit_s));
    if (job.accelerators > after)
      diags.add(file, at("/accelerators"),
                fmt::format("job \"{}\" is submitted at {:g} s and asks for {} accelerators, but from then on the "
                            "platform's racks in service hold at most {} {} (racks retire or go out of service: "
                            "docs/scenario.md \"Platform over time\"; expected at most {})",
                            job.id, job.submit_s, job.accelerators, after,
                            job.span_sites ? "of one eligible type" : "in one site pool of an eligible type", after));
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
  // A duration, or work over a slow type's throughput (1e30 FLOP at 1e-12 TFLOP/s): the slowest eligible type's.
  if (not(slowest <= MAX_TIME_S))
    diags.add(file, at(std::isnan(job.duration_s) ? "/work_flop" : "/duration_s"),
              fmt::format("job \"{}\" runs {:g} s on its slowest eligible accelerator type (expected at most {:g} s, "
                          "about 317 years)",
                          job.id, slowest, MAX_TIME_S));
  if (std::isnan(job.walltime_s))
    job.walltime_s = slowest;
  const CommReference reference = comm_reference(cluster, job);
  job.comm_reference_s = reference.collectives_s;
  job.allreduce_reference_s = reference.allreduce_s;
  // An LLM training job's steps: the share of its run (at its efficiency, which is its MFU over the whole run)
  // its gradient all-reduces take at its reference.
  if (job.steps > 0 && job.step_table == nullptr && reference.runtime_s > 0) {
    job.comm_share = reference.collectives_s / reference.runtime_s;
    if (not(job.comm_share < MAX_COMM_SHARE))
      diags.add(file, at("/llm_training/global_batch_tokens"),
                fmt::format("job \"{}\": its {:g} gradient all-reduces of {:g} bytes take {:g} s at its most compact "
                            "placement, {:.0f} % of its {:g} s run at its efficiency (expected less than {:.0f} %: a "
                            "larger global batch, or a lower efficiency)",
                            job.id, job.steps, job.allreduce_bytes, reference.collectives_s,
                            100 * reference.collectives_s / reference.runtime_s, reference.runtime_s,
                            100 * MAX_COMM_SHARE));
  }
  return diags.size() == problems;
}

void resolve_jobs(std::span<Job> jobs, const Cluster& cluster, const std::string& file,
                  const std::function<std::string(std::size_t)>& locate, Diagnostics& diags, bool cpu_only_allowed)
{
  JobResolver resolver(cluster, cpu_only_allowed);
  for (std::size_t i = 0; i < jobs.size(); i++)
    resolver.resolve(
        jobs[i], file, [&] { return locate(i); }, diags);
}

} // namespace ccsim
