// src/app/cli.cpp: the `ccsim` command line (cli_main). Wiring and exit codes only.
#include "ccsim/cluster/cluster.hpp"
#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/core/process.hpp"
#include "ccsim/core/version.hpp"
#include "ccsim/engine/simulation.hpp"
#include "ccsim/metrics/metrics.hpp"
#include "ccsim/output/report_text.hpp"
#include "ccsim/output/results_folder.hpp"
#include "ccsim/output/writers.hpp"
#include "ccsim/policy/plugin.hpp"
#include "ccsim/policy/registry.hpp"
#include "ccsim/prepare/prepare.hpp"
#include "ccsim/scenario/loader.hpp"
#include "ccsim/tco/tco.hpp"
#include "ccsim/workload/importers.hpp"
#include "ccsim/workload/workload_json.hpp"

#include "check.hpp"
#include "child_process.hpp"
#include "cli.hpp"
#include "compare.hpp"
#include "explain.hpp"
#include "plan.hpp"
#include "report.hpp"
#include "sweep.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string_view>

namespace {

//! --seed: an integer in [0, 2^63 - 1], the range of the scenario's "seed". (CLI11's own conversion clamps a larger
//! value to 2^63 - 1 without a word.)
const CLI::Validator SEED_RANGE(
    [](const std::string& text) -> std::string {
      std::uint64_t v = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size() || v > static_cast<std::uint64_t>(INT64_MAX))
        return "expected an integer seed in [0, 9223372036854775807], found " + text;
      return {};
    },
    "SEED");

using ccsim::ExitCode;

std::string default_scenario_path()
{
  if (const char* env = std::getenv("CCSIM_DEFAULT_SCENARIO"); env != nullptr && *env != '\0')
    return env;
  return CCSIM_DEFAULT_SCENARIO;
}

struct RunOptions {
  std::string scenario;
  std::string out;
  std::int64_t seed = -1;
  std::string queue;
  std::string placement;
  bool quiet = false;
  std::string save_baseline;        //!< also write a baseline of summary.json here (ccsim check)
  std::vector<std::string> sets;    //!< POINTER=JSON edits of the scenario document
  std::vector<std::string> patches; //!< JSON Patches (RFC 6902) applied before the edits
};

//! Whether one of `edits` writes `pointer`: the field itself, one inside it, or one holding it.
bool edits_touch(const std::vector<ccsim::ScenarioEdit>& edits, std::string_view pointer)
{
  const auto within = [](std::string_view inner, std::string_view outer) {
    return inner.starts_with(outer) && (inner.size() == outer.size() || inner[outer.size()] == '/');
  };
  return std::any_of(edits.begin(), edits.end(), [&](const ccsim::ScenarioEdit& e) {
    return within(e.pointer, pointer) || within(pointer, e.pointer);
  });
}

//! The run's stages up to simulation: load (the file with the --set edits applied), then prepare with the
//! command line's overrides (a policy named with --queue or --placement takes parameters only from --set, e.g.
//! --placement cost-aware --set '/scheduler/placement_params={"nodes": "compact"}', never from the file).
ccsim::PreparedRun load_and_prepare(const std::string& path, const RunOptions& opt = {})
{
  std::vector<ccsim::ScenarioEdit> edits;
  for (const auto& text : opt.sets)
    edits.push_back(ccsim::parse_scenario_edit(text, "--set"));
  std::vector<nlohmann::json> patches;
  for (const auto& text : opt.patches) {
    auto patch = ccsim::try_parse_json_text(text, "--patch");
    if (not patch)
      throw ccsim::InputError("--patch", "",
                              "expected a JSON Patch (an array of RFC 6902 operations), found \"" +
                                  ccsim::printable(text.substr(0, 200)) + "\"");
    patches.push_back(std::move(*patch));
  }
  ccsim::Scenario scenario = ccsim::load_scenario(path, edits, patches);
  ccsim::Overrides overrides;
  if (opt.seed >= 0)
    overrides.seed = static_cast<std::uint64_t>(opt.seed);
  overrides.queue_policy = opt.queue;
  overrides.placement_policy = opt.placement;
  overrides.keep_queue_params = edits_touch(edits, "/scheduler/queue_params");
  overrides.keep_placement_params = edits_touch(edits, "/scheduler/placement_params");
  // Fill mode shuffles every task at once: it holds the jobs. Event mode streams them.
  const bool hold_jobs = scenario.scheduler.mode == ccsim::SchedulerMode::FILL;
  return ccsim::prepare(std::move(scenario), overrides, ccsim::PolicyRegistry::global(), hold_jobs);
}

