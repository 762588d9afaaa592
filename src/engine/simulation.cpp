// src/engine/simulation.cpp
#include "ccsim/engine/simulation.hpp"

#include "../platform/sg_platform.hpp"
#include "ccsim/core/error.hpp"

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include <algorithm>
#include <exception>
#include <limits>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace sg4 = simgrid::s4u;

namespace ccsim {

std::vector<std::string> simgrid_configuration(double window_bytes)
{
  // CM02 with the transfers' TCP window: a transfer of S bytes alone on a path takes latency + S / rate, rate =
  // min(bandwidth, window / (2 x latency)) (SimGrid's TCP-gamma bound; LV08's defaults would also multiply latency
  // by 13.01). Factors pinned to 1 and no weight-S penalty, so the model is exactly max-min sharing of link
  // bandwidths under each flow's window bound.
  return {"network/model:CM02",         fmt::format("network/TCP-gamma:{}", window_bytes),
          "network/crosstraffic:0",     "network/latency-factor:1",
          "network/bandwidth-factor:1", "network/weight-S:0"};
}

SimulationRun run_simulation(const Scenario& scenario, const Cluster& cluster, JobSource& jobs, QueuePolicy& queue,
                             PlacementPolicy& placement, EnergyMeter* meter, std::vector<JobRecordSink*> sinks,
                             WaitLogSink* wait_log)
{
  SimulationRun run;
  run.simgrid_config = simgrid_configuration(cluster.topology.window_bytes());
  std::vector<std::string> args = {"ccsim", "--log=root.thres:warning"};
  for (const auto& c : run.simgrid_config)
    args.push_back("--cfg=" + c);
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());

  const SgPlatform platform = materialize_platform(cluster);
  Dispatcher dispatcher(cluster, jobs, scenario.scheduler, queue, placement, meter, std::move(sinks),
                        scenario.output.wait_causes, wait_log);

  // One controller actor: the SimGrid clock is its timer (sleep_until the next event), so the cost per
  // event is a heap operation, not an actor or an activity per job.
  // An exception must not unwind through SimGrid's context switch (that aborts the process): the actor stops,
  // the engine returns, and the exception is rethrown here.
  std::exception_ptr failure;
  sg4::Actor::create("ccsim-controller", platform.controller, [&dispatcher, &run, &failure, &platform] {
    try {
      // Data staging: real SimGrid transfers between sites' storage hosts, sharing links with each other. The
      // controller waits for the next dispatcher event or the first transfer to end, whichever comes first.
      std::vector<sg4::CommPtr> transfers;
      std::vector<std::uint32_t> transfer_job;
      // Collectives of jobs computing across sites: rate-bounded flows between the sites' fabric hosts, not waited
      // for, stopped when their job ends (docs/model.md "Jobs spanning sites"). A host-to-host comm ignores
      // set_rate() in SimGrid 3.32, so each flow is a mailbox comm between a sender and a receiver actor on the two
      // fabric hosts (the sender's rate bounds it); stopping a flow kills both.
      std::unordered_map<std::uint32_t, std::vector<aid_t>> collectives;
      const auto start_transfers = [&] {
        for (const std::uint32_t job : dispatcher.take_collective_stops()) {
          if (const auto it = collectives.find(job); it != collectives.end()) {
            for (const aid_t pid : it->second)
              if (const sg4::ActorPtr actor = sg4::Actor::by_pid(pid))
                actor->kill();
            collectives.erase(it);
          }
        }
        for (const auto& f : dispatcher.take_collective_flows()) {
          sg4::Mailbox* box = sg4::Mailbox::by_name("ccsim-collective-" + std::to_string(run.collective_flows++));
          const auto bytes = static_cast<std::uint64_t>(f.bytes);
          const double rate = f.rate_Bps;
          auto& pids = collectives[f.job];
          pids.push_back(sg4::Actor::create("collective-send", platform.fabric_hosts[f.from_site], [box, bytes, rate] {
                           static int payload = 0;
                           try {
                             box->put_init(&payload, bytes)->set_rate(rate)->wait();
                           } catch (const simgrid::Exception&) { // its peer was killed with its job
                           }
                         })->get_pid());
          pids.push_back(sg4::Actor::create("collective-recv", platform.fabric_hosts[f.to_site], [box] {
                           try {
                             box->get<int>();
                           } catch (const simgrid::Exception&) {
                           }
                         })->get_pid());
        }
        for (const auto& r : dispatcher.take_staging_requests()) {
          transfers.push_back(
              sg4::Comm::sendto_async(platform.storage_hosts[r.from_site], platform.storage_hosts[r.to_site], r.bytes));
          transfer_job.push_back(r.job);
        }
      };
      while (not dispatcher.done() || not transfers.empty()) {
        const double t = dispatcher.next_event_time();
        if (not transfers.empty()) {
          const double now = sg4::Engine::get_clock();
          const double timeout = t == std::numeric_limits<double>::infinity() ? -1.0 : std::max(0.0, t - now);
          const ssize_t i = sg4::Comm::wait_any_for(transfers, timeout);
          if (sg4::Engine::get_clock() > now)
            run.clock_advances++;
          if (i >= 0) {
            const auto k = static_cast<std::size_t>(i);
            const std::uint32_t job = transfer_job[k];
            transfers.erase(transfers.begin() + i);
            transfer_job.erase(transfer_job.begin() + i);
            dispatcher.staging_done(job, sg4::Engine::get_clock());
            start_transfers(); // the collectives of a job that now computes across sites
            continue;          // handle every transfer ending now before the next event
          }
          // Timed out: the event at t is due (the clock may differ from t by rounding; t is what the records use).
        } else if (t > sg4::Engine::get_clock()) {
          sg4::this_actor::sleep_until(t);
          run.clock_advances++;
        }
        dispatcher.process(t);
        start_transfers();
      }
    } catch (...) {
      failure = std::current_exception();
    }
  });
  engine.run();
  if (failure)
    std::rethrow_exception(failure);
  run.simulated_end_s = sg4::Engine::get_clock();
  if (dispatcher.queued() > 0 && not cluster.capacity_changes.empty())
    throw InputError(scenario.file, "/sites",
                     fmt::format("{} jobs were still waiting after the platform's last change (at {:g} s): the racks "
                                 "that could run them were retired, or their walltime never fits between "
                                 "maintenance windows and cap cuts (expected every job to fit in the capacity in "
                                 "service after its submission: docs/scenario.md \"Platform over time\")",
                                 dispatcher.queued(), cluster.capacity_changes.back().first));
  if (dispatcher.queued() > 0)
    throw PolicyError("queue policy \"" + scenario.scheduler.queue_policy + "\" left " +
                      std::to_string(dispatcher.queued()) +
                      " jobs waiting on an idle platform (a policy must start a job that fits)");
  if (meter != nullptr)
    meter->finish(dispatcher.counters().end_s);
  run.counters = dispatcher.counters();
  return run;
}

} // namespace ccsim
