// src/perf/comm_model.cpp
#include "ccsim/perf/comm_model.hpp"

#include <algorithm>
#include <bit>
#include <limits>

namespace ccsim {

namespace {

CommPath level_path(const Cluster& c, CommLevel level)
{
  const FabricSpec& f = c.fabric;
  switch (level) {
    case CommLevel::NODE:
      return {level, f.intra_node_latency_s, f.intra_node_Bps};
    case CommLevel::RACK: // node -> top-of-rack switch -> node
      return {level, 2 * f.hop_latency_s, f.nic_Bps};
    default: // node -> top of rack -> spine -> top of rack -> node
      return {level, 4 * f.hop_latency_s, f.nic_Bps / f.rack_oversubscription};
  }
}

} // namespace

double ring_allreduce_s(std::uint32_t participants, double bytes, double latency_s, double bandwidth_Bps)
{
  if (participants <= 1)
    return 0;
  const double p = participants;
  return 2 * (p - 1) * latency_s + 2 * (p - 1) / p * bytes / bandwidth_Bps;
}

CommPath comm_path(const Cluster& c, std::span<const NodeSlots> slots)
{
  if (slots.size() <= 1)
    return level_path(c, CommLevel::NODE);
  bool one_rack = true;
  bool one_site = true;
  for (const auto& s : slots) {
    one_rack = one_rack && c.node_rack[s.node] == c.node_rack[slots.front().node];
    one_site = one_site && c.node_site[s.node] == c.node_site[slots.front().node];
  }
  if (one_rack)
    return level_path(c, CommLevel::RACK);
  CommPath path = level_path(c, CommLevel::SITE);
  if (one_site)
    return path;
  // Several sites: the ring crosses the slowest inter-site route among the sites it uses.
  std::vector<std::uint32_t> sites;
  for (const auto& s : slots)
    sites.push_back(c.node_site[s.node]);
  std::sort(sites.begin(), sites.end());
  sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
  double wan_latency = 0;
  double wan_bandwidth = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < sites.size(); i++)
    for (std::size_t j = i + 1; j < sites.size(); j++) {
      wan_latency = std::max(wan_latency, c.topology.latency_s(sites[i], sites[j]));
      wan_bandwidth = std::min(wan_bandwidth, c.topology.bandwidth_Bps(sites[i], sites[j]));
    }
  return {CommLevel::MULTI_SITE, path.latency_s + wan_latency, std::min(path.bandwidth_Bps, wan_bandwidth)};
}

CommPath reference_path(const Cluster& c, std::uint32_t pool, std::uint32_t accelerators)
{
  const Pool& p = c.pools[pool];
  if (accelerators <= p.max_node_accelerators)
    return level_path(c, CommLevel::NODE);
  return level_path(c, accelerators <= p.max_rack_accelerators ? CommLevel::RACK : CommLevel::SITE);
}

double comm_slowdown(const Cluster& c, const Job& job, std::span<const NodeSlots> slots)
{
  if (job.comm_share <= 0 || job.accelerators <= 1 || slots.empty())
    return 1;
  const CommPath actual = comm_path(c, slots);
  const CommPath ref = reference_path(c, c.node_pool[slots.front().node], job.accelerators);
  if (actual.level <= ref.level)
    return 1;
  const double t_actual =
      ring_allreduce_s(job.accelerators, job.allreduce_bytes, actual.latency_s, actual.bandwidth_Bps);
  const double t_ref = ring_allreduce_s(job.accelerators, job.allreduce_bytes, ref.latency_s, ref.bandwidth_Bps);
  return (1 - job.comm_share) + job.comm_share * t_actual / t_ref;
}

} // namespace ccsim
