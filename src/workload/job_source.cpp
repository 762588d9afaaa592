// src/workload/job_source.cpp
#include "ccsim/workload/job_source.hpp"

#include <algorithm>
#include <cmath>
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

ScaledJobSource::ScaledJobSource(JobSource& inner, Scale scale, std::function<void(const Job&)> on_raw,
                                 std::function<std::string(std::uint32_t)> locate_raw)
    : inner_(&inner)
    , scale_(scale)
    , on_raw_(std::move(on_raw))
    , locate_raw_(std::move(locate_raw))
    , rng_state_(scale.seed ^ 0x5ca1'ed70'b5ca'1ed7ULL)
{
}

ScaledJobSource::ScaledJobSource(std::unique_ptr<JobSource> inner, Scale scale,
                                 std::function<std::string(std::uint32_t)> locate_raw)
    : ScaledJobSource(*inner, scale, {}, std::move(locate_raw))
{
  owned_ = std::move(inner);
}

bool ScaledJobSource::next(Job& job)
{
  while (copies_left_ == 0) {
    if (not inner_->next(last_))
      return false;
    if (on_raw_)
      on_raw_(last_);
    raw_index_ = last_.index;
    // floor(load) copies, one more with probability frac(load): splitmix64 draws, one per job in delivery order.
    const double whole = std::floor(scale_.load);
    copies_left_ = static_cast<std::uint32_t>(whole);
    if (const double frac = scale_.load - whole; frac > 0) {
      std::uint64_t z = (rng_state_ += 0x9e37'79b9'7f4a'7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58'476d'1ce4'e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d0'49bb'1331'11ebULL;
      z ^= z >> 31;
      const double u = static_cast<double>(z >> 11) * 0x1.0p-53;
      copies_left_ += u < frac ? 1 : 0;
    }
    copy_ = 0;
    last_.submit_s *= scale_.time;
  }
  job = last_;
  if (copy_ > 0)
    job.id += "#" + std::to_string(copy_);
  job.index = delivered_++;
  copy_++;
  copies_left_--;
  return true;
}

std::string ScaledJobSource::where() const
{
  std::string at = inner_->where();
  if (at.empty() && locate_raw_)
    at = locate_raw_(raw_index_);
  return at;
}

} // namespace ccsim
