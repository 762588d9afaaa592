// src/policy/builtin/fcfs.cpp
// FCFS: jobs start strictly in submission order; the queue head blocks everyone behind it.
#include "ccsim/policy/builtin/builtin.hpp"

#include <deque>

namespace ccsim {

namespace {
class Fcfs final : public QueuePolicy {
public:
  void decide(SchedulingContext& ctx) override
  {
    queue_.insert(queue_.end(), ctx.submitted().begin(), ctx.submitted().end());
    while (not queue_.empty() && ctx.try_start(queue_.front()))
      queue_.pop_front();
  }
  std::size_t queued() const override { return queue_.size(); }

private:
  std::deque<std::uint32_t> queue_;
};
} // namespace

std::unique_ptr<QueuePolicy> make_fcfs()
{
  return std::make_unique<Fcfs>();
}

} // namespace ccsim
