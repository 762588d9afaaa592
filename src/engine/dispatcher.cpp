// src/engine/dispatcher.cpp
#include "ccsim/engine/dispatcher.hpp"

#include "ccsim/workload/workload.hpp"

#include <algorithm>
#include <cassert>
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
  // 2. Every job submitted at `now` enters the queue.
  while (next_arrival_ < arrivals_.size() && jobs_[arrivals_[next_arrival_]].submit_s <= now)
    submitted_.push_back(arrivals_[next_arrival_++]);
  result_.events += finished_.size() + submitted_.size();
  result_.decision_points++;

  // 3. Decisions.
  SchedulingContext ctx(now, finished_, submitted_, jobs_, *cluster_, state_, *placement_);
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
    double run = runtime_s(job, cluster_->types[cluster_->pools[rec.pool].type]);
    rec.state = JobState::COMPLETED_SUCCESSFULLY;
    if (spec_.kill_at_walltime && run > job.walltime_s) {
      run = job.walltime_s;
      rec.state = JobState::COMPLETED_WALLTIME_REACHED;
    }
    rec.finish_s = now + run;
    running_.push(Completion{rec.finish_s, s.job});
    changed_sites_.push_back(cluster_->pools[rec.pool].site);
  }
  if (meter_ != nullptr) {
    std::sort(changed_sites_.begin(), changed_sites_.end());
    changed_sites_.erase(std::unique(changed_sites_.begin(), changed_sites_.end()), changed_sites_.end());
    meter_->update(now, state_, changed_sites_, queue_->queued());
  }
}

} // namespace ccsim
