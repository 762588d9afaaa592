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
      const double busy_w = cluster.node_base_busy_w[n] + accels * type.max_w;
      host->set_property("wattage_per_state", fmt::format("{}:{}:{}", idle_w, idle_w, busy_w));
      host->set_property("wattage_off", "0");
      p.node_hosts.push_back(host);
    }
    // Data staging moves bytes between sites' storage hosts: storage -> gateway -> inter-site route -> gateway.
    sg4::Host* storage = zone->create_host(site.name + "-storage", 1e9);
    const sg4::Link* storage_link =
        zone->create_split_duplex_link(site.name + "-storage", cluster.fabric.storage_Bps)->set_latency(0)->seal();
    zone->add_route(storage->get_netpoint(), nullptr, nullptr, nullptr,
                    {{storage_link, sg4::LinkInRoute::Direction::UP}}, true);
    p.storage_hosts.push_back(storage);
    // Collectives that cross sites leave through the site's nodes' NICs (together) to its gateway.
    double nics_Bps = 0;
    for (std::uint32_t n = site.first_node; n < site.first_node + site.node_count; n++)
      nics_Bps += cluster.node_nic_Bps[n];
    sg4::Host* fabric = zone->create_host(site.name + "-fabric", 1e9);
    const sg4::Link* fabric_link =
        zone->create_split_duplex_link(site.name + "-fabric", std::max(nics_Bps, 1.0))->set_latency(0)->seal();
    zone->add_route(fabric->get_netpoint(), nullptr, nullptr, nullptr, {{fabric_link, sg4::LinkInRoute::Direction::UP}},
                    true);
    p.fabric_hosts.push_back(fabric);
    p.site_zones.push_back(zone->seal());
  }
  const Topology& topo = cluster.topology;
  std::vector<const sg4::Link*> links;
  links.reserve(topo.links().size());
  for (std::size_t l = 0; l < topo.links().size(); l++) {
    const LinkSpec& spec = topo.links()[l];
    links.push_back(
        p.world->create_split_duplex_link(fmt::format("{}--{}#{}", spec.from, spec.to, l), spec.bandwidth_Bps)
            ->set_latency(spec.latency_s)
            ->seal());
  }
  auto* engine = sg4::Engine::get_instance();
  std::vector<sg4::LinkInRoute> route;
  for (std::uint32_t a = 0; a < cluster.sites.size(); a++)
    for (std::uint32_t b = 0; b < cluster.sites.size(); b++) {
      if (a == b || not topo.reachable(a, b))
        continue;
      route.clear();
      for (const auto& hop : topo.route(a, b))
        route.emplace_back(links[hop.link],
                           hop.forward ? sg4::LinkInRoute::Direction::UP : sg4::LinkInRoute::Direction::DOWN);
      p.world->add_route(p.site_zones[a]->get_netpoint(), p.site_zones[b]->get_netpoint(),
                         engine->netpoint_by_name(cluster.sites[a].name + "-gw"),
                         engine->netpoint_by_name(cluster.sites[b].name + "-gw"), route, false);
    }
  p.world->seal();
  return p;
}

} // namespace ccsim
