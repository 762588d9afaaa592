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
  std::vector<simgrid::s4u::Host*> node_hosts; //!< indexed by node
};

//! Builds the platform in SimGrid: a full zone "world" holding one star zone per site (one host per node,
//! cores = accelerators, speed = the type's best peak FLOP/s) and a controller host.
//! Star zones keep routing linear in hosts (no Floyd/Full tables over all nodes).
SgPlatform materialize_platform(const Cluster& cluster);

} // namespace ccsim
