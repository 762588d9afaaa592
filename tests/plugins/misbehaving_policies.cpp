// tests/plugins/misbehaving_policies.cpp: a policy library whose factories misbehave (issue 17, item 4): ccsim must
// stop with exit 2 naming the library and the policy, never crash.
#include <ccsim/policy/plugin.hpp>

#include <stdexcept>

extern "C" void ccsim_register_policies(ccsim::PolicyRegistry& registry)
{
  registry.queues.add("returns-null", "test: its factory returns nullptr",
                      [](const nlohmann::json&) -> std::unique_ptr<ccsim::QueuePolicy> { return nullptr; });
  registry.queues.add("throws-int", "test: its factory throws an int",
                      [](const nlohmann::json&) -> std::unique_ptr<ccsim::QueuePolicy> { throw 42; });
  registry.queues.add("throws-runtime-error", "test: its factory throws std::runtime_error",
                      [](const nlohmann::json&) -> std::unique_ptr<ccsim::QueuePolicy> {
                        throw std::runtime_error("out of licences");
                      });
}
