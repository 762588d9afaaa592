// src/workload/workload.cpp
#include "ccsim/workload/workload.hpp"

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

} // namespace ccsim
