// src/app/plan.cpp: `ccsim plan`: goal-seeking over an integer variable per option (docs/planning.md).
#include "plan.hpp"

#include "child_process.hpp"
#include "point_runner.hpp"
#include "stats.hpp"
#include "sweep_db.hpp"
#include "sweep_spec.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/hash.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/core/line_source.hpp"
#include "ccsim/output/writers.hpp"
#include "ccsim/scenario/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <tuple>

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
  double scale = 1;     //!< the scenario gets value x scale (e.g. 86400: a variable in days for a field in seconds)
  bool largest = false; //!< seek the largest value meeting every SLO (e.g. the latest day), not the smallest
};

//! What `--set` writes for an option's value: value x scale, an integer when it is one.
nlohmann::json scaled(const Option& o, std::int64_t value)
{
  if (o.scale == 1)
    return value;
  const double x = static_cast<double>(value) * o.scale;
  if (std::abs(x) < 9.0e15 && x == std::floor(x))
    return static_cast<std::int64_t>(x);
  return x;
}

struct Plan {
  std::string scenario;
  std::vector<Option> options;
  std::vector<Slo> slos;
  std::string objective; //!< a JSON pointer ("" = none)
  bool maximize = false;
  std::vector<std::uint64_t> seeds;
  std::vector<std::string> args;
  bool keep_all = true; //!< every output of every run, or only summary.json and run.json ("keep": "summary")
};

constexpr std::int64_t MAX_VALUE = 1'000'000;

