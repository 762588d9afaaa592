// include/ccsim/core/process.hpp
#pragma once

#include <cstdint>
#include <string_view>

namespace ccsim {
//! Peak resident set size of this process so far, in bytes (getrusage ru_maxrss).
std::uint64_t peak_rss_bytes();

//! Fault injection for tests of crash safety: when the environment variable CCSIM_FAULT equals `point` (e.g.
//! "wrote:jobs.csv"), the process kills itself with SIGKILL there, as a power cut or the OOM killer would. The
//! points are listed in docs/reliability.md. Costs one comparison when the variable is unset.
void fault_point(std::string_view point);
} // namespace ccsim
