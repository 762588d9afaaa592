// include/ccsim/perf/comm_model.hpp: how long a job's collectives take where it is placed (docs/model.md "Communication").
#pragma once

#include "ccsim/cluster/state.hpp"
#include "ccsim/workload/job.hpp"

#include <cstdint>
#include <limits>
#include <span>

namespace ccsim {

//! The groups a hierarchical all-reduce over a placement works in: a ring inside each node, then one across the
//! nodes of each rack, across the racks of each site and across the sites, each on the level's latency and on
//! the bandwidth the group's nodes have together (docs/model.md "Communication"). Uneven groups: the largest
//! ring and the fewest nodes, i.e. the slowest group of each level.
struct CommShape {
  std::uint32_t node_ring = 1;      //!< most of the job's accelerators on one node
  std::uint32_t rack_ring = 1;      //!< most of the job's nodes in one rack
  std::uint32_t site_ring = 1;      //!< most of the job's racks at one site
  std::uint32_t sites = 1;          //!< sites the job uses
  std::uint32_t rack_min_nodes = 1; //!< fewest of the job's nodes in one of its racks (spread over racks)
  std::uint32_t site_min_nodes = 1; //!< fewest of the job's nodes at one of its sites (spread over sites)
  double wan_latency_s = 0;         //!< the longest one-way route latency between two of its sites, s
  double wan_Bps = std::numeric_limits<double>::infinity(); //!< the narrowest route between two of them, bytes/s
  double nic_Bps = 0;        //!< the slowest NICs (a node's together) among its nodes, bytes/s
  double intra_node_Bps = 0; //!< the slowest accelerator links inside one of its nodes, bytes/s
};

//! Ring all-reduce of `bytes` over `participants`: 2 (p - 1) latency + 2 (p - 1) / p x bytes / bandwidth, s
//! (0 for one participant).
double ring_allreduce_s(std::uint32_t participants, double bytes, double latency_s, double bandwidth_Bps);

//! The shape of a placement (pieces in any pools; sites joined by the topology's routes).
CommShape comm_shape(const Cluster& cluster, std::span<const NodeSlots> slots);
//! The shape of the most compact placement of `accelerators` in pool `pool`: its nodes full (the largest of the
//! pool), in as few racks as its largest rack allows, at one site.
CommShape reference_shape(const Cluster& cluster, std::uint32_t pool, std::uint32_t accelerators);
//! Hierarchical all-reduce of `bytes` over a shape: the sum of each level's ring (docs/model.md), s.
double allreduce_s(const Cluster& cluster, const CommShape& shape, double bytes);

//! A job's collectives at its reference: the fastest eligible type present in the platform, at the most compact
//! placement of its pool with the largest nodes, then racks. The job makes collectives_s / allreduce_s
//! all-reduces per run, wherever it runs.
struct CommReference {
  double collectives_s = 0; //!< comm_share x its run time on that type (or steps x allreduce_s), s
  double allreduce_s = 0;   //!< one all-reduce at that placement, s
  double runtime_s = 0;     //!< its run time on that type, s
};
//! The reference of a job whose eligible_types are resolved ({0, 0, 0} without comm_share or steps, or with one
//! accelerator). A job with steps (LLM training) makes that many all-reduces: collectives_s = steps x allreduce_s.
CommReference comm_reference(const Cluster& cluster, const Job& job);

//! The job's run time (compute plus collectives) on pool `pool` at a placement of this shape:
//! runtime_s + steps x allreduce_s(shape) - comm_share x runtime_s (steps from the job's resolved reference), s.
double run_time_s(const Cluster& cluster, const Job& job, std::uint32_t pool, const CommShape& shape);

//! Where a job runs and how much its placement's network costs it: its run time there and at its pool's
//! reference placement.
struct PlacedRun {
  double run_s = 0; //!< s, at this placement
  //! run_s over the run at the most compact placement in the same pool, at least 1 (an uneven placement at the reference level may be a little faster)
  double comm_slowdown = 1;
};
//! The run of a job placed on `slots` (its pool: the first piece's).
PlacedRun placed_run(const Cluster& cluster, const Job& job, std::span<const NodeSlots> slots);

} // namespace ccsim