//! A valid scenario's warnings (Scenario::warnings), on stderr: also with -q, which quiets the summary only.
void print_warnings(const ccsim::Scenario& scenario)
{
  for (const auto& w : scenario.warnings)
    std::cerr << "warning: " << w.to_string() << "\n";
}

//! run.json's fields common to both modes.
nlohmann::ordered_json run_info(const ccsim::PreparedRun& run, const std::vector<std::string>& command_line)
{
  const ccsim::Scenario& scenario = run.scenario;
  const ccsim::ImportReport& w = run.workload_report;
  nlohmann::ordered_json info;
  info["ccsim"] = {{"version", std::string(ccsim::version())}};
  info["command"] = command_line;
  info["scenario"] = {{"file", scenario.file}, {"name", scenario.name}, {"sha256", scenario.sha256}};
  info["seed"] = scenario.seed;
  info["workload"] = {
      {"format", w.format}, {"path", w.path}, {"read", w.read}, {"kept", w.kept}, {"skipped", w.skipped}};
  if (scenario.workload.source == ccsim::WorkloadSpec::Source::GENERATE) {
    const auto& gen = scenario.workload.generator;
    nlohmann::ordered_json g;
    g["rate_per_hour"] = run.arrival_rate_per_s * 3600;
    if (gen.offered_load > 0) {
      g["offered_load"] = gen.offered_load;
      g["reference"] = gen.reference == ccsim::GeneratorSpec::Reference::GIVEN ? "given"
                       : gen.reference == ccsim::GeneratorSpec::Reference::PLATFORM || not scenario.unedited
                           ? "platform"
                           : "file_platform";
      g["reference_accelerators"] = run.reference_accelerators;
    }
    info["workload"]["generated"] = g;
  }
  for (const auto& r : scenario.node_reports)
    info["node_lists"].push_back(
        {{"format", r.format}, {"path", r.path}, {"read", r.read}, {"kept", r.kept}, {"skipped", r.skipped}});
  for (const auto& warning : scenario.warnings)
    info["warnings"].push_back(warning.to_string());
  return info;
}

//! Writes the last files of a run into its folder (run.json, then summary.json) and moves them all into place,
//! summary.json last: its presence marks a complete result set.
void write_results(ccsim::ResultsFolder& folder, std::vector<std::pair<std::string, std::string>>& files,
                   const nlohmann::ordered_json& info, const nlohmann::ordered_json& summary)
{
  files.emplace_back("run.json", ccsim::json_text(info));
  files.emplace_back("summary.json", ccsim::json_text(summary));
  for (const auto& [name, bytes] : files)
    folder.write(name, bytes);
  folder.commit();
}

//! --save-baseline: the summary's metrics as a baseline file for `ccsim check`.
void save_baseline(const RunOptions& opt, const ccsim::Scenario& scenario, const nlohmann::ordered_json& summary)
{
  if (opt.save_baseline.empty())
    return;
  ccsim::AtomicFile f(opt.save_baseline);
  f.write(ccsim::json_text(ccsim::app::make_baseline(summary, scenario.name, scenario.sha256, scenario.seed)));
  f.commit();
}

std::string file_names(const std::vector<std::pair<std::string, std::string>>& files)
{
  std::string names;
  for (const auto& f : files)
    names += (names.empty() ? "" : ", ") + f.first;
  return names;
}

