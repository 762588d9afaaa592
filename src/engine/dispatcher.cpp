// src/engine/dispatcher.cpp
#include "ccsim/engine/dispatcher.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/limits.hpp"
#include "ccsim/perf/comm_model.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cmath>
#include <stdexcept>
#include <utility>

namespace ccsim {

Dispatcher::Dispatcher(const Cluster& cluster, JobSource& jobs, const SchedulerSpec& spec, QueuePolicy& queue,
                       PlacementPolicy& placement, EnergyMeter* meter, std::vector<JobRecordSink*> sinks,
                       std::optional<bool> wait_causes, WaitLogSink* wait_log)
    : cluster_(&cluster)
    , source_(&jobs)
    , spec_(spec)
    , queue_(&queue)
    , placement_(&placement)
    , meter_(meter)
    , sinks_(std::move(sinks))
    , state_(cluster)
{
  if (attributes_waits(wait_causes, placement)) {
    waits_.emplace(cluster, placement);
    waits_->log_to(wait_log);
    if (meter_ != nullptr) { // timeseries.csv: accelerators waiting, by cause
      std::vector<std::string> names;
      for (const std::string_view cause : WAIT_CAUSE_NAMES)
        names.push_back("waiting." + std::string(cause));
      meter_->add_columns(names);
    }
  }
  staging_held_.assign(cluster.racks.size(), 0);
  inactive_ppm_.assign(cluster.racks.size(), 0);
  rack_change_.assign(cluster.racks.size(), 0);
  if (spec.staging == StagingMode::PREFETCH)
    pinned_backlog_.assign(cluster.sites.size(), 0);
  pull_next();
}

void Dispatcher::pull_next()
{
  Job job;
  if (source_->next(job)) {
    next_job_ = std::move(job);
    return;
  }
  next_job_.reset();
  if (std::exchange(arrivals_ended_, true))
    return;
  for (JobRecordSink* sink : sinks_)
    sink->arrivals_ended(last_submit_s_);
  if (meter_ != nullptr)
    meter_->arrivals_ended(last_submit_s_);
}

std::uint32_t Dispatcher::admit(Job&& job)
{
  std::uint32_t h = 0;
  if (not free_.empty()) {
    h = free_.back();
    free_.pop_back();
    jobs_[h] = std::move(job);
    records_[h] = JobRecord{};
    slots_[h].clear();
  } else {
    h = static_cast<std::uint32_t>(jobs_.size());
    jobs_.push_back(std::move(job));
    records_.emplace_back();
    slots_.emplace_back();
    staging_since_.push_back(UNSET);
    compute_s_.push_back(0);
    staging_pending_.push_back(0);
    has_flows_.push_back(false);
    if (spec_.staging == StagingMode::PREFETCH)
      site_pin_.push_back(NO_SITE);
  }
  staging_since_[h] = UNSET;
  compute_s_[h] = 0;
  staging_pending_[h] = 0;
  has_flows_[h] = false;
  if (not site_pin_.empty())
    site_pin_[h] = NO_SITE;
  return h;
}

void Dispatcher::count_activity(std::uint32_t job, int sign)
{
  const Job& j = jobs_[job];
  for (const NodeSlots& piece : slots_[job]) {
    const AcceleratorType& type = cluster_->types[cluster_->node_type[piece.node]];
    const double full_w = type.max_w - type.idle_w;
    const auto draw_ppm = full_w > 0
                              ? static_cast<std::uint64_t>(std::llround(type.active_w(j.activity) / full_w * 1e6))
                              : std::uint64_t{1'000'000};
    const std::uint64_t inactive = (1'000'000 - std::min<std::uint64_t>(draw_ppm, 1'000'000)) *
                                   static_cast<std::uint64_t>(std::popcount(piece.mask));
    std::uint64_t& rack = inactive_ppm_[cluster_->node_rack[piece.node]];
    rack = sign > 0 ? rack + inactive : rack - inactive;
  }
}

void Dispatcher::start_collective_flows(std::uint32_t job, double run_s)
{
  const Job& j = jobs_[job];
  if (j.allreduce_reference_s <= 0 || not(run_s > 0))
    return;
  thread_local std::vector<std::uint32_t> sites;
  sites.clear();
  for (const NodeSlots& piece : slots_[job])
    sites.push_back(cluster_->node_site[piece.node]);
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  if (sites.size() < 2)
    return;
  // The sites' ring of each all-reduce (docs/model.md "Communication"): every site sends 2 (k - 1) / k of the
  // bytes to the next, as many times as the job all-reduces.
  const double k = static_cast<double>(sites.size());
  const double allreduces = j.comm_reference_s / j.allreduce_reference_s;
  const double bytes = std::min(MAX_BYTES, allreduces * 2 * (k - 1) / k * j.allreduce_bytes);
  if (not(bytes >= 1))
    return;
  for (std::size_t i = 0; i < sites.size(); i++)
    collective_flows_.push_back(CollectiveFlow{job, sites[i], sites[(i + 1) % sites.size()], bytes, bytes / run_s});
  has_flows_[job] = true;
}

void Dispatcher::end_job(std::uint32_t job)
{
  for (JobRecordSink* sink : sinks_)
    sink->job_ended(jobs_[job], records_[job], slots_[job]);
}

void Dispatcher::request_staging(std::uint32_t job, std::uint32_t to_site, double now)
{
  const Job& j = jobs_[job];
  staging_requests_.push_back(StagingRequest{job, j.data_site_index, to_site, j.data_bytes});
  staging_since_[job] = now;
  staging_in_flight_++;
  staging_pending_[job]++;
  records_[job].staged_bytes += j.data_bytes;
  counters_.staged_bytes_by_tier[static_cast<std::size_t>(cluster_->topology.tier(j.data_site_index, to_site))] +=
      j.data_bytes;
}

void Dispatcher::staging_done(std::uint32_t job, double now)
{
  if (staging_in_flight_ == 0 || job >= staging_since_.size() || std::isnan(staging_since_[job]))
    throw std::logic_error("Dispatcher::staging_done(): job handle " + std::to_string(job) +
                           " has no transfer in flight");
  staging_in_flight_--;
  if (--staging_pending_[job] > 0)
    return; // a job spanning sites computes when its data has reached all of them
  JobRecord& rec = records_[job];
  rec.staging_s = now - staging_since_[job];
  staging_since_[job] = UNSET;
  if (spec_.staging == StagingMode::PREFETCH) {
    // The job enters the queue now, pinned to the site its data reached.
    staged_ready_.push_back(job);
    timers_.push(now);
    return;
  }
  // Hold mode: its accelerators, held idle since it started, begin computing.
  rec.held_idle_s = rec.staging_s;
  rec.finish_s = now + compute_s_[job];
  running_.push(Completion{rec.finish_s, jobs_[job].index, job});
  for (const NodeSlots& piece : slots_[job])
    staging_held_[cluster_->node_rack[piece.node]] -= static_cast<std::uint64_t>(std::popcount(piece.mask));
  count_activity(job, 1);
  start_collective_flows(job, compute_s_[job]);
  if (meter_ != nullptr) {
    meter_->sample_until(now);
    changed_racks_.clear();
    for (const NodeSlots& piece : slots_[job])
      changed_racks_.push_back(cluster_->node_rack[piece.node]);
    std::sort(changed_racks_.begin(), changed_racks_.end());
    changed_racks_.erase(std::unique(changed_racks_.begin(), changed_racks_.end()), changed_racks_.end());
    meter_->update(now, state_, changed_racks_, queue_->queued(), staging_held_, inactive_ppm_);
  }
}

double Dispatcher::next_event_time() const
{
  double t = std::numeric_limits<double>::infinity();
  if (next_job_)
    t = next_job_->submit_s;
  if (not running_.empty())
    t = std::min(t, running_.top().time);
  if (not timers_.empty())
    t = std::min(t, timers_.top());
  if (not deferred_.empty())
    t = std::min(t, deferred_.top().time);
  // Capacity changes are events while work is left (a queued job may wait for racks to come online); after the
  // last job the run is over.
  if (next_change_ < cluster_->capacity_changes.size() && (next_job_ || live_jobs() > 0))
    t = std::min(t, cluster_->capacity_changes[next_change_].first);
  return t;
}

double Dispatcher::shifted_start(const Job& job, double now) const
{
  const Cluster& c = *cluster_;
  const bool price = spec_.shift == SchedulerSpec::Shift::PRICE;
  const double duration = job.walltime_s;
  const double latest = std::max(now, job.submit_s + job.slack_s);
  // The sites it may run at, each with its signal (a series, or a constant that never favours an hour).
  std::vector<const StepFunction*> series;
  bool constant_site = false;
  double least_constant = std::numeric_limits<double>::infinity();
  for (std::uint32_t s = 0; s < c.sites.size(); s++) {
    bool usable = false;
    for (std::uint16_t t = 0; t < c.types.size() && not usable; t++)
      if ((job.eligible_types >> t & 1U) != 0)
        usable = c.pool_at(s, t) != UINT32_MAX;
    if (not usable)
      continue;
    const Site& site = c.sites[s];
    const auto& f = price ? site.price_series : site.carbon_series;
    if (f) {
      series.push_back(&*f);
    } else {
      constant_site = true;
      least_constant = std::min(least_constant, price ? site.price_per_kwh : site.carbon_kg_per_kwh);
    }
  }
  if (series.empty() || not(duration > 0))
    return now;
  // The integral over [t, t + d) of a step function is piecewise linear in t, with kinks where t or t + d meets a
  // step: its least over [now, latest] is at now, at latest, or at such a kink.
  std::vector<double> candidates{now, latest};
  for (const StepFunction* f : series) {
    for (double b = f->next_change(now); b <= latest + duration && candidates.size() < 100000; b = f->next_change(b)) {
      if (b <= latest)
        candidates.push_back(b);
      if (b - duration >= now && b - duration <= latest)
        candidates.push_back(b - duration);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  const auto cost = [&](double t) {
    double least = constant_site ? least_constant * duration : std::numeric_limits<double>::infinity();
    for (const StepFunction* f : series)
      least = std::min(least, f->integral(t, t + duration));
    return least;
  };
  double best_t = now;
  double best = cost(now);
  for (const double t : candidates)
    if (const double v = cost(t); v < best) { // strictly cheaper: the earliest among equals
      best = v;
      best_t = t;
    }
  return best_t;
}

void Dispatcher::apply_capacity_changes(double now)
{
  const auto& changes = cluster_->capacity_changes;
  for (; next_change_ < changes.size() && changes[next_change_].first <= now; next_change_++) {
    const std::uint32_t r = changes[next_change_].second;
    const Rack& rack = cluster_->racks[r];
    const Rack::Change& c = rack.changes[rack_change_[r]++];
    state_.set_rack_limit(r, c.limit, c.online);
    changed_racks_.push_back(r);
    if (waits_) {
      const NodeSlots piece{rack.first_node, 0};
      waits_->touched(std::span(&piece, 1));
    }
  }
}

void Dispatcher::process(double now)
{
  finished_.clear();
  submitted_.clear();
  changed_racks_.clear();
  counters_.end_s = now;
  if (meter_ != nullptr)
    meter_->sample_until(now);
  // 1. Every job ending at `now` releases its accelerators (popped in input order among equal times) and goes to
  //    the sinks.
  while (not running_.empty() && running_.top().time <= now) {
    const std::uint32_t j = running_.top().handle;
    running_.pop();
    state_.release(slots_[j]);
    if (waits_)
      waits_->touched(slots_[j]);
    count_activity(j, -1);
    if (has_flows_[j])
      collective_stops_.push_back(j);
    finished_.push_back(j);
    for (const NodeSlots& piece : slots_[j])
      changed_racks_.push_back(cluster_->node_rack[piece.node]);
    end_job(j);
  }
  std::sort(finished_.begin(), finished_.end(),
            [this](std::uint32_t a, std::uint32_t b) { return jobs_[a].index < jobs_[b].index; });
  apply_capacity_changes(now);
  while (not timers_.empty() && timers_.top() <= now)
    timers_.pop();
  // 2. Every job submitted at `now` enters the queue, except, in prefetch mode, a job whose data must first move
  //    to the site chosen for it; jobs whose data arrived enter it too.
  while (next_job_ && next_job_->submit_s <= now) {
    last_submit_s_ = next_job_->submit_s;
    const std::uint32_t j = admit(std::move(*next_job_));
    pull_next();
    counters_.submitted++;
    if (meter_ != nullptr)
      meter_->job_submitted(jobs_[j].accelerators);
    const Job& job = jobs_[j];
    if (spec_.shift != SchedulerSpec::Shift::NONE && job.slack_s > 0)
      jobs_[j].background = true;
    if (job.background)
      if (const double release = shifted_start(job, now); release > now) {
        deferred_.push(Completion{release, job.index, j});
        counters_.deferred++;
        if (waits_)
          waits_->admit(j, job.submit_s, job.accelerators, WaitCause::POLICY); // the scheduler holds it back
        continue;
      }
    if (not site_pin_.empty() && job.data_site_index != NO_SITE) {
      const ClusterView view{*cluster_, state_, ANY_POOL, site_pin_, jobs_.data(), pinned_backlog_};
      std::uint32_t site = placement_->prefetch_site(job, view);
      if (site >= cluster_->sites.size())
        site = job.data_site_index;
      site_pin_[j] = site;
      pinned_backlog_[site] += job.accelerators * job.walltime_s;
      if (site != job.data_site_index && job.data_bytes > 0) {
        if (waits_)
          waits_->admit(j, job.submit_s, job.accelerators, true);
        request_staging(j, site, now);
        continue;
      }
    }
    if (waits_)
      waits_->admit(j, job.submit_s, job.accelerators, false);
    submitted_.push_back(j);
  }
  while (not deferred_.empty() && deferred_.top().time <= now) { // flexible work released into the queue
    staged_ready_.push_back(deferred_.top().handle);
    deferred_.pop();
  }
  if (not staged_ready_.empty()) {
    std::sort(staged_ready_.begin(), staged_ready_.end(),
              [this](std::uint32_t a, std::uint32_t b) { return jobs_[a].index < jobs_[b].index; });
    submitted_.insert(submitted_.end(), staged_ready_.begin(), staged_ready_.end());
    staged_ready_.clear();
  }
  counters_.events += finished_.size() + submitted_.size();
  counters_.decision_points++;

  // 3. Decisions.
  SchedulingContext ctx(now, finished_, submitted_, jobs_, *cluster_, state_, *placement_, site_pin_, pinned_backlog_);
  if (const auto& drops = cluster_->capacity_drops; not drops.empty())
    ctx.set_capacity_drops(std::span(
        std::partition_point(drops.begin(), drops.end(), [now](const Cluster::Drop& d) { return d.at_s <= now; }),
        drops.end()));
  queue_->decide(ctx);
  if (ctx.held() != 0)
    throw PolicyError("queue policy \"" + spec_.queue_policy +
                      "\" ended a decision pass with slots still held (expected "
                      "every hold released before decide() returns)");
  for (const double t : ctx.wake_ups())
    timers_.push(t);
  if (waits_) {
    waits_->after_pass(ctx, submitted_, queue_->head());
    if (meter_ != nullptr)
      meter_->set_extra(waits_->waiting_accelerators());
  }
  for (const auto& s : ctx.started()) {
    const Job& job = jobs_[s.job];
    JobRecord& rec = records_[s.job];
    assert(rec.state == JobState::PENDING && "Dispatcher::process(): a job was started twice");
    rec.start_s = now;
    if (waits_) {
      rec.wait_s = waits_->wait_of(s.job);
      rec.wait_attributed = true;
    }
    const auto& pieces = ctx.started_slots();
    const std::span<const NodeSlots> placed(pieces.begin() + s.first_slot, s.slot_count);
    slots_[s.job].assign(placed.begin(), placed.end());
    rec.pool = cluster_->node_pool[placed.front().node];
    if (not site_pin_.empty() && site_pin_[s.job] != NO_SITE)
      pinned_backlog_[site_pin_[s.job]] -= job.accelerators * job.walltime_s;
    const PlacedRun timing = placed_run(*cluster_, job, placed);
    rec.comm_slowdown = timing.comm_slowdown;
    rec.run_s = timing.run_s;
    double run = timing.run_s;
    rec.state = JobState::COMPLETED_SUCCESSFULLY;
    if (spec_.kill_at_walltime && run > job.walltime_s) {
      run = job.walltime_s;
      rec.state = JobState::COMPLETED_WALLTIME_REACHED;
    }
    // Hold mode: the accelerators wait, idle, for the input data to reach every site the job uses (prefetch mode
    // moved it before the job queued).
    bool staging = false;
    for (const auto& piece : placed) {
      const std::uint32_t site = cluster_->node_site[piece.node];
      changed_racks_.push_back(cluster_->node_rack[piece.node]);
      if (spec_.staging == StagingMode::HOLD && job.data_site_index != NO_SITE && job.data_bytes > 0 &&
          site != job.data_site_index &&
          std::none_of(staging_requests_.begin(), staging_requests_.end(),
                       [&](const StagingRequest& r) { return r.job == s.job && r.to_site == site; })) {
        request_staging(s.job, site, now);
        staging = true;
      }
    }
    if (staging) {
      compute_s_[s.job] = run;
      for (const auto& piece : placed)
        staging_held_[cluster_->node_rack[piece.node]] += static_cast<std::uint64_t>(std::popcount(piece.mask));
    } else {
      rec.finish_s = now + run;
      running_.push(Completion{rec.finish_s, job.index, s.job});
      count_activity(s.job, 1);
      start_collective_flows(s.job, run);
    }
  }
  if (meter_ != nullptr) {
    std::sort(changed_racks_.begin(), changed_racks_.end());
    changed_racks_.erase(std::unique(changed_racks_.begin(), changed_racks_.end()), changed_racks_.end());
    meter_->update(now, state_, changed_racks_, queue_->queued(), staging_held_, inactive_ppm_);
  }
  // The policies have seen this pass's ends: those handles are free for the next arrivals.
  free_.insert(free_.end(), finished_.begin(), finished_.end());
}

bool run_without_network(Dispatcher& d, const Cluster& cluster, std::uint64_t max_passes)
{
  struct Arrival {
    double time;
    std::uint32_t index; //!< Job::index: ties between transfers ending at the same time
    std::uint32_t job;   //!< handle
    bool operator>(const Arrival& o) const { return time != o.time ? time > o.time : index > o.index; }
  };
  std::priority_queue<Arrival, std::vector<Arrival>, std::greater<>> transfers;
  for (std::uint64_t pass = 0; not d.done(); pass++) {
    if (pass >= max_passes)
      return false;
    const double t = d.next_event_time();
    if (not transfers.empty() && transfers.top().time <= t) {
      const Arrival a = transfers.top();
      transfers.pop();
      d.staging_done(a.job, a.time);
      continue;
    }
    d.process(t);
    for (const auto& r : d.take_staging_requests())
      transfers.push(
          Arrival{t + cluster.topology.transfer_time_s(r.from_site, r.to_site, r.bytes), d.job(r.job).index, r.job});
  }
  return true;
}

} // namespace ccsim
