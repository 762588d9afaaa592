// include/ccsim/policy/builtin/builtin.hpp
#pragma once

#include "ccsim/policy/policy.hpp"

#include <memory>

namespace ccsim {
//! First come, first served (no backfilling).
std::unique_ptr<QueuePolicy> make_fcfs();
//! Lowest-numbered free accelerators in the first pool of an eligible type that can hold the job.
std::unique_ptr<PlacementPolicy> make_first_fit();
} // namespace ccsim
