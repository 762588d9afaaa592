// src/core/process.cpp
#include "ccsim/core/process.hpp"

#include <csignal>
#include <cstdlib>
#include <string>

#include <sys/resource.h>

namespace ccsim {

std::uint64_t peak_rss_bytes()
{
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024U; // Linux reports KiB
}

void fault_point(std::string_view point)
{
  static const std::string armed = [] {
    const char* v = std::getenv("CCSIM_FAULT");
    return std::string(v != nullptr ? v : "");
  }();
  if (not armed.empty() && armed == point)
    std::raise(SIGKILL);
}

} // namespace ccsim
