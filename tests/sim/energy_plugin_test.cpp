// Where SimGrid's host-energy plugin is used, it and ccsim's energy model agree: the materialized hosts carry
// wattage properties equivalent to ccsim's node power, and real Execs (one thread per busy accelerator) give the
// same joules as the EnergyMeter for the same schedule.
#include "../support/helpers.hpp"

#include "../../src/platform/sg_platform.hpp"
#include "ccsim/power/energy.hpp"

#include <gtest/gtest.h>
#include <simgrid/plugins/energy.h>
#include <simgrid/s4u.hpp>

namespace sg4 = simgrid::s4u;
using namespace ccsim;

TEST(EnergyPlugin, AgreesWithTheEnergyMeter)
{
  // 2 nodes x 8 (idle 70 W, max 700 W, base 400 W). Job a: 8 accelerators for 3,600 s from 0 (fills node 0);
  // job b: 3 accelerators for 1,000 s from 0 (node 1, partly busy).
  const PreparedRun prep =
      test::prepared_from_text(R"({"accelerators": {"X": {"kind": "gpu", "peak_tflops": {"bf16": 100},
        "memory_gib": 80, "power_w": {"idle": 70, "max": 700}}},
      "sites": [{"name": "s", "region": "east", "pue": 1.0, "racks": [{"count": 1, "nodes_per_rack": 2,
        "node": {"accelerator": "X", "count": 8, "base_power_w": 400}}]}],
      "workload": {"jobs": [{"id": "a", "submit_s": 0, "accelerators": 8, "duration_s": 3600},
                            {"id": "b", "submit_s": 0, "accelerators": 3, "duration_s": 1000}]}})");
  const Cluster& c = prep.cluster;

  // ccsim's meter, in-process.
  EnergyMeter meter(c, 0);
  const RunResult r = test::run_inline(prep, &meter);

  // SimGrid's plugin on the materialized platform, replaying the same allocation as Execs.
  sg_host_energy_plugin_init();
  int argc = 2;
  char arg0[] = "test";
  char arg1[] = "--log=root.thres:critical";
  char* argv[] = {arg0, arg1, nullptr};
  sg4::Engine engine(&argc, argv);
  const SgPlatform platform = materialize_platform(c);
  sg4::Actor::create("replay", platform.controller, [&] {
    std::vector<sg4::ExecPtr> execs;
    for (std::size_t j = 0; j < prep.jobs.size(); j++) {
      const JobRecord& rec = r.records[j];
      for (std::uint32_t k = rec.first_slot; k < rec.first_slot + rec.slot_count; k++) {
        sg4::Host* host = platform.node_hosts[r.slots[k].node];
        const int threads = std::popcount(r.slots[k].mask);
        sg4::ExecPtr x = sg4::Exec::init()
                             ->set_flops_amount(host->get_speed() * (rec.finish_s - rec.start_s))
                             ->set_host(host)
                             ->set_thread_count(threads);
        x->start();
        execs.push_back(x);
      }
    }
    for (auto& x : execs)
      x->wait();
    sg4::this_actor::sleep_until(r.end_s);
  });
  engine.run();
  ASSERT_DOUBLE_EQ(sg4::Engine::get_clock(), 3600.0);
  double plugin_j = 0;
  for (sg4::Host* h : platform.node_hosts)
    plugin_j += sg_host_get_consumed_energy(h);
  // Node 0: 6,000 W x 3,600 s; node 1: (960 + 3 x 630) W x 1,000 s + 960 W x 2,600 s.
  const double expected = 6000.0 * 3600 + 2850.0 * 1000 + 960.0 * 2600;
  EXPECT_NEAR(plugin_j, expected, expected * 1e-9);
  EXPECT_NEAR(meter.it_energy_j(0), expected, expected * 1e-12);
}