double seconds_since(std::chrono::steady_clock::time_point start)
{
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

//! The run's results folder (a temporary one until committed), after what must be checked before the run: a
//! --save-baseline path that could not be replaced, a scenario name that cannot be the default folder results/<name>
//! (exit 2 with nothing written).
ccsim::ResultsFolder open_results_folder(const RunOptions& opt, const ccsim::Scenario& scenario)
{
  if (not opt.save_baseline.empty())
    ccsim::expect_replaceable_file(opt.save_baseline);
  if (opt.out.empty())
    ccsim::check_results_folder_name(scenario);
  return ccsim::ResultsFolder(opt.out.empty() ? scenario.output.dir : opt.out);
}

//! Fill mode: packs the tasks once each (no SimGrid: nothing happens in time).
int run_fill_mode(const ccsim::PreparedRun& run, const RunOptions& opt, const std::vector<std::string>& command_line,
                  std::chrono::steady_clock::time_point wall_start)
{
  const ccsim::Scenario& scenario = run.scenario;
  ccsim::ResultsFolder folder = open_results_folder(opt, scenario);
  const ccsim::FillResult result =
      ccsim::run_fill(run.cluster, run.jobs, scenario.scheduler.fill, *run.policies.fill, scenario.seed, scenario.file);
  const nlohmann::ordered_json summary = ccsim::fill_summary(scenario, run.jobs, result);
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("fill.csv", ccsim::fill_csv(result));
  files.emplace_back("placements.csv", ccsim::placements_csv(run.cluster, run.jobs, result));
  nlohmann::ordered_json info = run_info(run, command_line);
  const double wall_s = seconds_since(wall_start);
  info["wall_s"] = wall_s;
  info["peak_rss_bytes"] = ccsim::peak_rss_bytes();
  info["tasks_placed_per_s"] = wall_s > 0 ? static_cast<double>(result.placements.size()) / wall_s : 0.0;
  write_results(folder, files, info, summary);
  save_baseline(opt, scenario, summary);
  if (not opt.quiet) {
    const auto& fin = summary["final"];
    std::cout << fmt::format("scenario    {} (fill mode, policy {}, seed {})\n", scenario.name,
                             scenario.scheduler.placement_policy, scenario.seed);
    std::cout << fmt::format("platform    {} nodes, {} GPUs\n", run.cluster.node_count(), result.capacity_gpus);
    std::cout << fmt::format("tasks       {} ({} originals + {} clones): {} placed, {} failed\n",
                             result.placements.size(), result.originals, result.clones,
                             summary["tasks"]["placed"].get<std::uint64_t>(),
                             summary["tasks"]["failed"].get<std::uint64_t>());
    std::cout << fmt::format("final       arrived {:.1f}% of capacity, GPU allocation {:.2f}%, fragmentation "
                             "{:.2f}% of idle GPUs\n",
                             fin["arrived_percent"].get<double>(), 100 * fin["allocation_ratio"].get<double>(),
                             100 * fin["fragmentation_ratio"].get<double>());
    if (result.first_failure_percent >= 0)
      std::cout << fmt::format("first fail  at {:.2f}% arrived demand\n", result.first_failure_percent);
    std::cout << fmt::format("results     {}/{{{}}} ({:.2f} s wall)\n", folder.path().string(), file_names(files),
                             wall_s);
  }
  return 0;
}

//! A tco object must price every accelerator type of the platform (node lists' types included): checked before
//! anything runs, and by `ccsim validate`.
void check_tco(const ccsim::PreparedRun& run)
{
  if (run.scenario.tco)
    if (auto problems = ccsim::tco_problems(*run.scenario.tco, run.cluster, run.scenario.file); not problems.empty())
      throw ccsim::InputError(std::move(problems));
}

//! Event mode: jobs stream from the workload through the engine, and each job's row of jobs.csv, its metrics and
//! the timeseries stream to the results folder as the run goes.
int cmd_run(const RunOptions& opt, const std::vector<std::string>& command_line)
{
  const auto wall_start = std::chrono::steady_clock::now();
  const ccsim::PreparedRun run = load_and_prepare(opt.scenario.empty() ? default_scenario_path() : opt.scenario, opt);
  print_warnings(run.scenario);
  check_tco(run);
  if (run.policies.fill)
    return run_fill_mode(run, opt, command_line, wall_start);

  const ccsim::Scenario& scenario = run.scenario;
  const ccsim::Cluster& cluster = run.cluster;
  ccsim::ResultsFolder folder = open_results_folder(opt, scenario);
  ccsim::JobsCsvWriter jobs_csv(cluster, scenario.name, folder.file("jobs.csv"));
  ccsim::RunMetrics metrics(cluster, scenario.output.window);
  ccsim::EnergyMeter meter(cluster, scenario.output.timeseries_interval_s, scenario.file);
  if (scenario.output.window)
    meter.set_window(*scenario.output.window);
  std::optional<ccsim::TimeseriesCsvWriter> timeseries;
  if (scenario.output.timeseries_interval_s > 0)
    meter.stream_to(timeseries.emplace(folder.file("timeseries.csv")));
  std::optional<ccsim::WaitLogCsvWriter> wait_log;
  if (scenario.output.wait_log && ccsim::attributes_waits(scenario.output.wait_causes, *run.policies.placement))
    wait_log.emplace(folder.file("wait_log.csv"));
  const auto jobs = run.open_jobs();
  const ccsim::SimulationRun sim =
      ccsim::run_simulation(scenario, cluster, *jobs, *run.policies.queue, *run.policies.placement, &meter,
                            {&metrics, &jobs_csv}, wait_log ? &*wait_log : nullptr);
  jobs_csv.commit();
  if (timeseries)
    timeseries->commit();
  if (wait_log)
    wait_log->commit();
  nlohmann::ordered_json summary = ccsim::summarize(scenario, cluster, metrics, sim.counters, &meter);
  if (scenario.tco)
    summary["tco"] = ccsim::tco_json(*scenario.tco, cluster, summary);
  std::vector<std::pair<std::string, std::string>> files;
  files.emplace_back("racks.csv", ccsim::racks_csv(cluster));

  const double wall_s = seconds_since(wall_start);
  nlohmann::ordered_json info = run_info(run, command_line);
  info["simgrid"] = {{"version", std::string(ccsim::simgrid_version())}, {"config", sim.simgrid_config}};
  info["wall_s"] = wall_s;
  info["peak_rss_bytes"] = ccsim::peak_rss_bytes();
  info["events"] = sim.counters.events;
  info["decision_points"] = sim.counters.decision_points;
  info["clock_advances"] = sim.clock_advances;
  info["simulated_s"] = sim.simulated_end_s;
  info["events_per_s"] = wall_s > 0 ? static_cast<double>(sim.counters.events) / wall_s : 0.0;

  write_results(folder, files, info, summary);
  save_baseline(opt, scenario, summary);
  if (not opt.quiet) {
    std::cout << ccsim::summary_text(summary, cluster);
    std::string names = "jobs.csv, racks.csv";
    if (timeseries)
      names += ", timeseries.csv";
    if (wait_log)
      names += ", wait_log.csv";
    std::cout << fmt::format("results     {}/{{{}, run.json, summary.json}} ({:.2f} s wall)\n", folder.path().string(),
                             names, wall_s);
  }
  return 0;
}

int cmd_validate(const std::string& path)
{
  const ccsim::PreparedRun run = load_and_prepare(path);
  print_warnings(run.scenario);
  check_tco(run);
  const ccsim::Scenario& s = run.scenario;
  const ccsim::Cluster& cluster = run.cluster;
  std::cout << fmt::format("{}: valid scenario \"{}\": {} sites, {} nodes, {} accelerators, {} jobs\n", path, s.name,
                           cluster.sites.size(), cluster.node_count(), cluster.accelerator_count(), run.job_count);
  for (const auto& n : s.node_reports) {
    std::string skipped;
    for (const auto& [reason, count] : n.skipped)
      skipped += fmt::format(", skipped {} ({})", count, reason);
    std::cout << fmt::format("nodes: {} node list {}: read {}, kept {}{}\n", n.format, n.path, n.read, n.kept, skipped);
  }
  const auto& r = run.workload_report;
  if (r.format == "generate") {
    std::cout << fmt::format("workload: generated, {} jobs\n", r.kept);
  } else if (r.format != "inline") {
    std::string skipped;
    for (const auto& [reason, n] : r.skipped)
      skipped += fmt::format(", skipped {} ({})", n, reason);
    std::cout << fmt::format("workload: {} trace {}: read {}, kept {}{}\n", r.format, r.path, r.read, r.kept, skipped);
  }
  return 0;
}

struct ConvertOptions {
  std::string input, format, options = "{}", out, mode = "events";
  bool quiet = false;
};

//! `ccsim workload convert`: any importer's jobs as a ccsim workload file.
int cmd_convert(const ConvertOptions& opt)
{
  const auto options = ccsim::try_parse_json_text(opt.options, "--options");
  if (not options)
    throw ccsim::InputError(
        "--options", "", "expected a JSON object of importer options, found \"" + ccsim::printable(opt.options) + "\"");
  const ccsim::ImportedWorkload w = ccsim::import_trace(
      opt.format, opt.input, *options, opt.mode == "fill" ? ccsim::ImportUse::FILL : ccsim::ImportUse::EVENTS);
  ccsim::AtomicFile out(opt.out);
  out.write(ccsim::workload_json_text(w.jobs, w.report));
  out.commit();
  if (not opt.quiet) {
    std::string skipped;
    for (const auto& [reason, n] : w.report.skipped)
      skipped += fmt::format(", skipped {} ({})", n, reason);
    std::cout << fmt::format("{}: {} trace: read {}, kept {}{}\nwrote {} jobs to {}\n", opt.input, opt.format,
                             w.report.read, w.report.kept, skipped, w.jobs.size(), opt.out);
  }
  return 0;
}

int cmd_list_policies()
{
  const auto& registry = ccsim::PolicyRegistry::global();
  std::cout << "queue policies:\n";
  for (const auto& e : registry.queues.entries())
    std::cout << fmt::format("  {:<16} {}\n", e.name, e.description);
  std::cout << "placement policies:\n";
  for (const auto& e : registry.placements.entries())
    std::cout << fmt::format("  {:<16} {}\n", e.name, e.description);
  std::cout << "fill-mode placement policies (scheduler.mode = \"fill\"):\n";
  for (const auto& e : registry.fills.entries())
    std::cout << fmt::format("  {:<16} {}\n", e.name, e.description);
  return 0;
}

//! Path of this executable (compare re-runs it, one process per policy; a spawner set with set_spawner() runs the
//! command its own way instead).
std::string self_executable(const char* argv0)
{
  std::error_code ec;
  const auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(argv0) : p.string();
}

} // namespace

