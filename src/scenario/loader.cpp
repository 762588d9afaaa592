// src/scenario/loader.cpp
#include "ccsim/scenario/loader.hpp"

#include "ccsim/cluster/cluster.hpp"
#include "ccsim/core/hash.hpp"
#include "ccsim/scenario/catalog.hpp"
#include "ccsim/scenario/schema_check.hpp"
#include "ccsim/core/json_reader.hpp"
#include "ccsim/workload/generator.hpp"
#include "ccsim/workload/importers.hpp"
#include "ccsim/workload/workload.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
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
constexpr double MAX_COMM_SHARE = 0.99; // a job spending all its time in collectives would never progress
constexpr std::int64_t MAX_ACCELERATORS_PER_NODE = 64; // slots are bits of a 64-bit mask
constexpr std::size_t MAX_TYPES_IN_PLATFORM = 64;       // eligibility is a 64-bit mask
// Platform size limits: indices are 32-bit, and no input may make ccsim allocate without bound.
constexpr std::uint64_t MAX_PLATFORM_NODES = 1ULL << 22;        // 4,194,304
constexpr std::uint64_t MAX_PLATFORM_ACCELERATORS = 1ULL << 24; // 16,777,216

template <std::size_t N>
std::string names_list(const std::array<std::string_view, N>& names)
{
  std::string out;
  for (const auto n : names)
    out += (out.empty() ? "" : ", ") + std::string(n);
  return out;
}

//! Iterates a JSON array at `key`, calling f(element, pointer). Reports a non-array value.
template <typename F>
void for_each_element(const ObjectReader& obj, std::string_view key, Need need, F&& f)
{
  const auto* v = obj.value(key, need);
  if (v == nullptr)
    return;
  if (not v->is_array()) {
    obj.error(key, "expected an array, found " + describe_json(*v));
    return;
  }
  const std::string base = obj.pointer_of(key);
  for (std::size_t i = 0; i < v->size(); i++)
    f((*v)[i], base + "/" + std::to_string(i));
}

void read_catalog(const ObjectReader& root, Scenario& s)
{
  const auto* given = root.value("accelerators", Need::OPTIONAL);
  if (given != nullptr && not given->is_object()) {
    root.error("accelerators", "expected an object mapping accelerator names to specs, found " + describe_json(*given));
    given = nullptr;
  }
  const nlohmann::json catalog = effective_catalog(given);
  for (const auto& [name, value] : catalog.items()) {
    ObjectReader a(value, root.pointer_of("accelerators") + "/" + name, root.file(), root.diagnostics(),
                   {"kind", "peak_tflops", "memory_gib", "power_w", "description"});
    AcceleratorSpec spec;
    spec.name = name;
    if (const auto kind = a.string("kind", Need::REQUIRED)) {
      if (const auto k = enum_from_name<AcceleratorKind>(ACCELERATOR_KIND_NAMES, *kind))
        spec.kind = *k;
      else
        a.error("kind", "unknown accelerator kind \"" + *kind + "\" (expected one of: " +
                            names_list(ACCELERATOR_KIND_NAMES) + ")");
    }
    if (const auto* peaks = a.value("peak_tflops", Need::REQUIRED)) {
      const std::string ptr = a.pointer_of("peak_tflops");
      if (not peaks->is_object() || peaks->empty()) {
        a.error("peak_tflops", "expected an object of precision -> TFLOP/s (" + names_list(PRECISION_NAMES) +
                                   "), found " + describe_json(*peaks));
      } else {
        ObjectReader p(*peaks, ptr, root.file(), root.diagnostics(),
                       {"fp64", "fp32", "tf32", "bf16", "fp16", "fp8", "int8"});
        for (std::size_t i = 0; i < PRECISION_COUNT; i++)
          if (const auto tflops = p.number(PRECISION_NAMES[i], Need::OPTIONAL, 0, INF, true))
            spec.peak_flop_per_s[i] = *tflops * TERA;
      }
    }
    spec.memory_gib = a.number("memory_gib", Need::REQUIRED, 0, INF, true).value_or(0);
    if (const auto* pw = a.value("power_w", Need::REQUIRED)) {
      ObjectReader p(*pw, a.pointer_of("power_w"), root.file(), root.diagnostics(), {"idle", "max"});
      spec.idle_w = p.number("idle", Need::REQUIRED, 0, INF).value_or(0);
      spec.max_w = p.number("max", Need::REQUIRED, 0, INF).value_or(0);
      if (spec.idle_w > spec.max_w && p.has("idle") && p.has("max"))
        p.error("idle", fmt::format("idle power {} W is above max power {} W (expected idle <= max)", spec.idle_w,
                                    spec.max_w));
    }
    s.accelerators.push_back(std::move(spec));
  }
}

