// fuzz/sweep_fuzz.cpp: libFuzzer target for sweep files (docs/sweeps.md): the spec reader, its canonical text, and
// each of the first points as `ccsim sweep` hands it to `ccsim run` (every axis as --set POINTER=VALUE) applied to
// a small shipped scenario, then loaded and run with its schedule checked. The --set text of an axis value must
// give back exactly that value.
#include "../src/app/sweep_spec.hpp"
#include "run_checked.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

using namespace ccsim_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  static const nlohmann::json base =
      ccsim::parse_json_file(std::string(CCSIM_SOURCE_DIR) + "/scenarios/small/fcfs-3jobs.json");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const ccsim::app::SweepSpec spec =
        ccsim::app::sweep_spec_from_json(ccsim::parse_json_text(text, "sweep.json"), "/nonexistent/sweep.json");
    (void)ccsim::app::spec_text(spec);
    if (spec.baseline >= spec.configs)
      fail("baseline configuration " + std::to_string(spec.baseline) + " of " + std::to_string(spec.configs));
    // The baseline and the first configurations: a few points per input, at fuzzing speed.
    std::vector<std::size_t> configs = {spec.baseline};
    for (std::size_t c = 0; c < std::min<std::size_t>(spec.configs, 3); c++)
      configs.push_back(c);
    for (const std::size_t c : configs) {
      const auto idx = ccsim::app::config_values(spec, c);
      nlohmann::json doc = base;
      bool applied = true;
      for (std::size_t a = 0; a < spec.axes.size() && applied; a++) {
        const nlohmann::json& value = spec.axes[a].values[idx[a]];
        const ccsim::ScenarioEdit edit =
            ccsim::parse_scenario_edit(spec.axes[a].pointer + "=" + value.dump(), "sweep axis");
        if (edit.value != value)
          fail("axis value " + value.dump() + " comes back from its --set text as " + edit.value.dump());
        try {
          ccsim::apply_scenario_edit(doc, edit, "s.json");
        } catch (const ccsim::InputError&) {
          applied = false; // this point would fail alone (exit 2); the others still run
        }
      }
      if (not applied || reads_files(doc) || generates_too_much(doc))
        continue;
      try {
        run_checked(doc, "s.json");
      } catch (const ccsim::InputError&) {
      }
    }
  } catch (const ccsim::InputError&) {
  }
  return 0;
}
