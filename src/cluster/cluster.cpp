// src/cluster/cluster.cpp
#include "ccsim/cluster/cluster.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace ccsim {

double AcceleratorType::active_w(double activity) const
{
  return std::min(activity * dynamic_w, max_w - idle_w);
}

double AcceleratorType::speed(double activity) const
{
  const double wanted_w = activity * dynamic_w;
  const double allowed_w = max_w - idle_w;
  return wanted_w <= allowed_w ? 1.0 : std::pow(allowed_w / wanted_w, limit_exponent);
}

namespace {

//! Accelerators of `rack` that may be busy at once under cap `cap_w` (NaN: uncapped): idle_w + busy x delta_w <= cap.
std::uint32_t busy_under_cap(const Rack& rack, double cap_w)
{
  if (std::isnan(cap_w) || rack.delta_w <= 0)
    return rack.accelerators;
  const double headroom = std::max(0.0, cap_w - rack.idle_w);
  return static_cast<std::uint32_t>(std::min<double>(rack.accelerators, std::floor(headroom / rack.delta_w)));
}

//! The rack's limit over time from its group's service dates, maintenance windows and cap changes: the state at t = 0
//! and a change at every date where the limit or the service changes (docs/scenario.md "Platform over time").
void plan_service(Rack& rack, const RackGroupSpec& g)
{
  std::vector<double> dates{0.0, g.online_s, g.offline_s};
  for (const auto& [from, to] : g.maintenance) {
    dates.push_back(from);
    dates.push_back(to);
  }
  for (const auto& c : g.cap_changes)
    dates.push_back(c.at_s);
  std::erase_if(dates, [](double t) { return not std::isfinite(t); });
  std::sort(dates.begin(), dates.end());
  dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
  rack.max_busy = 0;
  bool first = true;
  for (const double t : dates) {
    bool online = t >= g.online_s && t < g.offline_s;
    for (const auto& [from, to] : g.maintenance)
      online = online && not(t >= from && t < to);
    double cap_w = g.power_cap_w;
    for (const auto& c : g.cap_changes)
      if (c.at_s <= t)
        cap_w = c.power_cap_w;
    const std::uint32_t under_cap = busy_under_cap(rack, cap_w);
    const std::uint32_t limit = online ? under_cap : 0;
    if (online)
      rack.max_busy = std::max(rack.max_busy, under_cap);
    if (first) {
      rack.initial_limit = limit;
      rack.initially_online = online;
      first = false;
      continue;
    }
    const bool was_online = rack.changes.empty() ? rack.initially_online : rack.changes.back().online;
    const std::uint32_t was_limit = rack.changes.empty() ? rack.initial_limit : rack.changes.back().limit;
    if (online != was_online || limit != was_limit)
      rack.changes.push_back(Rack::Change{t, limit, online});
  }
}

} // namespace

std::uint32_t Rack::limit_at(double t) const
{
  std::uint32_t limit = initial_limit;
  for (const auto& c : changes) {
    if (c.at_s > t)
      break;
    limit = c.limit;
  }
  return limit;
}

std::uint32_t Rack::min_limit(double from, double to) const
{
  std::uint32_t least = limit_at(from);
  for (const auto& c : changes)
    if (c.at_s > from && c.at_s < to)
      least = std::min(least, c.limit);
  return least;
}

double Rack::online_within(double from, double to) const
{
  double total = 0;
  for_each_phase(from, to, [&](double seconds, std::uint32_t, bool online) { total += online ? seconds : 0.0; });
  return total;
}

std::vector<std::pair<double, double>> Rack::closed_intervals() const
{
  std::vector<std::pair<double, double>> out;
  double since = initial_limit == 0 ? 0.0 : -1.0;
  for (const auto& c : changes) {
    if (c.limit == 0 && since < 0)
      since = c.at_s;
    else if (c.limit > 0 && since >= 0) {
      out.emplace_back(since, c.at_s);
      since = -1.0;
    }
  }
  if (since >= 0)
    out.emplace_back(since, std::numeric_limits<double>::max());
  return out;
}

