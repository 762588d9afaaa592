// src/workload/job_source.cpp
#include "ccsim/workload/job_source.hpp"

#include <algorithm>
#include <numeric>

namespace ccsim {

std::vector<std::uint32_t> submission_order(std::span<const Job> jobs)
{
  std::vector<std::uint32_t> order(jobs.size());
  std::iota(order.begin(), order.end(), 0U);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return jobs[a].submit_s < jobs[b].submit_s; });
  return order;
}

VectorJobSource::VectorJobSource(std::vector<Job> jobs)
    : owned_(std::move(jobs))
    , jobs_(&owned_)
    , order_(std::make_shared<const std::vector<std::uint32_t>>(submission_order(owned_)))
{
  for (std::size_t i = 0; i < owned_.size(); i++)
    owned_[i].index = static_cast<std::uint32_t>(i);
}

VectorJobSource::VectorJobSource(const std::vector<Job>* jobs, std::shared_ptr<const std::vector<std::uint32_t>> order)
    : jobs_(jobs)
    , order_(std::move(order))
{
}

bool VectorJobSource::next(Job& job)
{
  if (next_ >= order_->size())
    return false;
  const std::uint32_t i = (*order_)[next_++];
  if (jobs_ == &owned_) {
    job = std::move(owned_[i]);
  } else {
    job = (*jobs_)[i];
    job.index = i;
  }
  return true;
}

} // namespace ccsim
