// src/policy/builtin/ordered_queues.cpp
// Strict-order queues: jobs start in queue order and the head blocks everyone behind it (no backfilling).
//   fcfs:     submission order
//   sjf:      walltime estimate ascending, then submission order
//   priority: job priority descending, then submission order
#include "ccsim/core/params.hpp"
#include "ccsim/policy/builtin/builtin.hpp"

#include <set>
#include <stdexcept>
#include <tuple>

namespace ccsim {

namespace {

enum class Order : std::uint8_t { FCFS, SJF, PRIORITY };

class OrderedQueue final : public QueuePolicy {
public:
  explicit OrderedQueue(Order order)
      : order_(order)
  {
  }

  void decide(SchedulingContext& ctx) override
  {
    for (const std::uint32_t j : ctx.submitted()) {
      const Job& job = ctx.jobs()[j];
      double key = 0;
      if (order_ == Order::SJF)
        key = job.walltime_s;
      else if (order_ == Order::PRIORITY)
        key = -static_cast<double>(job.priority);
      queue_.emplace(job.background, key, sequence_++, j); // flexible work behind the rest (docs/policies.md)
    }
    while (not queue_.empty()) {
      const std::uint32_t head = std::get<3>(*queue_.begin());
      if (not ctx.may_fit_now(head) || not ctx.try_start(head))
        break;
      queue_.erase(queue_.begin());
    }
  }
  std::size_t queued() const override { return queue_.size(); }
  std::uint32_t head() const override { return queue_.empty() ? NO_JOB : std::get<3>(*queue_.begin()); }

private:
  Order order_;
  std::uint64_t sequence_ = 0;
  std::set<std::tuple<bool, double, std::uint64_t, std::uint32_t>> queue_; // (background, key, arrival, job)
};

} // namespace

std::unique_ptr<QueuePolicy> make_fcfs(const nlohmann::json& params)
{
  expect_params(params, "fcfs", {});
  return std::make_unique<OrderedQueue>(Order::FCFS);
}

std::unique_ptr<QueuePolicy> make_sjf(const nlohmann::json& params)
{
  expect_params(params, "sjf", {});
  return std::make_unique<OrderedQueue>(Order::SJF);
}

std::unique_ptr<QueuePolicy> make_priority(const nlohmann::json& params)
{
  expect_params(params, "priority", {});
  return std::make_unique<OrderedQueue>(Order::PRIORITY);
}

} // namespace ccsim
