// src/engine/dispatcher.cpp
#include "ccsim/engine/dispatcher.hpp"

#include "ccsim/network/comm_model.hpp"
#include "ccsim/workload/workload.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <stdexcept>

namespace ccsim {

Dispatcher::Dispatcher(const Cluster& cluster, std::span<const Job> jobs, const SchedulerSpec& spec,
                       QueuePolicy& queue, PlacementPolicy& placement, EnergyMeter* meter)
    : cluster_(&cluster)
    , jobs_(jobs)
    , spec_(spec)
    , queue_(&queue)
    , placement_(&placement)
    , meter_(meter)
    , state_(cluster)
    , arrivals_(submission_order(jobs))
{
  result_.records.resize(jobs.size());
  staging_held_.assign(cluster.pools.size(), 0);
  bool any_data = false;
  for (const Job& j : jobs)
    any_data = any_data || (j.data_site_index != NO_SITE && j.data_bytes > 0);
  if (any_data) {
    staging_since_.assign(jobs.size(), UNSET);
    compute_s_.assign(jobs.size(), 0);
  }
  if (spec.staging == StagingMode::PREFETCH)
    site_pin_.assign(jobs.size(), NO_SITE);
}

void Dispatcher::request_staging(std::uint32_t job, std::uint32_t to_site, double now)
{
  const Job& j = jobs_[job];
  staging_requests_.push_back(StagingRequest{job, j.data_site_index, to_site, j.data_bytes});
  staging_since_[job] = now;
  staging_in_flight_++;
  JobRecord& rec = result_.records[job];
  rec.staged_bytes = j.data_bytes;
  result_.staged_bytes_by_tier[static_cast<std::size_t>(cluster_->topology.tier(j.data_site_index, to_site))] +=
      j.data_bytes;
}

void Dispatcher::staging_done(std::uint32_t job, double now)
{
  if (staging_in_flight_ == 0 || staging_since_.empty() || std::isnan(staging_since_[job]))
    throw std::logic_error("Dispatcher::staging_done(): job " + jobs_[job].id + " has no transfer in flight");
  staging_in_flight_--;
  JobRecord& rec = result_.records[job];
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
  running_.push(Completion{rec.finish_s, job});
  staging_held_[rec.pool] -= jobs_[job].accelerators;
  if (meter_ != nullptr) {
    meter_->sample_until(now);
    const std::uint32_t site = cluster_->pools[rec.pool].site;
    meter_->update(now, state_, std::span(&site, 1), queue_->queued(), staging_held_);
  }
}

double Dispatcher::next_event_time() const
{
  double t = std::numeric_limits<double>::infinity();
  if (next_arrival_ < arrivals_.size())
    t = jobs_[arrivals_[next_arrival_]].submit_s;
  if (not running_.empty())
    t = std::min(t, running_.top().time);
  if (not timers_.empty())
    t = std::min(t, timers_.top());
  return t;
}

void Dispatcher::process(double now)
{
  finished_.clear();
  submitted_.clear();
  changed_sites_.clear();
  result_.end_s = now;
  if (meter_ != nullptr)
    meter_->sample_until(now);
  // 1. Every job ending at `now` releases its accelerators.
  while (not running_.empty() && running_.top().time <= now) {
    const std::uint32_t j = running_.top().job;
    running_.pop();
    JobRecord& rec = result_.records[j];
    state_.release(std::span(result_.slots).subspan(rec.first_slot, rec.slot_count));
    finished_.push_back(j);
    changed_sites_.push_back(cluster_->pools[rec.pool].site);
  }
  std::sort(finished_.begin(), finished_.end());
  while (not timers_.empty() && timers_.top() <= now)
    timers_.pop();
  // 2. Every job submitted at `now` enters the queue, except, in prefetch mode, a job whose data must first move
  //    to the site chosen for it; jobs whose data arrived enter it too.
  while (next_arrival_ < arrivals_.size() && jobs_[arrivals_[next_arrival_]].submit_s <= now) {
    const std::uint32_t j = arrivals_[next_arrival_++];
    const Job& job = jobs_[j];
    if (not site_pin_.empty() && job.data_site_index != NO_SITE) {
      const ClusterView view{*cluster_, state_, ANY_POOL, site_pin_, jobs_.data()};
      std::uint32_t site = placement_->prefetch_site(job, view);
      if (site >= cluster_->sites.size())
        site = job.data_site_index;
      site_pin_[j] = site;
      if (site != job.data_site_index && job.data_bytes > 0) {
        request_staging(j, site, now);
        continue;
      }
    }
    submitted_.push_back(j);
  }
  if (not staged_ready_.empty()) {
    std::sort(staged_ready_.begin(), staged_ready_.end());
    submitted_.insert(submitted_.end(), staged_ready_.begin(), staged_ready_.end());
    staged_ready_.clear();
  }
  result_.events += finished_.size() + submitted_.size();
  result_.decision_points++;

  // 3. Decisions.
  SchedulingContext ctx(now, finished_, submitted_, jobs_, *cluster_, state_, *placement_, site_pin_);
  queue_->decide(ctx);
  if (ctx.held() != 0)
    throw std::logic_error("Dispatcher::process(): queue policy \"" + spec_.queue_policy +
                           "\" ended a pass with slots still held");
  for (const double t : ctx.wake_ups())
    timers_.push(t);
  for (const auto& s : ctx.started()) {
    const Job& job = jobs_[s.job];
    JobRecord& rec = result_.records[s.job];
    assert(rec.state == JobState::PENDING && "Dispatcher::process(): a job was started twice");
    rec.start_s = now;
    rec.first_slot = static_cast<std::uint32_t>(result_.slots.size());
    rec.slot_count = s.slot_count;
    const auto& pieces = ctx.started_slots();
    result_.slots.insert(result_.slots.end(), pieces.begin() + s.first_slot,
                         pieces.begin() + s.first_slot + s.slot_count);
    rec.pool = cluster_->node_pool[pieces[s.first_slot].node];
    const std::span<const NodeSlots> placed(pieces.begin() + s.first_slot, s.slot_count);
    rec.comm_slowdown = comm_slowdown(*cluster_, job, placed);
    double run = runtime_s(job, cluster_->types[cluster_->pools[rec.pool].type]) * rec.comm_slowdown;
    rec.state = JobState::COMPLETED_SUCCESSFULLY;
    if (spec_.kill_at_walltime && run > job.walltime_s) {
      run = job.walltime_s;
      rec.state = JobState::COMPLETED_WALLTIME_REACHED;
    }
    const std::uint32_t site = cluster_->pools[rec.pool].site;
    if (spec_.staging == StagingMode::HOLD && job.data_site_index != NO_SITE && job.data_bytes > 0 &&
        site != job.data_site_index) {
      // Hold mode: the accelerators wait, idle, for the input data (prefetch mode moved it before the job queued).
      compute_s_[s.job] = run;
      staging_held_[rec.pool] += job.accelerators;
      request_staging(s.job, site, now);
    } else {
      rec.finish_s = now + run;
      running_.push(Completion{rec.finish_s, s.job});
    }
    changed_sites_.push_back(cluster_->pools[rec.pool].site);
  }
  if (meter_ != nullptr) {
    std::sort(changed_sites_.begin(), changed_sites_.end());
    changed_sites_.erase(std::unique(changed_sites_.begin(), changed_sites_.end()), changed_sites_.end());
    meter_->update(now, state_, changed_sites_, queue_->queued(), staging_held_);
  }
}

bool run_without_network(Dispatcher& d, const Cluster& cluster, std::uint64_t max_passes)
{
  struct Arrival {
    double time;
    std::uint32_t job;
    bool operator>(const Arrival& o) const { return time != o.time ? time > o.time : job > o.job; }
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
      transfers.push(Arrival{t + cluster.topology.transfer_time_s(r.from_site, r.to_site, r.bytes), r.job});
  }
  return true;
}

} // namespace ccsim
