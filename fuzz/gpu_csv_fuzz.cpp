// fuzz/gpu_csv_fuzz.cpp: libFuzzer target for the CSV trace importers (openb pods and nodes, Tiresias, PAI). The
// first byte picks the importer and its use; for PAI, a 0x1e byte separates the task table from the job table.
#include "ccsim/workload/importers.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size == 0)
    return 0;
  const std::uint8_t mode = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto use = (mode & 8U) != 0 ? ccsim::ImportUse::FILL : ccsim::ImportUse::EVENTS;
  nlohmann::json options = nlohmann::json::object();
  if ((mode & 16U) != 0)
    options["models"] = {{"G2", "A100-SXM"}, {"T4", "L40S"}};
  try {
    switch (mode & 7U) {
      case 0:
      case 1:
        (void)ccsim::import_openb_text(text, "fuzz.csv", options, use);
        break;
      case 2: {
        ccsim::ImportReport report;
        (void)ccsim::import_openb_nodes_text(text, "fuzz.csv", options, report);
        break;
      }
      case 3:
        (void)ccsim::import_tiresias_text(text, "fuzz.csv", nullptr, use);
        break;
      default: {
        const auto split = text.find('\x1e');
        options["start_at_zero"] = (mode & 32U) != 0;
        (void)ccsim::import_pai_text(text.substr(0, split),
                                     split == std::string_view::npos ? std::string_view() : text.substr(split + 1),
                                     "fuzz.csv", options, use);
        break;
      }
    }
  } catch (const ccsim::InputError&) {
  }
  return 0;
}
