// examples/policy-plugin/largest_first.cpp: an out-of-tree queue policy, loaded with --policy-lib.
//
// "largest-first": the job asking for the most accelerators starts first (ties: submission order); a job that
// does not fit blocks the rest, as under FCFS. Build it as a shared library against ccsim's headers (see
// CMakeLists.txt beside this file, or docs/extending.md) and run:
//   ccsim run scenario.json --policy-lib ./libccsim_largest_first.so --queue largest-first
#include <ccsim/policy/plugin.hpp>

#include <set>
#include <stdexcept>
#include <tuple>

namespace {

class LargestFirst final : public ccsim::QueuePolicy {
public:
  void decide(ccsim::SchedulingContext& ctx) override
  {
    // Events in: jobs submitted at ctx.now() (and ctx.finished(), unused here).
    for (const std::uint32_t j : ctx.submitted())
      queue_.emplace(-static_cast<std::int64_t>(ctx.jobs()[j].accelerators), sequence_++, j);
    // Decisions out: start jobs through the context (the placement policy picks the accelerators).
    while (not queue_.empty()) {
      const std::uint32_t head = std::get<2>(*queue_.begin());
      if (not ctx.may_fit_now(head) || not ctx.try_start(head))
        break;
      queue_.erase(queue_.begin());
    }
  }
  std::size_t queued() const override { return queue_.size(); }

private:
  std::uint64_t sequence_ = 0;
  std::set<std::tuple<std::int64_t, std::uint64_t, std::uint32_t>> queue_;
};

} // namespace

extern "C" void ccsim_register_policies(ccsim::PolicyRegistry& registry)
{
  registry.queues.add("largest-first", "example plug-in: most accelerators first; the head blocks later jobs",
                      [](const nlohmann::json& params) -> std::unique_ptr<ccsim::QueuePolicy> {
                        if (not params.is_null() && not params.empty())
                          throw std::invalid_argument("largest-first takes no parameters");
                        return std::make_unique<LargestFirst>();
                      });
}
