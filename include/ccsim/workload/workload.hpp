// include/ccsim/workload/workload.hpp
#pragma once

#include "ccsim/workload/job.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace ccsim {

//! Job indices sorted by (submit time, input order): the order the engine submits them.
std::vector<std::uint32_t> submission_order(std::span<const Job> jobs);

} // namespace ccsim
