// fuzz/set_fuzz.cpp: libFuzzer target for `--set POINTER=VALUE` (one edit per input line) on a small shipped
// scenario chosen by the first byte, then the edited scenario's load and checked run. An edit either applies (and
// the value is then found at its pointer) or is an InputError; nothing crashes, grows without bound or hangs.
#include "run_checked.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

using namespace ccsim_fuzz;

namespace {
const nlohmann::json& base(std::uint8_t selector)
{
  static const std::vector<nlohmann::json> docs = [] {
    std::vector<nlohmann::json> d;
    for (const char* name : {"fcfs-3jobs.json", "compact-two-racks.json"})
      d.push_back(ccsim::parse_json_file(std::string(CCSIM_SOURCE_DIR) + "/scenarios/small/" + name));
    return d;
  }();
  return docs[selector % docs.size()];
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
  if (size == 0)
    return 0;
  nlohmann::json doc = base(data[0]);
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    std::size_t at = 0;
    while (at <= text.size()) {
      const std::size_t end = std::min(text.find('\n', at), text.size());
      const std::string line(text.substr(at, end - at));
      at = end + 1;
      if (line.empty())
        continue;
      const ccsim::ScenarioEdit edit = ccsim::parse_scenario_edit(line, "--set");
      ccsim::apply_scenario_edit(doc, edit, "s.json");
      if (not edit.pointer.ends_with("/-") && doc.at(nlohmann::json::json_pointer(edit.pointer)) != edit.value)
        fail("--set " + line + " applied, but the value at its pointer is " +
             doc.at(nlohmann::json::json_pointer(edit.pointer)).dump());
    }
    if (reads_files(doc) || generates_too_much(doc))
      return 0;
    run_checked(doc, "s.json");
  } catch (const ccsim::InputError&) {
  }
  return 0;
}
