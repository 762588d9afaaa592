// src/scenario/loader.cpp
#include "ccsim/scenario/loader.hpp"

#include "ccsim/scenario/series.hpp"

#include "ccsim/core/hash.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/core/limits.hpp"
#include "ccsim/scenario/catalog.hpp"
#include "ccsim/scenario/schema_check.hpp"
#include "ccsim/workload/generator.hpp"
#include "ccsim/workload/importers.hpp"
#include "ccsim/workload/workload_json.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_set>

namespace ccsim {

namespace {

using Need = ObjectReader::Need;
constexpr double INF = std::numeric_limits<double>::infinity();
constexpr double TERA = 1e12;
constexpr double KILO = 1e3;
constexpr double GIGA = 1e9;
constexpr double BITS_PER_BYTE = 8;
constexpr double MIN_TIMESERIES_INTERVAL_S = 1e-3;
constexpr std::int64_t MAX_COUNT = 1'000'000'000;
constexpr std::int64_t MAX_ACCELERATORS_PER_NODE = 64; // slots are bits of a 64-bit mask
// A cooling model's bounds: fans and pumps at most twice the IT power; a chiller plant's COP in [0.5, 50].
constexpr double MAX_COOLING_OVERHEAD = 2;
constexpr double MIN_TEMPERATURE_STEP_S = 600; // a climate series' finest resolution
constexpr double MIN_COP = 0.5;
constexpr double MAX_COP = 50;
// Platform size limits: indices are 32-bit, and no input may make ccsim allocate without bound.
// 1,048,576 nodes (8 accelerators each) run in 10 s and 1.8 GB on the 2-core, 24 GiB reference machine; the former
// 4,194,304 took 7.8 GB and 45 s for three jobs (about 1.75 kB per node, mostly the SimGrid host).
constexpr std::uint64_t MAX_PLATFORM_NODES = 1ULL << 20;        // 1,048,576
constexpr std::uint64_t MAX_PLATFORM_ACCELERATORS = 1ULL << 24; // 16,777,216

void read_catalog(const ObjectReader& root, Scenario& s)
{
  const auto* given = root.value("accelerators", Need::OPTIONAL);
  if (given != nullptr && not given->is_object()) {
    root.error("accelerators", "expected an object mapping accelerator names to specs, found " + describe_json(*given));
    given = nullptr;
  }
  const nlohmann::json catalog = effective_catalog(given);
  for (const auto& [name, value] : catalog.items()) {
    ObjectReader a(
        value, root.pointer_of("accelerators") + "/" + name, root.file(), root.diagnostics(),
        {"kind", "peak_tflops", "memory_gib", "memory_bandwidth_tb_per_s", "interconnect", "power_w", "description"});
    AcceleratorSpec spec;
    spec.name = name;
    if (const auto kind = a.string("kind", Need::REQUIRED)) {
      if (const auto k = enum_from_name<AcceleratorKind>(ACCELERATOR_KIND_NAMES, *kind))
        spec.kind = *k;
      else
        a.error("kind", "unknown accelerator kind \"" + *kind +
                            "\" (expected one of: " + names_list(ACCELERATOR_KIND_NAMES) + ")");
    }
    if (const auto* peaks = a.value("peak_tflops", Need::REQUIRED)) {
      const std::string ptr = a.pointer_of("peak_tflops");
      if (not peaks->is_object() || peaks->empty()) {
        a.error("peak_tflops", "expected an object of precision -> TFLOP/s (" + names_list(PRECISION_NAMES) +
                                   "), found " + describe_json(*peaks));
      } else {
        ObjectReader p(*peaks, ptr, root.file(), root.diagnostics(),
                       {"fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8", "fp64-tensor"});
        for (std::size_t i = 0; i < PRECISION_COUNT; i++)
          if (const auto tflops = p.number(PRECISION_NAMES[i], Need::OPTIONAL, 0, MAX_PEAK_TFLOPS, true))
            spec.peak_flop_per_s[i] = *tflops * TERA;
      }
    }
    spec.memory_gib = a.number("memory_gib", Need::REQUIRED, 0, INF, true).value_or(0);
    // Bandwidths (docs/model.md "Run time"): memory in TB/s, the intra-node link in GB/s (decimal, bytes).
    spec.memory_bandwidth_byte_per_s =
        a.number("memory_bandwidth_tb_per_s", Need::OPTIONAL, 0, MAX_MEMORY_BANDWIDTH_TB_PER_S, true).value_or(0) *
        TERA;
    if (const auto* link = a.value("interconnect", Need::OPTIONAL)) {
      ObjectReader l(*link, a.pointer_of("interconnect"), root.file(), root.diagnostics(),
                     {"name", "bandwidth_gb_per_s"});
      spec.interconnect = l.string("name", Need::REQUIRED).value_or("");
      spec.interconnect_byte_per_s =
          l.number("bandwidth_gb_per_s", Need::REQUIRED, 0, MAX_INTERCONNECT_GB_PER_S, true).value_or(0) * GIGA;
    }
    if (const auto* pw = a.value("power_w", Need::REQUIRED)) {
      ObjectReader p(*pw, a.pointer_of("power_w"), root.file(), root.diagnostics(),
                     {"idle", "max", "limit", "limit_exponent"});
      spec.idle_w = p.number("idle", Need::REQUIRED, 0, MAX_POWER_W).value_or(0);
      spec.max_w = p.number("max", Need::REQUIRED, 0, MAX_POWER_W).value_or(0);
      if (spec.idle_w > spec.max_w && p.has("idle") && p.has("max"))
        p.error("idle",
                fmt::format("idle power {} W is above max power {} W (expected idle <= max)", spec.idle_w, spec.max_w));
      // A power limit (docs/model.md "Power"): the type never draws more; a job that would runs slower.
      if (const auto limit = p.number("limit", Need::OPTIONAL, 0, MAX_POWER_W, true)) {
        spec.limit_w = *limit;
        if (not(*limit > spec.idle_w && *limit <= spec.max_w))
          p.error("limit",
                  fmt::format("power limit {} W is outside (idle {} W, max {} W] (expected idle < limit <= max)",
                              *limit, spec.idle_w, spec.max_w));
      }
      spec.limit_exponent = p.number("limit_exponent", Need::OPTIONAL, 0, 1).value_or(1.0 / 3.0);
    }
    s.accelerators.push_back(std::move(spec));
  }
}

//! An optional bandwidth field in Gb/s, within the limits, as bytes/s (`fallback_Bps` when absent).
double bandwidth_Bps(const ObjectReader& r, const char* key, double fallback_Bps)
{
  return r.number(key, Need::OPTIONAL, MIN_BANDWIDTH_GBPS, MAX_BANDWIDTH_GBPS)
             .value_or(fallback_Bps * BITS_PER_BYTE / GIGA) *
         GIGA / BITS_PER_BYTE;
}

//! A weather-driven PUE's cooling model (docs/model.md "Weather-driven PUE").
std::optional<CoolingModel> read_cooling(const ObjectReader& pue)
{
  const auto* v = pue.value("cooling", Need::OPTIONAL);
  if (v == nullptr)
    return std::nullopt;
  ObjectReader c(*v, pue.pointer_of("cooling"), pue.file(), pue.diagnostics(),
                 {"follows", "free_below_c", "mechanical_above_c", "free_overhead", "cop", "cop_ref_c",
                  "cop_loss_per_c", "cop_min", "cop_max"});
  if (not c.is_object()) {
    pue.error("cooling", "expected a cooling model object, found " + describe_json(*v));
    return std::nullopt;
  }
  const std::size_t problems = pue.diagnostics().size();
  CoolingModel m;
  const std::string follows = c.string("follows", Need::OPTIONAL).value_or("dry_bulb");
  if (follows != "dry_bulb" && follows != "wet_bulb")
    c.error("follows", "unknown temperature \"" + follows + "\" (expected \"dry_bulb\" or \"wet_bulb\")");
  m.wet_bulb = follows == "wet_bulb";
  m.free_below_c = c.number("free_below_c", Need::REQUIRED, MIN_TEMPERATURE_C, MAX_TEMPERATURE_C).value_or(0);
  m.mechanical_above_c =
      c.number("mechanical_above_c", Need::REQUIRED, MIN_TEMPERATURE_C, MAX_TEMPERATURE_C).value_or(0);
  m.free_overhead = c.number("free_overhead", Need::REQUIRED, 0, MAX_COOLING_OVERHEAD).value_or(0);
  m.cop_at_ref = c.number("cop", Need::REQUIRED, MIN_COP, MAX_COP).value_or(1);
  m.ref_c = c.number("cop_ref_c", Need::OPTIONAL, MIN_TEMPERATURE_C, MAX_TEMPERATURE_C).value_or(25);
  m.cop_loss_per_c = c.number("cop_loss_per_c", Need::OPTIONAL, -MAX_COP, MAX_COP).value_or(0);
  m.cop_min = c.number("cop_min", Need::OPTIONAL, MIN_COP, MAX_COP).value_or(MIN_COP);
  m.cop_max = c.number("cop_max", Need::OPTIONAL, MIN_COP, MAX_COP).value_or(MAX_COP);
  if (pue.diagnostics().size() > problems)
    return std::nullopt;
  if (not(m.mechanical_above_c > m.free_below_c))
    c.error("mechanical_above_c", fmt::format("{:g} deg C is not above free_below_c ({:g} deg C): expected the "
                                              "temperature where free cooling ends to be above where it is full",
                                              m.mechanical_above_c, m.free_below_c));
  else if (m.cop_max < m.cop_min)
    c.error("cop_max", fmt::format("{:g} is below cop_min ({:g}): expected cop_min <= cop_max", m.cop_max, m.cop_min));
  else
    return m;
  return std::nullopt;
}

//! PUE: a number >= 1, a preset name, {"curve": [[load, pue], ...]} or {"fixed": f, "proportional": p} with an
//! optional "cooling" model. `site` is the object holding "pue" (a site or a rack group).
PueCurve read_pue(const ObjectReader& site)
{
  const auto* v = site.value("pue", Need::OPTIONAL);
  if (v == nullptr)
    return PueCurve::constant(DEFAULT_PUE);
  std::string presets;
  for (const auto& n : pue_preset_names())
    presets += (presets.empty() ? "" : ", ") + n;
  if (v->is_number()) {
    if (const auto pue = site.number("pue", Need::REQUIRED, 1.0, MAX_PUE))
      return PueCurve::constant(*pue);
    return PueCurve::constant(DEFAULT_PUE);
  }
  if (v->is_string()) {
    if (auto preset = pue_preset(v->get<std::string>()))
      return *preset;
    site.error("pue", "unknown PUE preset " + describe_json(*v) + " (expected a number >= 1, one of: " + presets +
                          ", {\"curve\": [[load, pue], ...]} or {\"fixed\": f, \"proportional\": p, \"cooling\": "
                          "{...}})");
    return PueCurve::constant(DEFAULT_PUE);
  }
  ObjectReader obj(*v, site.pointer_of("pue"), site.file(), site.diagnostics(),
                   {"curve", "fixed", "proportional", "cooling"});
  if (v->is_object() && not v->contains("curve") &&
      (v->contains("fixed") || v->contains("proportional") || v->contains("cooling"))) {
    // The overhead model: PUE(L) = 1 + proportional + fixed / L (+ cooling(T)), at most MAX_PUE at full load.
    const auto fixed = obj.number("fixed", Need::REQUIRED, 0.0, MAX_PUE - 1);
    const auto proportional = obj.number("proportional", Need::REQUIRED, 0.0, MAX_PUE - 1);
    const auto cooling = read_cooling(obj);
    if (not fixed || not proportional)
      return PueCurve::constant(DEFAULT_PUE);
    // The most cooling can add: fans and pumps plus a chiller at its lowest COP.
    const double most_cooling = cooling ? cooling->free_overhead + 1 / cooling->cop_min : 0.0;
    if (1 + *fixed + *proportional + most_cooling > MAX_PUE) {
      obj.error_here(fmt::format("PUE at full load 1 + fixed + proportional (+ the most cooling adds: free_overhead "
                                 "+ 1 / cop_min) = {:g} (expected at most {:g})",
                                 1 + *fixed + *proportional + most_cooling, MAX_PUE));
      return PueCurve::constant(DEFAULT_PUE);
    }
    PueCurve curve = PueCurve::overhead(*fixed, *proportional);
    curve.cooling = cooling;
    return curve;
  }
  if (v->is_object() && v->contains("curve") &&
      (v->contains("fixed") || v->contains("proportional") || v->contains("cooling"))) {
    obj.error_here("a PUE has either \"curve\" or \"fixed\" and \"proportional\" (with an optional \"cooling\") "
                   "(expected one form)");
    return PueCurve::constant(DEFAULT_PUE);
  }
  PueCurve curve;
  const auto* points = obj.value("curve", Need::REQUIRED);
  if (points == nullptr)
    return PueCurve::constant(DEFAULT_PUE);
  if (not points->is_array() || points->empty()) {
    obj.error("curve", "expected a non-empty array of [load fraction, PUE] pairs, found " + describe_json(*points));
    return PueCurve::constant(DEFAULT_PUE);
  }
  for (std::size_t i = 0; i < points->size(); i++) {
    const auto& pt = (*points)[i];
    const std::string ptr = obj.pointer_of("curve") + "/" + std::to_string(i);
    const bool shaped = pt.is_array() && pt.size() == 2 && pt[0].is_number() && pt[1].is_number();
    const double load = shaped ? pt[0].get<double>() : -1;
    const double pue = shaped ? pt[1].get<double>() : 0;
    if (not shaped || not(load >= 0 && load <= 1) || not(pue >= 1.0 && pue <= MAX_PUE)) {
      site.diagnostics().add(site.file(), ptr,
                             fmt::format("expected [load fraction in [0, 1], PUE in [1, {}]], found ", MAX_PUE) +
                                 pt.dump());
      continue;
    }
    if (not curve.points.empty() && load <= curve.points.back().first) {
      site.diagnostics().add(site.file(), ptr,
                             "expected load fractions in strictly ascending order, found " + pt.dump());
      continue;
    }
    curve.points.emplace_back(load, pue);
  }
  return curve.points.empty() ? PueCurve::constant(DEFAULT_PUE) : curve;
}

//! Synthetic climates already made, by their parameters and seed: sites with the same climate share one.
using ClimateCache = std::map<std::array<std::uint64_t, 8>, std::shared_ptr<const Climate>>;
//! At most this many distinct synthetic climates per scenario (each an hourly year, ~420 kB).
constexpr std::size_t MAX_SYNTHETIC_CLIMATES = 256;

//! The synthetic climate of `spec` drawn from `seed`: the scenario's seed mixed with the parameters unless the climate
//! gives its own, so the sites of one climate share their weather (one city, one sky).
std::shared_ptr<const Climate> synthetic(const ObjectReader& at, const SyntheticClimate& spec, std::uint64_t seed,
                                         bool own_seed, ClimateCache& cache)
{
  const double fields[] = {spec.mean_c,      spec.annual_amplitude_c, spec.diurnal_amplitude_c,  spec.noise_c,
                           spec.coldest_day, spec.coldest_hour,       spec.wet_bulb_depression_c};
  std::array<std::uint64_t, 8> key{};
  std::uint64_t mixed = seed;
  for (std::size_t i = 0; i < 7; i++) {
    std::memcpy(&key[i], &fields[i], sizeof(double));
    mixed = (mixed ^ key[i]) * 0x9E3779B97F4A7C15ULL; // a stable mix: the same on every platform
    mixed ^= mixed >> 29;
  }
  key[7] = own_seed ? seed : mixed;
  if (const auto it = cache.find(key); it != cache.end())
    return it->second;
  if (cache.size() >= MAX_SYNTHETIC_CLIMATES) {
    at.error_here(fmt::format("more than {} distinct synthetic climates (expected sites to share presets or "
                              "parameters, or temperature series)",
                              MAX_SYNTHETIC_CLIMATES));
    return nullptr;
  }
  return cache.emplace(key, std::make_shared<const Climate>(synthesize_climate(spec, key[7]))).first->second;
}

//! A site's "climate" (docs/scenario.md "Climate and weather-driven PUE"): a preset name, synthetic parameters
//! (optionally over a preset), or dry-bulb (and wet-bulb) series. `seed` draws a synthetic climate's weather.
std::shared_ptr<const Climate> read_climate(const ObjectReader& site, const std::string& base_dir, std::uint64_t seed,
                                            ClimateCache& cache)
{
  const auto* v = site.value("climate", Need::OPTIONAL);
  if (v == nullptr)
    return nullptr;
  std::string presets;
  for (const auto& n : climate_preset_names())
    presets += (presets.empty() ? "" : ", ") + n;
  const auto preset_named = [&](const ObjectReader& r, const char* key) -> std::optional<SyntheticClimate> {
    const auto name = r.string(key, Need::REQUIRED);
    if (not name)
      return std::nullopt;
    auto preset = climate_preset(*name);
    if (not preset)
      r.error(key, "unknown climate preset \"" + *name + "\" (expected one of: " + presets + ")");
    return preset;
  };
  if (v->is_string()) {
    const auto preset = preset_named(site, "climate");
    return preset ? synthetic(site, *preset, seed, false, cache) : nullptr;
  }
  ObjectReader c(*v, site.pointer_of("climate"), site.file(), site.diagnostics(),
                 {"preset", "mean_c", "annual_amplitude_c", "diurnal_amplitude_c", "noise_c", "coldest_day",
                  "coldest_hour", "wet_bulb_depression_c", "seed", "dry_bulb", "wet_bulb"});
  if (not c.is_object()) {
    site.error("climate", "expected a climate preset name (" + presets +
                              "), synthetic parameters {\"mean_c\", ...} or {\"dry_bulb\": series}, found " +
                              describe_json(*v));
    return nullptr;
  }
  const std::size_t problems = site.diagnostics().size();
  if (c.has("dry_bulb") || c.has("wet_bulb")) {
    for (const char* k : {"preset", "mean_c", "annual_amplitude_c", "diurnal_amplitude_c", "noise_c", "coldest_day",
                          "coldest_hour", "wet_bulb_depression_c", "seed"})
      if (c.has(k))
        c.error(k, "a climate is either series (\"dry_bulb\", \"wet_bulb\") or synthetic parameters (expected one "
                   "form)");
    const auto series = [&](const char* key, Need need) -> std::optional<StepFunction> {
      const auto* sv = c.value(key, need);
      if (sv != nullptr && not sv->is_object())
        c.error(key, "expected a series ({\"csv\": FILE, ...} or time-of-use periods), found " + describe_json(*sv));
      return sv != nullptr ? read_series(c, key, MAX_TEMPERATURE_C, base_dir, MIN_TEMPERATURE_C) : std::nullopt;
    };
    auto dry = series("dry_bulb", Need::REQUIRED);
    auto wet = series("wet_bulb", Need::OPTIONAL);
    // The meter integrates a weather-driven hall step by step: temperatures at most every 10 minutes (hourly
    // weather data is the norm), so no file can make a run take a step per second of simulated time.
    const auto check_steps = [&](const std::optional<StepFunction>& f, const char* key) {
      if (not f)
        return;
      const auto& t = f->times();
      for (std::size_t i = 0; i < t.size(); i++) {
        const double next = i + 1 < t.size() ? t[i + 1] : f->period_s() > 0 ? f->period_s() : INF;
        if (next - t[i] < MIN_TEMPERATURE_STEP_S) {
          c.error(key, fmt::format("a temperature lasting {:g} s from t = {:g} s (expected steps at least {:g} s "
                                   "apart: resample to 10-minute or hourly values)",
                                   next - t[i], t[i], MIN_TEMPERATURE_STEP_S));
          return;
        }
      }
    };
    check_steps(dry, "dry_bulb");
    check_steps(wet, "wet_bulb");
    if (site.diagnostics().size() > problems || not dry)
      return nullptr;
    return std::make_shared<const Climate>(Climate{std::move(*dry), std::move(wet)});
  }
  SyntheticClimate spec;
  if (c.has("preset")) {
    const auto preset = preset_named(c, "preset");
    if (not preset)
      return nullptr;
    spec = *preset;
  } else
    for (const char* k : {"mean_c", "annual_amplitude_c"})
      if (not c.has(k))
        c.error(k, "required without a \"preset\" (expected a number, deg C)");
  constexpr double SPAN_C = MAX_TEMPERATURE_C - MIN_TEMPERATURE_C;
  spec.mean_c = c.number("mean_c", Need::OPTIONAL, MIN_TEMPERATURE_C, MAX_TEMPERATURE_C).value_or(spec.mean_c);
  spec.annual_amplitude_c =
      c.number("annual_amplitude_c", Need::OPTIONAL, 0, SPAN_C / 2).value_or(spec.annual_amplitude_c);
  spec.diurnal_amplitude_c =
      c.number("diurnal_amplitude_c", Need::OPTIONAL, 0, SPAN_C / 2).value_or(spec.diurnal_amplitude_c);
  spec.noise_c = c.number("noise_c", Need::OPTIONAL, 0, SPAN_C / 4).value_or(spec.noise_c);
  spec.coldest_day = c.number("coldest_day", Need::OPTIONAL, 0, 365).value_or(spec.coldest_day);
  spec.coldest_hour = c.number("coldest_hour", Need::OPTIONAL, 0, 24).value_or(spec.coldest_hour);
  spec.wet_bulb_depression_c =
      c.number("wet_bulb_depression_c", Need::OPTIONAL, 0, SPAN_C / 2).value_or(spec.wet_bulb_depression_c);
  const auto own_seed = c.integer("seed", Need::OPTIONAL, 0, INT64_MAX);
  if (site.diagnostics().size() > problems)
    return nullptr;
  return synthetic(c, spec, own_seed ? static_cast<std::uint64_t>(*own_seed) : seed, own_seed.has_value(), cache);
}

//! A site's "nodes": a node list file (openb) turned into rack groups of identical nodes, in first-appearance order.
void read_node_list(const ObjectReader& root, const ObjectReader& site, SiteSpec& spec, Scenario& s)
{
  ObjectReader nl(*site.value("nodes", Need::REQUIRED), site.pointer_of("nodes"), root.file(), root.diagnostics(),
                  {"format", "path", "options", "base_power_w"});
  const auto format = nl.string("format", Need::REQUIRED);
  const auto path = nl.string("path", Need::REQUIRED);
  const double base_w = nl.number("base_power_w", Need::OPTIONAL, 0, MAX_POWER_W).value_or(0);
  const auto* options = nl.value("options", Need::OPTIONAL);
  if (format && *format != "openb")
    nl.error("format", "unknown node list format \"" + *format + "\" (expected \"openb\")");
  if (not format || *format != "openb" || not path)
    return;
  std::filesystem::path file(*path);
  if (file.is_relative() && not root.file().empty())
    file = std::filesystem::path(root.file()).parent_path() / file;
  ImportReport report;
  std::vector<NodeRecord> nodes;
  try {
    nodes = import_openb_nodes(file.string(), options != nullptr ? *options : nlohmann::json(), report);
  } catch (const InputError& e) {
    root.diagnostics().add(e);
    return;
  }
  std::map<std::tuple<std::string, std::uint32_t, std::uint32_t, double>, std::size_t> group_of;
  const std::size_t first_group = spec.rack_groups.size();
  for (const auto& n : nodes) {
    if (s.find_accelerator(n.model) < 0) {
      root.diagnostics().add(file.string(), fmt::format("line {}", n.line),
                             "unknown GPU model \"" + n.model +
                                 "\" (expected an accelerator type of /accelerators, or a mapping in "
                                 "options.models)");
      continue;
    }
    const auto key = std::make_tuple(n.model, n.gpus, n.cpu_milli, n.memory_mib);
    auto [it, added] = group_of.try_emplace(key, spec.rack_groups.size());
    if (added) {
      RackGroupSpec g;
      g.name = fmt::format("{}x{}-{}c-{}g", n.model, n.gpus, n.cpu_milli / 1000, std::llround(n.memory_mib / 1024));
      g.racks = 1;
      g.node = NodeSpec{n.model, n.gpus, base_w, base_w, n.cpu_milli, n.memory_mib};
      spec.rack_groups.push_back(std::move(g));
    }
    spec.rack_groups[it->second].nodes_per_rack++;
  }
  if (spec.rack_groups.size() == first_group && root.diagnostics().empty())
    nl.error("path", "the node list has no node with GPUs (expected at least one)");
  s.node_reports.push_back(std::move(report));
}

//! "online_s" and "offline_s" of a site or rack group (docs/scenario.md "Platform over time").
void read_service_dates(const ObjectReader& obj, double& online_s, double& offline_s)
{
  online_s = obj.number("online_s", Need::OPTIONAL, 0, MAX_TIME_S).value_or(0);
  offline_s = obj.number("offline_s", Need::OPTIONAL, 0, MAX_TIME_S, true).value_or(INF);
  if (offline_s <= online_s)
    obj.error("offline_s", fmt::format("retirement at {:g} s is not after commissioning at {:g} s (expected "
                                       "offline_s > online_s)",
                                       offline_s, online_s));
}

//! A site's service dates and maintenance windows, folded into its rack groups: a group is in service while both it
//! and its site are; a window without "rack_groups" drains every group of the site.
void read_site_service(const ObjectReader& site, SiteSpec& spec)
{
  double online_s = 0, offline_s = INF;
  read_service_dates(site, online_s, offline_s);
  for (auto& g : spec.rack_groups) {
    const double on = std::max(g.online_s, online_s), off = std::min(g.offline_s, offline_s);
    if (off <= on && g.offline_s > g.online_s && offline_s > online_s)
      site.error_here(fmt::format("rack group \"{}\" is never in service: in service from {:g} s to {:g} s, its site "
                                  "from {:g} s to {:g} s (expected overlapping dates)",
                                  g.name, g.online_s, g.offline_s, online_s, offline_s));
    g.online_s = on;
    g.offline_s = std::max(off, on);
  }
  std::size_t windows = 0;
  for_each_element(site, "maintenance", Need::OPTIONAL, [&](const nlohmann::json& wv, const std::string& wptr) {
    ObjectReader w(wv, wptr, site.file(), site.diagnostics(), {"start_s", "end_s", "rack_groups"});
    if (++windows > MAX_PLATFORM_CHANGES) {
      if (windows == MAX_PLATFORM_CHANGES + 1)
        w.error_here(fmt::format("more than {} maintenance windows in one site (expected at most {})",
                                 MAX_PLATFORM_CHANGES, MAX_PLATFORM_CHANGES));
      return;
    }
    const auto start = w.number("start_s", Need::REQUIRED, 0, MAX_TIME_S);
    const auto end = w.number("end_s", Need::REQUIRED, 0, MAX_TIME_S);
    if (not start || not end)
      return;
    if (*end <= *start) {
      w.error("end_s", fmt::format("the window ends at {:g} s, not after its start at {:g} s (expected end_s > "
                                   "start_s)",
                                   *end, *start));
      return;
    }
    std::vector<std::size_t> groups;
    if (const auto* names = w.value("rack_groups", Need::OPTIONAL)) {
      for_each_element(w, "rack_groups", Need::OPTIONAL, [&](const nlohmann::json& nv, const std::string& nptr) {
        const auto it = std::find_if(spec.rack_groups.begin(), spec.rack_groups.end(), [&](const RackGroupSpec& g) {
          return nv.is_string() && g.name == nv.get<std::string>();
        });
        if (it == spec.rack_groups.end()) {
          std::string known;
          for (const auto& g : spec.rack_groups)
            known += (known.empty() ? "\"" : ", \"") + g.name + "\"";
          site.diagnostics().add(site.file(), nptr,
                                 "unknown rack group " +
                                     (nv.is_string() ? "\"" + nv.get<std::string>() + "\"" : describe_json(nv)) +
                                     " (expected one of this site's: " + known + ")");
        } else {
          groups.push_back(static_cast<std::size_t>(it - spec.rack_groups.begin()));
        }
      });
      if (names->is_array() && names->empty())
        w.error("rack_groups", "expected at least one rack group name (or no \"rack_groups\": every group)");
    } else {
      for (std::size_t g = 0; g < spec.rack_groups.size(); g++)
        groups.push_back(g);
    }
    for (const std::size_t g : groups)
      spec.rack_groups[g].maintenance.emplace_back(*start, *end);
  });
}

void read_sites(const ObjectReader& root, Scenario& s)
{
  std::set<std::string> site_names;
  ClimateCache climates;
  for_each_element(root, "sites", Need::REQUIRED, [&](const nlohmann::json& value, const std::string& ptr) {
    ObjectReader site(value, ptr, root.file(), root.diagnostics(),
                      {"name", "region", "racks", "nodes", "pue", "electricity_price_per_kwh", "carbon_kg_per_kwh",
                       "cooling", "climate", "online_s", "offline_s", "maintenance"});
    SiteSpec spec;
    spec.name = site.string("name", Need::REQUIRED).value_or("");
    spec.cooling = site.string("cooling", Need::OPTIONAL).value_or("air");
    spec.region = site.string("region", Need::REQUIRED).value_or("");
    spec.pue = read_pue(site);
    // A number, or a series over time (docs/scenario.md "Tariffs and carbon over time"): policies see its mean.
    const std::string base_dir =
        root.file().empty() ? std::string(".") : std::filesystem::path(root.file()).parent_path().string();
    spec.climate = read_climate(site, base_dir.empty() ? "." : base_dir, s.seed, climates);
    const auto price_or_series = [&](const char* key, double max, std::optional<StepFunction>& series) {
      const auto* v = site.value(key, Need::OPTIONAL);
      if (v != nullptr && v->is_object()) {
        series = read_series(site, key, max, base_dir.empty() ? "." : base_dir);
        return series ? series->mean() : 0.0;
      }
      if (v != nullptr && not v->is_number()) {
        site.error(key, "expected a number >= 0 or a series ({\"daily\": [...]} time-of-use periods, or "
                        "{\"csv\": FILE}), found " +
                            describe_json(*v));
        return 0.0;
      }
      return site.number(key, Need::OPTIONAL, 0, max).value_or(0);
    };
    spec.price_per_kwh = price_or_series("electricity_price_per_kwh", MAX_PRICE_PER_KWH, spec.price_series);
    spec.carbon_kg_per_kwh = price_or_series("carbon_kg_per_kwh", MAX_CARBON_KG_PER_KWH, spec.carbon_series);
    if (not spec.name.empty() && not site_names.insert(spec.name).second)
      site.error("name", "duplicate site name \"" + spec.name + "\" (expected unique site names)");
    // A weather-driven PUE follows the site's climate: it needs one (with wet-bulb temperatures when it follows them).
    const auto check_weather = [&](const PueCurve& pue, const std::string& pointer) {
      if (not pue.cooling)
        return;
      if (not spec.climate && not site.has("climate"))
        site.diagnostics().add(site.file(), pointer,
                               "a weather-driven PUE follows the outdoor temperature: expected the site's \"climate\" "
                               "(a preset such as \"shanghai\", synthetic parameters or a temperature series)");
      else if (spec.climate && pue.cooling->wet_bulb && not spec.climate->wet_bulb_c)
        site.diagnostics().add(site.file(), pointer,
                               "this cooling follows the wet-bulb temperature: expected \"wet_bulb\" in the site's "
                               "climate series (or a synthetic climate, whose wet_bulb_depression_c gives it)");
    };
    std::set<std::string> group_names;
    if (not site.has("racks") && not site.has("nodes"))
      site.error_here("expected \"racks\" (rack groups) or \"nodes\" (a node list file), found neither");
    for_each_element(site, "racks", Need::OPTIONAL, [&](const nlohmann::json& gv, const std::string& gptr) {
      ObjectReader group(gv, gptr, root.file(), root.diagnostics(),
                         {"name", "count", "nodes_per_rack", "node", "power_cap_kw", "pue", "online_s", "offline_s",
                          "power_cap_changes"});
      RackGroupSpec g;
      g.name = group.string("name", Need::OPTIONAL).value_or("r" + std::to_string(spec.rack_groups.size()));
      if (not group_names.insert(g.name).second)
        group.error("name", "duplicate rack group name \"" + g.name + "\" in site (expected unique names)");
      g.racks = static_cast<std::uint32_t>(group.integer("count", Need::REQUIRED, 1, MAX_COUNT).value_or(0));
      g.nodes_per_rack =
          static_cast<std::uint32_t>(group.integer("nodes_per_rack", Need::REQUIRED, 1, MAX_COUNT).value_or(0));
      if (const auto* nv = group.value("node", Need::REQUIRED)) {
        ObjectReader node(
            *nv, group.pointer_of("node"), root.file(), root.diagnostics(),
            {"accelerator", "count", "base_power_w", "cpu_milli", "memory_mib", "nic_gbps", "intra_node_gbps"});
        g.node.accelerator = node.string("accelerator", Need::REQUIRED).value_or("");
        if (not g.node.accelerator.empty() && s.find_accelerator(g.node.accelerator) < 0) {
          std::string known;
          for (const auto& a : s.accelerators)
            known += (known.empty() ? "" : ", ") + a.name;
          node.error("accelerator", "unknown accelerator type \"" + g.node.accelerator +
                                        "\" (expected a name from /accelerators: " + known + ")");
        }
        g.node.accelerators =
            static_cast<std::uint32_t>(node.integer("count", Need::REQUIRED, 1, MAX_ACCELERATORS_PER_NODE).value_or(0));
        // Node power besides accelerators: one figure, or idle and busy (linear in its busy accelerators).
        if (const auto* bv = node.value("base_power_w", Need::OPTIONAL); bv != nullptr && bv->is_object()) {
          ObjectReader base(*bv, node.pointer_of("base_power_w"), root.file(), root.diagnostics(), {"idle", "busy"});
          g.node.base_power_w = base.number("idle", Need::REQUIRED, 0, MAX_POWER_W).value_or(0);
          g.node.base_busy_power_w = base.number("busy", Need::REQUIRED, 0, MAX_POWER_W).value_or(0);
          if (g.node.base_busy_power_w < g.node.base_power_w)
            base.error("busy", fmt::format("busy base power {:g} W is below idle base power {:g} W (expected at "
                                           "least the idle figure)",
                                           g.node.base_busy_power_w, g.node.base_power_w));
        } else {
          g.node.base_power_w = node.number("base_power_w", Need::OPTIONAL, 0, MAX_POWER_W).value_or(0);
          g.node.base_busy_power_w = g.node.base_power_w;
        }
        g.node.cpu_milli =
            static_cast<std::uint32_t>(node.integer("cpu_milli", Need::OPTIONAL, 0, MAX_COUNT).value_or(0));
        g.node.memory_mib = node.number("memory_mib", Need::OPTIONAL, 0, INF).value_or(0);
        // This node type's network, when it differs from the fabric's (PCIe L40S, HCCS 910B, NVLink H100 nodes).
        g.node.nic_Bps = bandwidth_Bps(node, "nic_gbps", 0);
        g.node.intra_node_Bps = bandwidth_Bps(node, "intra_node_gbps", 0);
      }
      // The rack must at least power all its nodes idle (under every cap it is given).
      const auto check_cap = [&](const ObjectReader& at, double cap_kw) {
        if (const int a = s.find_accelerator(g.node.accelerator); a >= 0 && g.nodes_per_rack > 0) {
          const auto& acc = s.accelerators[static_cast<std::size_t>(a)];
          const double node_idle_w = g.node.base_power_w + g.node.accelerators * acc.idle_w;
          const double rack_idle_w = g.nodes_per_rack * node_idle_w;
          if (cap_kw * KILO < rack_idle_w)
            at.error("power_cap_kw",
                     fmt::format("cap {} kW is below the rack's idle power {} kW ({} nodes x (base {} W + {} x {} "
                                 "W idle)); expected at least {} kW",
                                 cap_kw, rack_idle_w / KILO, g.nodes_per_rack, g.node.base_power_w, g.node.accelerators,
                                 acc.idle_w, rack_idle_w / KILO));
        }
      };
      if (const auto cap_kw = group.number("power_cap_kw", Need::OPTIONAL, 0, MAX_POWER_W / KILO, true)) {
        g.power_cap_w = *cap_kw * KILO;
        check_cap(group, *cap_kw);
      }
      if (group.has("pue")) {
        g.pue = read_pue(group);
        check_weather(*g.pue, group.pointer_of("pue"));
      }
      read_service_dates(group, g.online_s, g.offline_s);
      for_each_element(
          group, "power_cap_changes", Need::OPTIONAL, [&](const nlohmann::json& cv, const std::string& cptr) {
            ObjectReader change(cv, cptr, root.file(), root.diagnostics(), {"at_s", "power_cap_kw"});
            const auto at = change.number("at_s", Need::REQUIRED, 0, MAX_TIME_S, true);
            const auto cap_kw = change.number("power_cap_kw", Need::REQUIRED, 0, MAX_POWER_W / KILO, true);
            if (not at || not cap_kw)
              return;
            if (g.cap_changes.size() >= MAX_PLATFORM_CHANGES) {
              change.error_here(fmt::format("more than {} power-cap changes in one rack group (expected at most {})",
                                            MAX_PLATFORM_CHANGES, MAX_PLATFORM_CHANGES));
              return;
            }
            if (not g.cap_changes.empty() && *at <= g.cap_changes.back().at_s)
              change.error("at_s", fmt::format("{:g} s is not after the previous change at {:g} s (expected changes in "
                                               "ascending order of at_s)",
                                               *at, g.cap_changes.back().at_s));
            check_cap(change, *cap_kw);
            g.cap_changes.push_back({*at, *cap_kw * KILO});
          });
      spec.rack_groups.push_back(std::move(g));
    });
    if (site.has("racks") && spec.rack_groups.empty())
      site.error("racks", "expected at least one rack group");
    read_site_service(site, spec);
    check_weather(spec.pue, site.pointer_of("pue"));
    if (site.has("nodes"))
      read_node_list(root, site, spec, s);
    s.sites.push_back(std::move(spec));
  });
  if (root.has("sites") && s.sites.empty())
    root.error("sites", "expected at least one site");
  // Checked before anything is allocated per node.
  // In double: racks x nodes x accelerators can exceed 64 bits, and only the comparison matters.
  double nodes = 0;
  double accelerators = 0;
  for (const auto& site : s.sites)
    for (const auto& g : site.rack_groups) {
      const double n = static_cast<double>(g.racks) * g.nodes_per_rack;
      nodes += n;
      accelerators += n * g.node.accelerators;
    }
  if (nodes > static_cast<double>(MAX_PLATFORM_NODES) || accelerators > static_cast<double>(MAX_PLATFORM_ACCELERATORS))
    root.error("sites", fmt::format("the platform has {} nodes and {} accelerators (expected at most {} nodes and {} "
                                    "accelerators)",
                                    nodes, accelerators, MAX_PLATFORM_NODES, MAX_PLATFORM_ACCELERATORS));
}

//! "network": hubs, inter-site links (tier, bandwidth, optional one-way latency) and the fabric.
void read_network(const ObjectReader& root, Scenario& s)
{
  const auto* v = root.value("network", Need::OPTIONAL);
  if (v == nullptr)
    return;
  ObjectReader net(*v, root.pointer_of("network"), root.file(), root.diagnostics(),
                   {"tiers", "hubs", "links", "fabric", "transfers"});
  NetworkSpec& spec = s.network;
  if (const auto* tv = net.value("tiers", Need::OPTIONAL)) {
    ObjectReader tiers(*tv, net.pointer_of("tiers"), root.file(), root.diagnostics(),
                       {TIER_NAMES[0], TIER_NAMES[1], TIER_NAMES[2]});
    for (std::size_t t = 0; t < TIER_COUNT; t++)
      if (const auto* one = tiers.value(TIER_NAMES[t], Need::OPTIONAL)) {
        ObjectReader tier(*one, tiers.pointer_of(TIER_NAMES[t]), root.file(), root.diagnostics(), {"rtt_ms"});
        spec.tier_rtt_s[t] = tier.number("rtt_ms", Need::REQUIRED, 0, MAX_TIME_S * KILO, true).value_or(1) / KILO;
      }
  }
  std::set<std::string, std::less<>> names;
  for (const auto& site : s.sites)
    names.insert(site.name);
  for_each_element(net, "hubs", Need::OPTIONAL, [&](const nlohmann::json& h, const std::string& ptr) {
    if (not h.is_string() || h.get_ref<const std::string&>().empty())
      root.diagnostics().add(root.file(), ptr, "expected a hub name (a non-empty string), found " + describe_json(h));
    else if (not names.insert(h.get<std::string>()).second)
      root.diagnostics().add(root.file(), ptr,
                             "duplicate name \"" + h.get<std::string>() +
                                 "\" (expected hub names unique among sites "
                                 "and hubs)");
    else
      spec.hubs.push_back(h.get<std::string>());
  });
  for_each_element(net, "links", Need::OPTIONAL, [&](const nlohmann::json& lv, const std::string& ptr) {
    ObjectReader l(lv, ptr, root.file(), root.diagnostics(), {"from", "to", "tier", "bandwidth_gbps", "latency_ms"});
    LinkSpec link;
    for (const char* end : {"from", "to"}) {
      const auto name = l.string(end, Need::REQUIRED);
      if (name && not names.contains(*name)) {
        std::string known;
        for (const auto& n : names)
          known += (known.empty() ? "" : ", ") + n;
        l.error(end, "\"" + *name + "\" is not a site or hub (expected one of: " + known + ")");
      }
      (std::string_view(end) == "from" ? link.from : link.to) = name.value_or("");
    }
    if (not link.from.empty() && link.from == link.to)
      l.error("to", "a link joins two different places (expected \"to\" other than \"from\")");
    if (const auto tier = l.string("tier", Need::REQUIRED)) {
      if (const auto t = enum_from_name<Tier>(TIER_NAMES, *tier))
        link.tier = *t;
      else
        l.error("tier", "unknown tier \"" + *tier + "\" (expected one of: " + names_list(TIER_NAMES) + ")");
    }
    link.bandwidth_Bps =
        l.number("bandwidth_gbps", Need::REQUIRED, MIN_BANDWIDTH_GBPS, MAX_BANDWIDTH_GBPS).value_or(1) * GIGA /
        BITS_PER_BYTE;
    link.latency_s = l.has("latency_ms")
                         ? l.number("latency_ms", Need::REQUIRED, 0, MAX_TIME_S * KILO, true).value_or(1) / KILO
                         : spec.tier_rtt_s[static_cast<std::size_t>(link.tier)] / 2;
    spec.links.push_back(std::move(link));
  });
  if (const auto* fv = net.value("fabric", Need::OPTIONAL)) {
    ObjectReader f(*fv, net.pointer_of("fabric"), root.file(), root.diagnostics(),
                   {"hop_latency_us", "nic_gbps", "intra_node_latency_us", "intra_node_gbps", "rack_oversubscription",
                    "storage_gbps"});
    FabricSpec& fab = spec.fabric;
    constexpr double MICRO = 1e-6;
    fab.hop_latency_s =
        f.number("hop_latency_us", Need::OPTIONAL, 0, MAX_TIME_S / MICRO, true).value_or(fab.hop_latency_s / MICRO) *
        MICRO;
    fab.intra_node_latency_s = f.number("intra_node_latency_us", Need::OPTIONAL, 0, MAX_TIME_S / MICRO, true)
                                   .value_or(fab.intra_node_latency_s / MICRO) *
                               MICRO;
    fab.nic_Bps = bandwidth_Bps(f, "nic_gbps", fab.nic_Bps);
    fab.intra_node_Bps = bandwidth_Bps(f, "intra_node_gbps", fab.intra_node_Bps);
    fab.storage_Bps = bandwidth_Bps(f, "storage_gbps", fab.storage_Bps);
    fab.rack_oversubscription = f.number("rack_oversubscription", Need::OPTIONAL, 1, INF).value_or(1);
  }
  if (const auto* tv = net.value("transfers", Need::OPTIONAL)) {
    ObjectReader t(*tv, net.pointer_of("transfers"), root.file(), root.diagnostics(), {"tcp_window_mib", "streams"});
    TransferSpec& tr = spec.transfers;
    constexpr double MIB = 1024.0 * 1024;
    tr.tcp_window_bytes = t.number("tcp_window_mib", Need::OPTIONAL, MIN_TCP_WINDOW_MIB, MAX_TCP_WINDOW_MIB)
                              .value_or(tr.tcp_window_bytes / MIB) *
                          MIB;
    tr.streams = static_cast<std::uint32_t>(t.integer("streams", Need::OPTIONAL, 1, MAX_STREAMS).value_or(tr.streams));
  }
}

//! A workload field given once for every job class or as an object of class -> value: `read(at, key)` reads one
//! value and `set(class, value)` keeps it.
template <typename Read, typename Set>
void read_per_class(const ObjectReader& w, const char* key, Read read, Set set)
{
  const auto* v = w.value(key, Need::OPTIONAL);
  if (v == nullptr)
    return;
  if (not v->is_object()) {
    if (const auto value = read(w, key))
      for (std::size_t c = 0; c < JOB_CLASS_NAMES.size(); c++)
        set(c, *value);
    return;
  }
  ObjectReader by_class(*v, w.pointer_of(key), w.file(), w.diagnostics(), {"training", "inference", "hpc"});
  for (std::size_t c = 0; c < JOB_CLASS_NAMES.size(); c++) {
    const std::string name(JOB_CLASS_NAMES[c]);
    if (by_class.has(name.c_str()))
      if (const auto value = read(by_class, name.c_str()))
        set(c, *value);
  }
}

//! "duration_reference": the accelerator type durations were measured on; "activity": the power activity of jobs
//! that do not give theirs. Each is one value for every class or an object of job class -> value.
void read_per_class_fields(const ObjectReader& w, Scenario& s)
{
  std::string known;
  for (const auto& a : s.accelerators)
    known += (known.empty() ? "" : ", ") + a.name;
  read_per_class(
      w, "duration_reference",
      [&](const ObjectReader& at, const char* key) -> std::optional<std::string> {
        if (const auto* v = at.value(key, Need::REQUIRED); v != nullptr && not v->is_string()) {
          at.error(key, "expected an accelerator type name or an object of job class -> type name, found " +
                            describe_json(*v));
          return std::nullopt;
        }
        const auto name = at.string(key, Need::REQUIRED);
        if (name && s.find_accelerator(*name) < 0) {
          at.error(key, "unknown accelerator type \"" + *name +
                            "\" (expected a catalog or /accelerators name: " + known + ")");
          return std::nullopt;
        }
        return name;
      },
      [&](std::size_t c, const std::string& name) { s.workload.duration_reference[c] = name; });
  read_per_class(
      w, "activity", [](const ObjectReader& at, const char* key) { return at.number(key, Need::REQUIRED, 0, 1, true); },
      [&](std::size_t c, double a) { s.workload.activity[c] = a; });
}

//! The workload section: inline jobs (read here), a trace to import or a generator to run (both in prepare).
void read_workload(const ObjectReader& root, Scenario& s)
{
  const auto* wv = root.value("workload", Need::REQUIRED);
  if (wv == nullptr)
    return;
  WorkloadSpec& spec = s.workload;
  const std::int64_t min_accelerators = s.scheduler.mode == SchedulerMode::FILL ? 0 : 1;
  if (wv->is_object() && wv->contains("format")) {
    ObjectReader w(
        *wv, root.pointer_of("workload"), root.file(), root.diagnostics(),
        {"format", "path", "options", "defaults", "duration_reference", "activity", "time_scale", "load_scale"});
    spec.source = WorkloadSpec::Source::TRACE;
    spec.time_scale = w.number("time_scale", Need::OPTIONAL, 0, 1000, true).value_or(1);
    spec.load_scale = w.number("load_scale", Need::OPTIONAL, 0, 100, true).value_or(1);
    read_per_class_fields(w, s);
    const auto format = w.string("format", Need::REQUIRED);
    const auto path = w.string("path", Need::REQUIRED);
    if (const auto* options = w.value("options", Need::OPTIONAL))
      spec.options = *options;
    // Defaults for what trace records do not carry: read as a job with only these fields.
    if (const auto* d = w.value("defaults", Need::OPTIONAL)) {
      nlohmann::json as_job = d->is_object() ? *d : nlohmann::json::object();
      if (not d->is_object())
        w.error("defaults", "expected an object of job fields, found " + describe_json(*d));
      for (const char* k : {"id", "submit_s", "accelerators", "duration_s", "work_flop", "walltime_s", "priority",
                            "gpu_milli", "cpu_milli", "host_memory_mib"})
        if (as_job.contains(k))
          w.error("defaults", std::string("\"") + k +
                                  "\" comes from the trace (expected only class, precision, "
                                  "efficiency, activity, accept, memory_gib, tenant, data_site, data_bytes, "
                                  "comm_share, allreduce_bytes, span_sites)");
      for (const auto& [k, _] : as_job.items())
        spec.defaults_given.push_back(k);
      as_job.update({{"id", "defaults"}, {"submit_s", 0}, {"accelerators", 1}, {"duration_s", 0}});
      spec.defaults = read_job_json(as_job, w.pointer_of("defaults"), root.file(), root.diagnostics());
    }
    if (not format || not path)
      return;
    spec.format = *format;
    // A relative path is relative to the scenario file's folder.
    std::filesystem::path trace(*path);
    if (trace.is_relative() && not root.file().empty())
      trace = std::filesystem::path(root.file()).parent_path() / trace;
    spec.path = trace.string();
    if (*format == "ccsim") {
      // A ccsim workload file (`ccsim workload convert` writes them): every job field is in it.
      if (w.has("options"))
        w.error("options", "the ccsim format takes no options (expected none)");
      if (w.has("defaults"))
        w.error("defaults", "a ccsim workload file carries every job field (expected no defaults)");
    } else if (std::find(TRACE_FORMATS.begin(), TRACE_FORMATS.end(), *format) == TRACE_FORMATS.end()) {
      w.error("format", "unknown workload format \"" + *format + "\" (expected one of: ccsim, " +
                            names_list(TRACE_FORMATS) + ")");
    }
    return;
  }
  if (wv->is_object() && wv->contains("generate")) {
    ObjectReader w(*wv, root.pointer_of("workload"), root.file(), root.diagnostics(),
                   {"generate", "duration_reference", "activity"});
    read_per_class_fields(w, s);
    ObjectReader g(*w.value("generate", Need::REQUIRED), w.pointer_of("generate"), root.file(), root.diagnostics(),
                   {"seed", "jobs", "horizon_s", "arrival", "mix", "tenants"});
    const std::string base_dir =
        root.file().empty() ? std::string(".") : std::filesystem::path(root.file()).parent_path().string();
    spec.source = WorkloadSpec::Source::GENERATE;
    spec.generator = read_generator(g, base_dir.empty() ? std::string(".") : base_dir);
    return;
  }
  ObjectReader w(*wv, root.pointer_of("workload"), root.file(), root.diagnostics(),
                 {"jobs", "source", "duration_reference", "activity", "step_tables"});
  read_per_class_fields(w, s);
  // Measured step times by name (docs/workloads.md): CSV files relative to the scenario's folder.
  if (const auto* tables = w.value("step_tables", Need::OPTIONAL)) {
    if (not tables->is_object() || tables->empty())
      w.error("step_tables", "expected an object of table name -> CSV file, found " + describe_json(*tables));
    else
      for (const auto& [name, file] : tables->items()) {
        const std::string at = w.pointer_of("step_tables") + "/" + name;
        if (not file.is_string() || file.get_ref<const std::string&>().empty()) {
          root.diagnostics().add(root.file(), at, "expected the path of a CSV file, found " + describe_json(file));
          continue;
        }
        const auto dir =
            root.file().empty() ? std::filesystem::path(".") : std::filesystem::path(root.file()).parent_path();
        try {
          spec.step_tables[name] = read_step_table(name, (dir / file.get<std::string>()).lexically_normal().string());
        } catch (const InputError& e) {
          root.diagnostics().add(e);
        }
      }
  }
  const auto* jobs = w.value("jobs", Need::REQUIRED);
  if (jobs == nullptr)
    return;
  if (not jobs->is_array()) {
    w.error("jobs", "expected an array of jobs, found " + describe_json(*jobs));
    return;
  }
  spec.source = WorkloadSpec::Source::INLINE;
  spec.jobs.reserve(jobs->size());
  const std::string base = w.pointer_of("jobs");
  for (std::size_t i = 0; i < jobs->size(); i++)
    spec.jobs.push_back(read_job_json((*jobs)[i], base + "/" + std::to_string(i), root.file(), root.diagnostics(),
                                      min_accelerators, &spec.step_tables));
  check_unique_ids(spec.jobs, root.file(), root.diagnostics(),
                   [&base](std::size_t i) { return base + "/" + std::to_string(i) + "/id"; });
}

void read_scheduler(const ObjectReader& root, Scenario& s)
{
  const auto* v = root.value("scheduler", Need::OPTIONAL);
  if (v == nullptr)
    return;
  ObjectReader sch(*v, root.pointer_of("scheduler"), root.file(), root.diagnostics(),
                   {"mode", "queue", "placement", "kill_at_walltime", "queue_params", "placement_params", "fill",
                    "staging", "span_sites", "shift"});
  if (const auto mode = sch.string("mode", Need::OPTIONAL)) {
    if (*mode == "fill")
      s.scheduler.mode = SchedulerMode::FILL;
    else if (*mode != "events")
      sch.error("mode", "unknown scheduler mode \"" + *mode + "\" (expected \"events\" or \"fill\")");
  }
  const bool fill = s.scheduler.mode == SchedulerMode::FILL;
  if (fill) {
    s.scheduler.placement_policy = "fgd";
    for (const char* key : {"queue", "queue_params", "kill_at_walltime"})
      if (sch.has(key))
        sch.error(key, "fill mode has no queue: tasks are placed once, in arrival order (expected no \"" +
                           std::string(key) + "\" with mode \"fill\")");
  }
  if (const auto* fv = sch.value("fill", Need::OPTIONAL)) {
    if (not fill)
      sch.error("fill", "fill parameters need \"mode\": \"fill\"");
    ObjectReader f(*fv, sch.pointer_of("fill"), root.file(), root.diagnostics(),
                   {"demand_ratio", "step_percent", "node_ties"});
    s.scheduler.fill.demand_ratio = f.number("demand_ratio", Need::OPTIONAL, 0, 100, true).value_or(1.3);
    s.scheduler.fill.step_percent = f.number("step_percent", Need::OPTIONAL, 0.01, 100).value_or(1);
    if (const auto ties = f.string("node_ties", Need::OPTIONAL)) {
      if (*ties == "first")
        s.scheduler.fill.node_ties = NodeTies::FIRST;
      else if (*ties != "random")
        f.error("node_ties", "unknown tie rule \"" + *ties + "\" (expected \"random\" or \"first\")");
    }
  }
  s.scheduler.queue_policy = sch.string("queue", Need::OPTIONAL).value_or(s.scheduler.queue_policy);
  s.scheduler.placement_policy = sch.string("placement", Need::OPTIONAL).value_or(s.scheduler.placement_policy);
  s.scheduler.kill_at_walltime = sch.boolean("kill_at_walltime", Need::OPTIONAL).value_or(false);
  s.scheduler.span_sites = sch.boolean("span_sites", Need::OPTIONAL).value_or(false);
  if (s.scheduler.span_sites && fill)
    sch.error("span_sites", "fill mode places each task on one node (expected no \"span_sites\" with mode \"fill\")");
  if (const auto staging = sch.string("staging", Need::OPTIONAL)) {
    if (*staging == "prefetch")
      s.scheduler.staging = StagingMode::PREFETCH;
    else if (*staging != "hold")
      sch.error("staging", "unknown staging mode \"" + *staging + "\" (expected \"hold\" or \"prefetch\")");
    if (fill)
      sch.error("staging", "fill mode moves no data (expected no \"staging\" with mode \"fill\")");
  }
  if (const auto shift = sch.string("shift", Need::OPTIONAL)) {
    if (*shift == "price")
      s.scheduler.shift = SchedulerSpec::Shift::PRICE;
    else if (*shift == "carbon")
      s.scheduler.shift = SchedulerSpec::Shift::CARBON;
    else if (*shift != "none")
      sch.error("shift", "unknown shift signal \"" + *shift + "\" (expected \"none\", \"price\" or \"carbon\")");
    if (fill)
      sch.error("shift", "fill mode has no queue to hold work back (expected no \"shift\" with mode \"fill\")");
    if (s.scheduler.shift != SchedulerSpec::Shift::NONE && s.scheduler.staging == StagingMode::PREFETCH)
      sch.error("shift", "shifting flexible work is not combined with prefetch staging (a held-back job's site is "
                         "chosen when it enters the queue; expected \"staging\": \"hold\" with \"shift\")");
  }
  for (const char* key : {"queue_params", "placement_params"}) {
    if (const auto* params = sch.value(key, Need::OPTIONAL)) {
      if (params->is_object())
        (std::string_view(key) == "queue_params" ? s.scheduler.queue_params : s.scheduler.placement_params) = *params;
      else
        sch.error(key, "expected an object of policy parameters, found " + describe_json(*params));
    }
  }
}

} // namespace

int Scenario::find_accelerator(std::string_view accelerator_name) const
{
  for (std::size_t i = 0; i < accelerators.size(); i++)
    if (accelerators[i].name == accelerator_name)
      return static_cast<int>(i);
  return -1;
}

namespace {

//! Empty if `name` can be the last component of a folder path on every system ccsim targets; else what is wrong.
std::string folder_name_problem(const std::string& name)
{
  if (name.size() > 200)
    return fmt::format("is {} bytes long", name.size());
  if (name == "." || name == "..")
    return "names the current or parent folder";
  if (name.find_first_of("/\\") != std::string::npos)
    return "contains a path separator";
  if (std::any_of(name.begin(), name.end(), is_control_char))
    return "contains a control character";
  return "";
}

//! Valid but probably not meant (Scenario::warnings): nodes whose base power is 0 count accelerators only.
void warn_about(Scenario& s)
{
  std::size_t zero_base = 0;
  std::string first;
  for (std::size_t i = 0; i < s.sites.size(); i++)
    for (const auto& g : s.sites[i].rack_groups)
      if (g.node.accelerators > 0 && g.node.base_power_w == 0 && g.node.base_busy_power_w == 0 && zero_base++ == 0)
        first = fmt::format("{} at site {}", g.name, s.sites[i].name);
  if (zero_base > 0)
    s.warnings.push_back(Diagnostic{
        s.file, "/sites",
        fmt::format("node base power is 0 in {} rack group{} (first: {}): IT power counts the accelerators only, "
                    "where a DGX H100 node draws about 4.6 kW besides its 8 x 700 W at full load (give "
                    "node.base_power_w, e.g. {{\"idle\": 1500, \"busy\": 4600}}; docs/model.md \"Power\")",
                    zero_base, zero_base == 1 ? "" : "s", first)});
}

} // namespace

namespace {

//! A number >= 0, or an object of such numbers by name: (the number, the map).
std::pair<double, std::map<std::string, double>> number_or_map(const ObjectReader& t, const char* key, const char* what)
{
  std::pair<double, std::map<std::string, double>> out{0, {}};
  const auto* v = t.value(key, Need::OPTIONAL);
  if (v == nullptr)
    return out;
  if (v->is_number() && v->get<double>() >= 0 && v->get<double>() <= 1e15) {
    out.first = v->get<double>();
    return out;
  }
  if (v->is_object() && not v->empty()) {
    for (const auto& [name, x] : v->items()) {
      if (x.is_number() && x.get<double>() >= 0 && x.get<double>() <= 1e15)
        out.second[name] = x.get<double>();
      else
        t.diagnostics().add(t.file(), pointer_append(t.pointer_of(key), name),
                            "expected a price >= 0 (at most 1e15), found " + describe_json(x));
    }
    return out;
  }
  t.error(key, std::string("expected a price >= 0 or an object of prices by ") + what + ", found " + describe_json(*v));
  return out;
}

TcoSpec read_tco(const ObjectReader& t, const Scenario& s)
{
  TcoSpec tco;
  tco.amortization_years = t.number("amortization_years", Need::REQUIRED, 0, 100, true).value_or(5);
  tco.maintenance_share_per_year = t.number("maintenance_share_per_year", Need::OPTIONAL, 0, 1).value_or(0);
  if (not t.has("accelerator_capex"))
    t.error_here("expected \"accelerator_capex\": a price per accelerator, or {type: price} for every type the "
                 "platform uses");
  std::tie(tco.accelerator_capex_all, tco.accelerator_capex) =
      number_or_map(t, "accelerator_capex", "accelerator type");
  if (not tco.accelerator_capex.empty())
    tco.accelerator_capex_all = -1;
  std::tie(tco.node_capex, tco.node_capex_by_type) = number_or_map(t, "node_capex", "accelerator type");
  tco.rack_capex = t.number("rack_capex", Need::OPTIONAL, 0, 1e15).value_or(0);
  std::tie(tco.facility_capex_per_kw, tco.facility_by_cooling) =
      number_or_map(t, "facility_capex_per_kw", "cooling type");
  // Every rack group's type has a price, and (keyed facility capex) every site's cooling type.
  for (const SiteSpec& site : s.sites) {
    for (const RackGroupSpec& g : site.rack_groups)
      if (not g.node.accelerator.empty() && tco.accelerator_capex_all < 0 &&
          not tco.accelerator_capex.contains(g.node.accelerator))
        t.error("accelerator_capex", "no price for " + g.node.accelerator + " (a type of site " + site.name + ")");
    if (not tco.facility_by_cooling.empty() && not tco.facility_by_cooling.contains(site.cooling))
      t.error("facility_capex_per_kw",
              "no price for cooling \"" + site.cooling + "\" (site " + site.name + "'s \"cooling\")");
  }
  return tco;
}

} // namespace

Scenario scenario_from_json(const nlohmann::json& doc, const std::string& file, const std::string& sha256)
{
  Diagnostics diags;
  ObjectReader root(doc, "", file, diags,
                    {"$schema", "name", "description", "seed", "currency", "accelerators", "sites", "workload",
                     "network", "scheduler", "output", "tco"});
  Scenario s;
  s.file = file;
  s.sha256 = sha256;
  if (not root.is_object())
    diags.throw_if_any();
  s.name = root.string("name", Need::OPTIONAL)
               .value_or(file.empty() ? std::string("scenario") : std::filesystem::path(file).stem().string());
  if (const auto* d = root.value("description", Need::OPTIONAL)) {
    if (d->is_string())
      s.description = d->get<std::string>();
    else
      root.error("description", "expected a string, found " + describe_json(*d));
  }
  s.seed = static_cast<std::uint64_t>(root.integer("seed", Need::OPTIONAL, 0, INT64_MAX).value_or(1));
  s.currency = root.string("currency", Need::OPTIONAL).value_or("");
  read_catalog(root, s);
  read_sites(root, s);
  read_network(root, s);
  read_scheduler(root, s); // first: the mode sets importer defaults
  read_workload(root, s);
  if (const auto* ov = root.value("output", Need::OPTIONAL)) {
    ObjectReader out(*ov, root.pointer_of("output"), file, diags,
                     {"dir", "timeseries_interval_s", "wait_causes", "wait_log", "window"});
    s.output.dir = out.string("dir", Need::OPTIONAL).value_or("");
    s.output.timeseries_interval_s = out.number("timeseries_interval_s", Need::OPTIONAL, 0, MAX_TIME_S).value_or(3600);
    s.output.wait_causes = out.boolean("wait_causes", Need::OPTIONAL);
    s.output.wait_log = out.boolean("wait_log", Need::OPTIONAL).value_or(true);
    if (const auto* wv = out.value("window", Need::OPTIONAL)) {
      ObjectReader w(*wv, out.pointer_of("window"), file, diags, {"start_s", "end_s"});
      WindowSpec window;
      window.start_s = w.number("start_s", Need::OPTIONAL, 0, MAX_TIME_S).value_or(0);
      if (const auto* e = w.value("end_s", Need::OPTIONAL)) {
        if (e->is_string() && e->get_ref<const std::string&>() == "last_arrival")
          window.end = WindowSpec::End::LAST_ARRIVAL;
        else if (e->is_string() && e->get_ref<const std::string&>() == "run_end")
          window.end = WindowSpec::End::RUN_END;
        else if (e->is_number() && e->get<double>() > window.start_s && e->get<double>() <= MAX_TIME_S) {
          window.end = WindowSpec::End::AT;
          window.end_s = e->get<double>();
        } else
          w.error("end_s", fmt::format("expected a time in s after start_s ({}) and at most {}, \"last_arrival\" or "
                                       "\"run_end\", found {}",
                                       window.start_s, MAX_TIME_S, describe_json(*e)));
      }
      s.output.window = window;
    }
    if (s.output.timeseries_interval_s > 0 && s.output.timeseries_interval_s < MIN_TIMESERIES_INTERVAL_S)
      out.error("timeseries_interval_s", fmt::format("expected 0 (no timeseries) or at least {} s, found {}",
                                                     MIN_TIMESERIES_INTERVAL_S, s.output.timeseries_interval_s));
  }
  if (const auto* tv = root.value("tco", Need::OPTIONAL))
    s.tco = read_tco(ObjectReader(*tv, root.pointer_of("tco"), file, diags,
                                  {"amortization_years", "maintenance_share_per_year", "accelerator_capex",
                                   "node_capex", "rack_capex", "facility_capex_per_kw"}),
                     s);
  if (s.output.dir.empty()) {
    s.output.dir = "results/" + s.name;
    s.output.dir_from_name = true;
  }
  diags.throw_if_any();
  // The reader above gives the precise messages; the shipped schema must agree with it (a disagreement is
  // reported too, located, rather than ignored).
  check_scenario_schema(doc, file, diags);
  diags.throw_if_any();
  warn_about(s);
  return s;
}

void check_results_folder_name(const Scenario& s)
{
  // The name is then the results folder, results/<name>: it must be one usable folder name there ("..", a slash or
  // 300 bytes wrote outside results/ or failed with "File name too long").
  if (not s.output.dir_from_name)
    return;
  if (const std::string why = folder_name_problem(s.name); not why.empty())
    throw InputError(s.file, "/name",
                     "\"" + printable(s.name) + "\" " + why +
                         ", and it names the results folder results/<name> (expected a folder name: at most 200 "
                         "bytes, no / or \\, no control characters, not . or ..; or give --out or output.dir)");
}

ScenarioEdit parse_scenario_edit(const std::string& text, const std::string& source)
{
  const auto eq = text.find('=');
  if (eq == std::string::npos || text.empty() || text[0] != '/')
    throw InputError(source, "",
                     "\"" + text +
                         "\": expected POINTER=VALUE, a JSON pointer such as "
                         "/scheduler/placement and a JSON value (strings may be bare)");
  // Pointers become keys and bare strings values of the document, which is written back as JSON (run.json, the
  // scenario's sha256): JSON text is UTF-8, so invalid bytes are refused here (they were an internal error).
  try {
    (void)nlohmann::json(text).dump();
  } catch (const nlohmann::json::type_error& e) {
    const std::string what = e.what(); // "[json.exception.type_error.316] invalid UTF-8 byte at index 1: 0x92"
    const auto prefix = what.find("] ");
    throw InputError(source, "",
                     "\"" + printable(text) + "\" is not valid UTF-8: " +
                         what.substr(prefix == std::string::npos ? 0 : prefix + 2) + " (expected UTF-8 text)");
  }
  ScenarioEdit edit;
  edit.pointer = text.substr(0, eq);
  try {
    (void)nlohmann::json::json_pointer(edit.pointer);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source, "", "\"" + edit.pointer + "\" is not a JSON pointer (RFC 6901): " + e.what());
  }
  const std::string value = text.substr(eq + 1);
  auto parsed = try_parse_json_text(value, source + " " + edit.pointer);
  edit.value = parsed ? std::move(*parsed) : nlohmann::json(value); // not JSON: a bare string
  return edit;
}

