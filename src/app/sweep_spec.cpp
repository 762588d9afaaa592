// src/app/sweep_spec.cpp
#include "sweep_spec.hpp"

#include "ccsim/core/error.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/scenario/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace fs = std::filesystem;

namespace ccsim::app {

namespace {
using Need = ObjectReader::Need;
} // namespace

bool read_keep_all(const ObjectReader& root)
{
  const auto keep = root.string("keep", ObjectReader::Need::OPTIONAL);
  if (keep && *keep != "summary" && *keep != "all")
    root.error("keep", "expected \"all\" (every output of every run) or \"summary\" (summary.json and run.json)");
  return not keep || *keep != "summary";
}

std::vector<std::string> read_run_args(const ObjectReader& root)
{
  std::vector<std::string> out;
  if (const auto* args = root.value("args", Need::OPTIONAL)) {
    if (args->is_array() && std::all_of(args->begin(), args->end(), [](const auto& x) { return x.is_string(); }))
      for (const auto& x : *args)
        out.push_back(x.get<std::string>());
    else
      root.error("args", "expected an array of `ccsim run` arguments (strings)");
  }
  return out;
}

std::string read_scenario_path(const ObjectReader& root, const std::string& file)
{
  const auto s = root.string("scenario", Need::REQUIRED);
  if (not s)
    return {};
  fs::path p(*s);
  if (p.is_relative())
    p = fs::path(file).parent_path() / p;
  return p.string();
}

SweepSpec read_sweep_spec(const std::string& file)
{
  return sweep_spec_from_json(parse_json_file(file), file);
}

std::optional<Axis> read_variant_axis(const ObjectReader& root, const std::string& scenario)
{
  const auto* variants = root.value("variants", Need::OPTIONAL);
  if (variants == nullptr)
    return std::nullopt;
  const std::string& file = root.file();
  Diagnostics& diags = root.diagnostics();
  Axis axis;
  axis.name = "variant";
  if (not variants->is_array() || variants->empty())
    root.error("variants", "expected a non-empty array of {\"label\", \"patch\"}");
  std::set<std::string> labels;
  nlohmann::json base; // the scenario, to check that each patch applies
  bool have_base = false;
  if (not scenario.empty()) {
    try {
      base = parse_json_file(scenario);
      have_base = true;
    } catch (const InputError&) {
      // reported when the points run (the sweep checks the scenario first)
    }
  }
  for (std::size_t i = 0; variants->is_array() && i < variants->size(); i++) {
    const std::string at = root.pointer_of("variants") + "/" + std::to_string(i);
    ObjectReader v((*variants)[i], at, file, diags, {"label", "patch", "description"});
    const std::string label = v.string("label", Need::REQUIRED).value_or("");
    if (not label.empty() && not labels.insert(label).second)
      v.error("label", "duplicate variant label \"" + label + "\" (expected unique labels)");
    nlohmann::json patch = nlohmann::json::array();
    if (const auto* p = v.value("patch", Need::OPTIONAL)) {
      patch = *p;
      if (have_base) {
        try {
          nlohmann::json patched = base;
          apply_scenario_patch(patched, patch, file);
        } catch (const InputError& e) {
          diags.add(file, at + "/patch" + e.diagnostics().front().location, e.diagnostics().front().message);
        }
      }
    }
    axis.values.emplace_back(label);
    axis.patches.push_back(patch.is_array() && patch.empty() ? nlohmann::json::array() : patch);
  }
  if (axis.values.empty())
    return std::nullopt;
  return axis;
}

SweepSpec sweep_spec_from_json(const nlohmann::json& doc, const std::string& file)
{
  Diagnostics diags;
  ObjectReader root(doc, "", file, diags,
                    {"$schema", "description", "scenario", "variants", "axes", "seeds", "baseline", "args", "keep"});
  SweepSpec spec;
  spec.scenario = read_scenario_path(root, file);
  // Named variants (docs/sweeps.md "Variants"): the first axis, "variant", each value a label and its JSON Patch.
  if (auto variants = read_variant_axis(root, spec.scenario))
    spec.axes.push_back(std::move(*variants));
  if (const auto* axes = root.value("axes", spec.axes.empty() ? Need::REQUIRED : Need::OPTIONAL)) {
    if (not axes->is_array() || axes->empty())
      root.error("axes", "expected a non-empty array of {\"name\", \"path\", \"values\"}");
    std::set<std::string> names = {"variant"};
    for (std::size_t i = 0; axes->is_array() && i < axes->size(); i++) {
      ObjectReader a((*axes)[i], root.pointer_of("axes") + "/" + std::to_string(i), file, diags,
                     {"name", "path", "values"});
      Axis axis;
      axis.pointer = a.string("path", Need::REQUIRED).value_or("/");
      axis.name = a.string("name", Need::OPTIONAL).value_or(axis.pointer);
      if (not axis.pointer.starts_with("/"))
        a.error("path", "expected a JSON pointer into the scenario, such as /scheduler/placement");
      else if (axis.pointer.find('=') != std::string::npos) // each point gets --set POINTER=VALUE
        a.error("path", "a path with \"=\" cannot be given to `ccsim run --set POINTER=VALUE` (expected a JSON "
                        "pointer without \"=\")");
      const auto* values = a.value("values", Need::REQUIRED);
      if (values != nullptr && values->is_array() && not values->empty())
        axis.values.assign(values->begin(), values->end());
      else if (values != nullptr)
        a.error("values", "expected a non-empty array of values");
      // One error per axis, found in O(log) (a file of 2,000 unnamed axes made 2 million errors, 12 s).
      if (not names.insert(axis.name).second)
        a.error("name", "duplicate axis name \"" + axis.name +
                            "\" (expected unique names; \"variant\" names the "
                            "variants)");
      spec.axes.push_back(std::move(axis));
    }
  }
  if (const auto* seeds = root.value("seeds", Need::OPTIONAL)) {
    if (seeds->is_number_integer() && seeds->get<std::int64_t>() >= 1 && seeds->get<std::int64_t>() <= 10000) {
      for (std::int64_t s = 1; s <= seeds->get<std::int64_t>(); s++)
        spec.seeds.push_back(static_cast<std::uint64_t>(s));
    } else if (seeds->is_array() && not seeds->empty()) {
      for (const auto& s : *seeds)
        if (s.is_number_integer() && s.get<std::int64_t>() >= 0)
          spec.seeds.push_back(s.get<std::uint64_t>());
      if (spec.seeds.size() != seeds->size() ||
          std::set(spec.seeds.begin(), spec.seeds.end()).size() != spec.seeds.size())
        root.error("seeds", "expected distinct integers >= 0");
    } else {
      root.error("seeds", "expected a count in [1, 10000] or an array of distinct seeds");
    }
  } else {
    spec.seeds = {1};
  }
  spec.args = read_run_args(root);
  spec.keep_all = read_keep_all(root);
  diags.throw_if_any();
  // Counted before anything is built: 40 two-value axes are 2^40 points (it ran out of memory).
  double points = static_cast<double>(spec.seeds.size());
  for (const auto& a : spec.axes)
    points *= static_cast<double>(a.values.size());
  if (points > static_cast<double>(MAX_SWEEP_POINTS)) {
    root.error("axes", fmt::format("{:.0f} points (configurations x {} seed(s)): expected at most {}", points,
                                   spec.seeds.size(), MAX_SWEEP_POINTS));
    diags.throw_if_any();
  }
  for (const auto& a : spec.axes)
    spec.configs *= a.values.size();
  // The baseline: one value per axis, by axis name (default: every axis's first value).
  if (const auto* b = root.value("baseline", Need::OPTIONAL)) {
    if (not b->is_object())
      root.error("baseline", "expected an object {axis name: value}");
    else {
      std::size_t c = 0;
      for (const auto& axis : spec.axes) {
        std::size_t k = 0;
        if (b->contains(axis.name)) {
          const auto& v = (*b)[axis.name];
          k = static_cast<std::size_t>(std::find(axis.values.begin(), axis.values.end(), v) - axis.values.begin());
          if (k == axis.values.size()) {
            root.error("baseline", "value " + v.dump() + " of axis \"" + axis.name + "\" is not one of its values");
            k = 0;
          }
        }
        c = c * axis.values.size() + k;
      }
      for (const auto& item : b->items()) {
        const std::string& k = item.key(); // a named variable: clang's C++20 cannot capture a structured binding
        if (std::none_of(spec.axes.begin(), spec.axes.end(), [&k](const Axis& a) { return a.name == k; }))
          root.error("baseline", "\"" + k + "\" is not an axis name");
      }
      spec.baseline = c;
    }
  }
  diags.throw_if_any();
  return spec;
}

//! The canonical text of a spec: a rerun must be the same sweep.
std::string spec_text(const SweepSpec& spec)
{
  nlohmann::ordered_json j;
  std::error_code ec; // a path the kernel refuses is kept as given (the sweep refuses it before it gets here)
  const fs::path canonical = fs::weakly_canonical(spec.scenario, ec);
  j["scenario"] = ec ? spec.scenario : canonical.string();
  for (const auto& a : spec.axes) {
    nlohmann::ordered_json axis = {{"name", a.name}, {"path", a.pointer}, {"values", a.values}};
    if (a.is_variants())
      axis["patches"] = a.patches;
    j["axes"].push_back(axis);
  }
  j["seeds"] = spec.seeds;
  j["baseline"] = spec.baseline;
  j["args"] = spec.args;
  return j.dump();
}

std::vector<std::size_t> config_indices(std::size_t config, const std::vector<std::size_t>& axis_sizes)
{
  std::vector<std::size_t> idx(axis_sizes.size());
  for (std::size_t a = axis_sizes.size(); a-- > 0;) {
    idx[a] = config % axis_sizes[a];
    config /= axis_sizes[a];
  }
  return idx;
}

std::vector<std::size_t> config_values(const SweepSpec& spec, std::size_t config)
{
  std::vector<std::size_t> sizes;
  for (const auto& a : spec.axes)
    sizes.push_back(a.values.size());
  return config_indices(config, sizes);
}

std::string axis_value_text(const nlohmann::json& value)
{
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string point_id(std::size_t config, std::uint64_t seed)
{
  return fmt::format("c{}-s{}", config, seed);
}

} // namespace ccsim::app
