// src/app/check.hpp: `ccsim check` and baselines (regression checks of a run's summary.json).
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ccsim::app {

//! The numeric leaves of a summary.json by JSON pointer ("/wait_s/mean"), in document order.
nlohmann::ordered_json summary_metrics(const nlohmann::json& summary);

//! Which way the metric at `pointer` should move: "lower", "higher", or "none" (it defines the experiment).
//! The rule `ccsim check` judges by (docs/metrics.md, "Regression checks").
std::string metric_direction(const std::string& pointer);

//! A baseline file: the numeric leaves of a summary.json by JSON pointer, with the scenario they came from.
nlohmann::ordered_json make_baseline(const nlohmann::ordered_json& summary, const std::string& scenario_name,
                                     const std::string& scenario_sha256, std::uint64_t seed);

struct CheckOptions {
  std::string results;                 //!< a results directory (its summary.json) or a summary.json file
  std::string baseline;                //!< a baseline file written by `ccsim run --save-baseline`
  std::vector<std::string> tolerances; //!< "POINTER=REL": relative tolerance for metrics under POINTER
  //! Any change beyond the tolerance fails, in either direction, and so does a metric the baseline lacks: for
  //! baselines that must match exactly (CI's benchmark scenarios), where a lower energy may be a bug.
  bool strict = false;
  //! A baseline of other scenario inputs, seed or policies fails the check (exit EXPERIMENT_CHANGED; --strict too).
  bool fail_on_experiment_change = false;
  bool only_failures = false;  //!< print only the metrics that failed
  std::string format = "text"; //!< "text" (a table) or "json" (one document on stdout)
  std::string junit;           //!< also write JUnit XML here (one test case per metric, and one for the experiment)
  //! Instead of RESULTS and --baseline: run every entry of this manifest (scenarios/bench/manifest.json) with
  //! `self` (this ccsim) and check it against its baseline; one summary, one exit code.
  std::string manifest;
  std::string self;
};

//! Prints metric, baseline, now, change and verdict for every baseline metric (docs/metrics.md "Regression checks").
//! Returns 0 when nothing regressed (in strict mode: when nothing changed), 3 (ExitCode::REGRESSION) otherwise, and
//! 4 (EXPERIMENT_CHANGED) when the baseline's experiment differs and that is fatal. The baseline may be a file of
//! `ccsim run --save-baseline` or another run's summary.json. Unreadable or malformed inputs, and tolerances that
//! name no metric, throw InputError (exit 2) before anything is printed. With a manifest: the most severe outcome of
//! its runs (a run that fails: its exit code, 2 or 1; then 4, then 3).
int check(const CheckOptions& options);

} // namespace ccsim::app