void apply_scenario_edit(nlohmann::json& doc, const ScenarioEdit& edit, const std::string& path)
{
  const std::string& pointer = edit.pointer;
  const nlohmann::json& value = edit.value;
  std::vector<std::string> tokens;
  for (nlohmann::json::json_pointer p(pointer); not p.empty(); p.pop_back())
    tokens.insert(tokens.begin(), p.back());
  const auto fail = [&](const std::string& what) {
    throw InputError(path, pointer,
                     "cannot set this value: " + what +
                         " (expected a path into objects and existing array elements, or - to append)");
  };
  nlohmann::json* node = &doc;
  std::string at;
  for (std::size_t i = 0; i < tokens.size(); i++) {
    const std::string& token = tokens[i];
    const bool last = i + 1 == tokens.size();
    if (node->is_array()) {
      if (token == "-") {
        if (not last)
          fail(at + "/- appends to the array: it must end the pointer");
        node->push_back(value);
        return;
      }
      const bool digits = not token.empty() && token.size() <= 19 &&
                          std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (not digits || (token.size() > 1 && token[0] == '0'))
        fail(at + " is an array: \"" + token + "\" is not an index");
      const std::uint64_t index = std::stoull(token);
      if (index >= node->size())
        fail(at + "/" + token + " is past the end of the array (" + std::to_string(node->size()) + " elements)");
      node = &(*node)[index];
    } else if (node->is_object() || node->is_null()) {
      node = &(*node)[token];
    } else {
      fail((at.empty() ? "the document" : at) + " is a " + node->type_name() + ", not an object or array");
    }
    at += "/" + token;
    if (last)
      *node = value;
  }
  if (tokens.empty())
    fail("the pointer names the whole scenario");
}

