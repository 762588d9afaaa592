// src/app/compare.cpp
#include "compare.hpp"

#include "check.hpp"
#include "child_process.hpp"
#include "stats.hpp"
#include "sweep_spec.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/output/writers.hpp"
#include "ccsim/policy/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>

namespace ccsim::app {

namespace {

struct Choice {
  std::string label, queue, placement;
  std::string variant;                            //!< "" without --variants
  nlohmann::json patch = nlohmann::json::array(); //!< the variant's JSON Patch
};

//! "easy", "best-fit" or "easy+best-fit": which registered names the item sets.
Choice parse_choice(const std::string& item, const PolicyRegistry& registry)
{
  Choice c{item, "", "", "", nlohmann::json::array()};
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

//! The run of `c` with `seed` (< 0: the scenario's) into `dir`; its summary.json, or the child's exit code.
int run_choice(const CompareOptions& opt, const std::string& self_exe, const Choice& c, std::int64_t seed,
               const std::filesystem::path& dir)
{
  std::vector<std::string> args{"run", opt.scenario, "--out", dir.string(), "-q"};
  if (not c.queue.empty())
    args.insert(args.end(), {"--queue", c.queue});
  if (not c.placement.empty())
    args.insert(args.end(), {"--placement", c.placement});
  if (seed >= 0)
    args.insert(args.end(), {"--seed", std::to_string(seed)});
  if (not c.patch.empty())
    args.insert(args.end(), {"--patch", c.patch.dump()});
  for (const auto& lib : opt.policy_libs)
    args.insert(args.end(), {"--policy-lib", lib});
  return run_child(self_exe, args);
}

//! compare --seeds N: every policy with seeds 1..N; means and 95 % CIs, and paired deltas with the first policy.
int compare_seeds(const CompareOptions& opt, const std::string& self_exe, const std::vector<Choice>& choices,
                  const std::filesystem::path& out)
{
  // value[choice][metric][seed]
  std::vector<std::map<std::string, std::map<std::uint64_t, double>>> value(choices.size());
  std::vector<std::string> order; // metrics in the first summary's order
  bool fill = false;
  for (std::size_t i = 0; i < choices.size(); i++)
    for (std::uint32_t seed = 1; seed <= opt.seeds; seed++) {
      const std::filesystem::path dir = out / run_folder_name(choices[i].label) / ("seed-" + std::to_string(seed));
      if (const int code = run_choice(opt, self_exe, choices[i], seed, dir); code != 0) {
        std::cerr << fmt::format("ccsim compare: the run with {} and seed {} failed (exit code {})\n", choices[i].label,
                                 seed, code);
        return code == 2 ? 2 : 1;
      }
      const nlohmann::json s = parse_json_file((dir / "summary.json").string());
      if (i == 0 && seed == 1)
        fill = s.value("mode", "") == "fill";
      const nlohmann::ordered_json metrics = summary_metrics(s);
      for (const auto& [pointer, v] : metrics.items()) {
        if (i == 0 && seed == 1)
          order.push_back(pointer);
        value[i][pointer][seed] = v.get<double>();
      }
    }
  struct Column {
    const char* pointer;
    const char* title;
    double scale;
  };
  const std::vector<Column> columns =
      fill ? std::vector<Column>{{"/tasks/placed", "placed", 1},
                                 {"/at_full_demand/allocation_ratio", "alloc@100 %", 100},
                                 {"/final/allocation_ratio", "alloc final %", 100},
                                 {"/final/fragmentation_ratio", "frag %", 100},
                                 {"/first_failure_percent", "1st fail %", 1}}
           : std::vector<Column>{
                 {"/wait_s/mean", "mean wait s", 1},          {"/wait_s/p95", "p95 wait s", 1},
                 {"/bounded_slowdown/mean", "bsld mean", 1},  {"/utilization/accelerators", "util %", 100},
                 {"/energy/facility_kwh", "facility kWh", 1}, {"/makespan_s", "makespan s", 1}};
  // With a measurement window (output.window), the table shows the window's figures (docs/metrics.md).
  const bool windowed = not fill && std::any_of(order.begin(), order.end(),
                                                [](const std::string& m) { return m.rfind("/window/", 0) == 0; });
  std::vector<std::string> pointers;
  for (const Column& col : columns)
    pointers.push_back(windowed && std::string_view(col.pointer) != "/makespan_s" ? "/window" + std::string(col.pointer)
                                                                                  : std::string(col.pointer));
  std::cout << fmt::format("{} seeds (1..{}); each cell: mean +- 95 % CI half-width{}\n", opt.seeds, opt.seeds,
                           windowed ? "; wait, slowdown, utilization and energy over the measurement window" : "");
  std::cout << fmt::format("{:<24}", "policy");
  for (const Column& col : columns)
    std::cout << fmt::format(" {:>22}", col.title);
  std::cout << "\n";
  const auto values_of = [](const std::map<std::uint64_t, double>& by_seed) {
    std::vector<double> x;
    for (const auto& [seed, v] : by_seed)
      x.push_back(v);
    return x;
  };
  for (std::size_t i = 0; i < choices.size(); i++) {
    std::cout << fmt::format("{:<24}", choices[i].label);
    for (std::size_t c = 0; c < columns.size(); c++) {
      const Column& col = columns[c];
      const auto it = value[i].find(pointers[c]);
      if (it == value[i].end()) {
        std::cout << fmt::format(" {:>22}", "-");
        continue;
      }
      const auto [mean, sd] = mean_sd(values_of(it->second));
      const double half = ci95(sd, it->second.size());
      std::cout << fmt::format(" {:>22}", fmt::format("{:.4g} +- {:.2g}", mean * col.scale, half * col.scale));
    }
    std::cout << "\n";
  }
  // deltas.csv: per policy and metric, as a sweep's (docs/sweeps.md), the baseline being the first policy.
  const auto num = [](double v) { return std::isnan(v) ? std::string() : fmt::format("{}", v); };
  std::string csv = "policy,metric,n,mean,ci95,baseline_mean,delta,delta_ci95\n";
  for (std::size_t i = 0; i < choices.size(); i++)
    for (const std::string& m : order) {
      const auto it = value[i].find(m);
      if (it == value[i].end())
        continue;
      const auto base = value[0].find(m);
      const SeedStats st = seed_stats(it->second, base != value[0].end() ? &base->second : nullptr);
      csv_field(csv, choices[i].label);
      csv += ",";
      csv_field(csv, m);
      csv += fmt::format(",{},{},{},{},{},{}\n", st.n, num(st.mean), num(st.ci95), num(st.baseline_mean), num(st.delta),
                         num(st.delta_ci95));
    }
  write_files(out, {{"deltas.csv", csv}});
  std::cout << fmt::format("results     {}/deltas.csv (paired differences with {}) and <policy>/seed-<s>/ per run\n",
                           out.string(), choices[0].label);
  return 0;
}

//! The variants of a `--variants` file, each checked against the scenario (located errors, exit 2).
Axis read_compare_variants(const std::string& file, const std::string& scenario)
{
  const nlohmann::json doc = parse_json_file(file);
  Diagnostics diags;
  ObjectReader root(doc, "", file, diags, {"$schema", "description", "variants"});
  if (not root.is_object())
    diags.add(file, "", "expected an object {\"variants\": [{\"label\", \"patch\"}, ...]}");
  else if (not root.has("variants"))
    root.error_here("expected \"variants\": [{\"label\", \"patch\"}, ...] (docs/sweeps.md \"Variants\")");
  auto axis = root.is_object() ? read_variant_axis(root, scenario) : std::nullopt;
  diags.throw_if_any();
  return std::move(*axis);
}

} // namespace

int compare(const CompareOptions& opt, const std::string& self_exe)
{
  if (opt.policies.empty() && opt.variants.empty())
    throw InputError("--policies", "", "expected a comma-separated list of policies, e.g. fcfs,easy,easy+best-fit");
  std::vector<Choice> policies;
  for (const auto& item : opt.policies)
    policies.push_back(parse_choice(item, PolicyRegistry::global()));
  std::vector<Choice> choices = policies;
  if (not opt.variants.empty()) {
    // Variants x policies, variants varying slowest; without policies, each variant under the scenario's own.
    const Axis variants = read_compare_variants(opt.variants, opt.scenario);
    if (policies.empty())
      policies.push_back(Choice{"", "", "", "", nlohmann::json::array()});
    choices.clear();
    for (std::size_t v = 0; v < variants.values.size(); v++)
      for (const Choice& p : policies) {
        Choice c = p;
        c.variant = variants.values[v].get<std::string>();
        c.label = p.label.empty() ? c.variant : c.variant + ":" + p.label;
        c.patch = variants.patches[v];
        choices.push_back(std::move(c));
      }
  }
  const bool with_variants = not opt.variants.empty();
  const std::filesystem::path out =
      opt.out.empty()
          ? std::filesystem::path("results") / ("compare-" + std::filesystem::path(opt.scenario).stem().string())
          : std::filesystem::path(opt.out);
  // Event-mode and fill-mode summaries have different metrics: the header follows the first run's mode (every run
  // uses the same scenario, so the same mode).
  if (opt.seeds > 1) {
    if (opt.seed >= 0)
      throw InputError("--seed", std::to_string(opt.seed),
                       "--seeds runs seeds 1..N (expected --seed or --seeds, not both)");
    return compare_seeds(opt, self_exe, choices, out);
  }
  std::string csv;
  bool fill = false;
  for (std::size_t i = 0; i < choices.size(); i++) {
    const Choice& c = choices[i];
    const std::filesystem::path dir = out / run_folder_name(c.label);
    const int code = run_choice(opt, self_exe, c, opt.seed, dir);
    if (code != 0) {
      std::cerr << fmt::format("ccsim compare: the run with {} failed (exit code {})\n", c.label, code);
      return code == 2 ? 2 : 1;
    }
    const nlohmann::json s = parse_json_file((dir / "summary.json").string());
    if (i == 0) {
      fill = s.value("mode", "") == "fill";
      if (fill) {
        csv = std::string(with_variants ? "policy,variant," : "policy,") +
              "tasks_placed,tasks_failed,allocation_ratio_at_full_demand,allocation_ratio_final,"
              "fragmentation_ratio_final,first_failure_percent\n";
        std::cout << fmt::format("{:<28} {:>8} {:>8} {:>12} {:>12} {:>10} {:>12}\n", "policy", "placed", "failed",
                                 "alloc@100 %", "alloc final", "frag %", "1st fail %");
      } else {
        csv = std::string(with_variants ? "policy,variant," : "policy,") +
              "queue,placement,jobs_completed,wait_mean_s,wait_p95_s,bounded_slowdown_mean,"
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
      if (with_variants) {
        csv += ',';
        csv_field(csv, c.variant);
      }
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
    for (const std::string* text : {&c.label, &c.variant, &queue, &placement}) {
      if (text == &c.variant && not with_variants)
        continue;
      csv_field(csv, *text);
      csv += ',';
    }
    csv += fmt::format("{},{},{},{},{},{},{},{}\n", get(s, {"jobs", "completed"}), get(s, {"wait_s", "mean"}),
                       get(s, {"wait_s", "p95"}), get(s, {"bounded_slowdown", "mean"}),
                       get(s, {"utilization", "accelerators"}), get(s, {"makespan_s"}),
                       get(s, {"energy", "facility_kwh"}), get(s, {"cost", "electricity"}));
  }
  write_files(out, {{"compare.csv", csv}});
  std::cout << fmt::format("results     {}/compare.csv and one folder per {}\n", out.string(),
                           with_variants ? (opt.policies.empty() ? "variant" : "variant and policy") : "policy");
  return 0;
}

} // namespace ccsim::app
