// src/platform/sg_platform.cpp
#include "sg_platform.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace sg4 = simgrid::s4u;

namespace ccsim {

SgPlatform materialize_platform(const Cluster& cluster)
{
  SgPlatform p;
  p.world = sg4::create_full_zone("world");
  p.controller = p.world->create_host("ccsim-controller", 1e9);
  for (const auto& site : cluster.sites) {
    auto* zone = sg4::create_star_zone(site.name);
    zone->set_parent(p.world);
    zone->create_router(site.name + "-gw");
    for (std::uint32_t n = site.first_node; n < site.first_node + site.node_count; n++) {
      const auto& type = cluster.types[cluster.node_type[n]];
      const double speed = std::max(1.0, *std::max_element(type.peak_flop_per_s.begin(), type.peak_flop_per_s.end()));
      sg4::Host* host = zone->create_host(cluster.node_name(n), speed)->set_core_count(cluster.node_accels[n]);
      // SimGrid's host-energy plugin reads this (if enabled): idle = epsilon = base + n x idle, all cores busy =
      // base + n x max, linear in busy cores in between -- the same node power as ccsim's model (docs/model.md).
      const double accels = cluster.node_accels[n];
      const double idle_w = cluster.node_base_w[n] + accels * type.idle_w;
      const double busy_w = cluster.node_base_w[n] + accels * type.max_w;
      host->set_property("wattage_per_state", fmt::format("{}:{}:{}", idle_w, idle_w, busy_w));
      host->set_property("wattage_off", "0");
      p.node_hosts.push_back(host);
    }
    p.site_zones.push_back(zone->seal());
  }
  p.world->seal();
  return p;
}

} // namespace ccsim