//! PUE: a number >= 1, a preset name, or {"curve": [[load, pue], ...]}.
PueCurve read_pue(const ObjectReader& site)
{
  const auto* v = site.value("pue", Need::OPTIONAL);
  if (v == nullptr)
    return PueCurve::constant(DEFAULT_PUE);
  std::string presets;
  for (const auto& n : pue_preset_names())
    presets += (presets.empty() ? "" : ", ") + n;
  if (v->is_number()) {
    if (const auto pue = site.number("pue", Need::REQUIRED, 1.0, INF))
      return PueCurve::constant(*pue);
    return PueCurve::constant(DEFAULT_PUE);
  }
  if (v->is_string()) {
    if (auto preset = pue_preset(v->get<std::string>()))
      return *preset;
    site.error("pue", "unknown PUE preset " + describe_json(*v) + " (expected a number >= 1, one of: " + presets +
                          ", or {\"curve\": [[load, pue], ...]})");
    return PueCurve::constant(DEFAULT_PUE);
  }
  ObjectReader obj(*v, site.pointer_of("pue"), site.file(), site.diagnostics(), {"curve"});
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
    if (not shaped || not(load >= 0 && load <= 1) || not(pue >= 1.0) || not std::isfinite(pue)) {
      site.diagnostics().add(site.file(), ptr,
                             "expected [load fraction in [0, 1], PUE >= 1], found " + pt.dump());
      continue;
    }
    if (not curve.points.empty() && load <= curve.points.back().first) {
      site.diagnostics().add(site.file(), ptr, "expected load fractions in strictly ascending order, found " + pt.dump());
      continue;
    }
    curve.points.emplace_back(load, pue);
  }
  return curve.points.empty() ? PueCurve::constant(DEFAULT_PUE) : curve;
}

//! A site's "nodes": a node list file (openb) turned into rack groups of identical nodes, in first-appearance order.
void read_node_list(const ObjectReader& root, const ObjectReader& site, SiteSpec& spec, Scenario& s)
{
  ObjectReader nl(*site.value("nodes", Need::REQUIRED), site.pointer_of("nodes"), root.file(), root.diagnostics(),
                  {"format", "path", "options", "base_power_w"});
  const auto format = nl.string("format", Need::REQUIRED);
  const auto path = nl.string("path", Need::REQUIRED);
  const double base_w = nl.number("base_power_w", Need::OPTIONAL, 0, INF).value_or(0);
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
    for (const auto& d : e.diagnostics())
      root.diagnostics().add(d.file, d.location, d.message);
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
      g.node = NodeSpec{n.model, n.gpus, base_w, n.cpu_milli, n.memory_mib};
      spec.rack_groups.push_back(std::move(g));
    }
    spec.rack_groups[it->second].nodes_per_rack++;
  }
  if (spec.rack_groups.size() == first_group && root.diagnostics().empty())
    nl.error("path", "the node list has no node with GPUs (expected at least one)");
  s.node_reports.push_back(std::move(report));
}

