// include/ccsim/engine/simulation.hpp
#pragma once

#include "ccsim/engine/dispatcher.hpp"

#include <string>
#include <vector>

namespace ccsim {

//! The SimGrid configuration ccsim pins, as "name:value" (recorded in run.json); `window_bytes` is what one
//! transfer keeps in flight (Topology::window_bytes(), SimGrid's TCP-gamma).
std::vector<std::string> simgrid_configuration(double window_bytes);

//! Outcome of one simulation run.
struct SimulationRun {
  RunCounters counters;
  std::uint64_t clock_advances = 0;   //!< times the SimGrid clock was advanced
  std::uint64_t collective_flows = 0; //!< wide-area flows started for collectives of jobs spanning sites
  double simulated_end_s = 0;         //!< SimGrid clock at the end, seconds
  std::vector<std::string> simgrid_config;
};

//! Runs the scenario on SimGrid: materializes the platform (a zone per site, a host per node) and drives the
//! dispatcher from one controller actor that sleeps until the next event on the SimGrid clock.
//! SimGrid allows one engine per process: call this at most once per process.
//! `meter` (optional) integrates power and energy; it is finished at the last event. `sinks` receive every job as
//! it ends (a RunCollector keeps them all); `wait_log` every wait's intervals, when waits are attributed.
//! Throws std::runtime_error if the queue policy leaves jobs waiting on an idle platform.
SimulationRun run_simulation(const Scenario& scenario, const Cluster& cluster, JobSource& jobs, QueuePolicy& queue,
                             PlacementPolicy& placement, EnergyMeter* meter = nullptr,
                             std::vector<JobRecordSink*> sinks = {}, WaitLogSink* wait_log = nullptr);

} // namespace ccsim