double Cluster::stranded_accelerator_s(double from, double to) const
{
  double total = 0;
  for (const Rack& r : racks)
    r.for_each_phase(from, to, [&](double seconds, std::uint32_t limit, bool online) {
      total += online ? static_cast<double>(r.accelerators - limit) * seconds : 0.0;
    });
  return total;
}

double Cluster::online_accelerator_s(double from, double to) const
{
  double total = 0;
  for (const auto& r : racks)
    total += static_cast<double>(r.accelerators) * r.online_within(from, to);
  return total;
}

Cluster Cluster::build(const Scenario& scenario)
{
  Cluster c;
  // Types: catalog entries used by some node, in catalog order.
  std::vector<int> type_of_catalog(scenario.accelerators.size(), -1);
  for (const auto& site : scenario.sites)
    for (const auto& g : site.rack_groups)
      if (const int a = scenario.find_accelerator(g.node.accelerator); a >= 0)
        type_of_catalog[static_cast<std::size_t>(a)] = 0;
  for (std::size_t a = 0; a < scenario.accelerators.size(); a++) {
    if (type_of_catalog[a] < 0)
      continue;
    type_of_catalog[a] = static_cast<int>(c.types.size());
    const auto& spec = scenario.accelerators[a];
    const double ceiling_w = std::isnan(spec.limit_w) ? spec.max_w : std::min(spec.max_w, spec.limit_w);
    c.types.push_back(AcceleratorType{
        spec.name, spec.kind, spec.peak_flop_per_s, spec.memory_gib, spec.idle_w, ceiling_w, spec.max_w - spec.idle_w,
        spec.limit_exponent, spec.memory_bandwidth_byte_per_s, spec.interconnect, spec.interconnect_byte_per_s});
  }

  std::uint32_t accel = 0;
  for (const auto& site_spec : scenario.sites) {
    Site site;
    site.name = site_spec.name;
    site.region = site_spec.region;
    site.cooling = site_spec.cooling;
    site.first_rack = static_cast<std::uint32_t>(c.racks.size());
    site.first_node = c.node_count();
    site.price_per_kwh = site_spec.price_per_kwh;
    site.carbon_kg_per_kwh = site_spec.carbon_kg_per_kwh;
    site.price_series = site_spec.price_series;
    site.carbon_series = site_spec.carbon_series;
    const auto site_index = static_cast<std::uint32_t>(c.sites.size());
    site.climate = site_spec.climate;
    // Halls: the racks of groups without their own PUE first (one hall with the site's), then one per other group.
    site.first_hall = static_cast<std::uint32_t>(c.halls.size());
    const bool site_hall = std::any_of(site_spec.rack_groups.begin(), site_spec.rack_groups.end(),
                                       [](const RackGroupSpec& g) { return not g.pue; });
    if (site_hall)
      c.halls.push_back(Hall{0, 0, site_spec.pue, 0});
    std::map<std::uint16_t, std::uint32_t> pool_of_type; // deterministic: pools numbered in first-appearance order
    for (const auto& g : site_spec.rack_groups) {
      if (g.pue)
        c.halls.push_back(Hall{0, 0, *g.pue, 0});
      const auto hall_index = g.pue ? static_cast<std::uint32_t>(c.halls.size() - 1) : site.first_hall;
      const auto type = static_cast<std::uint16_t>(
          type_of_catalog[static_cast<std::size_t>(scenario.find_accelerator(g.node.accelerator))]);
      auto [it, added] = pool_of_type.try_emplace(type, static_cast<std::uint32_t>(c.pools.size()));
      if (added)
        c.pools.push_back(Pool{site_index, type, {}, 0, 0, {}, 0, 0, {}, 0, 0});
      Pool& pool = c.pools[it->second];
      const AcceleratorType& t = c.types[type];
      const double node_idle_w = g.node.base_power_w + g.node.accelerators * t.idle_w;
      const double nic_Bps = g.node.nic_Bps > 0 ? g.node.nic_Bps : scenario.network.fabric.nic_Bps;
      const double intra_Bps =
          g.node.intra_node_Bps > 0 ? g.node.intra_node_Bps : scenario.network.fabric.intra_node_Bps;
      for (std::uint32_t r = 0; r < g.racks; r++) {
        const auto rack_index = static_cast<std::uint32_t>(c.racks.size());
        Rack rack;
        rack.name = site_spec.name + "/" + g.name + "-" + std::to_string(r);
        rack.site = site_index;
        rack.first_node = c.node_count();
        rack.node_count = g.nodes_per_rack;
        rack.accelerators = g.nodes_per_rack * g.node.accelerators;
        rack.idle_w = g.nodes_per_rack * node_idle_w;
        rack.delta_w = t.max_w - t.idle_w + (g.node.base_busy_power_w - g.node.base_power_w) / g.node.accelerators;
        rack.power_cap_w = g.power_cap_w;
        if (r == 0) {
          plan_service(rack, g);
        } else { // the group's racks are identical: the same limits over time
          const Rack& first = c.racks[rack_index - r];
          rack.max_busy = first.max_busy;
          rack.initial_limit = first.initial_limit;
          rack.initially_online = first.initially_online;
          rack.changes = first.changes;
        }
        if (not rack.changes.empty())
          pool.varying_racks.push_back(rack_index);
        pool.usable += rack.max_busy;
        pool.max_node_accelerators = std::max(pool.max_node_accelerators, g.node.accelerators);
        pool.max_rack_accelerators = std::max(pool.max_rack_accelerators, rack.accelerators);
        pool.nic_Bps = std::max(pool.nic_Bps, nic_Bps);
        pool.intra_node_Bps = std::max(pool.intra_node_Bps, intra_Bps);
        site.idle_w += rack.idle_w;
        // The most the rack can draw: a capped rack never has more than max_busy accelerators busy, so its load
        // fraction reaches 1 (issue 23: with the nameplate, a capped liquid-cooled hall never got its full-load PUE).
        site.max_w += rack.idle_w + rack.max_busy * rack.delta_w;
        rack.hall = hall_index;
        c.halls[hall_index].idle_w += rack.idle_w;
        c.halls[hall_index].max_w += rack.idle_w + rack.max_busy * rack.delta_w;
        c.racks.push_back(std::move(rack));
        for (std::uint32_t n = 0; n < g.nodes_per_rack; n++) {
          const std::uint32_t node = c.node_count();
          c.node_rack.push_back(rack_index);
          c.node_site.push_back(site_index);
          c.node_pool.push_back(it->second);
          c.node_pos_in_pool.push_back(static_cast<std::uint32_t>(pool.nodes.size()));
          c.node_first_accel.push_back(accel);
          c.node_type.push_back(type);
          c.node_accels.push_back(static_cast<std::uint8_t>(g.node.accelerators));
          c.node_base_w.push_back(g.node.base_power_w);
          c.node_base_busy_w.push_back(g.node.base_busy_power_w);
          c.node_cpu_milli.push_back(g.node.cpu_milli);
          c.node_memory_mib.push_back(g.node.memory_mib);
          c.node_nic_Bps.push_back(nic_Bps);
          c.node_intra_Bps.push_back(intra_Bps);
          pool.nodes.push_back(node);
          if (not pool.runs.empty() && pool.runs.back().second == node)
            pool.runs.back().second = node + 1;
          else
            pool.runs.emplace_back(node, node + 1);
          pool.accelerators += g.node.accelerators;
          for (std::uint32_t a = 0; a < g.node.accelerators; a++)
            c.accel_node.push_back(node);
          accel += g.node.accelerators;
          site.accelerators += g.node.accelerators;
        }
      }
    }
    site.hall_count = static_cast<std::uint32_t>(c.halls.size()) - site.first_hall;
    for (std::uint32_t h = site.first_hall; h < site.first_hall + site.hall_count; h++) {
      Hall& hall = c.halls[h];
      if (hall.pue.cooling && site.climate) { // the loader requires a climate for a weather-driven PUE
        site.weather = true;
        site.wet_bulb = site.wet_bulb || hall.pue.cooling->wet_bulb;
        hall.mean_cooling = mean_overhead(*hall.pue.cooling, site.climate->series_for(*hall.pue.cooling));
      }
    }
    site.rack_count = static_cast<std::uint32_t>(c.racks.size()) - site.first_rack;
    site.node_count = c.node_count() - site.first_node;
    c.sites.push_back(std::move(site));
  }
  std::vector<std::string> names;
  names.reserve(c.sites.size());
  for (const auto& site : c.sites)
    names.push_back(site.name);
  c.topology = Topology::build(names, scenario.network);
  c.fabric = scenario.network.fabric;
  c.pools_of_type.resize(c.types.size());
  c.usable_of_type.assign(c.types.size(), 0);
  c.site_type_pool.assign(c.sites.size() * c.types.size(), UINT32_MAX);
  for (std::uint32_t p = 0; p < c.pools.size(); p++) {
    c.pools_of_type[c.pools[p].type].push_back(p);
    c.usable_of_type[c.pools[p].type] += c.pools[p].usable;
    c.site_type_pool[c.pools[p].site * c.types.size() + c.pools[p].type] = p;
  }
  for (std::uint32_t r = 0; r < c.racks.size(); r++) {
    std::uint32_t limit = c.racks[r].initial_limit;
    for (const auto& change : c.racks[r].changes) {
      c.capacity_changes.emplace_back(change.at_s, r);
      if (change.limit < limit)
        c.capacity_drops.push_back(Drop{change.at_s, r, change.limit});
      limit = change.limit;
    }
  }
  std::sort(c.capacity_changes.begin(), c.capacity_changes.end());
  std::sort(c.capacity_drops.begin(), c.capacity_drops.end(),
            [](const Drop& a, const Drop& b) { return a.at_s != b.at_s ? a.at_s < b.at_s : a.rack < b.rack; });
  return c;
}