void read_sites(const ObjectReader& root, Scenario& s)
{
  std::set<std::string> site_names;
  for_each_element(root, "sites", Need::REQUIRED, [&](const nlohmann::json& value, const std::string& ptr) {
    ObjectReader site(value, ptr, root.file(), root.diagnostics(),
                      {"name", "region", "racks", "nodes", "pue", "electricity_price_per_kwh", "carbon_kg_per_kwh"});
    SiteSpec spec;
    spec.name = site.string("name", Need::REQUIRED).value_or("");
    spec.region = site.string("region", Need::REQUIRED).value_or("");
    spec.pue = read_pue(site);
    spec.price_per_kwh = site.number("electricity_price_per_kwh", Need::OPTIONAL, 0, INF).value_or(0);
    spec.carbon_kg_per_kwh = site.number("carbon_kg_per_kwh", Need::OPTIONAL, 0, INF).value_or(0);
    if (not spec.name.empty() && not site_names.insert(spec.name).second)
      site.error("name", "duplicate site name \"" + spec.name + "\" (expected unique site names)");
    std::set<std::string> group_names;
    if (not site.has("racks") && not site.has("nodes"))
      site.error_here("expected \"racks\" (rack groups) or \"nodes\" (a node list file), found neither");
    for_each_element(site, "racks", Need::OPTIONAL, [&](const nlohmann::json& gv, const std::string& gptr) {
      ObjectReader group(gv, gptr, root.file(), root.diagnostics(),
                         {"name", "count", "nodes_per_rack", "node", "power_cap_kw"});
      RackGroupSpec g;
      g.name = group.string("name", Need::OPTIONAL).value_or("r" + std::to_string(spec.rack_groups.size()));
      if (not group_names.insert(g.name).second)
        group.error("name", "duplicate rack group name \"" + g.name + "\" in site (expected unique names)");
      g.racks = static_cast<std::uint32_t>(group.integer("count", Need::REQUIRED, 1, MAX_COUNT).value_or(0));
      g.nodes_per_rack =
          static_cast<std::uint32_t>(group.integer("nodes_per_rack", Need::REQUIRED, 1, MAX_COUNT).value_or(0));
      if (const auto* nv = group.value("node", Need::REQUIRED)) {
        ObjectReader node(*nv, group.pointer_of("node"), root.file(), root.diagnostics(),
                          {"accelerator", "count", "base_power_w", "cpu_milli", "memory_mib"});
        g.node.accelerator = node.string("accelerator", Need::REQUIRED).value_or("");
        if (not g.node.accelerator.empty() && s.find_accelerator(g.node.accelerator) < 0) {
          std::string known;
          for (const auto& a : s.accelerators)
            known += (known.empty() ? "" : ", ") + a.name;
          node.error("accelerator", "unknown accelerator type \"" + g.node.accelerator +
                                        "\" (expected a name from /accelerators: " + known + ")");
        }
        g.node.accelerators = static_cast<std::uint32_t>(
            node.integer("count", Need::REQUIRED, 1, MAX_ACCELERATORS_PER_NODE).value_or(0));
        g.node.base_power_w = node.number("base_power_w", Need::OPTIONAL, 0, INF).value_or(0);
        g.node.cpu_milli =
            static_cast<std::uint32_t>(node.integer("cpu_milli", Need::OPTIONAL, 0, MAX_COUNT).value_or(0));
        g.node.memory_mib = node.number("memory_mib", Need::OPTIONAL, 0, INF).value_or(0);
      }
      if (const auto cap_kw = group.number("power_cap_kw", Need::OPTIONAL, 0, INF, true)) {
        g.power_cap_w = *cap_kw * KILO;
        // The rack must at least power all its nodes idle.
        if (const int a = s.find_accelerator(g.node.accelerator); a >= 0 && g.nodes_per_rack > 0) {
          const auto& acc = s.accelerators[static_cast<std::size_t>(a)];
          const double node_idle_w = g.node.base_power_w + g.node.accelerators * acc.idle_w;
          const double rack_idle_w = g.nodes_per_rack * node_idle_w;
          if (g.power_cap_w < rack_idle_w)
            group.error("power_cap_kw",
                        fmt::format("cap {} kW is below the rack's idle power {} kW ({} nodes x (base {} W + {} x {} "
                                    "W idle)); expected at least {} kW",
                                    *cap_kw, rack_idle_w / KILO, g.nodes_per_rack, g.node.base_power_w,
                                    g.node.accelerators, acc.idle_w, rack_idle_w / KILO));
        }
      }
      spec.rack_groups.push_back(std::move(g));
    });
    if (site.has("racks") && spec.rack_groups.empty())
      site.error("racks", "expected at least one rack group");
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

//! `min_accelerators`: 0 in fill mode (CPU-only tasks), 1 otherwise.
void read_job(const nlohmann::json& value, const std::string& ptr, const ObjectReader& root, Job& job,
              std::int64_t min_accelerators = 1)
{
  ObjectReader j(value, ptr, root.file(), root.diagnostics(),
                 {"id", "submit_s", "accelerators", "duration_s", "work_flop", "walltime_s", "precision", "class",
                  "efficiency", "accept", "memory_gib", "priority", "gpu_milli", "cpu_milli", "host_memory_mib",
                  "tenant", "data_site", "data_bytes", "comm_share", "allreduce_bytes", "span_sites"});
  job.id = j.identifier("id", Need::REQUIRED).value_or("");
  job.submit_s = j.number("submit_s", Need::REQUIRED, 0, INF).value_or(0);
  job.accelerators =
      static_cast<std::uint32_t>(j.integer("accelerators", Need::REQUIRED, min_accelerators, MAX_COUNT).value_or(1));
  const bool has_duration = j.has("duration_s");
  const bool has_work = j.has("work_flop");
  if (has_duration == has_work)
    j.error_here("expected exactly one of \"duration_s\" (seconds) or \"work_flop\" (FLOP), found " +
                 std::string(has_duration ? "both" : "neither"));
  if (has_duration)
    job.duration_s = j.number("duration_s", Need::REQUIRED, 0, INF).value_or(0);
  if (has_work)
    job.work_flop = j.number("work_flop", Need::REQUIRED, 0, INF, true).value_or(1);
  if (j.has("walltime_s"))
    job.walltime_s = j.number("walltime_s", Need::REQUIRED, 0, INF, true).value_or(UNSET);
  job.efficiency = j.number("efficiency", Need::OPTIONAL, 0, 1, true).value_or(1.0);
  job.memory_gib = j.number("memory_gib", Need::OPTIONAL, 0, INF).value_or(0);
  job.priority = j.integer("priority", Need::OPTIONAL, -1'000'000'000, 1'000'000'000).value_or(0);
  job.gpu_milli = static_cast<std::uint16_t>(j.integer("gpu_milli", Need::OPTIONAL, 1, 1000).value_or(1000));
  job.cpu_milli = static_cast<std::uint32_t>(j.integer("cpu_milli", Need::OPTIONAL, 0, MAX_COUNT).value_or(0));
  job.host_memory_mib = j.number("host_memory_mib", Need::OPTIONAL, 0, INF).value_or(0);
  job.tenant = j.string("tenant", Need::OPTIONAL).value_or("");
  job.data_site = j.string("data_site", Need::OPTIONAL).value_or("");
  job.data_bytes = j.number("data_bytes", Need::OPTIONAL, 0, INF).value_or(0);
  if (job.data_bytes > 0 && job.data_site.empty())
    j.error("data_bytes", "input data needs a place: expected \"data_site\" (the site holding it) with \"data_bytes\"");
  job.comm_share = j.number("comm_share", Need::OPTIONAL, 0, MAX_COMM_SHARE).value_or(0);
  job.allreduce_bytes = j.number("allreduce_bytes", Need::OPTIONAL, 0, INF, true).value_or(job.allreduce_bytes);
  job.span_sites = j.boolean("span_sites", Need::OPTIONAL).value_or(false);
  if (const auto cls = j.string("class", Need::OPTIONAL)) {
    if (const auto c = enum_from_name<JobClass>(JOB_CLASS_NAMES, *cls))
      job.job_class = *c;
    else
      j.error("class", "unknown job class \"" + *cls + "\" (expected one of: " + names_list(JOB_CLASS_NAMES) + ")");
  }
  job.precision = default_precision(job.job_class);
  if (const auto prec = j.string("precision", Need::OPTIONAL)) {
    if (const auto p = enum_from_name<Precision>(PRECISION_NAMES, *prec))
      job.precision = *p;
    else
      j.error("precision", "unknown precision \"" + *prec + "\" (expected one of: " + names_list(PRECISION_NAMES) + ")");
  }
  for_each_element(j, "accept", Need::OPTIONAL, [&](const nlohmann::json& a, const std::string& aptr) {
    if (a.is_string() && not a.get_ref<const std::string&>().empty())
      job.accept.push_back(a.get<std::string>());
    else
      root.diagnostics().add(root.file(), aptr, "expected an accelerator type or kind name, found " + describe_json(a));
  });
}

//! "network": hubs, inter-site links (tier, bandwidth, optional one-way latency) and the fabric.
void read_network(const ObjectReader& root, Scenario& s)
{
  const auto* v = root.value("network", Need::OPTIONAL);
  if (v == nullptr)
    return;
  ObjectReader net(*v, root.pointer_of("network"), root.file(), root.diagnostics(), {"tiers", "hubs", "links", "fabric"});
  NetworkSpec& spec = s.network;
  if (const auto* tv = net.value("tiers", Need::OPTIONAL)) {
    ObjectReader tiers(*tv, net.pointer_of("tiers"), root.file(), root.diagnostics(),
                       {TIER_NAMES[0], TIER_NAMES[1], TIER_NAMES[2]});
    for (std::size_t t = 0; t < TIER_COUNT; t++)
      if (const auto* one = tiers.value(TIER_NAMES[t], Need::OPTIONAL)) {
        ObjectReader tier(*one, tiers.pointer_of(TIER_NAMES[t]), root.file(), root.diagnostics(), {"rtt_ms"});
        spec.tier_rtt_s[t] = tier.number("rtt_ms", Need::REQUIRED, 0, INF, true).value_or(1) / KILO;
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
                             "duplicate name \"" + h.get<std::string>() + "\" (expected hub names unique among sites "
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
    link.bandwidth_Bps = l.number("bandwidth_gbps", Need::REQUIRED, 0, INF, true).value_or(1) * GIGA / BITS_PER_BYTE;
    link.latency_s = l.has("latency_ms") ? l.number("latency_ms", Need::REQUIRED, 0, INF, true).value_or(1) / KILO
                                         : spec.tier_rtt_s[static_cast<std::size_t>(link.tier)] / 2;
    spec.links.push_back(std::move(link));
  });
  if (const auto* fv = net.value("fabric", Need::OPTIONAL)) {
    ObjectReader f(*fv, net.pointer_of("fabric"), root.file(), root.diagnostics(),
                   {"hop_latency_us", "nic_gbps", "intra_node_latency_us", "intra_node_gbps", "rack_oversubscription",
                    "storage_gbps"});
    FabricSpec& fab = spec.fabric;
    constexpr double MICRO = 1e-6;
    const auto gbps = [&f](const char* key, double fallback_Bps) {
      return f.number(key, Need::OPTIONAL, 0, INF, true).value_or(fallback_Bps * BITS_PER_BYTE / GIGA) * GIGA /
             BITS_PER_BYTE;
    };
    fab.hop_latency_s = f.number("hop_latency_us", Need::OPTIONAL, 0, INF, true).value_or(fab.hop_latency_s / MICRO) * MICRO;
    fab.intra_node_latency_s =
        f.number("intra_node_latency_us", Need::OPTIONAL, 0, INF, true).value_or(fab.intra_node_latency_s / MICRO) * MICRO;
    fab.nic_Bps = gbps("nic_gbps", fab.nic_Bps);
    fab.intra_node_Bps = gbps("intra_node_gbps", fab.intra_node_Bps);
    fab.storage_Bps = gbps("storage_gbps", fab.storage_Bps);
    fab.rack_oversubscription = f.number("rack_oversubscription", Need::OPTIONAL, 1, INF).value_or(1);
  }
}

//! Checks job ids are unique; `pointer_of(i)` locates job i for the message.
template <typename Locate>
void check_unique_ids(const std::vector<Job>& jobs, const std::string& file, Diagnostics& diags, Locate pointer_of)
{
  std::unordered_set<std::string> ids;
  ids.reserve(jobs.size());
  for (std::size_t i = 0; i < jobs.size(); i++)
    if (not jobs[i].id.empty() && not ids.insert(jobs[i].id).second)
      diags.add(file, pointer_of(i), "duplicate job id \"" + jobs[i].id + "\" (expected unique ids)");
}

void read_workload(const ObjectReader& root, Scenario& s)
{
  const auto* wv = root.value("workload", Need::REQUIRED);
  if (wv == nullptr)
    return;
  const std::int64_t min_accelerators = s.scheduler.mode == SchedulerMode::FILL ? 0 : 1;
  if (wv->is_object() && wv->contains("format")) {
    ObjectReader w(*wv, root.pointer_of("workload"), root.file(), root.diagnostics(),
                   {"format", "path", "options", "defaults"});
    const auto format = w.string("format", Need::REQUIRED);
    const auto path = w.string("path", Need::REQUIRED);
    const auto* options = w.value("options", Need::OPTIONAL);
    // Defaults for what trace records do not carry: read as a job with only these fields.
    Job defaults;
    if (const auto* d = w.value("defaults", Need::OPTIONAL)) {
      nlohmann::json as_job = d->is_object() ? *d : nlohmann::json::object();
      if (not d->is_object())
        w.error("defaults", "expected an object of job fields, found " + describe_json(*d));
      for (const char* k : {"id", "submit_s", "accelerators", "duration_s", "work_flop", "walltime_s", "priority",
                            "gpu_milli", "cpu_milli", "host_memory_mib"})
        if (as_job.contains(k))
          w.error("defaults", std::string("\"") + k + "\" comes from the trace (expected only class, precision, "
                                                     "efficiency, accept, memory_gib, tenant, data_site, data_bytes, "
                                                     "comm_share, allreduce_bytes, span_sites)");
      as_job.update({{"id", "defaults"}, {"submit_s", 0}, {"accelerators", 1}, {"duration_s", 0}});
      read_job(as_job, w.pointer_of("defaults"), root, defaults);
    }
    if (not format || not path)
      return;
    // A relative path is relative to the scenario file's folder.
    std::filesystem::path trace(*path);
    if (trace.is_relative() && not root.file().empty())
      trace = std::filesystem::path(root.file()).parent_path() / trace;
    if (*format == "ccsim") {
      // A ccsim workload file (`ccsim workload convert` writes them): {"source": ..., "jobs": [...]}.
      if (options != nullptr)
        w.error("options", "the ccsim format takes no options (expected none)");
      if (w.has("defaults"))
        w.error("defaults", "a ccsim workload file carries every job field (expected no defaults)");
      try {
        const nlohmann::json doc = parse_json_file(trace.string());
        ObjectReader file_root(doc, "", trace.string(), root.diagnostics(), {"jobs", "source"});
        for_each_element(file_root, "jobs", Need::REQUIRED, [&](const nlohmann::json& jv, const std::string& ptr) {
          s.jobs.emplace_back();
          read_job(jv, ptr, file_root, s.jobs.back(), min_accelerators);
        });
      } catch (const InputError& e) {
        for (const auto& d : e.diagnostics())
          root.diagnostics().add(d.file, d.location, d.message);
        return;
      }
      s.workload_report.format = "ccsim";
      s.workload_report.path = trace.string();
      s.workload_report.read = s.workload_report.kept = s.jobs.size();
      check_unique_ids(s.jobs, trace.string(), root.diagnostics(),
                       [](std::size_t i) { return "/jobs/" + std::to_string(i) + "/id"; });
      return;
    }
    ImportedWorkload imported;
    try {
      const nlohmann::json opts = options != nullptr ? *options : nlohmann::json();
      if (std::find(TRACE_FORMATS.begin(), TRACE_FORMATS.end(), *format) == TRACE_FORMATS.end()) {
        std::string known;
        for (const auto f : TRACE_FORMATS)
          known += (known.empty() ? "" : ", ") + std::string(f);
        w.error("format", "unknown workload format \"" + *format + "\" (expected one of: ccsim, " + known + ")");
        return;
      }
      imported = import_trace(*format, trace.string(), opts,
                              s.scheduler.mode == SchedulerMode::FILL ? ImportUse::FILL : ImportUse::EVENTS);
    } catch (const InputError& e) {
      for (const auto& d : e.diagnostics())
        root.diagnostics().add(d.file, d.location, d.message);
      return;
    }
    s.jobs = std::move(imported.jobs);
    // Only the fields the defaults object names replace what the importer set.
    const auto given = [d = w.value("defaults", Need::OPTIONAL)](const char* key) {
      return d != nullptr && d->is_object() && d->contains(key);
    };
    using Apply = void (*)(Job&, const Job&);
    static constexpr std::pair<const char*, Apply> FIELDS[] = {
        {"efficiency", [](Job& j, const Job& d) { j.efficiency = d.efficiency; }},
        {"accept", [](Job& j, const Job& d) { j.accept = d.accept; }},
        {"memory_gib", [](Job& j, const Job& d) { j.memory_gib = d.memory_gib; }},
        {"tenant", [](Job& j, const Job& d) { j.tenant = d.tenant; }},
        {"data_site", [](Job& j, const Job& d) { j.data_site = d.data_site; }},
        {"data_bytes", [](Job& j, const Job& d) { j.data_bytes = d.data_bytes; }},
        {"comm_share", [](Job& j, const Job& d) { j.comm_share = d.comm_share; }},
        {"allreduce_bytes", [](Job& j, const Job& d) { j.allreduce_bytes = d.allreduce_bytes; }},
        {"span_sites", [](Job& j, const Job& d) { j.span_sites = d.span_sites; }},
    };
    for (Job& job : s.jobs) {
      if (given("class"))
        job.job_class = defaults.job_class;
      if (given("class") || given("precision")) // the class's default precision unless one is given
        job.precision = defaults.precision;
      for (const auto& [key, apply] : FIELDS)
        if (given(key))
          apply(job, defaults);
    }
    s.workload_report = std::move(imported.report);
    check_unique_ids(s.jobs, trace.string(), root.diagnostics(), [&s](std::size_t i) {
      const std::string at = s.workload_report.locate(i, "/jobs");
      return at.starts_with("/") ? at + "/id" : at;
    });
    return;
  }
  if (wv->is_object() && wv->contains("generate")) {
    ObjectReader w(*wv, root.pointer_of("workload"), root.file(), root.diagnostics(), {"generate"});
    ObjectReader g(*w.value("generate", Need::REQUIRED), w.pointer_of("generate"), root.file(), root.diagnostics(),
                   {"seed", "jobs", "horizon_s", "arrival", "mix", "tenants"});
    const std::string base_dir =
        root.file().empty() ? std::string(".") : std::filesystem::path(root.file()).parent_path().string();
    s.generator = read_generator(g, base_dir.empty() ? std::string(".") : base_dir);
    s.workload_report.format = "generate";
    return;
  }
  ObjectReader w(*wv, root.pointer_of("workload"), root.file(), root.diagnostics(), {"jobs", "source"});
  const auto* jobs = w.value("jobs", Need::REQUIRED);
  if (jobs == nullptr)
    return;
  if (not jobs->is_array()) {
    w.error("jobs", "expected an array of jobs, found " + describe_json(*jobs));
    return;
  }
  s.jobs.resize(jobs->size());
  const std::string base = w.pointer_of("jobs");
  for (std::size_t i = 0; i < jobs->size(); i++)
    read_job((*jobs)[i], base + "/" + std::to_string(i), root, s.jobs[i], min_accelerators);
  check_unique_ids(s.jobs, root.file(), root.diagnostics(),
                   [&base](std::size_t i) { return base + "/" + std::to_string(i) + "/id"; });
  s.workload_report.format = "inline";
  s.workload_report.read = s.workload_report.kept = s.jobs.size();
}

void read_scheduler(const ObjectReader& root, Scenario& s)
{
  const auto* v = root.value("scheduler", Need::OPTIONAL);
  if (v == nullptr)
    return;
  ObjectReader sch(*v, root.pointer_of("scheduler"), root.file(), root.diagnostics(),
                   {"mode", "queue", "placement", "kill_at_walltime", "queue_params", "placement_params", "fill",
                    "staging", "span_sites"});
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

Scenario scenario_from_json(const nlohmann::json& doc, const std::string& file, const std::string& sha256,
                            std::optional<std::uint64_t> seed)
{
  Diagnostics diags;
  ObjectReader root(doc, "", file, diags,
                    {"$schema", "name", "description", "seed", "currency", "accelerators", "sites", "workload",
                     "network", "scheduler", "output"});
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
  if (seed)
    s.seed = *seed;
  s.currency = root.string("currency", Need::OPTIONAL).value_or("");
  read_catalog(root, s);
  read_sites(root, s);
  read_network(root, s);
  read_scheduler(root, s); // first: the mode sets importer defaults
  read_workload(root, s);
  if (const auto* ov = root.value("output", Need::OPTIONAL)) {
    ObjectReader out(*ov, root.pointer_of("output"), file, diags, {"dir", "timeseries_interval_s"});
    s.output.dir = out.string("dir", Need::OPTIONAL).value_or("");
    s.output.timeseries_interval_s = out.number("timeseries_interval_s", Need::OPTIONAL, 0, INF).value_or(3600);
    if (s.output.timeseries_interval_s > 0 && s.output.timeseries_interval_s < MIN_TIMESERIES_INTERVAL_S)
      out.error("timeseries_interval_s", fmt::format("expected 0 (no timeseries) or at least {} s, found {}",
                                                     MIN_TIMESERIES_INTERVAL_S, s.output.timeseries_interval_s));
  }
  if (s.output.dir.empty())
    s.output.dir = "results/" + s.name;
  diags.throw_if_any();
  // The reader above gives the precise messages; the shipped schema must agree with it (a disagreement is
  // reported too, located, rather than ignored).
  check_scenario_schema(doc, file, diags);
  diags.throw_if_any();

  // Cross-checks that need the resolved platform: every job must be runnable somewhere.
  const Cluster cluster = Cluster::build(s);
  if (cluster.types.size() > MAX_TYPES_IN_PLATFORM) {
    diags.add(file, "/sites", fmt::format("nodes use {} accelerator types (expected at most {})",
                                          cluster.types.size(), MAX_TYPES_IN_PLATFORM));
    diags.throw_if_any();
  }
  if (not s.network.links.empty() && not cluster.topology.connected()) {
    const auto [a, b] = cluster.topology.first_unreachable();
    diags.add(file, "/network/links",
              fmt::format("site \"{}\" cannot reach site \"{}\" (expected a connected topology: links joining "
                          "every site to every other, directly or through sites and hubs)",
                          cluster.sites[a].name, cluster.sites[b].name));
    diags.throw_if_any();
  }
  const bool fill = s.scheduler.mode == SchedulerMode::FILL;
  if (s.generator) {
    std::uint64_t capacity = 0;
    for (const auto& p : cluster.pools)
      capacity += p.usable;
    s.jobs = generate_jobs(*s.generator, capacity, s.seed);
    s.workload_report.read = s.workload_report.kept = s.jobs.size();
    if (s.jobs.size() >= MAX_GENERATED_JOBS)
      diags.add(file, "/workload/generate", fmt::format("the generator would produce more than {} jobs (expected "
                                                        "a shorter horizon_s or a lower rate)",
                                                        MAX_GENERATED_JOBS));
    if (s.jobs.empty())
      diags.add(file, "/workload/generate", "the generator produced no job (expected a horizon_s longer than the "
                                            "first arrival)");
    diags.throw_if_any();
  }
  bool any_spanning = false;
  for (Job& j : s.jobs) {
    j.span_sites = j.span_sites || s.scheduler.span_sites;
    any_spanning = any_spanning || j.span_sites;
  }
  if (any_spanning && cluster.sites.size() > 1 && not cluster.topology.connected())
    diags.add(file, s.network.links.empty() ? "/scheduler" : "/network/links",
              "jobs may span sites, so every pair of sites needs a network path (expected \"network\" links "
              "connecting all sites)");
  if (any_spanning && s.scheduler.queue_policy == "conservative")
    diags.add(file, "/scheduler/queue",
              "conservative backfilling books one pool per job and cannot reserve across sites (expected another "
              "queue policy, or no span_sites)");
  if (s.generator)
    resolve_jobs(s.jobs, cluster, file,
                 [&s](std::size_t i) { return "generated job " + s.jobs[i].id + " (/workload/generate)"; }, diags,
                 fill);
  else if (s.workload_report.format == "inline")
    resolve_jobs(s.jobs, cluster, file, [](std::size_t i) { return "/workload/jobs/" + std::to_string(i); }, diags,
                 fill);
  else
    resolve_jobs(s.jobs, cluster, s.workload_report.path,
                 [&s](std::size_t i) { return s.workload_report.locate(i, "/jobs"); }, diags, fill);
  diags.throw_if_any();
  return s;
}

ScenarioEdit parse_scenario_edit(const std::string& text, const std::string& source)
{
  const auto eq = text.find('=');
  if (eq == std::string::npos || text.empty() || text[0] != '/')
    throw InputError(source, "", "\"" + text + "\": expected POINTER=VALUE, a JSON pointer such as "
                                                "/scheduler/placement and a JSON value (strings may be bare)");
  ScenarioEdit edit;
  edit.pointer = text.substr(0, eq);
  try {
    (void)nlohmann::json::json_pointer(edit.pointer);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(source, "", "\"" + edit.pointer + "\" is not a JSON pointer (RFC 6901): " + e.what());
  }
  const std::string value = text.substr(eq + 1);
  edit.value = nlohmann::json::parse(value, nullptr, false);
  if (edit.value.is_discarded())
    edit.value = value; // a bare string
  return edit;
}

Scenario load_scenario(const std::string& path, std::optional<std::uint64_t> seed,
                       const std::vector<ScenarioEdit>& edits)
{
  if (edits.empty())
    return load_scenario(path, seed);
  std::string bytes;
  nlohmann::json doc = parse_json_file(path, &bytes);
  for (const auto& e : edits) {
    try {
      doc[nlohmann::json::json_pointer(e.pointer)] = e.value;
    } catch (const nlohmann::json::exception& ex) {
      throw InputError(path, e.pointer, std::string("cannot set this value (expected a path into objects and "
                                                    "existing array elements): ") + ex.what());
    }
    bytes += "\n--set " + e.pointer + "=" + e.value.dump();
  }
  return scenario_from_json(doc, path, sha256_hex(bytes), seed);
}

Scenario load_scenario(const std::string& path, std::optional<std::uint64_t> seed)
{
  std::string bytes;
  const nlohmann::json doc = parse_json_file(path, &bytes);
  return scenario_from_json(doc, path, sha256_hex(bytes), seed);
}

} // namespace ccsim
