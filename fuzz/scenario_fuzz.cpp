// fuzz/scenario_fuzz.cpp: libFuzzer target for the scenario loader, the policies' parameters and the dispatcher.
// Any input must either load and simulate, or fail with an InputError: never crash, leak, hang or abort.
#include "ccsim/cluster/cluster.hpp"
#include "ccsim/engine/dispatcher.hpp"
#include "ccsim/metrics/metrics.hpp"
#include "ccsim/output/writers.hpp"
#include "ccsim/policy/registry.hpp"
#include "ccsim/scenario/json_reader.hpp"
#include "ccsim/scenario/loader.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const nlohmann::json doc = ccsim::parse_json_text(text, "fuzz.json");
    // A fuzzer must not read other files: trace workloads have their own targets (batsim, swf).
    if (doc.is_object() && doc.contains("workload") && doc["workload"].is_object() && doc["workload"].contains("path"))
      return 0;
    ccsim::Scenario s = ccsim::scenario_from_json(doc, "fuzz.json", "");
    auto [queue, placement, packing] = ccsim::make_scenario_policies(s);
    const ccsim::Cluster c = ccsim::Cluster::build(s);
    if (c.accelerator_count() > 20'000)
      return 0; // valid, but too large to simulate at fuzzing speed
    ccsim::EnergyMeter meter(c, 0);
    ccsim::Dispatcher d(c, s.jobs, s.scheduler, *queue, *placement, &meter);
    for (int passes = 0; not d.done() && passes < 1'000'000; passes++)
      d.process(d.next_event_time());
    meter.finish(d.result().end_s);
    const auto summary = ccsim::summarize(s, c, s.jobs, d.result(), &meter);
    (void)ccsim::jobs_csv(c, s.jobs, d.result());
    (void)ccsim::json_text(summary);
  } catch (const ccsim::InputError&) {
    // Bad input, reported with a location: the expected outcome for most inputs.
  }
  return 0;
}
