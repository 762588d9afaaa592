// include/ccsim/network/topology.hpp: the inter-site network as a graph, with the routes between sites.
#pragma once

#include "ccsim/scenario/network_spec.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace ccsim {

//! The inter-site network as a graph (Boost.Graph): sites and hubs are vertices, links are edges weighted by
//! latency. Routes are the lowest-latency paths (Dijkstra), computed once for every pair of sites, so queries
//! are O(1) and the SimGrid platform uses the very same routes.
class Topology {
public:
  struct Hop {
    std::uint32_t link = 0; //!< index into links()
    bool forward = true;    //!< traversed from its `from` end to its `to` end
  };

  Topology() = default;
  //! Builds the graph over `site_names` (vertices 0..sites-1) and the spec's hubs. Link ends are resolved by
  //! name; the caller has validated them (an unknown name throws std::invalid_argument).
  static Topology build(std::span<const std::string> site_names, const NetworkSpec& spec);

  std::uint32_t site_count() const { return sites_; }
  const std::vector<LinkSpec>& links() const { return links_; }
  bool reachable(std::uint32_t a, std::uint32_t b) const { return a == b || pair(a, b).reachable; }
  //! One-way latency of the route from a to b, s (0 when a == b; +inf when unreachable).
  double latency_s(std::uint32_t a, std::uint32_t b) const { return a == b ? 0.0 : pair(a, b).latency_s; }
  //! Smallest link bandwidth on the route, bytes/s (+inf when a == b).
  double bandwidth_Bps(std::uint32_t a, std::uint32_t b) const
  {
    return a == b ? std::numeric_limits<double>::infinity() : pair(a, b).bandwidth_Bps;
  }
  //! Highest tier on the route (a != b, reachable).
  Tier tier(std::uint32_t a, std::uint32_t b) const { return pair(a, b).tier; }
  //! The route's links in order from a to b (empty when a == b).
  std::span<const Hop> route(std::uint32_t a, std::uint32_t b) const;
  //! Bytes one transfer keeps in flight (TCP window x streams, NetworkSpec::transfers).
  double window_bytes() const { return window_bytes_; }
  //! Rate of one transfer alone on the route: the bottleneck bandwidth, at most window / round-trip time, bytes/s.
  double transfer_rate_Bps(std::uint32_t a, std::uint32_t b) const
  {
    const double rtt_s = 2 * latency_s(a, b);
    return rtt_s > 0 ? std::min(bandwidth_Bps(a, b), window_bytes_ / rtt_s) : bandwidth_Bps(a, b);
  }
  //! Time for `bytes` alone on the route: latency + bytes / transfer rate, s (0 when a == b).
  double transfer_time_s(std::uint32_t a, std::uint32_t b, double bytes) const
  {
    return a == b ? 0.0 : latency_s(a, b) + bytes / transfer_rate_Bps(a, b);
  }
  //! Whether every pair of sites is connected.
  bool connected() const;
  //! The first pair (a < b) with no path, or {0, 0} when connected.
  std::pair<std::uint32_t, std::uint32_t> first_unreachable() const;

private:
  struct Pair {
    bool reachable = false;
    Tier tier = Tier::METRO;
    double latency_s = std::numeric_limits<double>::infinity();
    double bandwidth_Bps = 0;
    std::uint32_t first_hop = 0, hops = 0; //!< range of hops_
  };
  const Pair& pair(std::uint32_t a, std::uint32_t b) const { return pairs_[static_cast<std::size_t>(a) * sites_ + b]; }

  std::uint32_t sites_ = 0;
  std::vector<LinkSpec> links_;
  double window_bytes_ = TransferSpec{}.window_bytes();
  std::vector<Pair> pairs_; //!< sites x sites, row-major
  std::vector<Hop> hops_;
};

} // namespace ccsim