Plan read_plan(const std::string& file)
{
  const nlohmann::json doc = parse_json_file(file);
  Diagnostics diags;
  ObjectReader root(doc, "", file, diags,
                    {"$schema", "description", "scenario", "options", "slos", "objective", "seeds", "args", "keep"});
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
      ObjectReader var(*v, at + "/variable", file, diags, {"name", "path", "min", "max", "scale", "seek"});
      opt.path = var.string("path", Need::REQUIRED).value_or("");
      opt.variable = var.string("name", Need::OPTIONAL).value_or(opt.path);
      opt.min = var.integer("min", Need::REQUIRED, 0, MAX_VALUE).value_or(0);
      opt.max = var.integer("max", Need::REQUIRED, 0, MAX_VALUE).value_or(0);
      if (var.has("min") && var.has("max") && opt.max < opt.min)
        var.error("max", fmt::format("expected max >= min ({})", opt.min));
      opt.scale = var.number("scale", Need::OPTIONAL, 1e-9, 1e9).value_or(1.0);
      const std::string seek = var.string("seek", Need::OPTIONAL).value_or("smallest");
      if (seek != "smallest" && seek != "largest")
        var.error("seek", "expected \"smallest\" (the least value meeting every SLO: how much to buy) or "
                          "\"largest\" (the greatest: how late, how little margin)");
      opt.largest = seek == "largest";
      if (not opt.path.empty() && not opt.path.starts_with("/"))
        var.error("path", "expected a JSON pointer into the scenario, such as /sites/0/racks/0/count");
      // The patch and the variable must apply to the scenario (checked now, not after hours of runs).
      if (have_base && not opt.path.empty() && opt.path.starts_with("/")) {
        try {
          nlohmann::json patched = base;
          apply_scenario_patch(patched, opt.patch, file);
          apply_scenario_edit(patched, ScenarioEdit{opt.path, scaled(opt, opt.min)}, file);
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
  plan.keep_all = read_keep_all(root);
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

//! An option's value as a sweep point's configuration number, so that plan runs travel through the sweep's runner
//! and MPI messages: option * (MAX_VALUE + 1) + value.
std::size_t config_of(std::size_t option, std::int64_t value)
{
  return option * static_cast<std::size_t>(MAX_VALUE + 1) + static_cast<std::size_t>(value);
}
std::pair<std::size_t, std::int64_t> option_value(std::size_t config)
{
  return {config / static_cast<std::size_t>(MAX_VALUE + 1),
          static_cast<std::int64_t>(config % static_cast<std::size_t>(MAX_VALUE + 1))};
}

//! The `ccsim run` arguments of an option's value with one seed, writing to `out`.
std::vector<std::string> run_args(const Plan& plan, const PlanOptions& opt, const Option& o, std::int64_t value,
                                  std::uint64_t seed, const std::string& out)
{
  std::vector<std::string> args;
  for (const auto& lib : opt.policy_libs)
    args.insert(args.end(), {"--policy-lib", lib});
  args.insert(args.end(), {"run", plan.scenario, "--seed", std::to_string(seed), "--out", out, "-q", "--patch",
                           o.patch.dump(), "--set", o.path + "=" + scaled(o, value).dump()});
  args.insert(args.end(), plan.args.begin(), plan.args.end());
  return args;
}

//! Where a run goes: DIR/runs/<option>/<value>/seed-<s>/ (its log.txt and out/).
PointJob job_of(const Plan& plan, const PlanOptions& opt, std::size_t config, std::uint64_t seed)
{
  const auto [i, value] = option_value(config);
  const Option& o = plan.options.at(i);
  const fs::path dir =
      fs::path(opt.out) / "runs" / run_folder_name(o.label) / std::to_string(value) / ("seed-" + std::to_string(seed));
  return PointJob{dir, run_args(plan, opt, o, value, seed, (dir / "out").string()), not plan.keep_all};
}

//! Thrown by a search that needs values not yet run: the option and those values (every seed of each).
struct NeedRuns {
  std::size_t option;
  std::vector<std::int64_t> values;
};

//! The plan's runs and their verdicts. Runs are kept in DIR/plan.sqlite (table `runs`: key, option, value, seed,
//! wall_s, summary), keyed by the SHA-256 of their command line (results folder aside) and of the scenario file's
//! bytes: a rerun, or a plan with other SLOs over the same runs, reuses every run recorded.
class Planner {
public:
  Planner(const Plan& plan, const PlanOptions& opt, std::string self_exe, int ranks)
      : plan_(plan)
      , opt_(opt)
      , self_(std::move(self_exe))
      , ranks_(ranks)
      , db_(db_path(opt))
  {
    db_.exec("CREATE TABLE IF NOT EXISTS runs (key TEXT PRIMARY KEY, option TEXT NOT NULL, value INTEGER NOT NULL, "
             "seed INTEGER NOT NULL, wall_s REAL, summary TEXT NOT NULL)");
    auto s = db_.prepare("SELECT key, summary FROM runs");
    while (sqlite3_step(s.get()) == SQLITE_ROW) {
      const auto* key = sqlite3_column_text(s.get(), 0);
      const auto* text = sqlite3_column_text(s.get(), 1);
      nlohmann::json summary;
      if (key != nullptr && text != nullptr)
        summary = nlohmann::json::parse(reinterpret_cast<const char*>(text), nullptr, false);
      if (key == nullptr || not summary.is_object()) // a hand-edited database is not trusted
        throw InputError(db_path(), "",
                         "a run in table runs has no key or a summary that is not a JSON object (expected the "
                         "plan.sqlite that ccsim plan writes; remove it to run the plan again)");
      summaries_.emplace(reinterpret_cast<const char*>(key), std::move(summary));
      before_.insert(reinterpret_cast<const char*>(key));
    }
  }

  //! Whether every seed of the value has a recorded run.
  bool has(std::size_t option, std::int64_t value) const
  {
    return std::all_of(plan_.seeds.begin(), plan_.seeds.end(),
                       [&](std::uint64_t seed) { return summaries_.contains(key_of(option, value, seed)); });
  }

  //! Throws NeedRuns for those of `values` that are not all run.
  void need(std::size_t option, const std::vector<std::int64_t>& values) const
  {
    NeedRuns n{option, {}};
    for (const auto v : values)
      if (not has(option, v))
        n.values.push_back(v);
    if (not n.values.empty())
      throw n;
  }

  //! The verdicts of a value whose runs are all recorded (cached).
  const Evaluation& evaluate(std::size_t option, std::int64_t value)
  {
    need(option, {value});
    const auto key = std::make_pair(option, value);
    if (const auto it = cache_.find(key); it != cache_.end())
      return it->second;
    std::vector<const nlohmann::json*> summaries;
    for (const auto seed : plan_.seeds) {
      const std::string k = key_of(option, value, seed);
      summaries.push_back(&summaries_.at(k));
      reused_ += before_.contains(k) ? 1 : 0;
    }
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
    const Option& o = plan_.options[option];
    if (not opt_.quiet)
      std::cerr << fmt::format("plan: {} {} = {}: {}\n", o.label, o.variable, value,
                               e.met ? "every SLO met" : "not every SLO met");
    return cache_.emplace(key, std::move(e)).first->second;
  }

  //! Runs every seed not yet recorded of the values asked, in one batch over the processes (and MPI ranks),
  //! recording each run that succeeds. Throws RunFailed when one failed.
  void run(const std::vector<NeedRuns>& needs)
  {
    Points batch;
    for (const auto& n : needs)
      for (const auto v : n.values) {
        asked_.emplace(n.option, v);
        for (const auto seed : plan_.seeds)
          if (not summaries_.contains(key_of(n.option, v, seed)))
            batch.emplace_back(config_of(n.option, v), seed);
      }
    rounds_ += batch.empty() ? 0 : 1;
    int failed = 0;
    const auto done = [&](PointOutcome&& r) {
      const auto [i, value] = option_value(r.config);
      if (r.code == NOT_RUN)
        return;
      if (r.code != 0) {
        failed = failed != 0 ? failed : (r.code == static_cast<int>(ExitCode::BAD_INPUT) ? 2 : 1);
        std::cerr << fmt::format("ccsim plan: {} {} = {} with seed {} failed (exit code {}); its log: {}\n",
                                 plan_.options[i].label, plan_.options[i].variable, value, r.seed, r.code,
                                 (job_of(plan_, opt_, r.config, r.seed).dir / "log.txt").string());
        return;
      }
      const std::string key = key_of(i, value, r.seed);
      auto s = db_.prepare("INSERT OR REPLACE INTO runs (key, option, value, seed, wall_s, summary) VALUES (?, ?, "
                           "?, ?, ?, ?)");
      const std::string text = r.summary.dump();
      sqlite3_bind_text(s.get(), 1, key.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_text(s.get(), 2, plan_.options[i].label.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64(s.get(), 3, value);
      sqlite3_bind_int64(s.get(), 4, static_cast<sqlite3_int64>(r.seed));
      sqlite3_bind_double(s.get(), 5, r.wall_s);
      sqlite3_bind_text(s.get(), 6, text.c_str(), -1, SQLITE_TRANSIENT);
      db_.step_done(s.get());
      summaries_[key] = std::move(r.summary);
      ran_++;
    };
    run_batch(
        batch, ranks_, [&](std::size_t c, std::uint64_t seed) { return job_of(plan_, opt_, c, seed); }, opt_.jobs,
        self_, done);
    if (failed != 0)
      throw RunFailed{failed};
  }

  //! plan.csv: every value asked whose runs are all recorded, by option (in plan order) and value.
  std::string rows()
  {
    std::string csv = "option,value,metric,n,mean,ci95,bound,threshold,verdict\n";
    for (const auto& [i, value] : asked_) {
      if (not has(i, value))
        continue;
      const Evaluation& e = evaluate(i, value);
      for (std::size_t k = 0; k < plan_.slos.size(); k++) {
        const Check& c = e.checks[k];
        const Slo& slo = plan_.slos[k];
        csv_field(csv, plan_.options[i].label);
        csv += fmt::format(",{},", value);
        csv_field(csv, slo.metric);
        csv += fmt::format(",{},{},{},{},{},{}\n", plan_.seeds.size(), c.mean,
                           std::isnan(c.ci95) ? "" : fmt::format("{}", c.ci95), slo.max ? "max" : "min",
                           slo.max ? *slo.max : *slo.min, c.verdict);
      }
    }
    return csv;
  }

  std::uint64_t ran() const { return ran_; }
  std::uint64_t rounds() const { return rounds_; }
  std::uint64_t reused() const { return reused_; }

  struct RunFailed {
    int code;
  };

private:
  static std::string db_path(const PlanOptions& opt) { return (fs::path(opt.out) / "plan.sqlite").string(); }
  std::string db_path() const { return db_path(opt_); }

  //! A run's key: its command line with the results folder left out, and the scenario file's bytes.
  //! Computed once per run: the searches are replayed every round and ask for the same keys again.
  const std::string& key_of(std::size_t option, std::int64_t value, std::uint64_t seed) const
  {
    const auto at = std::make_tuple(option, value, seed);
    if (const auto it = keys_.find(at); it != keys_.end())
      return it->second;
    const nlohmann::json key = {{"args", run_args(plan_, opt_, plan_.options[option], value, seed, "")},
                                {"scenario_sha256", scenario_sha256_}};
    return keys_.emplace(at, sha256_hex(key.dump())).first->second;
  }

  //! Mean and 95 % CI half-width over the seeds of the number at `pointer` (InputError located at `where` when a
  //! summary lacks it: an unknown metric).
  std::pair<double, double> stats_of(const std::vector<const nlohmann::json*>& summaries, const std::string& pointer,
                                     const std::string& where) const
  {
    std::vector<double> x;
    for (const auto* s : summaries) {
      const nlohmann::json::json_pointer p(pointer);
      if (not s->contains(p) || not s->at(p).is_number())
        throw InputError(opt_.file, where,
                         "summary.json has no number at " + pointer +
                             " (expected a metric of the runs' summary.json, such as /window/wait_s/mean; an "
                             "output.window gives /window/..., a tco object /tco/...)");
      x.push_back(s->at(p).get<double>());
    }
    const auto [mean, sd] = mean_sd(x);
    return {mean, ci95(sd, x.size())};
  }

  const Plan& plan_;
  const PlanOptions& opt_;
  std::string self_;
  int ranks_;
  Database db_;
  std::string scenario_sha256_ = sha256_hex(read_file_text(plan_.scenario, "scenario"));
  std::map<std::string, nlohmann::json> summaries_; //!< every recorded run's summary.json, by key
  mutable std::map<std::tuple<std::size_t, std::int64_t, std::uint64_t>, std::string> keys_; //!< key_of's
  std::set<std::string> before_; //!< the keys recorded before this plan started
  std::set<std::pair<std::size_t, std::int64_t>> asked_;
  std::uint64_t ran_ = 0, rounds_ = 0, reused_ = 0;
  std::map<std::pair<std::size_t, std::int64_t>, Evaluation> cache_;
};

struct Decision {
  std::string status; //!< "found", "infeasible" (not met at max), "non-monotone"
  std::int64_t value = -1;
  double objective = std::nan(""), objective_ci95 = std::nan("");
};

//! The values of the first `depth` levels of bisection between lo and hi (mid first): what the next `depth` steps
//! may ask, run at once when processes are spare.
void bisection_ahead(std::int64_t lo, std::int64_t hi, int depth, std::vector<std::int64_t>& out)
{
  if (depth == 0 || hi - lo <= 1)
    return;
  const std::int64_t mid = lo + (hi - lo) / 2;
  out.push_back(mid);
  bisection_ahead(lo, mid, depth - 1, out);
  bisection_ahead(mid, hi, depth - 1, out);
}

//! The smallest value of option `oi` meeting every SLO (or the largest: the same search over the range reflected,
//! u = min + max - value), over the runs recorded so far: throws NeedRuns when it needs more (replayed once they are
//! run: it decides the same way over the same runs). Each SLO's direction is read from the two ends of the range:
//! one met at the far end and not at the near one improves along the search (a wait, with more nodes); one met at
//! the near end and not the far one worsens (a utilization floor); one met at neither makes the option infeasible.
//! Bisection finds the nearest value meeting every improving SLO (asking `depth` levels of it at once); every SLO is
//! then checked there: a worsening one that fails there fails beyond it too.
Decision seek(Planner& planner, std::size_t oi, const Option& o, int depth)
{
  Decision d;
  const auto at = [&o](std::int64_t u) { return o.largest ? o.min + o.max - u : u; }; // search position -> value
  const auto evaluate = [&](std::int64_t u) -> const Evaluation& { return planner.evaluate(oi, at(u)); };
  planner.need(oi, {o.min, o.max});
  const std::vector<Check> at_near = evaluate(o.min).checks;
  const std::vector<Check> at_far = evaluate(o.max).checks;
  std::vector<std::size_t> improving;
  for (std::size_t i = 0; i < at_near.size(); i++) {
    const bool near_met = at_near[i].verdict == "met", far_met = at_far[i].verdict == "met";
    if (not near_met && not far_met) {
      d.status = "infeasible";
      return d;
    }
    if (not near_met)
      improving.push_back(i);
  }
  const auto improved = [&](std::int64_t u) {
    const Evaluation& e = evaluate(u);
    return std::all_of(improving.begin(), improving.end(), [&](std::size_t i) { return e.checks[i].verdict == "met"; });
  };
  std::int64_t lo = o.min, hi = o.max; // invariant: lo fails an improving SLO (or is min with none), hi meets them
  if (improving.empty())
    hi = lo;
  while (hi - lo > 1) {
    const std::int64_t mid = lo + (hi - lo) / 2;
    if (not planner.has(oi, at(mid))) {
      std::vector<std::int64_t> ahead;
      bisection_ahead(lo, hi, depth, ahead);
      for (auto& u : ahead)
        u = at(u);
      planner.need(oi, ahead);
    }
    (improved(mid) ? hi : lo) = mid;
  }
  d.value = at(hi);
  if (not evaluate(hi).met) { // a worsening SLO already fails at the nearest value the others allow
    d.status = "infeasible";
    return d;
  }
  d.status = "found";
  // Bisection assumes each SLO moves one way; one value past the answer tests it (a failure there is reported, and
  // the answer is then not trusted: noise between seeds, or a real non-monotone response).
  if (hi < o.max && not improved(hi + 1))
    d.status = "non-monotone";
  const Evaluation& answer = evaluate(hi);
  d.objective = answer.objective;
  d.objective_ci95 = answer.objective_ci95;
  return d;
}

//! Every option's decision: rounds of replayed searches, each round running what the searches still need in one
//! batch (every option's next values at once, and further levels of bisection when processes are spare).
std::vector<Decision> decide(const Plan& p, Planner& planner, unsigned slots)
{
  for (;;) {
    std::vector<Decision> decisions(p.options.size());
    std::vector<NeedRuns> needs;
    for (std::size_t i = 0; i < p.options.size(); i++) {
      try {
        decisions[i] = seek(planner, i, p.options[i], 1);
      } catch (const NeedRuns& n) {
        needs.push_back(n);
      }
    }
    if (needs.empty())
      return decisions;
    // Levels of bisection that fit the spare processes: 2^depth - 1 values per option searching.
    const std::size_t per_option = slots / (needs.size() * p.seeds.size());
    int depth = 1;
    while (depth < 20 && (std::size_t{2} << depth) - 1 <= per_option)
      depth++;
    if (depth > 1)
      for (auto& n : needs) {
        try {
          seek(planner, n.option, p.options[n.option], depth);
        } catch (const NeedRuns& more) {
          n = more;
        }
      }
    planner.run(needs);
  }
}

int plan_on_rank0(const Plan& p, const PlanOptions& opt, const std::string& self_exe, int ranks)
{
  const bool existed = fs::exists(opt.out);
  fs::create_directories(opt.out);
  const FolderLock lock(opt.out, "plan.lock", "plan");
  std::vector<Decision> decisions;
  std::string rows;
  std::uint64_t ran = 0, rounds = 0, reused = 0;
  try {
    Planner planner(p, opt, self_exe, ranks);
    try {
      decisions = decide(p, planner, std::max(1U, opt.jobs) * static_cast<unsigned>(ranks));
    } catch (const Planner::RunFailed& f) {
      end_batches(ranks);
      write_files(opt.out, {{"plan.csv", planner.rows()}});
      std::cerr << "ccsim plan: a run failed: no decision\n";
      return f.code;
    }
    end_batches(ranks);
    rows = planner.rows();
    ran = planner.ran();
    rounds = planner.rounds();
    reused = planner.reused();
  } catch (const InputError&) { // an SLO or objective naming no metric: no partial results left behind
    if (not existed) {
      std::error_code ec;
      fs::remove_all(opt.out, ec);
    }
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
  write_files(opt.out, {{"plan.csv", rows}, {"decisions.csv", csv}});
  if (not opt.quiet)
    std::cout << fmt::format("results     {}/{{decisions.csv, plan.csv, plan.sqlite}} and "
                             "runs/<option>/<value>/seed-<s>/ ({} runs in {} rounds{}, {} reused from an earlier "
                             "plan)\n",
                             opt.out, ran, rounds, ranks > 1 ? fmt::format(" on {} MPI ranks", ranks) : std::string(),
                             reused);
  return 0;
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
  return with_ranks(opt.mpi, "ccsim plan", [&](int rank, int ranks) {
    if (rank != 0) {
      serve_batches(
          rank, ranks, [&](std::size_t c, std::uint64_t seed) { return job_of(p, opt, c, seed); }, opt.jobs, self_exe);
      return 0;
    }
    return plan_on_rank0(p, opt, self_exe, ranks);
  });
}

} // namespace ccsim::app
