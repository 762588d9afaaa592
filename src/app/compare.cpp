// src/app/compare.cpp
#include "compare.hpp"

#include "child_process.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/output/writers.hpp"
#include "ccsim/policy/registry.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

namespace ccsim::app {

namespace {

struct Choice {
  std::string label, queue, placement;
};

//! "easy", "best-fit" or "easy+best-fit": which registered names the item sets.
Choice parse_choice(const std::string& item, const PolicyRegistry& registry)
{
  Choice c{item, "", ""};
  const auto plus = item.find('+');
  const std::string first = item.substr(0, plus);
  const std::string second = plus == std::string::npos ? "" : item.substr(plus + 1);
  auto expected = [&registry] {
    std::string names;
    for (const auto& e : registry.queues.entries())
      names += (names.empty() ? "" : ", ") + e.name;
    for (const auto& e : registry.placements.entries())
      names += ", " + e.name;
    for (const auto& e : registry.fills.entries())
      names += ", " + e.name + " (fill mode)";
    return names;
  };
  if (registry.queues.has(first))
    c.queue = first;
  else if (plus == std::string::npos && (registry.placements.has(first) || registry.fills.has(first)))
    c.placement = first;
  else
    throw InputError("--policies", item, "unknown policy \"" + first + "\" (expected one of: " + expected() + ")");
  if (not second.empty()) {
    if (not registry.placements.has(second))
      throw InputError("--policies", item, "unknown placement policy \"" + second + "\"");
    c.placement = second;
  }
  return c;
}

double get(const nlohmann::json& s, std::initializer_list<const char*> path)
{
  const nlohmann::json* v = &s;
  for (const char* k : path) {
    if (not v->contains(k))
      return 0;
    v = &(*v)[k];
  }
  return v->is_number() ? v->get<double>() : 0;
}

} // namespace

int compare(const CompareOptions& opt, const std::string& self_exe)
{
  if (opt.policies.empty())
    throw InputError("--policies", "", "expected a comma-separated list of policies, e.g. fcfs,easy,easy+best-fit");
  std::vector<Choice> choices;
  for (const auto& item : opt.policies)
    choices.push_back(parse_choice(item, PolicyRegistry::global()));
  const std::filesystem::path out =
      opt.out.empty()
          ? std::filesystem::path("results") / ("compare-" + std::filesystem::path(opt.scenario).stem().string())
          : std::filesystem::path(opt.out);
  // Event-mode and fill-mode summaries have different metrics: the header follows the first run's mode (every run
  // uses the same scenario, so the same mode).
  std::string csv;
  bool fill = false;
  for (std::size_t i = 0; i < choices.size(); i++) {
    const Choice& c = choices[i];
    const std::filesystem::path dir = out / run_folder_name(c.label);
    std::vector<std::string> args{"run", opt.scenario, "--out", dir.string(), "-q"};
    if (not c.queue.empty())
      args.insert(args.end(), {"--queue", c.queue});
    if (not c.placement.empty())
      args.insert(args.end(), {"--placement", c.placement});
    if (opt.seed >= 0)
      args.insert(args.end(), {"--seed", std::to_string(opt.seed)});
    for (const auto& lib : opt.policy_libs)
      args.insert(args.end(), {"--policy-lib", lib});
    const int code = run_child(self_exe, args);
    if (code != 0) {
      std::cerr << fmt::format("ccsim compare: the run with {} failed (exit code {})\n", c.label, code);
      return code == 2 ? 2 : 1;
    }
    const nlohmann::json s = parse_json_file((dir / "summary.json").string());
    if (i == 0) {
      fill = s.value("mode", "") == "fill";
      if (fill) {
        csv = "policy,tasks_placed,tasks_failed,allocation_ratio_at_full_demand,allocation_ratio_final,"
              "fragmentation_ratio_final,first_failure_percent\n";
        std::cout << fmt::format("{:<28} {:>8} {:>8} {:>12} {:>12} {:>10} {:>12}\n", "policy", "placed", "failed",
                                 "alloc@100 %", "alloc final", "frag %", "1st fail %");
      } else {
        csv = "policy,queue,placement,jobs_completed,wait_mean_s,wait_p95_s,bounded_slowdown_mean,"
              "utilization,makespan_s,energy_facility_kwh,cost_electricity\n";
        std::cout << fmt::format("{:<28} {:>12} {:>12} {:>10} {:>8} {:>14} {:>12}\n", "policy", "mean wait s",
                                 "p95 wait s", "bsld mean", "util %", "facility kWh", "makespan s");
      }
    }
    if (fill) {
      std::cout << fmt::format("{:<28} {:>8.0f} {:>8.0f} {:>12.2f} {:>12.2f} {:>10.2f} {:>12.2f}\n", c.label,
                               get(s, {"tasks", "placed"}), get(s, {"tasks", "failed"}),
                               100 * get(s, {"at_full_demand", "allocation_ratio"}),
                               100 * get(s, {"final", "allocation_ratio"}),
                               100 * get(s, {"final", "fragmentation_ratio"}), get(s, {"first_failure_percent"}));
      csv_field(csv, c.label);
      csv += fmt::format(",{},{},{},{},{},{}\n", get(s, {"tasks", "placed"}), get(s, {"tasks", "failed"}),
                         get(s, {"at_full_demand", "allocation_ratio"}), get(s, {"final", "allocation_ratio"}),
                         get(s, {"final", "fragmentation_ratio"}), get(s, {"first_failure_percent"}));
      continue;
    }
    const std::string queue = s["scheduler"]["queue"].get<std::string>();
    const std::string placement = s["scheduler"]["placement"].get<std::string>();
    std::cout << fmt::format("{:<28} {:>12.1f} {:>12.1f} {:>10.3f} {:>8.1f} {:>14.1f} {:>12.0f}\n", c.label,
                             get(s, {"wait_s", "mean"}), get(s, {"wait_s", "p95"}),
                             get(s, {"bounded_slowdown", "mean"}), 100 * get(s, {"utilization", "accelerators"}),
                             get(s, {"energy", "facility_kwh"}), get(s, {"makespan_s"}));
    for (const std::string* text : {&c.label, &queue, &placement}) {
      csv_field(csv, *text);
      csv += ',';
    }
    csv += fmt::format("{},{},{},{},{},{},{},{}\n", get(s, {"jobs", "completed"}), get(s, {"wait_s", "mean"}),
                       get(s, {"wait_s", "p95"}), get(s, {"bounded_slowdown", "mean"}),
                       get(s, {"utilization", "accelerators"}), get(s, {"makespan_s"}),
                       get(s, {"energy", "facility_kwh"}), get(s, {"cost", "electricity"}));
  }
  write_files(out, {{"compare.csv", csv}});
  std::cout << fmt::format("results     {}/compare.csv and one folder per policy\n", out.string());
  return 0;
}

} // namespace ccsim::app
