// fuzz/batsim_fuzz.cpp: libFuzzer target for the Batsim workload importer.
#include "ccsim/workload/importers.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  try {
    (void)ccsim::import_batsim_text(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json",
                                    nlohmann::json());
  } catch (const ccsim::InputError&) {
  }
  return 0;
}
