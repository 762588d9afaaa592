// src/app/plan.cpp: `ccsim plan`: goal-seeking over an integer variable per option (docs/planning.md).
#include "plan.hpp"

#include "child_process.hpp"
#include "stats.hpp"
#include "sweep_spec.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/hash.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/core/line_source.hpp"
#include "ccsim/output/writers.hpp"
#include "ccsim/scenario/loader.hpp"

#include <fmt/format.h>

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <set>

namespace fs = std::filesystem;

namespace ccsim::app {

namespace {

using Need = ObjectReader::Need;

struct Slo {
  std::string metric; //!< a JSON pointer into summary.json
  std::optional<double> max, min;
};

struct Option {
  std::string label;
  nlohmann::json patch = nlohmann::json::array();
  std::string variable, path; //!< the variable's name and JSON pointer
  std::int64_t min = 0, max = 0;
};

struct Plan {
  std::string scenario;
  std::vector<Option> options;
  std::vector<Slo> slos;
  std::string objective; //!< a JSON pointer ("" = none)
  bool maximize = false;
  std::vector<std::uint64_t> seeds;
  std::vector<std::string> args;
};

constexpr std::int64_t MAX_VALUE = 1'000'000;

Plan read_plan(const std::string& file)
{
  const nlohmann::json doc = parse_json_file(file);
  Diagnostics diags;
  ObjectReader root(doc, "", file, diags,
                    {"$schema", "description", "scenario", "options", "slos", "objective", "seeds", "args"});
  Plan plan;
  plan.scenario = read_scenario_path(root, file);
  nlohmann::json base;
  bool have_base = false;
  if (not plan.scenario.empty()) {
    try {
      base = parse_json_file(plan.scenario);
      have_base = true;
    } catch (const InputError& e) {
      diags.add(e);
    }
  }
  const auto* options = root.value("options", Need::REQUIRED);
  if (options != nullptr && (not options->is_array() || options->empty()))
    root.error("options", "expected a non-empty array of {\"label\", \"patch\", \"variable\"}");
  std::set<std::string> labels;
  for (std::size_t i = 0; options != nullptr && options->is_array() && i < options->size(); i++) {
    const std::string at = "/options/" + std::to_string(i);
    ObjectReader o((*options)[i], at, file, diags, {"label", "description", "patch", "variable"});
    Option opt;
    opt.label = o.string("label", Need::REQUIRED).value_or("");
    if (not opt.label.empty() && not labels.insert(opt.label).second)
      o.error("label", "duplicate option label \"" + opt.label + "\" (expected unique labels)");
    if (const auto* p = o.value("patch", Need::OPTIONAL))
      opt.patch = *p;
    if (const auto* v = o.value("variable", Need::REQUIRED)) {
      ObjectReader var(*v, at + "/variable", file, diags, {"name", "path", "min", "max"});
      opt.path = var.string("path", Need::REQUIRED).value_or("");
      opt.variable = var.string("name", Need::OPTIONAL).value_or(opt.path);
      opt.min = var.integer("min", Need::REQUIRED, 0, MAX_VALUE).value_or(0);
      opt.max = var.integer("max", Need::REQUIRED, 0, MAX_VALUE).value_or(0);
      if (var.has("min") && var.has("max") && opt.max < opt.min)
        var.error("max", fmt::format("expected max >= min ({})", opt.min));
      if (not opt.path.empty() && not opt.path.starts_with("/"))
        var.error("path", "expected a JSON pointer into the scenario, such as /sites/0/racks/0/count");
      // The patch and the variable must apply to the scenario (checked now, not after hours of runs).
      if (have_base && not opt.path.empty() && opt.path.starts_with("/")) {
        try {
          nlohmann::json patched = base;
          apply_scenario_patch(patched, opt.patch, file);
          apply_scenario_edit(patched, ScenarioEdit{opt.path, opt.min}, file);
        } catch (const InputError& e) {
          const auto& d = e.diagnostics().front();
          const bool in_patch = d.message.find("does not apply") != std::string::npos ||
                                d.message.find("expected an operation") != std::string::npos ||
                                d.message.find("JSON Patch") != std::string::npos;
          diags.add(file, in_patch ? at + "/patch" + d.location : at + "/variable/path", d.message);
        }
      }
    }
    plan.options.push_back(std::move(opt));
  }
  const auto* slos = root.value("slos", Need::REQUIRED);
  if (slos != nullptr && (not slos->is_array() || slos->empty()))
    root.error("slos", "expected a non-empty array of {\"metric\", \"max\" or \"min\"} (a plan needs an SLO)");
  for (std::size_t i = 0; slos != nullptr && slos->is_array() && i < slos->size(); i++) {
    ObjectReader s((*slos)[i], "/slos/" + std::to_string(i), file, diags, {"metric", "max", "min"});
    Slo slo;
    slo.metric = s.string("metric", Need::REQUIRED).value_or("");
    if (not slo.metric.empty() && not slo.metric.starts_with("/"))
      s.error("metric", "expected a JSON pointer into summary.json, such as /window/wait_s/p95");
    slo.max = s.number("max", Need::OPTIONAL, -1e300, 1e300);
    slo.min = s.number("min", Need::OPTIONAL, -1e300, 1e300);
    if (slo.max.has_value() == slo.min.has_value())
      s.error_here("expected exactly one of \"max\" (the metric must stay at or below) or \"min\" (at or above)");
    plan.slos.push_back(slo);
  }
  if (const auto* obj = root.value("objective", Need::OPTIONAL)) {
    ObjectReader o(*obj, "/objective", file, diags, {"minimize", "maximize"});
    if (o.has("minimize") == o.has("maximize"))
      o.error_here("expected exactly one of \"minimize\" or \"maximize\" (a summary.json pointer)");
    plan.maximize = o.has("maximize");
    plan.objective = o.string(plan.maximize ? "maximize" : "minimize", Need::OPTIONAL).value_or("");
    if (not plan.objective.empty() && not plan.objective.starts_with("/"))
      o.error(plan.maximize ? "maximize" : "minimize", "expected a JSON pointer into summary.json");
  }
  if (const auto* seeds = root.value("seeds", Need::OPTIONAL)) {
    if (seeds->is_number_integer() && seeds->get<std::int64_t>() >= 1 && seeds->get<std::int64_t>() <= 1000)
      for (std::int64_t s = 1; s <= seeds->get<std::int64_t>(); s++)
        plan.seeds.push_back(static_cast<std::uint64_t>(s));
    else
      root.error("seeds", "expected a number of seeds in [1, 1000] (seeds 1..n, the same for every value)");
  } else {
    plan.seeds = {1};
  }
  plan.args = read_run_args(root);
  diags.throw_if_any();
  return plan;
}

//! One SLO at one value: its mean over the seeds, the 95 % CI half-width, and the verdict.
struct Check {
  double mean = 0, ci95 = std::nan("");
  std::string verdict; //!< "met", "not met", or "uncertain" (the CI straddles the threshold: counted as not met)
};

struct Evaluation {
  std::vector<Check> checks; //!< per SLO
  double objective = std::nan(""), objective_ci95 = std::nan("");
  bool met = false;
};

class Planner {
public:
  Planner(const Plan& plan, const PlanOptions& opt, std::string self_exe)
      : plan_(plan)
      , opt_(opt)
      , self_(std::move(self_exe))
      , out_(opt.out)
  {
  }

