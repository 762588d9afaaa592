// src/app/compare.hpp: `ccsim compare` (app-private).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ccsim::app {

struct CompareOptions {
  std::string scenario;
  std::vector<std::string> policies; //!< "queue", "placement" or "queue+placement" (registered names)
  std::string out;                   //!< results folder: one subfolder per policy, plus compare.csv
  std::vector<std::string> policy_libs;
  std::int64_t seed = -1;
  //! > 1: run every policy with seeds 1..seeds, print means with 95 % CIs, and write deltas.csv (paired
  //! differences with the first policy over the seeds, as a sweep does)
  std::uint32_t seeds = 1;
  //! A JSON file {"variants": [{"label", "patch", "description"}]} (a sweep's variants, docs/sweeps.md): every
  //! variant is compared (under each policy of `policies`, or the scenario's own when there are none)
  std::string variants;
};

//! Runs the scenario once per policy (and variant), each in its own `ccsim run` process (SimGrid allows one engine per
//! process), then prints a table and writes compare.csv. Returns the exit code.
int compare(const CompareOptions& opt, const std::string& self_exe);

} // namespace ccsim::app
