// src/policy/builtin/builtin.cpp
#include "ccsim/policy/builtin/builtin.hpp"

#include "ccsim/policy/registry.hpp"

namespace ccsim {

void register_builtin_policies(PolicyRegistry& registry)
{
  registry.add_queue("fcfs", "first come, first served; the queue head blocks later jobs (no backfilling)",
                     make_fcfs);
  registry.add_placement("first-fit",
                         "first site pool of an eligible type with room; lowest-numbered free accelerators",
                         make_first_fit);
}

} // namespace ccsim