  //! The value's runs (every seed, opt.jobs at a time) and its verdicts; cached.
  const Evaluation& evaluate(const Option& o, std::int64_t value)
  {
    const auto key = std::make_pair(o.label, value);
    if (const auto it = cache_.find(key); it != cache_.end())
      return it->second;
    std::vector<nlohmann::json> summaries(plan_.seeds.size());
    std::map<pid_t, std::size_t> running;
    std::size_t next = 0;
    int failed = 0;
    const auto dir_of = [&](std::size_t k) {
      return out_ / "runs" / run_folder_name(o.label) / std::to_string(value) /
             ("seed-" + std::to_string(plan_.seeds[k]));
    };
    while (next < plan_.seeds.size() || not running.empty()) {
      while (next < plan_.seeds.size() && running.size() < std::max(1U, opt_.jobs)) {
        std::vector<std::string> args;
        for (const auto& lib : opt_.policy_libs)
          args.insert(args.end(), {"--policy-lib", lib});
        args.insert(args.end(), {"run", plan_.scenario, "--seed", std::to_string(plan_.seeds[next]), "--out",
                                 (dir_of(next) / "out").string(), "-q", "--patch", o.patch.dump(), "--set",
                                 o.path + "=" + std::to_string(value)});
        args.insert(args.end(), plan_.args.begin(), plan_.args.end());
        // Resume: a run whose command and scenario bytes are those of a finished run in its folder is not redone.
        const nlohmann::json run_key = {{"args", args}, {"scenario_sha256", scenario_sha256_}};
        if (const auto done = finished_run(dir_of(next), run_key)) {
          summaries[next++] = *done;
          reused_++;
          continue;
        }
        fs::remove_all(dir_of(next)); // a rerun of anything else starts afresh
        fs::create_directories(dir_of(next));
        keys_[next] = run_key;
        running[spawn(self_, args, (dir_of(next) / "log.txt").string())] = next;
        next++;
        ran_++;
      }
      if (running.empty())
        break;
      int status = 0;
      const pid_t pid = waitpid(-1, &status, 0);
      const auto it = running.find(pid);
      if (it == running.end())
        continue;
      const std::size_t k = it->second;
      running.erase(it);
      if (exit_code(status) != 0) {
        failed = failed != 0 ? failed : (exit_code(status) == 2 ? 2 : 1);
        std::cerr << fmt::format("ccsim plan: {} = {} with seed {} failed (exit code {}); its log: {}\n", o.variable,
                                 value, plan_.seeds[k], exit_code(status), (dir_of(k) / "log.txt").string());
        continue;
      }
      summaries[k] = parse_json_file((dir_of(k) / "out" / "summary.json").string());
      AtomicFile done(dir_of(k) / "run-key.json"); // written last: the run is complete
      done.write(keys_[k].dump());
      done.commit();
    }
    if (failed != 0)
      throw RunFailed{failed};
    Evaluation e;
    e.met = true;
    for (std::size_t i = 0; i < plan_.slos.size(); i++) {
      const Slo& slo = plan_.slos[i];
      const auto [mean, ci] = stats_of(summaries, slo.metric, "/slos/" + std::to_string(i) + "/metric");
      Check c{mean, ci, ""};
      const double threshold = slo.max ? *slo.max : *slo.min;
      const bool ok = slo.max ? mean <= threshold : mean >= threshold;
      const double half = std::isnan(ci) ? 0.0 : ci;
      const bool sure = slo.max ? (ok ? mean + half <= threshold : mean - half > threshold)
                                : (ok ? mean - half >= threshold : mean + half < threshold);
      c.verdict = not sure ? "uncertain" : ok ? "met" : "not met";
      e.met = e.met && c.verdict == "met";
      e.checks.push_back(c);
    }
    if (not plan_.objective.empty())
      std::tie(e.objective, e.objective_ci95) = stats_of(summaries, plan_.objective, "/objective");
    for (std::size_t i = 0; i < plan_.slos.size(); i++) {
      const Check& c = e.checks[i];
      const Slo& slo = plan_.slos[i];
      csv_field(rows_, o.label);
      rows_ += fmt::format(",{},", value);
      csv_field(rows_, slo.metric);
      rows_ += fmt::format(",{},{},{},{},{},{}\n", plan_.seeds.size(), c.mean,
                           std::isnan(c.ci95) ? "" : fmt::format("{}", c.ci95), slo.max ? "max" : "min",
                           slo.max ? *slo.max : *slo.min, c.verdict);
    }
    if (not opt_.quiet)
      std::cerr << fmt::format("plan: {} {} = {}: {}\n", o.label, o.variable, value,
                               e.met ? "every SLO met" : "not every SLO met");
    return cache_.emplace(key, std::move(e)).first->second;
  }

