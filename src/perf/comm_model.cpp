// src/perf/comm_model.cpp
#include "ccsim/perf/comm_model.hpp"

#include "ccsim/perf/runtime.hpp"

#include <algorithm>
#include <bit>
#include <utility>
#include <vector>

namespace ccsim {

double ring_allreduce_s(std::uint32_t participants, double bytes, double latency_s, double bandwidth_Bps)
{
  if (participants <= 1)
    return 0;
  const double p = participants;
  return 2 * (p - 1) * latency_s + 2 * (p - 1) / p * bytes / bandwidth_Bps;
}

CommShape comm_shape(const Cluster& c, std::span<const NodeSlots> slots)
{
  CommShape shape;
  shape.nic_Bps = shape.intra_node_Bps = std::numeric_limits<double>::infinity();
  for (const auto& s : slots) {
    shape.node_ring = std::max(shape.node_ring, static_cast<std::uint32_t>(std::popcount(s.mask)));
    shape.nic_Bps = std::min(shape.nic_Bps, c.node_nic_Bps[s.node]);
    shape.intra_node_Bps = std::min(shape.intra_node_Bps, c.node_intra_Bps[s.node]);
  }
  if (slots.size() <= 1)
    return shape;
  // (site, rack) of each node, grouped: nodes per rack, racks and nodes per site.
  thread_local std::vector<std::pair<std::uint32_t, std::uint32_t>> where;
  where.clear();
  for (const auto& s : slots)
    where.emplace_back(c.node_site[s.node], c.node_rack[s.node]);
  std::sort(where.begin(), where.end());
  shape.rack_ring = 0;
  shape.rack_min_nodes = UINT32_MAX;
  shape.site_min_nodes = UINT32_MAX;
  shape.sites = 0;
  thread_local std::vector<std::uint32_t> sites;
  sites.clear();
  for (std::size_t i = 0; i < where.size();) {
    const std::uint32_t site = where[i].first;
    std::uint32_t site_nodes = 0;
    std::uint32_t site_racks = 0;
    while (i < where.size() && where[i].first == site) {
      std::size_t j = i;
      while (j < where.size() && where[j] == where[i])
        j++;
      const auto rack_nodes = static_cast<std::uint32_t>(j - i);
      shape.rack_ring = std::max(shape.rack_ring, rack_nodes);
      shape.rack_min_nodes = std::min(shape.rack_min_nodes, rack_nodes);
      site_nodes += rack_nodes;
      site_racks++;
      i = j;
    }
    shape.site_ring = std::max(shape.site_ring, site_racks);
    shape.site_min_nodes = std::min(shape.site_min_nodes, site_nodes);
    sites.push_back(site);
  }
  shape.sites = static_cast<std::uint32_t>(sites.size());
  if (shape.sites > 1) // the sites' ring crosses the slowest route among them
    for (std::size_t i = 0; i < sites.size(); i++)
      for (std::size_t j = i + 1; j < sites.size(); j++) {
        shape.wan_latency_s = std::max(shape.wan_latency_s, c.topology.latency_s(sites[i], sites[j]));
        shape.wan_Bps = std::min(shape.wan_Bps, c.topology.bandwidth_Bps(sites[i], sites[j]));
      }
  return shape;
}

CommShape reference_shape(const Cluster& c, std::uint32_t pool, std::uint32_t accelerators)
{
  const Pool& p = c.pools[pool];
  CommShape shape;
  shape.nic_Bps = p.nic_Bps;
  shape.intra_node_Bps = p.intra_node_Bps;
  const std::uint32_t per_node = std::max(1U, p.max_node_accelerators);
  shape.node_ring = std::min(accelerators, per_node);
  const std::uint32_t nodes = (accelerators + per_node - 1) / per_node;
  if (nodes <= 1)
    return shape;
  shape.rack_ring = shape.rack_min_nodes = shape.site_min_nodes = nodes;
  if (accelerators <= p.max_rack_accelerators)
    return shape;
  // As few racks as the largest rack allows, the nodes spread evenly over them.
  const std::uint32_t per_rack = std::max(1U, p.max_rack_accelerators / per_node);
  const std::uint32_t racks = (nodes + per_rack - 1) / per_rack;
  shape.rack_ring = (nodes + racks - 1) / racks;
  shape.rack_min_nodes = nodes / racks;
  shape.site_ring = racks;
  shape.site_min_nodes = nodes;
  return shape;
}

double allreduce_s(const Cluster& c, const CommShape& s, double bytes)
{
  // Hierarchical: reduce-scatter inward, all-reduce at the widest level, all-gather outward. Every level's ring
  // moves 2 (k - 1) / k of the bytes through the bandwidth its groups' nodes have together: a node's accelerators
  // share its NIC, the nodes of a rack their uplinks (oversubscribed) across racks, a site's nodes the route
  // between sites.
  const FabricSpec& f = c.fabric;
  const double cross_rack_Bps = s.nic_Bps / f.rack_oversubscription;
  return ring_allreduce_s(s.node_ring, bytes, f.intra_node_latency_s, s.intra_node_Bps) +
         ring_allreduce_s(s.rack_ring, bytes, 2 * f.hop_latency_s, s.nic_Bps) +
         ring_allreduce_s(s.site_ring, bytes, 4 * f.hop_latency_s, s.rack_min_nodes * cross_rack_Bps) +
         ring_allreduce_s(s.sites, bytes, 4 * f.hop_latency_s + s.wan_latency_s,
                          std::min(s.wan_Bps, s.site_min_nodes * cross_rack_Bps));
}

CommReference comm_reference(const Cluster& c, const Job& job)
{
  const bool allreduce_steps = job.steps > 0 && job.step_table == nullptr; // LLM training's (not measured steps)
  if ((job.comm_share <= 0 && not allreduce_steps) || job.accelerators <= 1)
    return {};
  // The fastest eligible type present in the platform (the first of equals), in its pool with the largest nodes,
  // then racks (the first of equals).
  double fastest_s = 0;
  std::uint32_t best_pool = UINT32_MAX;
  for (std::size_t t = 0; t < c.types.size(); t++) {
    if ((job.eligible_types >> t & 1U) == 0 || c.pools_of_type[t].empty())
      continue;
    const double run = runtime_s(job, c.types[t]);
    if (best_pool != UINT32_MAX && not(run < fastest_s))
      continue;
    fastest_s = run;
    best_pool = c.pools_of_type[t].front();
    for (const std::uint32_t p : c.pools_of_type[t]) {
      const Pool& a = c.pools[p];
      const Pool& b = c.pools[best_pool];
      if (std::pair(a.max_node_accelerators, a.max_rack_accelerators) >
          std::pair(b.max_node_accelerators, b.max_rack_accelerators))
        best_pool = p;
    }
  }
  if (best_pool == UINT32_MAX)
    return {};
  const double allreduce = allreduce_s(c, reference_shape(c, best_pool, job.accelerators), job.allreduce_bytes);
  if (not(allreduce > 0))
    return {};
  return {allreduce_steps ? job.steps * allreduce : job.comm_share * fastest_s, allreduce, fastest_s};
}

double run_time_s(const Cluster& c, const Job& job, std::uint32_t pool, const CommShape& shape)
{
  const double alone_s = runtime_s(job, c.types[c.pools[pool].type]);
  if (job.comm_reference_s <= 0 || job.allreduce_reference_s <= 0)
    return alone_s;
  // run = runtime + (collectives here - comm_share x runtime): written so that the reference placement on the
  // reference type gives exactly the job's run time.
  const double collectives_s =
      job.comm_reference_s * (allreduce_s(c, shape, job.allreduce_bytes) / job.allreduce_reference_s);
  return alone_s + (collectives_s - job.comm_share * alone_s);
}

PlacedRun placed_run(const Cluster& c, const Job& job, std::span<const NodeSlots> slots)
{
  if (slots.empty())
    return {};
  const std::uint32_t pool = c.node_pool[slots.front().node];
  if (job.comm_reference_s <= 0 || job.allreduce_reference_s <= 0) {
    const double alone_s = runtime_s(job, c.types[c.pools[pool].type]);
    return {alone_s, 1};
  }
  const double reference = run_time_s(c, job, pool, reference_shape(c, pool, job.accelerators));
  const double here = run_time_s(c, job, pool, comm_shape(c, slots));
  if (not(here > reference))
    return {reference, 1};
  return {here, here / reference};
}

} // namespace ccsim
