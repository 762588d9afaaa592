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
    : jobs_(std::move(jobs))
    , order_(submission_order(jobs_))
{
  for (std::size_t i = 0; i < jobs_.size(); i++)
    jobs_[i].index = static_cast<std::uint32_t>(i);
}

bool VectorJobSource::next(Job& job)
{
  if (next_ >= order_.size())
    return false;
  job = std::move(jobs_[order_[next_++]]);
  return true;
}

} // namespace ccsim
