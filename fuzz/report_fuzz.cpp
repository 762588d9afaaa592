// fuzz/report_fuzz.cpp: libFuzzer target for `ccsim report`'s reading of a run's results folder. The input is
// split at 0x1e bytes into summary.json, racks.csv, jobs.csv and timeseries.csv (a missing part: no such file),
// written into a scratch folder; the reader must return or throw InputError, never crash or hang.
#include "ccsim/core/error.hpp"
#include "ccsim/output/html_report.hpp"
#include "ccsim/output/report_data.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  namespace fs = std::filesystem;
  static const fs::path dir = fs::temp_directory_path() / ("ccsim-report-fuzz-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* name : {"summary.json", "racks.csv", "jobs.csv", "timeseries.csv"}) {
    if (text.data() == nullptr)
      break;
    const auto split = text.find('\x1e');
    std::ofstream(dir / name, std::ios::binary) << text.substr(0, split);
    text = split == std::string_view::npos ? std::string_view() : text.substr(split + 1);
  }
  ccsim::report::Limits limits;
  limits.time_bins = 16;
  limits.gantt_racks = 8;
  limits.site_lines = 3;
  limits.power_points = 10;
  try {
    (void)ccsim::report::html_page("fuzz", {{"runs", {ccsim::report::run_data(dir, "fuzz", limits)}}});
  } catch (const ccsim::InputError&) {
  }
  return 0;
}
