// src/platform/sg_platform.hpp (private: the only place SimGrid zones are created)
#pragma once

#include "ccsim/cluster/cluster.hpp"

#include <simgrid/s4u.hpp>

#include <vector>

namespace ccsim {

//! SimGrid handles of the materialized platform.
struct SgPlatform {
  simgrid::s4u::NetZone* world = nullptr;
  simgrid::s4u::Host* controller = nullptr; //!< where ccsim's controller actor runs
  std::vector<simgrid::s4u::NetZone*> site_zones;
  std::vector<simgrid::s4u::Host*> node_hosts;    //!< indexed by node
  std::vector<simgrid::s4u::Host*> storage_hosts; //!< indexed by site: source and sink of data staging
  std::vector<simgrid::s4u::Host*> fabric_hosts;  //!< indexed by site: ends of collectives crossing sites
};

//! Builds the platform in SimGrid: a full zone "world" holding one star zone per site (one host per node,
//! cores = accelerators, speed = the type's best peak FLOP/s; a storage host behind a link of the fabric's
//! storage bandwidth; a fabric host, where collectives crossing sites leave and enter, behind a link of the
//! site's NICs together) and a controller host. Every topology link is a split-duplex SimGrid link (each direction
//! has the full bandwidth; transfers in one direction share it), and the world zone holds one route per ordered
//! pair of sites: the topology's lowest-latency path. Star zones keep routing linear in hosts; the world table is
//! sites x sites (no Floyd/Full tables over all nodes).
SgPlatform materialize_platform(const Cluster& cluster);

} // namespace ccsim