  const std::string& rows() const { return rows_; }
  std::uint64_t ran() const { return ran_; }
  std::uint64_t reused() const { return reused_; }

  struct RunFailed {
    int code;
  };

private:
  //! Mean and 95 % CI half-width over the seeds of the number at `pointer` (InputError located at `where` when a
  //! summary lacks it: an unknown metric).
  std::pair<double, double> stats_of(const std::vector<nlohmann::json>& summaries, const std::string& pointer,
                                     const std::string& where) const
  {
    std::vector<double> x;
    for (const auto& s : summaries) {
      const nlohmann::json::json_pointer p(pointer);
      if (not s.contains(p) || not s.at(p).is_number())
        throw InputError(opt_.file, where,
                         "summary.json has no number at " + pointer +
                             " (expected a metric of the runs' summary.json, such as /window/wait_s/mean; an "
                             "output.window gives /window/..., a tco object /tco/...)");
      x.push_back(s.at(p).get<double>());
    }
    const auto [mean, sd] = mean_sd(x);
    return {mean, ci95(sd, x.size())};
  }

  //! The summary of the finished run in `dir` whose key is `key`, if there is one.
  static std::optional<nlohmann::json> finished_run(const fs::path& dir, const nlohmann::json& key)
  {
    try {
      if (fs::is_regular_file(dir / "run-key.json") && parse_json_file((dir / "run-key.json").string()) == key)
        return parse_json_file((dir / "out" / "summary.json").string());
    } catch (const InputError&) {
      // unreadable: run it again
    }
    return std::nullopt;
  }

