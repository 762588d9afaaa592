// fuzz/swf_fuzz.cpp: libFuzzer target for the SWF importer (every option combination the first byte selects).
#include "ccsim/workload/importers.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size == 0)
    return 0;
  const std::uint8_t mode = data[0];
  nlohmann::json options = nlohmann::json::object();
  options["start_at_zero"] = (mode & 1U) != 0;
  options["walltime_below_runtime"] = (mode & 2U) != 0 ? "keep" : "raise";
  options["failed"] = (mode & 4U) != 0 ? "drop" : "keep";
  options["zero_runtime"] = (mode & 8U) != 0 ? "drop" : "keep";
  options["processors_per_accelerator"] = 1 + (mode >> 4U);
  try {
    (void)ccsim::import_swf_text(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), "fuzz.swf",
                                 options);
  } catch (const ccsim::InputError&) {
  }
  return 0;
}