double Cluster::site_pue(std::uint32_t s, double load) const
{
  const Site& site = sites[s];
  if (site.hall_count == 1 && not halls[site.first_hall].pue.cooling)
    return halls[site.first_hall].pue.at(load);
  load = std::clamp(load, 1e-9, 1.0);
  double it_w = 0, facility_w = 0;
  for (std::uint32_t h = site.first_hall; h < site.first_hall + site.hall_count; h++) {
    const Hall& hall = halls[h];
    const double hall_it_w = load * hall.max_w;
    it_w += hall_it_w;
    facility_w += hall.pue.facility_without_cooling_w(hall_it_w, hall.max_w) + hall_it_w * hall.mean_cooling;
  }
  return it_w > 0 ? facility_w / it_w : halls[site.first_hall].pue.at(load);
}

std::uint64_t Cluster::accelerators_of_type(std::uint16_t t) const
{
  std::uint64_t n = 0;
  for (const auto& p : pools)
    if (p.type == t)
      n += p.accelerators;
  return n;
}

std::string Cluster::node_name(std::uint32_t node) const
{
  const Rack& rack = racks[node_rack[node]];
  return rack.name + "-n" + std::to_string(node - rack.first_node);
}

std::uint64_t Cluster::stranded_by_caps() const
{
  std::uint64_t n = 0;
  for (const auto& r : racks)
    n += r.accelerators - r.max_busy;
  return n;
}

int Cluster::find_site(std::string_view site_name) const
{
  for (std::size_t i = 0; i < sites.size(); i++)
    if (sites[i].name == site_name)
      return static_cast<int>(i);
  return -1;
}

int Cluster::find_type(std::string_view type_name) const
{
  for (std::size_t i = 0; i < types.size(); i++)
    if (types[i].name == type_name)
      return static_cast<int>(i);
  return -1;
}

} // namespace ccsim