  const Plan& plan_;
  const PlanOptions& opt_;
  std::string self_;
  fs::path out_;
  std::string scenario_sha256_ = sha256_hex(read_file_text(plan_.scenario, "scenario"));
  std::map<std::size_t, nlohmann::json> keys_; //!< the runs in flight: their keys
  std::uint64_t ran_ = 0, reused_ = 0;
  std::map<std::pair<std::string, std::int64_t>, Evaluation> cache_;
  std::string rows_ = "option,value,metric,n,mean,ci95,bound,threshold,verdict\n";
};

struct Decision {
  std::string status; //!< "found", "infeasible" (not met at max), "non-monotone"
  std::int64_t value = -1;
  double objective = std::nan(""), objective_ci95 = std::nan("");
};

//! The smallest value meeting every SLO. Each SLO's direction is read from the two ends of the range: one met at
//! max and not at min improves with more of the variable (a wait); one met at min and not at max worsens (a
//! utilization floor); one met at neither makes the option infeasible. Bisection finds the smallest value meeting
//! every improving SLO; every SLO is then checked there: a worsening one that fails there fails above it too.
Decision seek(Planner& planner, const Option& o)
{
  Decision d;
  const std::vector<Check> at_min = planner.evaluate(o, o.min).checks;
  const std::vector<Check> at_max = planner.evaluate(o, o.max).checks;
  std::vector<std::size_t> improving;
  for (std::size_t i = 0; i < at_min.size(); i++) {
    const bool min_met = at_min[i].verdict == "met", max_met = at_max[i].verdict == "met";
    if (not min_met && not max_met) {
      d.status = "infeasible";
      return d;
    }
    if (not min_met)
      improving.push_back(i);
  }
  const auto improved = [&](std::int64_t v) {
    const Evaluation& e = planner.evaluate(o, v);
    return std::all_of(improving.begin(), improving.end(), [&](std::size_t i) { return e.checks[i].verdict == "met"; });
  };
  std::int64_t lo = o.min, hi = o.max; // invariant: lo fails an improving SLO (or is min with none), hi meets them
  if (improving.empty())
    hi = lo;
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    (improved(mid) ? hi : lo) = mid;
  }
  d.value = hi;
  if (not planner.evaluate(o, hi).met) { // a worsening SLO already fails at the smallest value the others allow
    d.status = "infeasible";
    return d;
  }
  d.status = "found";
  // Bisection assumes each SLO moves one way; one value past the answer tests it (a failure there is reported, and
  // the answer is then not trusted: noise between seeds, or a real non-monotone response).
  if (hi < o.max && not improved(hi + 1))
    d.status = "non-monotone";
  const Evaluation& at = planner.evaluate(o, hi);
  d.objective = at.objective;
  d.objective_ci95 = at.objective_ci95;
  return d;
}

} // namespace

