// src/app/sweep_spec.hpp: a sweep file (docs/sweeps.md): the base scenario, its axes, seeds and baseline
// (app-private).
#pragma once

#include "ccsim/core/json_reader.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ccsim::app {

//! One axis: a JSON pointer into the scenario and the values it takes; or the sweep's named variants (the axis
//! "variant": `values` are the labels, `patches` their JSON Patches, `pointer` empty).
struct Axis {
  std::string name, pointer;
  std::vector<nlohmann::json> values;
  std::vector<nlohmann::json> patches;
  bool is_variants() const { return not patches.empty(); }
};

//! The most points (configurations x seeds) a sweep may have: each is a `ccsim run`.
inline constexpr std::uint64_t MAX_SWEEP_POINTS = 1000000;

struct SweepSpec {
  std::string scenario; //!< resolved path
  std::vector<Axis> axes;
  std::vector<std::uint64_t> seeds;
  std::size_t baseline = 0;      //!< config index of the baseline point
  std::vector<std::string> args; //!< extra `ccsim run` arguments (e.g. --queue easy)
  bool keep_all = true;          //!< false: keep only each point's summary.json and run.json
  std::size_t configs = 1;       //!< the product of the axes' sizes
};

//! A sweep's or plan's "keep": "all" (the default: every output of every run) or "summary" (summary.json and
//! run.json only); whether all is kept, reported at /keep otherwise.
bool read_keep_all(const ObjectReader& root);

//! A sweep's or plan's "args": extra `ccsim run` arguments (strings), reported at /args otherwise.
std::vector<std::string> read_run_args(const ObjectReader& root);
//! A sweep's or plan's "scenario", resolved against the file's folder ("" when absent: reported).
std::string read_scenario_path(const ObjectReader& root, const std::string& file);

//! `root`'s "variants" (a sweep's or `compare --variants` file's): the axis "variant", each value a label and its
//! JSON Patch, every patch checked against `scenario` (when it reads); nullopt when absent or empty (reported).
std::optional<Axis> read_variant_axis(const ObjectReader& root, const std::string& scenario);
//! Reads and checks a sweep file; throws InputError with every problem, located by JSON pointer.
SweepSpec read_sweep_spec(const std::string& file);
//! Same from JSON already parsed; `file` names the source in messages and anchors a relative scenario path.
SweepSpec sweep_spec_from_json(const nlohmann::json& doc, const std::string& file);

//! The canonical text of a spec, stored in the database: a rerun must be the same sweep.
std::string spec_text(const SweepSpec& spec);

//! The value index of each axis in configuration `config`, given each axis's number of values (configurations
//! are numbered with the first axis varying slowest).
std::vector<std::size_t> config_indices(std::size_t config, const std::vector<std::size_t>& axis_sizes);
//! config_indices() for the spec's axes.
std::vector<std::size_t> config_values(const SweepSpec& spec, std::size_t config);

//! An axis value as text (CSV cells, report labels): a string as itself, anything else as its JSON.
std::string axis_value_text(const nlohmann::json& value);

//! A point's id and folder name: "c<config>-s<seed>".
std::string point_id(std::size_t config, std::uint64_t seed);

} // namespace ccsim::app
