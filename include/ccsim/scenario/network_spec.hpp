// include/ccsim/scenario/network_spec.hpp: the scenario's "network": tiers, hubs, inter-site links, the fabric.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ccsim {

//! Latency class of an inter-site link (the national computing network's guaranteed round-trip classes).
//! Ordered: a path's tier is the highest tier of its links.
enum class Tier : std::uint8_t { METRO, REGIONAL, NATIONAL };
inline constexpr std::size_t TIER_COUNT = 3;
inline constexpr std::array<std::string_view, TIER_COUNT> TIER_NAMES = {"metro", "regional", "national"};
//! Default round-trip time of each tier, seconds (domain facts: 1 ms metro, 5 ms regional, 20 ms national).
//! A link's one-way latency defaults to half of it.
inline constexpr std::array<double, TIER_COUNT> DEFAULT_TIER_RTT_S = {1e-3, 5e-3, 20e-3};

//! One inter-site link, full duplex (each direction has the whole bandwidth).
struct LinkSpec {
  std::string from, to; //!< site or hub names
  Tier tier = Tier::NATIONAL;
  double latency_s = 0;     //!< one-way latency, s
  double bandwidth_Bps = 0; //!< bytes/s per direction (given in the file in Gb/s)
};

//! The network inside a site and inside a node (analytical: docs/model.md "Network").
struct FabricSpec {
  double hop_latency_s = 2e-6; //!< one-way latency of one switch hop inside a site, s
  //! a node's NICs together (the aggregate its accelerators share), bytes/s; default an HGX H100 / H20 node's
  //! 8 x 400 Gb/s rail NICs (docs/model.md "Communication")
  double nic_Bps = 3200e9 / 8;
  double intra_node_latency_s = 1e-6; //!< one-way latency between accelerators of one node, s
  double intra_node_Bps = 3600e9 / 8; //!< per-accelerator bandwidth inside a node (NVLink class), bytes/s
  double rack_oversubscription = 1;   //!< rack uplink oversubscription: cross-rack bandwidth = NIC / this
  double storage_Bps = 400e9 / 8;     //!< a site's storage to its gateway, bytes/s (staging source and sink)
};

//! How one data transfer between sites moves (docs/model.md "Data staging"): TCP flows whose window caps each
//! flow's rate at window / round-trip time. Defaults: tuned data-transfer nodes (buffers at the bandwidth-delay
//! product of a 100 Gb/s, 20 ms path, 250 MB; parallel streams as GridFTP / Globus use them).
struct TransferSpec {
  double tcp_window_bytes = 256.0 * 1024 * 1024; //!< per stream, bytes
  std::uint32_t streams = 4;                     //!< parallel TCP streams per transfer
  //! Bytes in flight per transfer: the rate cap is this over the route's round-trip time.
  double window_bytes() const { return tcp_window_bytes * streams; }
};

//! Scenario "network": hubs (routers that are not sites), inter-site links, the fabric and transfers.
struct NetworkSpec {
  std::vector<std::string> hubs;
  std::vector<LinkSpec> links;
  FabricSpec fabric;
  TransferSpec transfers;
  std::array<double, TIER_COUNT> tier_rtt_s = DEFAULT_TIER_RTT_S;
};

} // namespace ccsim
