// fuzz/scenario_fuzz.cpp: libFuzzer target for the scenario loader, the policies' parameters and the dispatcher.
// Any input must either load and simulate, or fail with an InputError: never crash, leak, hang or abort.
#include "run_checked.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace ccsim_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const nlohmann::json doc = ccsim::parse_json_text(text, "fuzz.json");
    // A fuzzer must not read other files: trace workloads and node lists have their own targets.
    if (reads_files(doc) || generates_too_much(doc))
      return 0;
    run_checked(doc, "fuzz.json");
  } catch (const ccsim::InputError&) {
    // Bad input, reported with a location: the expected outcome for most inputs.
  }
  return 0;
}