int ccsim::app::cli_main(int argc, char** argv)
{
  const std::vector<std::string> command_line(argv, argv + argc);
  CLI::App app{"ccsim: discrete-event simulator of AI and HPC compute centers"};
  app.set_version_flag("--version", fmt::format("ccsim {} (SimGrid {})", ccsim::version(), ccsim::simgrid_version()));
  app.require_subcommand(1);
  app.fallthrough(); // --policy-lib may follow the subcommand
  std::vector<std::string> policy_libs;
  app.add_option("--policy-lib", policy_libs,
                 "Load policies from a shared library (repeatable; see docs/extending.md)");

  RunOptions run_opt;
  auto* run = app.add_subcommand(
      "run", "Simulate a scenario and write jobs.csv, racks.csv, timeseries.csv, summary.json and run.json");
  run->add_option("scenario", run_opt.scenario, "Scenario JSON file (default: the bundled default scenario)");
  run->add_option("--out", run_opt.out, "Results directory (default: the scenario's output.dir, results/<name>)");
  run->add_option("--seed", run_opt.seed, "Seed (overrides the scenario's)")->check(SEED_RANGE);
  run->add_option("--queue", run_opt.queue, "Queue policy (overrides the scenario's; see `ccsim list policies`)");
  run->add_option("--placement", run_opt.placement, "Placement policy (overrides the scenario's)");
  run->add_flag("--quiet,-q", run_opt.quiet, "Print nothing on success");
  run->add_option("--set", run_opt.sets,
                  "POINTER=JSON: set a scenario value before reading it, e.g. /sites/0/pue=1.2 (repeatable)");
  run->add_option("--patch", run_opt.patches,
                  "JSON Patch (RFC 6902 operations, e.g. '[{\"op\": \"remove\", \"path\": \"/sites/3\"}]') applied to "
                  "the scenario before the --set edits (repeatable; a sweep's variants use it)")
      ->allow_extra_args(false); // one JSON text per --patch: CLI11 would split a "[...]" value at its commas
  run->add_option("--save-baseline", run_opt.save_baseline,
                  "Also write the summary's metrics as a baseline file for `ccsim check`");

  ccsim::app::CheckOptions check_opt;
  auto* check = app.add_subcommand(
      "check", "Compare a run's summary.json with a baseline; exit 3 on a regression, 4 on a changed experiment");
  check->add_option("results", check_opt.results, "Results directory (or its summary.json)");
  check->add_option("--baseline", check_opt.baseline,
                    "Baseline file (ccsim run --save-baseline) or another run's summary.json");
  check->add_option("--manifest", check_opt.manifest,
                    "Run every scenario of a manifest (scenarios/bench/manifest.json) and check each against its "
                    "baseline, instead of RESULTS --baseline");
  check->add_option("--tolerance", check_opt.tolerances,
                    "METRIC=REL: relative tolerance for a metric or a group (/wait_s=0.05); default 1e-9");
  check->add_flag(
      "--fail-on-experiment-change", check_opt.fail_on_experiment_change,
      "Exit 4 when the baseline's scenario inputs, seed or policies differ from the run's (else a warning)");
  check->add_flag("--only-failures", check_opt.only_failures, "List only the metrics that failed");
  check->add_option("--format", check_opt.format, "Output: text (a table, default) or json")
      ->check(CLI::IsMember({"text", "json"}));
  check->add_option("--junit", check_opt.junit, "Also write JUnit XML (one test case per metric) to this file");
  check->add_flag("--strict", check_opt.strict,
                  "Fail on any change beyond the tolerance, better or worse, and on metrics the baseline lacks");

  std::string validate_path;
  auto* validate = app.add_subcommand("validate", "Check a scenario file and report every problem found");
  validate->add_option("scenario", validate_path, "Scenario JSON file")->required();

  ccsim::app::CompareOptions cmp;
  auto* compare = app.add_subcommand("compare", "Run a scenario under several policies and tabulate the results");
  compare->add_option("scenario", cmp.scenario, "Scenario JSON file")->required();
  compare
      ->add_option("--policies", cmp.policies,
                   "Comma-separated policies: a queue or placement name, or queue+placement")
      ->delimiter(',');
  compare->add_option("--variants", cmp.variants,
                      "JSON file {\"variants\": [{\"label\", \"patch\"}]}: compare each variant (under each of "
                      "--policies, or the scenario's own); docs/sweeps.md \"Variants\"");
  compare->add_option("--out", cmp.out, "Results folder (default results/compare-<scenario>)");
  compare->add_option("--seed", cmp.seed, "Seed (overrides the scenario's)")->check(SEED_RANGE);
  compare
      ->add_option("--seeds", cmp.seeds,
                   "Run every policy with seeds 1..N: means with 95 % CIs, and deltas.csv (paired with the first)")
      ->check(CLI::Range(1U, 1000U));

  ccsim::app::SweepOptions sweep_opt;
  auto* sweep = app.add_subcommand("sweep", "Run every point of a sweep (axes x seeds), each in its own process; "
                                            "results in DIR/sweep.sqlite, sweep.csv and deltas.csv; reruns resume");
  sweep->add_option("sweep", sweep_opt.file, "Sweep JSON file (docs/sweeps.md)")->required();
  sweep->add_option("--out", sweep_opt.out, "Results folder")->required();
  sweep->add_option("-j,--jobs", sweep_opt.jobs, "Points run at once (default 1)")->check(CLI::Range(1U, 1024U));
  sweep->add_flag("--quiet,-q", sweep_opt.quiet, "Print nothing but errors");
  sweep->add_flag("--mpi", sweep_opt.mpi, "Spread points over MPI ranks: mpirun -np K ccsim sweep ... --mpi");

  ccsim::app::PlanOptions plan_opt;
  auto* plan = app.add_subcommand("plan", "For each option of a plan, the smallest (or largest) value of its variable "
                                          "meeting every SLO (bisection over seeds, in rounds of parallel runs; "
                                          "DIR/plan.sqlite resumes), then the options ranked");
  plan->add_option("plan", plan_opt.file, "Plan JSON file (docs/planning.md)")->required();
  plan->add_option("--out", plan_opt.out, "Results folder")->required();
  plan->add_option("-j,--jobs", plan_opt.jobs, "Runs at once (default 1; per MPI rank)")->check(CLI::Range(1U, 1024U));
  plan->add_flag("--quiet,-q", plan_opt.quiet, "Print only the decision table");
  plan->add_flag("--mpi", plan_opt.mpi, "Spread runs over MPI ranks: mpirun -np K ccsim plan ... --mpi");
  plan->add_flag("--check", plan_opt.check_only,
                 "Only read and check the plan (its patches and variables against the scenario); run nothing");

  ccsim::app::ReportOptions report_opt;
  auto* report = app.add_subcommand("report", "Write one self-contained HTML report (charts, offline) of run, "
                                              "sweep and compare results folders");
  report->add_option("dirs", report_opt.dirs, "Results folders of ccsim run, sweep or compare")->required();
  report->add_option("-o,--out", report_opt.out, "HTML file to write")->required();
  report->add_option("--title", report_opt.title, "Page title (default: ccsim report and the folder)");
  report->add_option("--bins", report_opt.time_bins, "Time bins of the utilization and occupancy charts (240)")
      ->check(CLI::Range(1U, 100000U));
  report->add_option("--racks", report_opt.racks, "Rack rows in the occupancy chart (48)")
      ->check(CLI::Range(1U, 100000U));
  report->add_option("--delta-charts", report_opt.delta_charts, "Sweep metrics drawn as delta charts (12)")
      ->check(CLI::Range(0U, 1000U));
  report->add_flag("--quiet,-q", report_opt.quiet, "Print nothing on success");

  std::string explain_dir, explain_job;
  bool explain_json = false, explain_bottleneck = false;
  auto* explain = app.add_subcommand("explain", "Why jobs waited: a run's waiting hours by cause, its bottleneck and "
                                                "the what-if that would test it, or one job's wait (docs/metrics.md)");
  explain->add_option("results", explain_dir, "Results folder of ccsim run (or its summary.json for --bottleneck)")
      ->required();
  auto* bottleneck_flag = explain->add_flag("--bottleneck", explain_bottleneck,
                                            "The waiting hours by cause, the bottleneck and its what-if");
  auto* job_option = explain->add_option("--job", explain_job,
                                         "One job's wait, interval by interval: its causes, "
                                         "the job it waited behind, where it started");
  bottleneck_flag->excludes(job_option);
  explain->add_flag("--json", explain_json, "Print JSON instead (--bottleneck: summary.json's wait_causes object)");

  ConvertOptions conv;
  auto* workload = app.add_subcommand("workload", "Workload tools");
  workload->require_subcommand(1);
  auto* convert = workload->add_subcommand("convert", "Convert a trace into a ccsim workload file ({\"jobs\": [...]})");
  convert->add_option("input", conv.input, "Trace file")->required();
  convert->add_option("--format", conv.format, "Trace format: batsim, swf, openb, pai, tiresias")->required();
  convert->add_option("--out", conv.out, "Output workload JSON file")->required();
  convert->add_option("--options", conv.options, "Importer options as a JSON object (docs/workloads.md)");
  convert->add_option("--mode", conv.mode, "Importer defaults for: events (drop rows that cannot run) or fill")
      ->check(CLI::IsMember({"events", "fill"}));
  convert->add_flag("--quiet,-q", conv.quiet, "Print nothing on success");

  auto* list = app.add_subcommand("list", "List registered components");
  auto* list_policies = list->add_subcommand("policies", "Queue and placement policies by registered name");
  list->require_subcommand(1);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : static_cast<int>(ExitCode::BAD_INPUT);
  }

  try {
    for (const auto& lib : policy_libs)
      ccsim::load_policy_library(lib, ccsim::PolicyRegistry::global());
    if (*run)
      return cmd_run(run_opt, command_line);
    if (*compare) {
      cmp.policy_libs = policy_libs;
      return ccsim::app::compare(cmp, self_executable(argv[0]));
    }
    if (*sweep) {
      sweep_opt.policy_libs = policy_libs;
      return ccsim::app::sweep(sweep_opt, self_executable(argv[0]));
    }
    if (*plan) {
      plan_opt.policy_libs = policy_libs;
      return ccsim::app::plan(plan_opt, self_executable(argv[0]));
    }
    if (*report)
      return ccsim::app::report(report_opt);
    if (*validate)
      return cmd_validate(validate_path);
    if (*explain) {
      if (*job_option)
        return ccsim::app::explain_job(explain_dir, explain_job, explain_json);
      if (not explain_bottleneck)
        throw ccsim::InputError("command line", "", "ccsim explain: expected --bottleneck or --job ID");
      return ccsim::app::explain_bottleneck(explain_dir, explain_json);
    }
    if (*convert)
      return cmd_convert(conv);
    if (*check) {
      check_opt.self = self_executable(argv[0]);
      return ccsim::app::check(check_opt);
    }
    if (*list_policies)
      return cmd_list_policies();
  } catch (const ccsim::InputError& e) {
    // Every problem is collected; print the first ones and the count, so a trace with one recurring mistake
    // does not flood the terminal.
    constexpr std::size_t SHOWN = 20;
    const auto& diags = e.diagnostics();
    for (std::size_t i = 0; i < diags.size() && i < SHOWN; i++)
      std::cerr << "error: " << diags[i].to_string() << "\n";
    if (e.count() > SHOWN)
      std::cerr << "... and " << e.count() - std::min(SHOWN, diags.size()) << " more\n";
    if (e.count() > 1)
      std::cerr << e.count() << " errors\n";
    return static_cast<int>(ExitCode::BAD_INPUT);
  } catch (const ccsim::PolicyError& e) {
    std::cerr << "error: policy: " << e.what() << "\n";
    return static_cast<int>(ExitCode::FAILURE);
  } catch (const std::exception& e) {
    // A path given on the command line or in a file that the kernel refuses (too long, not a folder, no access):
    // the user's to fix (`check` and `report` of a 300-byte path were exit 1).
    if (const auto* fs_error = dynamic_cast<const std::filesystem::filesystem_error*>(&e);
        fs_error != nullptr && ccsim::is_path_errno(fs_error->code().value())) {
      std::cerr << "error: " << ccsim::printable(fs_error->path1().string(), 300) << ": " << fs_error->code().message()
                << " (expected a usable path)\n";
      return static_cast<int>(ExitCode::BAD_INPUT);
    }
    std::cerr << "ccsim: internal error: " << e.what() << "\n";
    return static_cast<int>(ExitCode::FAILURE);
  } catch (...) {
    std::cerr << "ccsim: internal error: an exception that is not a std::exception\n";
    return static_cast<int>(ExitCode::FAILURE);
  }
  return 0;
}