void apply_scenario_patch(nlohmann::json& doc, const nlohmann::json& patch, const std::string& source)
{
  if (not patch.is_array())
    throw InputError(source, "", "expected a JSON Patch: an array of {\"op\", \"path\", ...} operations (RFC 6902)");
  for (std::size_t i = 0; i < patch.size(); i++) {
    const auto& op = patch[i];
    if (not op.is_object() || not op.contains("op") || not op["op"].is_string() || not op.contains("path") ||
        not op["path"].is_string())
      throw InputError(source, "/" + std::to_string(i),
                       "expected an operation {\"op\": add, remove, replace, move, copy or test, \"path\": a JSON "
                       "pointer, ...}, found " +
                           describe_json(op));
    try {
      doc.patch_inplace(nlohmann::json::array({op})); // no copy per operation; on a failure the caller drops doc
    } catch (const nlohmann::json::exception& e) {
      std::string why = e.what();
      if (const auto close = why.find("] "); why.starts_with("[json.exception.") && close != std::string::npos)
        why = why.substr(close + 2);
      throw InputError(source, "/" + std::to_string(i),
                       "operation " + op["op"].get<std::string>() + " " + op["path"].get<std::string>() +
                           " does not apply to the scenario: " + why);
    }
  }
}

Scenario load_scenario(const std::string& path, const std::vector<ScenarioEdit>& edits,
                       const std::vector<nlohmann::json>& patches)
{
  std::string bytes;
  nlohmann::json doc = parse_json_file(path, &bytes);
  const bool edited = not edits.empty() || not patches.empty();
  const nlohmann::json original = edited ? doc : nlohmann::json();
  const std::string original_sha256 = edited ? sha256_hex(bytes) : std::string();
  for (const auto& p : patches) { // variants first, then --set edits
    apply_scenario_patch(doc, p, "--patch");
    bytes += "\n--patch " + p.dump();
  }
  for (const auto& e : edits) {
    apply_scenario_edit(doc, e, path);
    bytes += "\n--set " + e.pointer + "=" + e.value.dump();
  }
  Scenario s = scenario_from_json(doc, path, sha256_hex(bytes));
  // A what-if edit (more racks, another site) must not add demand: an offered_load stays relative to the file's
  // platform (docs/workloads.md "Demand that does not follow the platform").
  const GeneratorSpec& gen = s.workload.generator;
  if (edited && s.workload.source == WorkloadSpec::Source::GENERATE && gen.offered_load > 0 &&
      gen.reference == GeneratorSpec::Reference::FILE_PLATFORM) {
    try {
      s.unedited = std::make_shared<const Scenario>(scenario_from_json(original, path, original_sha256));
    } catch (const InputError&) {
      s.warnings.push_back(Diagnostic{path, "/workload/generate/arrival/offered_load",
                                      "the file without its --set and --patch edits is not a valid scenario, so "
                                      "offered_load is "
                                      "relative to the edited platform (give arrival.reference_accelerators to fix "
                                      "the demand)"});
    }
  }
  return s;
}

} // namespace ccsim