int plan(const PlanOptions& opt, const std::string& self_exe)
{
  const Plan p = read_plan(opt.file);
  if (opt.check_only) {
    std::cout << fmt::format("{}: valid plan: {} option(s), {} SLO(s), {} seed(s) per value\n", opt.file,
                             p.options.size(), p.slos.size(), p.seeds.size());
    return 0;
  }
  const bool existed = fs::exists(opt.out);
  fs::create_directories(opt.out);
  Planner planner(p, opt, self_exe);
  std::vector<Decision> decisions;
  try {
    for (const Option& o : p.options)
      decisions.push_back(seek(planner, o));
  } catch (const Planner::RunFailed& f) {
    write_files(opt.out, {{"plan.csv", planner.rows()}});
    std::cerr << "ccsim plan: a run failed: no decision\n";
    return f.code;
  } catch (const InputError&) { // an SLO or objective naming no metric: no partial results left behind
    std::error_code ec;
    fs::remove_all(fs::path(opt.out) / "runs", ec);
    if (not existed)
      fs::remove(opt.out, ec);
    throw;
  }
  // Rank: feasible options by the objective (or by value without one), infeasible last.
  std::vector<std::size_t> order(p.options.size());
  for (std::size_t i = 0; i < order.size(); i++)
    order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Decision& x = decisions[a];
    const Decision& y = decisions[b];
    if ((x.status == "found") != (y.status == "found"))
      return x.status == "found";
    if (x.status != "found" || p.objective.empty())
      return false;
    return p.maximize ? x.objective > y.objective : x.objective < y.objective;
  });
  std::string csv = "rank,option,variable,value,status,objective,objective_mean,objective_ci95\n";
  std::cout << fmt::format("{:<5} {:<24} {:<20} {:>8}  {:<11} {}\n", "rank", "option", "variable", "value", "status",
                           p.objective.empty() ? "" : (p.maximize ? "max " : "min ") + p.objective);
  for (std::size_t r = 0; r < order.size(); r++) {
    const Option& o = p.options[order[r]];
    const Decision& d = decisions[order[r]];
    const bool answered = d.status != "infeasible";
    const std::string value = answered ? std::to_string(d.value) : std::string("-");
    const std::string objective =
        std::isnan(d.objective)
            ? std::string()
            : fmt::format("{:.6g}{}", d.objective,
                          std::isnan(d.objective_ci95) ? "" : fmt::format(" +- {:.2g}", d.objective_ci95));
    std::cout << fmt::format("{:<5} {:<24} {:<20} {:>8}  {:<11} {}\n", r + 1, o.label, o.variable, value, d.status,
                             objective);
    csv += fmt::format("{},", r + 1);
    csv_field(csv, o.label);
    csv += ",";
    csv_field(csv, o.variable);
    csv += fmt::format(",{},{},", answered ? std::to_string(d.value) : "", d.status);
    csv_field(csv, p.objective);
    csv += fmt::format(",{},{}\n", std::isnan(d.objective) ? "" : fmt::format("{}", d.objective),
                       std::isnan(d.objective_ci95) ? "" : fmt::format("{}", d.objective_ci95));
  }
  write_files(opt.out, {{"plan.csv", planner.rows()}, {"decisions.csv", csv}});
  if (not opt.quiet)
    std::cout << fmt::format("results     {}/{{decisions.csv, plan.csv}} and runs/<option>/<value>/seed-<s>/ ({} "
                             "runs, {} reused from an earlier plan)\n",
                             opt.out, planner.ran(), planner.reused());
  return 0;
}

} // namespace ccsim::app
